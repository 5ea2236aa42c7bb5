"""Key-level policies name each org's peers (MSP role PEER), never any member: the network's MSPs enable
NodeOUs, so a client certificate of an org (a user of one of its several parties) could otherwise sign a
change of a key as its only "endorsement". Policies earlier versions wrote (MEMBER) are the contract's own, to
reseal: UpgradeLedger does, page by page, and every check of a key's policy takes them as the contract's
meanwhile. The payment record's index entries, the request records and the assignment notices carry policies
too."""
from __future__ import annotations

import json

from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2

from chaincode.receivables import keys
from chaincode.shim import KeyEndorsementPolicy

from .support import (BANK, CORE, REGULATOR, SUPPLIER, Net, _clients_satisfy, _peers_satisfy,
                      attestation_request, standard_net, transient_terms)

Role = msp_principal_pb2.MSPRole
ORGS = (BANK, CORE, REGULATOR, SUPPLIER)


def roles(policy: bytes) -> set[int]:
    envelope = policies_pb2.SignaturePolicyEnvelope.FromString(policy)
    return {Role.FromString(p.principal).role for p in envelope.identities}


def orgs_of(policy: bytes | None) -> list[str] | None:
    return None if policy is None else KeyEndorsementPolicy(policy).list_orgs()


def as_earlier(policy: bytes) -> bytes:
    """The same orgs' policy as versions before this one wrote it: MEMBER principals."""
    kep = KeyEndorsementPolicy()
    kep.add_orgs("MEMBER", *KeyEndorsementPolicy(policy).list_orgs())
    return kep.policy()


async def every_kind_of_key(net: Net) -> dict:
    """A ledger holding a key of every kind the contract guards: parties and bindings, a claim paid late with
    a request id, its registry and payment-record entries, a disbursed loan with its notice and exposure
    entries, an offer dropped by the bank's next one, an attestation, a discount offer."""
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    reg = net.registration(tier1, core, 100_000_00, due_in=30)
    invoice = reg["invoices"][0]
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, invoice["number"],
                                                                        invoice=invoice), "att-1")
    late = await net.ok(tier1, "RegisterReceivable", reg, "reg-1")
    await net.ok(core, "ConfirmReceivable", late["id"])
    lent = await net.confirmed(tier1, core)
    await net.financed(tier1, lent["id"])
    await net.ok(core, "PublishDiscountOffer",
                 {"apr": "0.05", "day_count": "ACT/360", "expires_on": net.day(30)})
    net.advance(days=70)
    await net.ok(tier1, "RecordOverdue", late["id"])
    await net.ok(core, "RecordPayment", late["id"], str(100_000_00), "pay-1")
    return {"late": late, "lent": lent}


async def test_every_key_level_policy_the_contract_writes_names_peers_which_no_client_certificate_meets():
    net = await standard_net()
    await every_kind_of_key(net)
    kinds = {key.split("\x00")[1] for key in net.ledger.validation_parameters}
    assert {keys.PARTY, keys.CLIENT, keys.RECEIVABLE, keys.FINGERPRINT, keys.BY_DEBTOR, keys.BY_FINANCIER,
            keys.FINANCING, keys.NOTICE, keys.REQUEST, keys.OFFER_MADE, keys.ATTESTATION,
            keys.ATTESTATION_LAST, keys.DISCOUNT, keys.DISCOUNT_BY_DEBTOR} <= kinds
    for key, policy in net.ledger.validation_parameters.items():
        assert roles(policy) == {Role.PEER}, key
        assert not _clients_satisfy(policy, ORGS), key   # the clients of every org together meet none
        assert _peers_satisfy(policy, ORGS), key


async def test_a_user_of_one_supplier_cannot_sign_itself_into_another_suppliers_party_record():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]   # two suppliers of SupplierMSP
    party_key = net._key(keys.PARTY, tier1.uscc)
    binding_key = net._key(keys.CLIENT, SUPPLIER, tier2.identity.id)
    for key in (party_key, binding_key):
        policy = net.ledger.validation_parameters[key]
        assert orgs_of(policy) == [SUPPLIER]
        # tier-2's user, signing the rewrite of both as its own endorsement, no longer meets them: a peer
        # does
        assert not _clients_satisfy(policy, (SUPPLIER,)) and _peers_satisfy(policy, (SUPPLIER,))


async def test_the_debtor_payment_record_entry_is_guarded_as_its_invoice_is_so_a_late_claim_stays_listed():
    net = await standard_net()
    core = net.actors["core"]
    r = (await every_kind_of_key(net))["late"]
    entry = net._key(keys.BY_DEBTOR, core.uscc, r["id"])
    fingerprint = net._key(keys.FINGERPRINT, json.loads(net.ledger.state[net._key(keys.RECEIVABLE, r["id"])])
                           ["invoices"][0]["fingerprint"])
    policy = net.ledger.validation_parameters[entry]
    assert orgs_of(policy) == orgs_of(net.ledger.validation_parameters[fingerprint]) == [CORE, SUPPLIER]
    # the debtor's org and one uninvolved org (any two met the chaincode-level policy) can no longer delete it
    assert not _peers_satisfy(policy, (CORE, REGULATOR))
    page = await net.ok(net.actors["bank"], "GetDebtorPaymentRecord", core.uscc, "100", "", evaluate=True)
    late = [(x["receivable_id"], x["days_late"]) for x in page["records"] if x["receivable_id"] == r["id"]]
    assert late == [(r["id"], 40)]


async def test_a_split_part_gets_its_own_guarded_payment_record_entry():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    r = await net.confirmed(tier1, core)
    await net.ok(tier1, "TransferReceivable", r["id"], tier2.uscc, str(40_000_00))
    for part in (f"{r['id']}.1", f"{r['id']}.2"):
        assert orgs_of(net.ledger.validation_parameters[net._key(keys.BY_DEBTOR, core.uscc, part)]) == [CORE,
                                                                                                     SUPPLIER]


async def test_a_request_record_is_its_partys_org_so_no_two_others_delete_it_for_a_retry_to_pay_twice():
    net = await standard_net()
    core = net.actors["core"]
    await every_kind_of_key(net)
    policy = net.ledger.validation_parameters[net._key(keys.REQUEST, core.uscc, "pay-1")]
    assert orgs_of(policy) == [CORE]
    assert not _peers_satisfy(policy, (BANK, REGULATOR))


async def test_the_assignment_notice_is_the_debtors_and_the_banks_so_no_two_others_acknowledge_it():
    net = await standard_net()
    core = net.actors["core"]
    lent = (await every_kind_of_key(net))["lent"]
    notice_id = net.doc(lent["id"])["notice_id"]
    policy = net.ledger.validation_parameters[net._key(keys.NOTICE, notice_id)]
    assert orgs_of(policy) == [BANK, CORE]
    assert not _peers_satisfy(policy, (BANK, SUPPLIER))   # the assignee and the assignor, without the debtor
    net.advance(days=-70)   # back before the due date: the loan is still out
    await net.ok(core, "AcknowledgeAssignment", notice_id)
    assert net.writes_not_endorsed(CORE, BANK) == []


# ---------------------------------------------------------------- the policies earlier versions wrote

# the keys on which no earlier version wrote a key-level policy: an UpgradeLedger page has none in the earlier form
# to rewrite there
NO_EARLIER_POLICY = (keys.DISCOUNT_PUBLISHER, keys.EXPOSURE_VERSION)


def to_earlier_versions(net: Net) -> dict[str, bytes]:
    """Every policy on the ledger as an earlier version wrote it (MEMBER), where it wrote one: none on a
    payment record entry, a request record or a notice; a discount offer's publisher record and a bank's exposure
    version, on which no earlier version wrote one (``NO_EARLIER_POLICY``), keep this version's. The policies this
    version writes, by key."""
    now = dict(net.ledger.validation_parameters)
    for key, policy in now.items():
        if key.split("\x00")[1] in NO_EARLIER_POLICY:
            continue
        if key.split("\x00")[1] in (keys.BY_DEBTOR, keys.REQUEST, keys.NOTICE):
            del net.ledger.validation_parameters[key]
        else:
            net.ledger.validation_parameters[key] = as_earlier(policy)
    return now


async def test_upgrade_reseals_every_earlier_policy_to_the_same_orgs_peers_and_seals_the_unguarded_keys():
    net = await standard_net()
    await every_kind_of_key(net)
    now = to_earlier_versions(net)
    await net.upgrade_pages()
    assert net.ledger.validation_parameters == now
    assert {roles(policy) == {Role.PEER} for policy in now.values()} == {True}
    assert {key.split("\x00")[1] for key in now} >= {keys.BY_DEBTOR, keys.REQUEST, keys.NOTICE, keys.PARTY}
    before = net.snapshot()
    for page in await net.upgrade_pages():   # run again: nothing left to write
        assert page["claim_policies"] == page["financing_policies"] == page["discount_offer_policies"] == 0
    assert net.snapshot() == before and net.last_writes == []


async def test_upgrade_reseals_page_by_page_from_each_pages_bookmark():
    net = await standard_net()
    await every_kind_of_key(net)
    now = to_earlier_versions(net)
    pages = await net.upgrade_pages(page_size="1")
    assert len(pages) > len(now) // 2 and net.ledger.validation_parameters == now


async def test_upgrade_writes_back_a_payment_record_entry_two_orgs_deleted():
    net = await standard_net()
    core = net.actors["core"]
    r = (await every_kind_of_key(net))["late"]
    entry = net._key(keys.BY_DEBTOR, core.uscc, r["id"])
    del net.ledger.state[entry]   # as the debtor's org and another deleted it under an earlier version
    del net.ledger.validation_parameters[entry]
    await net.upgrade_pages()
    assert net.ledger.state[entry] == keys.INDEX_VALUE
    assert orgs_of(net.ledger.validation_parameters[entry]) == [CORE, SUPPLIER]
    page = await net.ok(net.actors["bank"], "GetDebtorPaymentRecord", core.uscc, "100", "", evaluate=True)
    assert r["id"] in [x["receivable_id"] for x in page["records"]]


async def test_keys_under_the_earlier_policy_are_the_contracts_own_until_resealed():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core)
    financing, offer = await net.offered(tier1, r["id"])
    to_earlier_versions(net)
    # the binding of an identity its own org holds under the earlier form is its org's, not other orgs'
    found = await net.ok(net.admins[SUPPLIER], "FindIdentityParty", SUPPLIER, tier1.identity.id,
                         evaluate=True)
    assert found["held_by"] is None
    await net.ok(tier1, "AcceptFinancingOffer", offer["id"])   # the bank's offer-made entry counts as its own
    to_earlier_versions(net)
    # the loan is sealed with the bank's org, its exposure entry under the claim's orgs: it is disbursed
    await net.ok(bank, "RecordDisbursement", financing["id"], transient=transient_terms())
    assert net.doc(r["id"])["status"] == "FINANCED"


async def test_upgrade_leaves_an_earlier_policy_naming_an_org_outside_the_configuration():
    """Its peer would never endorse the rewrite: the page would fail on every run, every key after it
    waiting."""
    net = await standard_net()
    r = await net.confirmed(net.actors["tier1"], net.actors["core"])
    key = net._key(keys.RECEIVABLE, r["id"])
    kep = KeyEndorsementPolicy()
    # frozen when a regulator org since removed from the configuration was due
    kep.add_orgs("MEMBER", CORE, "GoneRegulatorMSP", SUPPLIER)
    net.ledger.validation_parameters[key] = kep.policy()
    await net.upgrade_pages()
    assert net.ledger.validation_parameters[key] == kep.policy()
