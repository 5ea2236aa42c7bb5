"""The anti-double-financing registries and invoice attestations carry key-level policies.

A registry entry (``recfin.fingerprint``, ``recfin.goods-receipt``) is guarded by the orgs its claim's key gets at
registration, the debtor's and the creditor's: under the chaincode-level policy alone, a supplier's org and a bank's
could delete the entry of a confirmed, financed claim and register its invoice again. An attestation and its
attester's newest-pointer are guarded by the attester's org: the creditor's and the debtor's orgs, the ones the
contract refuses as attesters, could otherwise delete a bank's failure between them.

The MemoryLedger checks no endorsement policy: the tests ask who the policy in force lets write a key
(``_peers_satisfy``, ``Net.writes_not_endorsed``: docs/receivables.md, "Key-level policies").
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from chaincode.receivables import fingerprint, keys
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.shim import KeyEndorsementPolicy

from .support import (BANK, CORE, REGULATOR, SUPPLIER, Net, _peers_satisfy, attestation_request, standard_net)
from .test_claim_policy_never_one_org import CORE_ALSO_SUPPLIES, one_org_net
from .test_legacy_records import PADDED_CODE, earlier_claim, legacy_net

DEBTOR_AND_CREDITOR = [CORE, SUPPLIER]
RECEIPT = {"po_number": "PO-1", "receipt_number": "GR-1"}
NUMBER = "26442000000000000042"


def policy_orgs(net: Net, key: str) -> list[str] | None:
    raw = net.ledger.validation_parameters.get(key)
    return None if raw is None else sorted(KeyEndorsementPolicy(raw).list_orgs())


def fingerprint_key(net: Net, claim: dict) -> str:
    return net._key(keys.FINGERPRINT, claim["invoices"][0]["fingerprint"])


def receipt_key(net: Net, claim: dict) -> str:
    return net._key(keys.GOODS_RECEIPT, claim["goods_receipts"][0]["receipt_key"])


def registry_keys(net: Net) -> list[str]:
    return [key for key in net.ledger.state if key.startswith((net._key(keys.FINGERPRINT),
                                                                net._key(keys.GOODS_RECEIPT)))]


def written_keys(net: Net) -> list[str]:
    return list(dict.fromkeys(key for key, _ in net.last_writes))


# ---------------------------------------------------------------- the registries

async def test_a_registration_guards_its_registry_entries_by_the_orgs_its_claims_key_gets():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, goods_receipts=[RECEIPT]))
    claim_policy = net.ledger.validation_parameters[net._key(keys.RECEIVABLE, r["id"])]
    for key in (fingerprint_key(net, r), receipt_key(net, r)):
        assert net.ledger.validation_parameters[key] == claim_policy
        assert policy_orgs(net, key) == DEBTOR_AND_CREDITOR
    # new keys: the registration itself is validated against the chaincode-level policy only
    assert net.writes_not_endorsed(SUPPLIER, BANK) == []

    await net.ok(core, "ConfirmReceivable", r["id"])
    await net.financed(tier1, r["id"], bank)
    # no two of the debtor's, the supplier's and the bank's orgs can delete the entries of the financed claim
    # between them: from the acceptance, the entries name the bank's org too
    for key in (fingerprint_key(net, r), receipt_key(net, r)):
        policy = net.ledger.validation_parameters[key]
        assert not _peers_satisfy(policy, (SUPPLIER, BANK)) and not _peers_satisfy(policy, (CORE, BANK))
        assert not _peers_satisfy(policy, (CORE, SUPPLIER))
        assert _peers_satisfy(policy, (CORE, SUPPLIER, BANK))


async def test_a_claim_of_one_orgs_parties_guards_its_entries_with_the_regulators_org_as_its_key():
    net = await one_org_net()
    core_sup, core = net.actors["core_sup"], net.actors["core"]
    r = await net.ok(core_sup, "RegisterReceivable", net.registration(core_sup, core))
    assert policy_orgs(net, fingerprint_key(net, r)) == [CORE, REGULATOR]
    assert policy_orgs(net, net._key(keys.RECEIVABLE, r["id"])) == [CORE, REGULATOR]


async def test_rejection_and_withdrawal_release_the_entries_with_the_claims_orgs_and_the_invoice_registers_again():
    for who, transaction in (("core", "RejectReceivable"), ("tier1", "WithdrawReceivable")):
        net = await standard_net()
        tier1, core = net.actors["tier1"], net.actors["core"]
        req = net.registration(tier1, core, goods_receipts=[RECEIPT])
        r = await net.ok(tier1, "RegisterReceivable", req)
        entries = [fingerprint_key(net, r), receipt_key(net, r)]
        await net.ok(net.actors[who], transaction, r["id"], "not owed")
        assert set(entries) <= set(written_keys(net)) and not set(entries) & net.ledger.state.keys()
        assert net.writes_not_endorsed(CORE, SUPPLIER) == []              # the orgs that endorse it anyway
        refused = {key for key, _ in net.writes_not_endorsed(SUPPLIER, BANK)}
        assert set(entries) <= refused
        # released, policy and all: the same invoice and delivery register again, guarded again
        again = await net.ok(tier1, "RegisterReceivable", req)
        assert net.writes_not_endorsed(SUPPLIER, BANK) == []
        assert policy_orgs(net, fingerprint_key(net, again)) == policy_orgs(net, receipt_key(net, again)) == \
            DEBTOR_AND_CREDITOR


async def test_a_receipt_in_parts_is_guarded_by_its_first_part_and_its_other_parts_register_and_release():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    part = {**RECEIPT, "part": {"received": 200_000_00}}
    first = await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, 50_000_00, goods_receipts=[part]))
    key = receipt_key(net, first)
    assert policy_orgs(net, key) == DEBTOR_AND_CREDITOR
    second = await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, 50_000_00, goods_receipts=[part]))
    # adding a part rewrites the entry: the orgs it names endorse, two others cannot
    assert key in written_keys(net) and policy_orgs(net, key) == DEBTOR_AND_CREDITOR
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    assert net.writes_not_endorsed(SUPPLIER, BANK) == [(key, DEBTOR_AND_CREDITOR)]
    await net.ok(tier1, "WithdrawReceivable", first["id"], "registered in error")
    assert key in written_keys(net) and net.writes_not_endorsed(CORE, SUPPLIER) == []
    await net.ok(core, "RejectReceivable", second["id"], "not owed")
    assert key not in net.ledger.state and net.writes_not_endorsed(CORE, SUPPLIER) == []


async def test_the_upgrade_seals_the_entries_an_earlier_version_left_unguarded_once():
    net, ids = legacy_net()
    unguarded = [key for key in registry_keys(net) if key not in net.ledger.validation_parameters]
    assert unguarded                                   # the fixture's: written before entries carried a policy
    rid = await earlier_claim(net, (PADDED_CODE, "00654321"))
    await net.upgrade_pages()
    # every entry now carries its claim's orgs as they were at registration, whatever happened to it since
    for key in registry_keys(net):
        assert policy_orgs(net, key) is not None and not _peers_satisfy(net.ledger.validation_parameters[key],
                                                                         (SUPPLIER, BANK)), key
    # the current spelling an earlier page registered without a policy is sealed by the next
    current = net._key(keys.FINGERPRINT, fingerprint.invoice_fingerprint(net.actors["tier1"].uscc, PADDED_CODE[2:],
                                                                          "00654321"))
    assert current in net.ledger.state and current != fingerprint_key(net, net.doc(rid))
    del net.ledger.validation_parameters[current]
    await net.upgrade_pages()
    assert policy_orgs(net, current) == DEBTOR_AND_CREDITOR
    # and then none is written again
    before = dict(net.ledger.validation_parameters)
    await net.upgrade_pages()
    assert net.ledger.validation_parameters == before
    # a claim so sealed is still rejected with its debtor's and creditor's orgs endorsing
    await net.ok(net.actors["core"], "RejectReceivable", rid, "not owed")
    assert net.writes_not_endorsed(CORE, SUPPLIER) == [] and current not in net.ledger.state


async def test_the_upgrade_seals_a_transferred_claims_receipt_in_parts_with_its_creditors_org_not_its_holders():
    other_supplier = "OtherSupplierMSP"
    net = Net(NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, other_supplier: ("supplier",)}))
    core = await net.party("core", CORE, "core_enterprise")
    tier1 = await net.party("tier1", SUPPLIER, "supplier")
    other = await net.party("other", other_supplier, "supplier")
    await net.party("regulator", REGULATOR, "regulator")
    part = {**RECEIPT, "part": {"received": 200_000_00}}
    first = await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, 50_000_00, goods_receipts=[part]))
    await net.ok(core, "ConfirmReceivable", first["id"])
    await net.ok(tier1, "TransferReceivable", first["id"], other.uscc, str(50_000_00))
    key = receipt_key(net, first)
    del net.ledger.validation_parameters[key]          # as an earlier contract version left it
    await net.upgrade_pages()
    assert policy_orgs(net, key) == DEBTOR_AND_CREDITOR
    # the creditor's next part, and its withdrawal, need no endorsement of the transferee's org
    second = await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, 50_000_00, goods_receipts=[part]))
    assert net.writes_not_endorsed(CORE, SUPPLIER) == []
    await net.ok(tier1, "WithdrawReceivable", second["id"], "registered in error")
    assert key in written_keys(net) and net.writes_not_endorsed(CORE, SUPPLIER) == []


async def test_a_reseal_of_a_registered_claim_moves_its_entries_to_the_regulator_org_that_replaced_the_old_one():
    new_regulator = "NewRegulatorMSP"
    net = await one_org_net()
    core_sup, core = net.actors["core_sup"], net.actors["core"]
    r = await net.ok(core_sup, "RegisterReceivable", net.registration(core_sup, core))
    assert policy_orgs(net, fingerprint_key(net, r)) == [CORE, REGULATOR]
    roles = {**CORE_ALSO_SUPPLIES, REGULATOR: (), new_regulator: ("regulator",)}
    net.contract.config = DEFAULT_CONFIG.model_copy(update={"org_roles": roles})
    resealed = await net.ok(core, "ResealReceivable", r["id"])
    assert resealed["orgs_after"] == [CORE, new_regulator]
    # the reseal is endorsed by the orgs the entry named, and the entry now names the claim key's orgs
    assert net.writes_not_endorsed(CORE, REGULATOR) == []
    assert policy_orgs(net, fingerprint_key(net, r)) == [CORE, new_regulator]
    await net.ok(core, "RejectReceivable", r["id"], "not owed")
    assert net.writes_not_endorsed(CORE, new_regulator) == []
    assert fingerprint_key(net, r) not in net.ledger.state


# ---------------------------------------------------------------- attestations

async def a_pass_then_a_failure(net: Net) -> tuple[dict, dict, dict]:
    """The bank's pass on tier1's invoice NUMBER to core, and an hour later its failure: the invoice's registration
    request, the pass and the failure."""
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    req = net.registration(tier1, core, invoice_no=NUMBER)
    inv = req["invoices"][0]
    passed = await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=inv))
    net.advance(hours=1)
    failed = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, invoice=inv, outcome="fail"))
    return req, passed, failed


async def test_an_attestation_and_its_attesters_newest_are_guarded_by_the_attesters_org():
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"require_attestation": True}))
    bank = net.actors["bank"]
    _, passed, failed = await a_pass_then_a_failure(net)
    last_key = net._key(keys.ATTESTATION_LAST, failed["fingerprint"], bank.uscc)
    # the bank's newest is rewritten by its own attestations, which its org endorses
    assert last_key in written_keys(net)
    assert net.writes_not_endorsed(BANK, SUPPLIER) == []
    assert net.writes_not_endorsed(SUPPLIER, CORE) == [(last_key, [BANK])]
    for a in (passed, failed):
        key = net._key(keys.ATTESTATION, a["fingerprint"], a["id"])
        assert policy_orgs(net, key) == [BANK]
        # the creditor's and the debtor's orgs, refused as attesters, cannot delete it or the newest between them
        assert not _peers_satisfy(net.ledger.validation_parameters[key], (SUPPLIER, CORE))
    assert policy_orgs(net, last_key) == [BANK]


async def test_an_attesters_newest_is_not_rewritten_by_another_attester_when_the_invoices_mark_is_gone():
    # a second bank org, so two attesters of two orgs
    other_bank = "OtherBankMSP"
    net = Net(NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, other_bank: ("financier",)}))
    tier1 = await net.party("tier1", SUPPLIER, "supplier")
    bank, other = await net.party("bank", BANK, "financier"), await net.party("other", other_bank, "financier")
    first = await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER))
    indexed = net._key(keys.ATTESTATIONS_INDEXED, first["fingerprint"])
    del net.ledger.state[indexed]          # under the chaincode-level policy: two orgs can delete the mark
    net.advance(minutes=1)
    await net.ok(other, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER))
    # the invoice is marked again without touching the bank's newest, which only the bank's org may change
    assert indexed in net.ledger.state
    assert net._key(keys.ATTESTATION_LAST, first["fingerprint"], bank.uscc) not in written_keys(net)
    assert net.writes_not_endorsed(other_bank, SUPPLIER) == []


def forged_in_the_name_of(net: Net, genuine: dict, **over) -> None:
    """Write a new attestation key as two orgs running altered chaincode could (a new key is validated against the
    chaincode-level policy alone): a copy of ``genuine`` under a new id, changed by ``over``."""
    forged = {**genuine, "id": "A-forged", **over}
    net.ledger.state[net._key(keys.ATTESTATION, genuine["fingerprint"], forged["id"])] = json.dumps(forged).encode()


def dated_later(genuine: dict, **delta) -> dict:
    """``genuine``'s ``attested`` with its ``at`` moved on by ``delta`` (timedelta's keywords), written as the
    contract writes it."""
    at = datetime.fromisoformat(genuine["attested"]["at"].replace("Z", "+00:00")) + timedelta(**delta)
    return {**genuine["attested"], "at": at.isoformat().replace("+00:00", "Z")}


def a_pass_forged_after(net: Net, failed: dict) -> None:
    """A pass in the attester's name dated a minute after its failure, which its newest-pointer (its org's) does not
    name."""
    forged_in_the_name_of(net, failed, outcome="pass", attested=dated_later(failed, minutes=1))


async def test_a_record_forged_in_an_attesters_name_after_its_newest_does_not_count_for_a_registration():
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"require_attestation": True}))
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    req, _, failed = await a_pass_then_a_failure(net)
    a_pass_forged_after(net, failed)
    net.advance(hours=1)
    await net.refused(tier1, "RegisterReceivable", req, rule="invoice-verification-failed")
    # the bank's own next pass counts, as ever
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=req["invoices"][0]))
    assert (await net.ok(tier1, "RegisterReceivable", req))["status"] == "REGISTERED"


async def test_an_attesters_own_newest_outweighs_a_record_forged_ahead_in_its_name_when_the_mark_is_gone():
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"require_attestation": True}))
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    req = net.registration(tier1, core, invoice_no=NUMBER)
    inv = req["invoices"][0]
    passed = await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=inv))
    # two other orgs delete the mark and write a pass in the bank's name dated a year ahead
    del net.ledger.state[net._key(keys.ATTESTATIONS_INDEXED, passed["fingerprint"])]
    forged_in_the_name_of(net, passed, attested=dated_later(passed, days=365))
    net.advance(hours=1)
    # the bank's own entry names its pass, so its failure is the newer and is recorded, and it counts
    await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=inv, outcome="fail"))
    await net.refused(tier1, "RegisterReceivable", req, rule="invoice-verification-failed")
