"""A financing's record and its assignment notice where one org's parties stand on both sides of the deal.

A group's finance company may be a party of the holder's org (it lends to a supplier of its own group) or of the
debtor's (a finance company inside the core enterprise's org). The financing's key is its holder's and its bank's,
the notice's its debtor's and its bank's: where those two are one org, the regulator's org is named with it, as a
claim of one org's parties names it. Without it the key had no policy at all, so any two other orgs (running
altered chaincode under the chaincode-level "any two orgs") could rewrite the deal's record, or mark the debtor's
promise to pay the bank acknowledged.

Each test runs the whole flow, request to repayment, reading the policy the ledger holds for each key and which
orgs' peers the last transaction needed.
"""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig
from chaincode.testing._policies import policy_orgs

from .support import BANK, CORE, REGULATOR, SUPPLIER, Net, transient_terms


def key_orgs(net: Net, object_type: str, ident: str) -> list[str] | None:
    """The orgs the key-level policy of the record's key names; None where it has none."""
    held = net.ledger.validation_parameters.get(net._key(object_type, ident))
    return None if held is None else sorted(policy_orgs(held))


def needed_without(net: Net, object_type: str, ident: str, *endorsers: str) -> bool:
    """Whether the last transaction wrote the record's key and ``endorsers``' peers alone could not have."""
    return net._key(object_type, ident) in dict(net.writes_not_endorsed(*endorsers))


async def net_of(roles: dict[str, tuple[str, ...]], bank_org: str) -> Net:
    """The standard orgs with ``roles`` over them; a core enterprise, a supplier of SupplierMSP, a regulator, and
    a bank of ``bank_org`` ("bank")."""
    net = Net(NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, **roles}))
    await net.party("core", CORE, "core_enterprise")
    await net.party("tier1", SUPPLIER, "supplier")
    await net.party("regulator", REGULATOR, "regulator")
    await net.party("bank", bank_org, "financier", "Group Finance Co")
    return net


async def full_flow(net: Net, holder_key: str = "tier1") -> dict[str, dict]:
    """A claim of ``holder_key`` on core requested, offered, accepted, disbursed, acknowledged and repaid by
    "bank"; the policies each key held after each step, and which orgs the step could not do without."""
    holder, core, bank = net.actors[holder_key], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(holder, core, 1000_00, due_in=30)
    f, o = await net.offered(holder, r["id"], bank)
    seen: dict[str, dict] = {"requested": {"financing": key_orgs(net, keys.FINANCING, f["id"])}}
    await net.ok(holder, "AcceptFinancingOffer", o["id"])
    seen["accepted"] = {"financing": key_orgs(net, keys.FINANCING, f["id"])}
    disbursed = await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())
    notice = disbursed["notice_id"]
    seen["disbursed"] = {"financing": key_orgs(net, keys.FINANCING, f["id"]),
                         "notice": key_orgs(net, keys.NOTICE, notice), "financing_id": f["id"], "notice_id": notice}
    await net.ok(core, "AcknowledgeAssignment", notice)
    seen["acknowledged"] = {"notice": key_orgs(net, keys.NOTICE, notice)}
    seen["acknowledged"]["last"] = net.last_writes
    await net.ok(bank, "RecordRepayment", f["id"])
    seen["repaid"] = {"financing": key_orgs(net, keys.FINANCING, f["id"]), "status": net.doc(r["id"])["status"]}
    return seen


async def test_a_bank_of_the_holders_org_puts_the_financing_under_that_org_and_the_regulators():
    net = await net_of({SUPPLIER: ("supplier", "financier")}, SUPPLIER)
    seen = await full_flow(net)
    f = seen["disbursed"]["financing_id"]
    # no bank yet: the claim's own orgs, as its key, so the holder's withdrawal needs no bank
    assert seen["requested"]["financing"] == [CORE, SUPPLIER]
    assert seen["accepted"]["financing"] == seen["disbursed"]["financing"] == [REGULATOR, SUPPLIER]
    assert seen["disbursed"]["notice"] == [CORE, SUPPLIER]            # the debtor's and the bank's: two orgs
    assert seen["repaid"] == {"financing": [REGULATOR, SUPPLIER], "status": "SETTLED"}
    # the repayment wrote the financing under that policy: the debtor's and the holder's orgs alone could not
    assert needed_without(net, keys.FINANCING, f, CORE, SUPPLIER)
    assert needed_without(net, keys.FINANCING, f, CORE, BANK)
    assert net.writes_not_endorsed(CORE, SUPPLIER, REGULATOR) == []


async def test_a_bank_of_the_debtors_org_puts_the_notice_under_that_org_and_the_regulators():
    net = await net_of({CORE: ("core_enterprise", "financier")}, CORE)
    seen = await full_flow(net)
    n = seen["disbursed"]["notice_id"]
    assert seen["accepted"]["financing"] == seen["repaid"]["financing"] == [CORE, SUPPLIER]
    assert seen["disbursed"]["notice"] == seen["acknowledged"]["notice"] == [CORE, REGULATOR]
    assert seen["repaid"]["status"] == "SETTLED"
    # the acknowledgement, the debtor's promise to pay the bank: not the holder's org and the debtor's alone
    net.last_writes = seen["acknowledged"]["last"]
    assert needed_without(net, keys.NOTICE, n, CORE, SUPPLIER)
    assert needed_without(net, keys.NOTICE, n, SUPPLIER, BANK)
    assert net.writes_not_endorsed(CORE, REGULATOR) == []


async def test_where_one_org_is_debtor_holder_and_bank_every_key_of_the_deal_names_the_regulators_org():
    net = await net_of({CORE: ("core_enterprise", "supplier", "financier")}, CORE)
    await net.party("core_sup", CORE, "supplier")
    seen = await full_flow(net, "core_sup")
    f = seen["disbursed"]["financing_id"]
    assert seen["accepted"]["financing"] == [CORE, REGULATOR]
    assert seen["disbursed"]["notice"] == seen["acknowledged"]["notice"] == [CORE, REGULATOR]
    assert seen["repaid"] == {"financing": [CORE, REGULATOR], "status": "SETTLED"}
    assert needed_without(net, keys.FINANCING, f, CORE, SUPPLIER)
    assert net.writes_not_endorsed(CORE, REGULATOR) == []


async def test_where_no_other_org_may_be_the_regulator_the_claims_orgs_guard_the_deal():
    """No org's parties may be the regulator (a configuration the contract refuses where it reads one, made here
    without that check, as tests/unit/receivables/test_claim_policy_never_one_org.py makes one): no second org to
    name, and a policy of the holder-and-bank's org alone would let its peer rewrite the deal by itself. The
    acceptance writes none, so the deal keeps the request's, its claim's debtor's and holder's orgs."""
    roles = {org: roles for org, roles in DEFAULT_CONFIG.org_roles.items() if org != REGULATOR}
    net = Net(DEFAULT_CONFIG.model_copy(update={"org_roles": {**roles, SUPPLIER: ("supplier", "financier")}}))
    await net.party("core", CORE, "core_enterprise")
    await net.party("tier1", SUPPLIER, "supplier")
    await net.party("bank", SUPPLIER, "financier")
    seen = await full_flow(net)
    assert seen["requested"]["financing"] == seen["accepted"]["financing"] == seen["repaid"]["financing"] == [
        CORE, SUPPLIER]
    assert seen["disbursed"]["notice"] == [CORE, SUPPLIER]
    assert seen["repaid"]["status"] == "SETTLED"


async def test_cancelling_and_recourse_of_a_loan_of_the_holders_org_write_the_financing_under_that_policy():
    net = await net_of({SUPPLIER: ("supplier", "financier")}, SUPPLIER)
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    cancelled = await net.financed(tier1, (await net.confirmed(tier1, core, 1000_00, due_in=30))["id"], bank,
                                   disburse=False)
    await net.ok(bank, "CancelFinancing", cancelled["id"], "terms revised")
    assert needed_without(net, keys.FINANCING, cancelled["id"], CORE, SUPPLIER)
    with_recourse = transient_terms(recourse=True)
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"], bank, terms=with_recourse)
    net.advance(days=31)
    await net.ok(bank, "DemandRecourse", f["id"], "unpaid", transient=with_recourse)
    assert net.writes_not_endorsed(SUPPLIER) == [(net._key(keys.FINANCING, f["id"]), [REGULATOR, SUPPLIER])]
    await net.ok(bank, "ExerciseRecourse", f["id"], "repurchased", transient=with_recourse)
    assert needed_without(net, keys.FINANCING, f["id"], CORE, SUPPLIER)
    assert net.writes_not_endorsed(CORE, SUPPLIER, REGULATOR) == []
    assert key_orgs(net, keys.FINANCING, f["id"]) == [REGULATOR, SUPPLIER]


def _as_an_earlier_version_left_it(net: Net, object_type: str, ident: str) -> None:
    del net.ledger.validation_parameters[net._key(object_type, ident)]


async def test_a_loan_of_the_holders_org_an_earlier_version_accepted_is_disbursed_once_the_upgrade_seals_it():
    net = await net_of({SUPPLIER: ("supplier", "financier")}, SUPPLIER)
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"], bank, disburse=False)
    _as_an_earlier_version_left_it(net, keys.FINANCING, f["id"])
    await net.refused(bank, "RecordDisbursement", f["id"], transient=transient_terms(), rule="loan-not-sealed")
    pages = await net.upgrade_pages("2")
    assert sum(page["financing_policies"] for page in pages) == 1
    assert key_orgs(net, keys.FINANCING, f["id"]) == [REGULATOR, SUPPLIER]
    await net.ok(bank, "RecordDisbursement", f["id"], transient=transient_terms())


@pytest.mark.parametrize("roles, bank_org, notice_orgs", [
    ({}, BANK, [BANK, CORE]),
    ({CORE: ("core_enterprise", "financier")}, CORE, [CORE, REGULATOR]),
], ids=["two-orgs", "bank-of-the-debtors-org"])
async def test_the_upgrade_seals_a_live_loans_notice_its_claim_names_whatever_its_financing_record_says(
        roles, bank_org, notice_orgs):
    """Two orgs could blank the notice id of a financing an earlier version accepted (its key had no policy)."""
    net = await net_of(roles, bank_org)
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"], bank)
    _as_an_earlier_version_left_it(net, keys.FINANCING, f["id"])
    _as_an_earlier_version_left_it(net, keys.NOTICE, f["notice_id"])
    key = net._key(keys.FINANCING, f["id"])
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), "notice_id": None}).encode()

    pages = await net.upgrade_pages("2")
    assert key_orgs(net, keys.NOTICE, f["notice_id"]) == notice_orgs
    assert key_orgs(net, keys.FINANCING, f["id"]) == sorted([bank_org, SUPPLIER])
    assert sum(page["writes"] for page in await net.upgrade_pages("2")) == 0 < sum(p["writes"] for p in pages)


async def test_the_upgrade_seals_an_ended_loans_notice_from_its_financing_record():
    net = await net_of({}, BANK)
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"], bank)
    await net.ok(bank, "RecordRepayment", f["id"])
    _as_an_earlier_version_left_it(net, keys.NOTICE, f["notice_id"])
    await net.upgrade_pages("2")
    assert key_orgs(net, keys.NOTICE, f["notice_id"]) == [BANK, CORE]
