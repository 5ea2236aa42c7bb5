"""Who must endorse each submit of the SDK, from the contract's key-level policies, and which orgs the SDK names.

Fabric's validation (core/common/validation/statebased, validator_keylevel.go and v20.go) checks, for
every key a transaction writes or whose key-level policy it writes, the policy the key had *before*
the transaction; the chaincode policy (any two of the channel's orgs) once if any written key has no
key-level policy, or if it writes none; and a collection's endorsement policy for its private writes.
The Gateway plans endorsers from the same facts when the client names none: the first endorser's
simulation reports the committed policies of the keys it writes (core/endorser/endorser.go,
buildChaincodeInterest) and discovery combines them with the chaincode policy. When the client names
orgs, the Gateway endorses on exactly those and checks nothing, so those are what must be right.

Here the real contract runs on MemoryLedger behind a stand-in for the Gateway Contract
(tests/unit/ledger_contract.py): every submit is kept with the orgs the SDK named and the orgs that rule requires,
computed from the ledger as it stood before the transaction. The table below is the one in
docs/sdk-receivables.md ("Who endorses").
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from chaincode.receivables import keys, upgrade
from chaincode.receivables.collections import collections_config
from chaincode.receivables.config import NetworkConfig
from chaincode.shim import KeyEndorsementPolicy, create_composite_key, split_composite_key
from chaincode.testing import make_identity
from client.invoices.fingerprint import fingerprint_of
from client.ledger.lifecycle import EndorsementRule
from client.receivables import (
    DiscountOfferRequest,
    FinancingTerms,
    InvoiceAttestationRequest,
    InvoiceInput,
    ReceivableRegistration,
    ReceivablesClient,
    client_id_of,
)

from ..ledger_contract import Channel, Snapshot, changed_keys
from .chaincode_policy import deploy_on
from .test_contract_agreement import credit_code

CORE, SUPPLIER, SUPPLIER2, BANK, REGULATOR = (
    "CoreEnterpriseMSP", "SupplierMSP", "Supplier2MSP", "BankMSP", "RegulatorMSP")
# the default orgs plus a second supplier org, so a claim can pass to a party of another org
CONFIG = NetworkConfig(org_roles={CORE: ("core_enterprise",), SUPPLIER: ("supplier",), SUPPLIER2: ("supplier",),
                                  BANK: ("financier",), REGULATOR: ("regulator",)})
REGULATOR_ORGS = CONFIG.msps_with_role("regulator")   # a frozen claim's key names them too (docs/receivables.md)


def collection_orgs(config: NetworkConfig) -> dict[str, frozenset[str]]:
    """Each private data collection of ``config`` and the orgs its endorsement policy names (their peers)."""
    return {c["name"]: frozenset(re.findall(r"'([^']+)\.(?:member|peer)'",
                                            c["endorsementPolicy"]["signaturePolicy"]))
            for c in collections_config(config)}


COLLECTION_ORGS = collection_orgs(CONFIG)


@dataclass(frozen=True)
class Needed:
    """What validation requires of a transaction's endorsers: each of ``orgs`` (key-level and collection
    policies), and, when ``any_two``, the chaincode's endorsement policy: two distinct channel orgs, the topology's,
    unless :meth:`met_by` is given the one deployed."""

    orgs: frozenset[str]
    any_two: bool

    def met_by(self, endorsers: list[str], chaincode: EndorsementRule | None = None) -> bool:
        """Whether one peer of each of ``endorsers`` meets it; ``chaincode``: the chaincode's policy as deployed
        (``chaincode_policy.deploy_on``), where it is not the topology's."""
        chosen = set(endorsers)
        if not self.orgs <= chosen or not self.any_two:
            return self.orgs <= chosen
        return chaincode.met_by(endorsers) if chaincode else len(chosen & set(CONFIG.msp_ids)) >= 2


@dataclass(frozen=True)
class Submit:
    transaction: str
    named: list[str] | None  # the endorsing organisations the SDK sent; None: the Gateway plans them
    needed: Needed


def needed_between(before: Snapshot, after: Snapshot, collections_of: dict[str, frozenset[str]] = COLLECTION_ORGS
                   ) -> Needed:
    """The endorsement a transaction needs, from the ledger before and after it: the policies in force
    before it on the keys it wrote (values or key-level policies) and the collections it wrote; the
    chaincode policy when it wrote nothing at all (validator_keylevel.go, ``checkCCEPIfNotChecked``)."""
    orgs: set[str] = set()
    written = changed_keys(before.state, after.state) | changed_keys(before.policies, after.policies)
    collections = changed_keys(before.private, after.private)
    any_two = not written and not collections
    for key in written:
        if key in before.policies:
            orgs |= set(KeyEndorsementPolicy(before.policies[key]).list_orgs())
        else:
            any_two = True
    for collection in collections:
        orgs |= collections_of[collection]
    return Needed(frozenset(orgs), any_two)


def submits_of(channel: Channel) -> list[Submit]:
    """Every committed submit with the orgs the SDK named and what validation needed of it."""
    collections_of = collection_orgs(channel.config)
    return [Submit(s.transaction, s.named, needed_between(s.before, s.after, collections_of)) for s in channel.submits]


@dataclass
class Party:
    uscc: str
    client: ReceivablesClient
    admin: ReceivablesClient


def register(channel: Channel, n: int, msp: str, role: str, name: str) -> Party:
    user, admin = make_identity(msp, f"{name}-user"), make_identity(msp, f"{name}-admin", ou="admin")
    admin_client = channel.client(admin)
    admin_client.register_party(credit_code(n), name, role, msp, [client_id_of(user.certificate)])
    return Party(credit_code(n), channel.client(user), admin_client)


def claim(channel: Channel, creditor: Party, debtor: Party, number: str, due_in: int = 90, *,
          confirmed: bool = True) -> str:
    """A claim of 1,130.00 registered by ``creditor`` and, unless told not, confirmed by ``debtor``."""
    registration = ReceivableRegistration(
        debtor=debtor.uscc, face_amount=Decimal("1130.00"), issue_date=channel.today(),
        due_date=channel.today(due_in), contract_hash=hashlib.sha256(number.encode()).hexdigest(),
        invoices=[InvoiceInput(number=number, date=channel.today(-1), amount=Decimal("1000.00"),
                               tax=Decimal("130.00"), seller_tax_id=creditor.uscc, buyer_tax_id=debtor.uscc)])
    receivable_id = creditor.client.register_receivable(registration).id
    if confirmed:
        debtor.client.confirm(receivable_id)
    return receivable_id


def terms(channel: Channel) -> FinancingTerms:
    return FinancingTerms(advance_rate=Decimal("0.9"), discount_rate=Decimal("0.036"), recourse=False,
                          expires_on=channel.today(30))


ANY_TWO = frozenset()  # no key-level or collection policy: the chaincode's "any two orgs" alone
# (transaction, the orgs every one of which must endorse it), in the order the story below submits them
STORY = [
    *[("RegisterParty", ANY_TWO)] * 5,
    ("BindPartyIdentity", frozenset({SUPPLIER})),               # the party record's own org (and any other)
    ("UnbindPartyIdentity", frozenset({SUPPLIER})),             # the party's org alone: the binding has its policy
    ("RenameParty", frozenset({SUPPLIER})),                     # the party record alone, under its org's policy
    ("RegisterReceivable", ANY_TWO),                            # a new key: it sets the claim's policy
    ("ConfirmReceivable", frozenset({CORE, SUPPLIER})),         # the policy set at registration
    ("TransferReceivable", frozenset({CORE, SUPPLIER})),        # split: the parent's debtor and holder
    ("RequestFinancing", frozenset({CORE, SUPPLIER})),
    ("MakeFinancingOffer", frozenset({SUPPLIER, BANK})),        # the terms collection's policy
    ("AcceptFinancingOffer", frozenset({CORE, SUPPLIER})),      # the policy before: the bank joins it here
    ("RecordDisbursement", frozenset({CORE, SUPPLIER, BANK})),
    ("AcknowledgeAssignment", frozenset({CORE, BANK})),         # the notice only: the debtor's and the bank's
    ("FreezeReceivable", frozenset({CORE, SUPPLIER, BANK})),    # the policy before: the freeze adds the regulator's org
    ("UnfreezeReceivable", frozenset({CORE, SUPPLIER, BANK, REGULATOR})),   # which it drops again
    ("RecordPayment", frozenset({CORE, SUPPLIER, SUPPLIER2, BANK})),  # every leaf paid: both holders, the bank
    ("RecordRepayment", frozenset({CORE, SUPPLIER, BANK})),     # the policy before: repayment drops the bank
    ("RegisterReceivable", ANY_TWO),
    ("ConfirmReceivable", frozenset({CORE, SUPPLIER})),
    ("TransferReceivable", frozenset({CORE, SUPPLIER})),        # to another org's party: not the recipient's org
    ("RequestFinancing", frozenset({CORE, SUPPLIER2})),         # from then on, the new holder's org
    ("WithdrawFinancing", frozenset({CORE, SUPPLIER2})),
    ("RegisterReceivable", ANY_TWO),
    ("ConfirmReceivable", frozenset({CORE, SUPPLIER})),
    ("RequestFinancing", frozenset({CORE, SUPPLIER})),
    ("MakeFinancingOffer", frozenset({SUPPLIER, BANK})),
    ("WithdrawFinancingOffer", frozenset({BANK})),              # its recfin.offer-made entry: the bank's org
    ("MakeFinancingOffer", frozenset({SUPPLIER, BANK})),        # the bank offers again on the request
    ("AcceptFinancingOffer", frozenset({CORE, SUPPLIER})),
    ("CancelFinancing", frozenset({CORE, SUPPLIER, BANK})),     # the policy before: cancelling drops the bank
    ("PublishDiscountOffer", ANY_TWO),
    ("AcceptDiscountOffer", frozenset({CORE, SUPPLIER})),
    ("WithdrawDiscountOffer", frozenset({CORE})),               # the offer and its index entry: the debtor's org
    ("RegisterReceivable", ANY_TWO),
    ("FreezeReceivable", frozenset({CORE, SUPPLIER})),          # while REGISTERED too, not the regulator's org
    ("UnfreezeReceivable", frozenset({CORE, SUPPLIER, REGULATOR})),
    ("RejectReceivable", frozenset({CORE, SUPPLIER})),          # and the rejected claim keeps that policy
    ("RegisterReceivable", ANY_TWO),
    ("WithdrawReceivable", frozenset({CORE, SUPPLIER})),        # the creditor's withdrawal: the same policy
    ("RegisterReceivable", ANY_TWO),
    ("ConfirmReceivable", frozenset({CORE, SUPPLIER})),
    ("LinkPaperIdentity", frozenset({CORE, SUPPLIER})),         # the claim's policy; its new entry, the chaincode's
    ("AttestInvoiceVerification", ANY_TWO),
    ("RegisterReceivable", ANY_TWO),
    ("ConfirmReceivable", frozenset({CORE, SUPPLIER})),
    *[("RegisterReceivable", ANY_TWO), ("ConfirmReceivable", frozenset({CORE, SUPPLIER})),   # financed on recourse
      ("RequestFinancing", frozenset({CORE, SUPPLIER})), ("MakeFinancingOffer", frozenset({SUPPLIER, BANK})),
      ("AcceptFinancingOffer", frozenset({CORE, SUPPLIER})), ("RecordDisbursement", frozenset({CORE, SUPPLIER, BANK}))],
    ("RecordOverdue", frozenset({CORE, SUPPLIER})),
    ("DemandRecourse", frozenset({SUPPLIER, BANK})),            # the financing alone: its policy since acceptance
    ("ExerciseRecourse", frozenset({CORE, SUPPLIER, BANK})),    # the policy before: recourse drops the bank
    # claims, then discount and financing offers, then financings, requests and each kind it reseals: a policy
    # on a key with none, then nothing (this version wrote every other key's, naming peers)
    *[("UpgradeLedger", ANY_TWO)] * len(upgrade.SCANNED),
]
NAMED_BY_THE_SDK = {"RegisterParty", "ConfirmReceivable", "MakeFinancingOffer", "RecordDisbursement", "CancelFinancing",
                    "DemandRecourse", "ExerciseRecourse"}
# The calls that write only keys carrying a key-level policy: the chaincode's "any two orgs" does not
# apply to them (every other call writes at least one key without a policy of its own). A withdrawal of a request
# no bank offered on writes the claim and the request, under its claim's orgs from the request on.
KEY_LEVEL_ONLY = {"UnbindPartyIdentity", "RenameParty", "FreezeReceivable", "UnfreezeReceivable", "WithdrawDiscountOffer",
                  "DemandRecourse", "AcknowledgeAssignment", "WithdrawFinancing"}


@pytest.fixture(scope="module")
def story_channel() -> Channel:
    """Every business call of the SDK once or more, across five orgs, with the orgs it looks up itself."""
    channel = Channel(CONFIG)
    core = register(channel, 1, CORE, "core_enterprise", "core")
    tier1 = register(channel, 2, SUPPLIER, "supplier", "tier1")
    tier2 = register(channel, 3, SUPPLIER2, "supplier", "tier2")
    bank = register(channel, 4, BANK, "financier", "bank")
    regulator = register(channel, 5, REGULATOR, "regulator", "regulator")
    tier1.admin.bind_party_identity(tier1.uscc, client_id_of(make_identity(SUPPLIER, "tier1-second").certificate))
    tier1.admin.unbind_party_identity(tier1.uscc, client_id_of(make_identity(SUPPLIER, "tier1-second").certificate))
    tier1.admin.rename_party(tier1.uscc, "Tier-1 Auto Parts")

    # a claim split across orgs, its kept part financed, disbursed, frozen a while, paid and repaid
    split = claim(channel, tier1, core, "26312000000000000001")
    tier1.client.transfer(split, tier2.uscc, Decimal("300.00"))
    financing = tier1.client.request_financing(f"{split}.2").id
    tier1.client.accept_offer(bank.client.make_offer(financing, terms(channel)).id)
    notice = bank.client.record_disbursement(financing).notice_id
    core.client.acknowledge_assignment(notice)
    regulator.client.freeze(f"{split}.2", "ORDER-1")
    regulator.client.unfreeze(f"{split}.2", "ORDER-2")
    core.client.record_payment(split, 1000)
    bank.client.record_repayment(financing)

    # a whole claim passes to a party of another org, whose org endorses the next change
    moved = claim(channel, tier1, core, "26312000000000000002")
    tier1.client.transfer(moved, tier2.uscc, Decimal("1130.00"))
    tier2.client.withdraw_financing(tier2.client.request_financing(moved).id)

    # an accepted financing cancelled before disbursement, then the claim discounted
    cancelled = claim(channel, tier1, core, "26312000000000000003")
    financing = tier1.client.request_financing(cancelled).id
    bank.client.withdraw_offer(bank.client.make_offer(financing, terms(channel)).id, "terms revised")
    tier1.client.accept_offer(bank.client.make_offer(financing, terms(channel)).id)
    tier1.client.cancel_financing(financing, "not disbursed")
    offer = core.client.publish_discount_offer(DiscountOfferRequest(apr=Decimal("0.05"), expires_on=channel.today(20)))
    tier1.client.accept_discount_offer(offer.id, cancelled)
    core.client.withdraw_discount_offer(offer.id)

    # a claim frozen and unfrozen before its debtor rejects it, an attestation, and a claim marked overdue
    rejected = claim(channel, tier1, core, "26312000000000000004", confirmed=False)
    regulator.client.freeze(rejected, "ORDER-3")
    regulator.client.unfreeze(rejected, "ORDER-4")
    core.client.reject(rejected, "goods not delivered")
    # a claim its creditor registered by mistake and withdraws before its debtor answers
    mistaken = claim(channel, tier1, core, "26312000000000000008", confirmed=False)
    tier1.client.withdraw(mistaken, "registered in error")
    # a claim its debtor confirmed, then its creditor linked to the paper form's identity of its invoice
    printed = claim(channel, tier1, core, "26312000000000000009")
    tier1.client.link_paper_identity(printed, "26312000000000000009", "144031900111", "00012345")
    bank.client.attest_invoice_verification(InvoiceAttestationRequest(
        seller_tax_id=tier1.uscc, number="26312000000000000005",
        fingerprint=fingerprint_of(tier1.uscc, "", "26312000000000000005"), buyer_tax_id=core.uscc,
        issue_date=channel.today(), total_with_tax=Decimal("113.00"), sources=["reference-tax"], outcome="fail",
        evidence_digest=hashlib.sha256(b"evidence").hexdigest()))
    late = claim(channel, tier1, core, "26312000000000000006", due_in=5)
    defaulted = claim(channel, tier1, core, "26312000000000000007", due_in=5)
    financing = tier1.client.request_financing(defaulted).id
    with_recourse = terms(channel).model_copy(update={"recourse": True})
    tier1.client.accept_offer(bank.client.make_offer(financing, with_recourse).id)
    bank.client.record_disbursement(financing)
    channel.now += timedelta(days=10)
    tier1.client.record_overdue(late)
    # the debtor of the claim financed with recourse did not pay either: the bank demands, then records, recourse
    bank.client.demand_recourse(financing, "unpaid at maturity")
    bank.client.exercise_recourse(financing, "the holder repaid the advance")

    # the ledger upgrade gives the rejected claim, as an earlier contract version left it, its policy back
    del channel.ledger.validation_parameters[create_composite_key(keys.RECEIVABLE, [rejected])]
    bookmark, done = "", False
    while not done:
        page = regulator.admin.upgrade_ledger(100, bookmark)
        bookmark, done = page.bookmark, page.done
    return channel


@pytest.fixture(scope="module")
def story(story_channel) -> list[Submit]:
    return submits_of(story_channel)


def test_each_call_needs_the_key_level_policy_in_force_before_it(story):
    assert [(s.transaction, s.needed.orgs, s.needed.any_two) for s in story] == [
        (transaction, orgs, transaction not in KEY_LEVEL_ONLY) for transaction, orgs in STORY]


def test_the_sdk_names_endorsers_for_new_parties_confirmations_financing_and_recourse_and_leaves_the_rest_to_the_gateway(
        story):
    assert {s.transaction for s in story if s.named is not None} == NAMED_BY_THE_SDK


def test_the_orgs_the_sdk_names_satisfy_what_validation_checks(story):
    named = [s for s in story if s.named is not None]
    assert named and all(s.needed.met_by(s.named) for s in named), named
    by_transaction: dict[str, set[frozenset[str]]] = {}
    for s in named:
        by_transaction.setdefault(s.transaction, set()).add(frozenset(s.named))
    assert by_transaction == {
        # the party's own org, which an audit looks for, and the first other org of the channel by name
        "RegisterParty": {frozenset({CORE, BANK}), frozenset({SUPPLIER, BANK}), frozenset({SUPPLIER2, BANK}),
                          frozenset({BANK, CORE}), frozenset({REGULATOR, BANK})},
        "ConfirmReceivable": {frozenset({CORE, SUPPLIER})},        # the debtor's org and the holder's
        "MakeFinancingOffer": {frozenset({SUPPLIER, BANK})}, "RecordDisbursement": {frozenset({CORE, SUPPLIER, BANK})},
        "CancelFinancing": {frozenset({CORE, SUPPLIER, BANK})}, "ExerciseRecourse": {frozenset({CORE, SUPPLIER, BANK})},
        "DemandRecourse": {frozenset({SUPPLIER, BANK})}}      # the financing alone: the terms' parties, not the debtor


def claims_in(snapshot: Snapshot, status: str) -> dict[str, dict]:
    """The claims of ``snapshot`` in ``status``, by key."""
    found = {}
    for key, value in snapshot.state.items():
        if split_composite_key(key)[0] == keys.RECEIVABLE and (claim := json.loads(value))["status"] == status:
            found[key] = claim
    return found


def test_a_registration_writes_the_claims_policy_and_is_checked_by_the_chaincode_policy_alone(story_channel):
    registrations = [s for s in story_channel.submits if s.transaction == "RegisterReceivable"]
    assert len(registrations) == 8
    for s in registrations:
        (key, claim), = ((k, c) for k, c in claims_in(s.after, "REGISTERED").items() if k not in s.before.state)
        assert KeyEndorsementPolicy(s.after.policies[key]).list_orgs() == sorted({claim["debtor_msp"],
                                                                                  claim["holder_msp"]})
        assert needed_between(s.before, s.after) == Needed(frozenset(), any_two=True)


def test_no_change_to_a_registered_claim_validates_without_its_debtors_or_its_holders_org(story_channel):
    """Whatever other orgs endorse, all of them even: a REGISTERED claim rewritten by two colluding orgs (the
    debtor's and a bank, a bank and the regulator) before its debtor confirms it fails validation; and while it is
    frozen, a change the debtor's and the holder's orgs endorse without the regulator's fails too."""
    changes = {}
    for s in story_channel.submits:
        written = changed_keys(s.before.state, s.after.state) | changed_keys(s.before.policies, s.after.policies)
        for key in written & claims_in(s.before, "REGISTERED").keys():
            claim = json.loads(s.before.state[key])
            changes.setdefault(s.transaction, []).append(
                (needed_between(s.before, s.after), claim["debtor_msp"], claim["holder_msp"], claim["frozen"]))
    assert set(changes) == {"ConfirmReceivable", "FreezeReceivable", "UnfreezeReceivable", "RejectReceivable",
                            "WithdrawReceivable"}
    for transaction, needs in changes.items():
        for needed, debtor_org, holder_org, frozen in needs:
            for missing in (debtor_org, holder_org):
                assert not needed.met_by([org for org in CONFIG.msp_ids if org != missing]), (transaction, missing)
            # the freeze added the regulator's org(s) to the claim's policy; the unfreeze is the change that needs it
            guards = [debtor_org, holder_org, *(REGULATOR_ORGS if frozen else ())]
            assert needed.met_by(guards), transaction
            assert not frozen or not needed.met_by([debtor_org, holder_org]), transaction
    assert [frozen is not None for *_, frozen in changes["UnfreezeReceivable"]] == [True]


def test_the_upgrade_writes_the_missing_policy_of_a_rejected_claim_under_the_chaincode_policy(story_channel):
    first, *rest = [s for s in story_channel.submits if s.transaction == "UpgradeLedger"]
    (key,) = changed_keys(first.before.policies, first.after.policies)
    assert key in claims_in(first.before, "REJECTED") and key not in first.before.policies
    assert needed_between(first.before, first.after) == Needed(frozenset(), any_two=True)
    assert all(s.before == s.after for s in rest)


def test_orgs_a_caller_names_are_sent_as_given_and_are_its_responsibility():
    channel = Channel(CONFIG)
    core = register(channel, 1, CORE, "core_enterprise", "core")
    tier1 = register(channel, 2, SUPPLIER, "supplier", "tier1")
    bank = register(channel, 4, BANK, "financier", "bank")
    financing = tier1.client.request_financing(claim(channel, tier1, core, "26312000000000000007")).id
    tier1.client.accept_offer(bank.client.make_offer(financing, terms(channel)).id)
    bank.client.record_disbursement(financing, endorsing_organizations=[SUPPLIER, BANK])
    disbursed = submits_of(channel)[-1]
    # the Gateway would endorse on these two only; validation needs the debtor's org as well
    assert disbursed.named == [SUPPLIER, BANK] and not disbursed.needed.met_by(disbursed.named)


# the chaincode's endorsement policy as deployed (None: the topology's, any two orgs' peers), and the orgs of the
# channel the SDK names beside a one-org claim's key's orgs (its own and the regulator's) to meet it: the fewest, of
# sets equally few the first by name
DEPLOYED = {
    "the-topologys-any-two": (None, []),
    "three-orgs": (f"OutOf(3, '{CORE}.peer', '{SUPPLIER}.peer', '{BANK}.peer', '{REGULATOR}.peer')", [BANK]),
    "naming-no-regulator-org": (f"AND('{CORE}.peer', '{SUPPLIER}.peer')", [SUPPLIER]),
}
deployed_policies = pytest.mark.parametrize("policy, added", DEPLOYED.values(), ids=DEPLOYED)


@deployed_policies
def test_a_confirmation_whose_debtor_and_holder_are_one_org_is_named_to_orgs_its_policy_asks(policy, added):
    """A configuration may give one org two roles (tests/unit/receivables/test_authorization.py's does): a claim
    between two of its parties is guarded by that org and the regulator's, which no other org stands in for; the
    index entries the confirmation writes, by the chaincode's endorsement policy, whatever the operator deployed."""
    core_also_supplies = NetworkConfig(org_roles={CORE: ("core_enterprise", "supplier"), SUPPLIER: ("supplier",),
                                                  BANK: ("financier",), REGULATOR: ("regulator",)})
    channel = Channel(core_also_supplies)
    chaincode = deploy_on(channel, policy)
    core = register(channel, 1, CORE, "core_enterprise", "core")
    core_supplier = register(channel, 2, CORE, "supplier", "core-supplier")
    register(channel, 4, BANK, "financier", "bank")
    register(channel, 5, REGULATOR, "regulator", "regulator")
    claim(channel, core_supplier, core, "26312000000000000008")
    confirmation = submits_of(channel)[-1]
    assert confirmation.transaction == "ConfirmReceivable"
    regulators = core_also_supplies.msps_with_role("regulator")
    assert confirmation.needed == Needed(frozenset({CORE, *regulators}), any_two=True)   # its registration's policy
    assert confirmation.needed.met_by(confirmation.named, chaincode), confirmation.named
    # the orgs the claim's key names, read from it, and those the chaincode's policy asks besides: no other org of
    # the channel (a bank's, a supplier's) is asked
    assert confirmation.named == [CORE, *regulators, *added]


@deployed_policies
def test_changes_to_a_financed_claim_whose_debtor_holder_and_bank_are_one_org_are_named_to_orgs_its_policy_asks(
        policy, added):
    """Where one org's parties are the debtor, the holder and the bank, the claim's key and the financing's name that
    org and the regulator's, and the keys with no policy of their own the chaincode's endorsement policy asks: that
    org alone meets neither. A demand for recourse writes that financing alone."""
    one_org_all_roles = NetworkConfig(org_roles={CORE: ("core_enterprise", "supplier", "financier"),
                                                 SUPPLIER: ("supplier",), BANK: ("financier",),
                                                 REGULATOR: ("regulator",)})
    channel = Channel(one_org_all_roles)
    chaincode = deploy_on(channel, policy)
    core = register(channel, 1, CORE, "core_enterprise", "core")
    core_supplier = register(channel, 2, CORE, "supplier", "core-supplier")
    core_bank = register(channel, 3, CORE, "financier", "core-bank")
    register(channel, 5, REGULATOR, "regulator", "regulator")
    with_recourse = terms(channel).model_copy(update={"recourse": True})
    # the terms' collection of one org's holder and bank needs a regulator org, which the SDK cannot tell: named
    collection_orgs = [CORE, REGULATOR]
    disbursed = core_supplier.client.request_financing(claim(channel, core_supplier, core, "26312000000000000009",
                                                             due_in=5)).id
    core_supplier.client.accept_offer(core_bank.client.make_offer(disbursed, with_recourse, collection_orgs).id)
    # a change carrying the terms that the orgs of their collection cannot have endorsed alone is refused, nothing
    # sent (test_terms_reach_only_their_collection.py), and its operator names the orgs
    carrying_terms = {"endorsing_organizations": collection_orgs + added} if added else {}
    if added:
        with pytest.raises(ValueError, match="outside the collection, would meet it"):
            core_bank.client.record_disbursement(disbursed)
    core_bank.client.record_disbursement(disbursed, **carrying_terms)
    cancelled = core_supplier.client.request_financing(claim(channel, core_supplier, core,
                                                             "26312000000000000010")).id
    core_supplier.client.accept_offer(core_bank.client.make_offer(cancelled, terms(channel), collection_orgs).id)
    core_bank.client.cancel_financing(cancelled, "not disbursed")
    channel.now += timedelta(days=10)
    core_bank.client.demand_recourse(disbursed, "unpaid at maturity")
    if added:
        with pytest.raises(ValueError, match="outside the collection, would meet it"):
            core_bank.client.exercise_recourse(disbursed, "the holder repaid the advance")
    core_bank.client.exercise_recourse(disbursed, "the holder repaid the advance", **carrying_terms)
    changes = ("RecordDisbursement", "CancelFinancing", "DemandRecourse", "ExerciseRecourse")
    named = {s.transaction: s for s in submits_of(channel) if s.transaction in changes}
    assert set(named) == set(changes)
    for transaction, submit in named.items():
        assert submit.needed.any_two == (transaction != "DemandRecourse"), transaction
        assert submit.needed.orgs >= {CORE, *one_org_all_roles.msps_with_role("regulator")}, transaction
        assert submit.needed.met_by(submit.named, chaincode), (transaction, submit.named)
        # the orgs the claim's key names (and the terms' collection, which those meet), and those the chaincode's
        # policy asks besides: no other bank or supplier; the demand, which writes no key that policy guards, the
        # financing's key's orgs alone, members of the terms' collection
        expected = collection_orgs + ([] if transaction == "DemandRecourse" else added)
        assert submit.named == expected, (transaction, submit.named)
