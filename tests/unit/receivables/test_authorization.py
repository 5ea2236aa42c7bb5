"""The authorization matrix: every transaction x every kind of caller; only the allowed succeed.

Callers: the parties to the claim (debtor ``core``, holder ``tier1``, financier
``bank``), parties of the right role but not party to it (``core2``, ``tier2``,
``bank2``), the regulator, a party of the wrong role in each org but the regulator's
(``core_sup``: a supplier in the core enterprise's org, ``sup_core``: a core enterprise
in the supplier org, ``bank_sup``; a configuration gives the regulator's org no other
role), each org's admin, and an identity bound to no party (``stranger``).

For each transaction the scenario is built once; every caller not allowed is
refused (and the ledger is unchanged, which ``net.refused`` asserts); then each
allowed caller succeeds on a fresh copy of the scenario.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest

from chaincode.receivables import keys
from chaincode.receivables.config import NetworkConfig
from chaincode.receivables.contract import ReceivablesContract
from .support import (
    BANK, CORE, REGULATOR, SUPPLIER, Actor, Net, attestation_request, client_identity, credit_code, transient_terms,
)
from .test_claim_policy_never_one_org import guarded_by

MATRIX_CONFIG = NetworkConfig(org_roles={
    CORE: ("core_enterprise", "supplier"),
    SUPPLIER: ("supplier", "core_enterprise"),
    BANK: ("financier", "supplier"),
    REGULATOR: ("regulator",),
})

PARTIES = ["core", "core2", "tier1", "tier2", "bank", "bank2", "regulator", "core_sup", "sup_core", "bank_sup"]
ADMINS = ["admin_core", "admin_sup", "admin_bank", "admin_reg"]
CALLERS = PARTIES + ADMINS + ["stranger"]
EVERY_PARTY = set(PARTIES)
ADMIN_MSP = {"admin_core": CORE, "admin_sup": SUPPLIER, "admin_bank": BANK, "admin_reg": REGULATOR}


async def matrix_net() -> Net:
    net = Net(MATRIX_CONFIG)
    for key, msp, role in [
        ("core", CORE, "core_enterprise"), ("core2", CORE, "core_enterprise"),
        ("tier1", SUPPLIER, "supplier"), ("tier2", SUPPLIER, "supplier"),
        ("bank", BANK, "financier"), ("bank2", BANK, "financier"), ("regulator", REGULATOR, "regulator"),
        ("core_sup", CORE, "supplier"), ("sup_core", SUPPLIER, "core_enterprise"),
        ("bank_sup", BANK, "supplier"),
    ]:
        await net.party(key, msp, role)
    for key, msp in ADMIN_MSP.items():
        net.actors[key] = net.admins[msp]
    net.actors["stranger"] = Actor("stranger", SUPPLIER, client_identity(SUPPLIER, "stranger"))
    return net


Scenario = Callable[[Net], Awaitable[tuple[list[Any], dict[str, Any]]]]


async def _confirmed(net: Net) -> dict:
    return await net.confirmed(net.actors["tier1"], net.actors["core"], 1000, due_in=30)


async def _requested(net: Net) -> tuple[dict, dict]:
    r = await _confirmed(net)
    return r, await net.ok(net.actors["tier1"], "RequestFinancing", r["id"])


async def _offered(net: Net) -> tuple[dict, dict, dict]:
    r, f = await _requested(net)
    return r, f, await net.ok(net.actors["bank"], "MakeFinancingOffer", f["id"], transient=transient_terms())


async def _accepted(net: Net) -> tuple[dict, dict]:
    r, f, o = await _offered(net)
    await net.ok(net.actors["tier1"], "AcceptFinancingOffer", o["id"])
    return r, f


async def _disbursed(net: Net) -> tuple[dict, dict]:
    r, f = await _accepted(net)
    return r, await net.ok(net.actors["bank"], "RecordDisbursement", f["id"], transient=transient_terms())


async def s_register_party(net):
    return [{"uscc": credit_code(9000), "name": "New Supplier", "role": "supplier", "msp_id": SUPPLIER,
             "client_ids": ["x509::CN=new::CN=ca"]}], {}


async def s_bind(net):
    return [net.actors["tier2"].uscc, "x509::CN=another::CN=ca"], {}


async def s_rename(net):
    return [net.actors["tier2"].uscc, "Tier-2 Components Co."], {}


async def s_unbind(net):
    """tier2 with a second identity, which an admin of its org may take away again."""
    second = "x509::CN=tier2-second::CN=ca"
    await net.ok(net.admins[SUPPLIER], "BindPartyIdentity", net.actors["tier2"].uscc, second)
    return [net.actors["tier2"].uscc, second], {}


async def s_attest(net):
    return [attestation_request(net.actors["tier1"].uscc, "26442000000000000001")], {}


async def s_attestations(net):
    # of tier1's invoice to core: read by its seller, its buyer, the banks and the regulator
    req = attestation_request(net.actors["tier1"].uscc, "26442000000000000001", buyer_tax_id=net.actors["core"].uscc)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", req)
    return [req["fingerprint"]], {}


async def s_register(net):
    return [net.registration(net.actors["tier1"], net.actors["core"], 1000)], {}


async def s_registered(net):
    r = await net.registered(net.actors["tier1"], net.actors["core"], 1000)
    return [r["id"]], {}


async def s_reject(net):
    return (await s_registered(net))[0] + ["not owed"], {}


async def _paper_link(r: dict) -> list[str]:
    return [r["id"], r["invoices"][0]["number"], "144031900111", "00012345"]


async def s_link_registered(net):
    return await _paper_link(await net.registered(net.actors["tier1"], net.actors["core"], 1000)), {}


async def s_link_confirmed(net):
    return await _paper_link(await _confirmed(net)), {}


async def s_transfer(net):
    return [(await _confirmed(net))["id"], net.actors["tier2"].uscc, "100"], {}


async def s_confirmed(net):
    return [(await _confirmed(net))["id"]], {}


async def s_requested(net):
    return [(await _requested(net))[1]["id"]], {}


async def s_make_offer(net):
    return [(await _requested(net))[1]["id"]], {"transient": transient_terms()}


async def s_accept(net):
    return [(await _offered(net))[2]["id"]], {}


async def s_disburse(net):
    return [(await _accepted(net))[1]["id"]], {"transient": transient_terms()}


async def s_acknowledge(net):
    return [(await _disbursed(net))[1]["notice_id"]], {}


async def s_repay(net):
    _, f = await _disbursed(net)
    net.advance(days=30)
    return [f["id"]], {}


async def s_cancel(net):
    return [(await _accepted(net))[1]["id"], "not disbursed"], {}


async def s_withdraw_offer(net):
    return [(await _offered(net))[2]["id"], "terms revised"], {}


async def s_recourse(net):
    """A financing on recourse terms, disbursed, its claim unpaid the day after its due date."""
    recourse = transient_terms(recourse=True)
    r, f = await _requested(net)
    o = await net.ok(net.actors["bank"], "MakeFinancingOffer", f["id"], transient=recourse)
    await net.ok(net.actors["tier1"], "AcceptFinancingOffer", o["id"])
    await net.ok(net.actors["bank"], "RecordDisbursement", f["id"], transient=recourse)
    net.advance(days=31)
    return [f["id"], "the debtor did not pay"], {"transient": recourse}


async def s_publish(net):
    r = await _confirmed(net)
    return [{"apr": "0.05", "expires_on": net.day(10), "receivable_ids": [r["id"]]}], {}


async def s_accept_discount(net):
    r = await _confirmed(net)
    d = await net.ok(net.actors["core"], "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    return [d["id"], r["id"]], {}


async def s_withdraw_discount(net):
    r = await _confirmed(net)
    d = await net.ok(net.actors["core"], "PublishDiscountOffer",
                     {"apr": "0.05", "expires_on": net.day(10), "receivable_ids": [r["id"]]})
    return [d["id"]], {}


async def s_payment(net):
    return [(await _confirmed(net))["id"], "1000"], {}


async def s_overdue(net):
    """A financed claim, partly paid to its bank and past due, not yet marked: its debtor, holder and financier
    may mark it; anyone else learns nothing of it, evaluating included (the answer is the whole claim)."""
    _, f = await _disbursed(net)
    await net.ok(net.actors["core"], "RecordPayment", f["receivable_id"], "300")
    net.advance(days=31)
    return [f["receivable_id"]], {}


async def s_freeze(net):
    return [(await _confirmed(net))["id"], "order-1"], {}


async def s_unfreeze(net):
    r = await _confirmed(net)
    await net.ok(net.actors["regulator"], "FreezeReceivable", r["id"], "order-1")
    return [r["id"], "order-2"], {}


async def s_reseal(net):
    """A financed claim frozen before a freeze added the regulator's org: its key names the parties' orgs only."""
    r, _ = await _disbursed(net)
    await net.ok(net.actors["regulator"], "FreezeReceivable", r["id"], "order-1")
    guarded_by(net, r["id"], BANK, CORE, SUPPLIER)
    return [r["id"]], {}


async def s_by_holder(net):
    await _confirmed(net)
    return [net.actors["tier1"].uscc, "10", ""], {}


async def s_by_debtor(net):
    await _confirmed(net)
    return [net.actors["core"].uscc, "10", ""], {}


async def s_by_status(net):
    await _confirmed(net)
    return ["CONFIRMED", "10", ""], {}


async def s_by_financier(net):
    await _accepted(net)
    return [net.actors["bank"].uscc, "", "10", ""], {}


async def s_open_offers(net):
    await _offered(net)
    return [net.actors["bank"].uscc, "", "10", ""], {}


async def s_nothing(net):
    await _confirmed(net)
    return [], {}


async def s_offer_terms(net):
    return [(await _offered(net))[2]["id"]], {}


async def s_disbursement(net):
    return [(await _disbursed(net))[1]["id"]], {}


async def s_notice(net):
    return [(await _disbursed(net))[1]["notice_id"]], {}


async def s_discount_offer(net):
    await _confirmed(net)       # a confirmed payable for the offer to cover
    d = await net.ok(net.actors["core"], "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(10)})
    return [d["id"]], {}


async def s_payment_record(net):
    await _confirmed(net)
    return [net.actors["core"].uscc, "10", ""], {}


async def s_exposure(net):
    await _accepted(net)
    return [net.actors["core"].uscc, net.actors["bank"].uscc], {}


async def s_discount_offers(net):
    await s_discount_offer(net)
    return [net.actors["core"].uscc, "", "10", ""], {}


async def s_get_party(net):
    return [net.actors["tier1"].uscc], {}


async def s_identity_party(net):
    return [SUPPLIER, net.actors["tier1"].identity.id], {}


async def s_find_invoice(net):
    r = await _confirmed(net)
    return [r["invoices"][0]["fingerprint"]], {}


async def s_request(net):
    r = await _confirmed(net)
    await net.ok(net.actors["tier1"], "TransferReceivable", r["id"], net.actors["tier2"].uscc, "100", "req-1")
    return ["req-1", net.actors["tier1"].uscc], {}


async def s_upgrade(net):
    registered = await net.registered(net.actors["tier1"], net.actors["core"], 1000, due_in=30)
    # as a version before it left a claim REGISTERED, without its key-level policy: a page to write, so that it
    # changes the ledger and emits its event (a page with nothing to write or report emits none)
    del net.ledger.validation_parameters[net._key(keys.RECEIVABLE, registered["id"])]
    return ["10", ""], {}


READERS = {"core", "tier1", "regulator"}
SUPPLIERS = {"tier1", "tier2", "core_sup", "bank_sup"}

# (transaction, scenario, callers allowed, evaluate)
MATRIX: list[tuple[str, Scenario, set[str], bool]] = [
    ("RegisterParty", s_register_party, {"admin_sup"}, False),
    ("RenameParty", s_rename, {"admin_sup"}, False),
    ("BindPartyIdentity", s_bind, {"admin_sup"}, False),
    ("UnbindPartyIdentity", s_unbind, {"admin_sup"}, False),
    ("RegisterReceivable", s_register, {"tier1"}, False),
    ("ConfirmReceivable", s_registered, {"core"}, False),
    ("RejectReceivable", s_reject, {"core"}, False),
    ("WithdrawReceivable", s_reject, {"tier1"}, False),   # the creditor, holder of its registered claim
    ("LinkPaperIdentity", s_link_registered, {"tier1"}, False),   # its creditor, the invoices' seller,
    ("LinkPaperIdentity", s_link_confirmed, {"tier1"}, False),    # before and after the confirmation
    ("TransferReceivable", s_transfer, {"tier1"}, False),
    ("RequestFinancing", s_confirmed, {"tier1"}, False),
    ("WithdrawFinancing", s_requested, {"tier1"}, False),
    ("MakeFinancingOffer", s_make_offer, {"bank", "bank2"}, False),
    ("AcceptFinancingOffer", s_accept, {"tier1"}, False),
    ("RecordDisbursement", s_disburse, {"bank"}, False),
    ("AcknowledgeAssignment", s_acknowledge, {"core"}, False),
    ("RecordRepayment", s_repay, {"bank"}, False),
    ("CancelFinancing", s_cancel, {"tier1", "bank"}, False),
    ("WithdrawFinancingOffer", s_withdraw_offer, {"bank"}, False),
    ("DemandRecourse", s_recourse, {"bank"}, False),
    ("ExerciseRecourse", s_recourse, {"bank"}, False),
    ("PublishDiscountOffer", s_publish, {"core"}, False),
    ("AcceptDiscountOffer", s_accept_discount, {"tier1"}, False),
    ("WithdrawDiscountOffer", s_withdraw_discount, {"core"}, False),
    ("RecordPayment", s_payment, {"core"}, False),
    ("RecordOverdue", s_overdue, {"core", "tier1", "bank"}, False),
    ("RecordOverdue", s_overdue, {"core", "tier1", "bank"}, True),     # evaluated: it answers with the claim
    ("FreezeReceivable", s_freeze, {"regulator"}, False),
    ("UnfreezeReceivable", s_unfreeze, {"regulator"}, False),
    ("ResealReceivable", s_reseal, {"core", "tier1", "bank", "regulator"}, False),   # the claim's parties, and
    # the regulator: it restores the orgs due and changes no business data
    ("GetReceivable", s_confirmed, READERS, True),
    ("GetReceivableHistory", s_confirmed, READERS, True),
    ("GetProvenance", s_confirmed, READERS, True),
    ("GetReceivableEndorsers", s_confirmed, READERS, True),
    ("ListReceivablesByHolder", s_by_holder, {"tier1", "regulator"}, True),
    ("ListReceivablesByDebtor", s_by_debtor, {"core", "regulator"}, True),
    ("ListReceivablesByStatus", s_by_status, {"regulator"}, True),
    ("ListReceivablesByFinancier", s_by_financier, {"bank", "regulator"}, True),
    ("ListOffersByFinancier", s_open_offers, {"bank", "regulator"}, True),
    ("GetStatistics", s_nothing, {"regulator"}, True),
    ("GetFinancing", s_requested, READERS | {"bank", "bank2"}, True),
    ("GetOfferTerms", s_offer_terms, {"tier1", "bank", "regulator"}, True),
    ("GetDisbursement", s_disbursement, {"tier1", "bank", "regulator"}, True),
    ("GetAssignmentNotice", s_notice, READERS | {"bank"}, True),
    ("GetDiscountOffer", s_discount_offer, {"core", "regulator"} | SUPPLIERS, True),
    ("ListDiscountOffers", s_discount_offers, {"core", "regulator"} | SUPPLIERS, True),
    ("GetDebtorPaymentRecord", s_payment_record, {"core", "bank", "bank2", "regulator"}, True),
    ("GetFinancierExposure", s_exposure, {"bank", "regulator"}, True),
    ("GetParty", s_get_party, EVERY_PARTY | set(ADMINS), True),
    ("GetPartyHistory", s_get_party, EVERY_PARTY | set(ADMINS), True),   # whoever may look the party up
    ("FindInvoice", s_find_invoice, EVERY_PARTY, True),
    ("AttestInvoiceVerification", s_attest, {"bank", "bank2"}, False),
    # its records to tier1, core, the banks and the regulator; to any other party an empty list, as for an
    # invoice nobody attested (test_attestations_of_others_read_as_none)
    ("GetInvoiceAttestations", s_attestations, EVERY_PARTY, True),
    ("WhoAmI", s_nothing, EVERY_PARTY, True),
    ("GetContractSettings", s_nothing, set(CALLERS), True),   # the rules every registration is held to
    ("FindIdentityParty", s_identity_party, {"tier1", "regulator", "admin_sup"}, True),
    ("GetRequest", s_request, {"tier1", "regulator", "admin_sup"}, True),
    ("UpgradeLedger", s_upgrade, {"admin_reg"}, False),   # its pages name every claim
]


@pytest.mark.parametrize("fn, scenario, allowed, evaluate", MATRIX, ids=[row[0] for row in MATRIX])
async def test_only_the_allowed_callers_succeed(fn, scenario, allowed, evaluate):
    net = await matrix_net()
    args, kw = await scenario(net)
    for caller in CALLERS:
        if caller in allowed:
            continue
        await net.refused(net.actors[caller], fn, *args, evaluate=evaluate, rule="", **kw)
    for caller in sorted(allowed):
        fresh = net if evaluate else await matrix_net()
        fresh_args, fresh_kw = (args, kw) if evaluate else await scenario(fresh)
        result = await fresh.call(fresh.actors[caller], fn, *fresh_args, evaluate=evaluate, **fresh_kw)
        assert result.status == 200, f"{fn} by {caller}: {result.message}"
        if not evaluate:
            assert result.event is not None, f"{fn} emitted no event"


def test_the_matrix_covers_every_transaction():
    transactions = {name for name in dir(ReceivablesContract) if name[0].isupper()}
    assert transactions == {row[0] for row in MATRIX}


DOCS = Path(__file__).resolve().parents[3] / "docs" / "receivables.md"
# the callers each column of the docs' table stands for, in its order (core ... stranger)
DOCS_COLUMNS = (["core"], ["core2"], ["tier1"], ["tier2"], ["bank"], ["bank2"], ["regulator"],
                ["core_sup", "sup_core", "bank_sup"], ADMINS, ["stranger"])


def _docs_matrix() -> list[tuple[list[str], list[str]]]:
    """Each row of the docs' authorization matrix: (the transactions its first cell names, its other cells)."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("\n## Authorization matrix\n", 1)[1].split("\n## ", 1)[0]
    transactions = {name for name in dir(ReceivablesContract) if name[0].isupper()}
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith(("| transaction ", "| ---")):
            continue
        first, *cells = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows.append(([name for name in re.findall(r"\b[A-Z]\w+", first) if name in transactions], cells))
    return rows


def test_the_docs_matrix_names_every_transaction():
    """docs/receivables.md says this test runs its table: a transaction left out of it is one a reader cannot
    tell the callers of."""
    named = {name for names, _ in _docs_matrix() for name in names}
    assert {row[0] for row in MATRIX} - named == set()


def test_the_docs_matrix_allows_the_callers_the_matrix_does():
    """A row of plain ✔ and – (no caller qualified by the claim it acts on) allows exactly the callers MATRIX
    lets succeed."""
    allowed: dict[str, set[str]] = {}
    for fn, _, callers, _ in MATRIX:
        allowed.setdefault(fn, set()).update(callers)
    wrong = {}
    for names, cells in _docs_matrix():
        assert len(cells) == len(DOCS_COLUMNS), (names, cells)
        if not set(cells) <= {"✔", "–"}:
            continue
        documented = {caller for column, cell in zip(DOCS_COLUMNS, cells) if cell == "✔" for caller in column}
        wrong |= {name: (sorted(documented), sorted(allowed[name])) for name in names if documented != allowed[name]}
    assert not wrong, f"rows allowing other callers than MATRIX: {wrong}"


# the regulator reads everything but changes only freeze state: every submit transaction but these refuses it (a
# reseal writes the claim key's policy alone, restoring the regulator's org to a frozen claim)
REGULATOR_WRITES = {"FreezeReceivable", "UnfreezeReceivable", "ResealReceivable"}
SUBMITTED = [(fn, scenario) for fn, scenario, *_ in MATRIX
             if not ReceivablesContract().transactions()[fn][0].evaluate]


def test_the_regulator_writes_are_submit_transactions():
    assert REGULATOR_WRITES < {fn for fn, _ in SUBMITTED}


@pytest.mark.parametrize("fn, scenario", SUBMITTED, ids=[fn for fn, _ in SUBMITTED])
async def test_the_regulator_changes_only_freeze_state(fn, scenario):
    net = await matrix_net()
    args, kw = await scenario(net)
    if fn in REGULATOR_WRITES:
        await net.ok(net.actors["regulator"], fn, *args, **kw)
    else:       # submitted, as a client would: refused with a rule, nothing written, no event
        await net.refused(net.actors["regulator"], fn, *args, rule="", **kw)
