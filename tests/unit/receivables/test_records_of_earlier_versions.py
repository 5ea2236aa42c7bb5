"""Records earlier contract versions wrote, in the shape they wrote them, read and are acted on with nothing lost.

Each test writes a record as this contract writes it, then rewrites its stored bytes into the shape an earlier
version left (the commit named): a disbursement before fc0b0ee named its ``outstanding`` ``face_amount``; the first
contract with DemandRecourse (dd690ce) kept a financing's one demand as ``recourse_demanded_on`` and
``recourse_demand_reason``, before ``recourse_demands`` (6a0e1d7); an invoice of the first contract (877e233) has
no ``code`` nor ``currency``.
"""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from chaincode.receivables import keys
from chaincode.receivables.model import Disbursement
from client import receivables as sdk
from .support import Net, standard_net
from .test_recourse import WITH_RECOURSE, _disbursed


def rewrite(stored_at: dict, key: str, as_then) -> dict:
    """The record under ``key`` of ``stored_at`` (world state or one collection's private data) rewritten by
    ``as_then`` into the shape an earlier version stored, with the bytes as the contract writes them."""
    stored = json.loads(stored_at[key])
    as_then(stored)
    stored_at[key] = json.dumps(stored, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return stored


def as_before_fc0b0ee(disbursement: dict) -> None:
    disbursement["face_amount"] = disbursement.pop("outstanding")


def as_dd690ce(financing: dict) -> None:
    demand = financing.pop("recourse_demands")[0]
    financing["recourse_demanded_on"], financing["recourse_demand_reason"] = demand["on"], demand["reason"]


def as_877e233(claim: dict) -> None:
    for invoice in claim["invoices"]:
        del invoice["code"], invoice["currency"]


async def test_a_disbursement_recorded_before_fc0b0ee_counts_in_the_exposure_as_it_did():
    net = await standard_net()
    core, tier1, bank, reg = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    r = await net.confirmed(tier1, core)
    await net.ok(core, "RecordPayment", r["id"], "10000")   # partly paid: the advance is on the rest
    f = await net.financed(tier1, r["id"])
    exposure = {who.name: await net.ok(who, "GetFinancierExposure", *args, evaluate=True)
                for who, args in ((bank, (core.uscc, "")), (reg, (core.uscc, bank.uscc)))}
    private = net.ledger.private_state[f["collection"]]
    key = net._key(keys.DISBURSEMENT, f["id"])
    stored = rewrite(private, key, as_before_fc0b0ee)
    assert stored["face_amount"] == r["face_amount"] - 100_00 and "outstanding" not in stored

    # the bank and the regulator read the same exposure, principal included, as before the rewrite
    for who, args in ((bank, (core.uscc, "")), (reg, (core.uscc, bank.uscc))):
        assert await net.ok(who, "GetFinancierExposure", *args, evaluate=True) == exposure[who.name]
    # the stored record is the one that was hashed (nothing rewrites it on read)
    assert json.loads(private[key]) == stored


def test_a_disbursement_record_holding_both_names_reads_only_when_they_agree():
    written = {"doc_type": "disbursement", "financing_id": "F-0123456789abcdef", "receivable_id": "R-0123456789abcdef",
               "outstanding": 900_00, "principal": 810_00, "interest": 5_00, "fees": 0, "net_amount": 805_00,
               "days": 30, "day_count": "ACT/360", "disbursed_on": "2026-03-02", "due_date": "2026-04-01",
               "salt": "s" * 16}
    assert Disbursement.model_validate({**written, "face_amount": 900_00}).to_json() == written
    with pytest.raises(ValidationError) as refused:
        Disbursement.model_validate({**written, "face_amount": 1000_00})
    assert "face_amount 100000 and outstanding 90000, which differ" in str(refused.value)


async def _demanded_as_dd690ce(net: Net) -> tuple[dict, str]:
    """A disbursed financing with recourse, past due, on which the bank demanded recourse today, stored as
    dd690ce recorded the demand; and the financing's key."""
    r, f = await _disbursed(net)
    net.advance(days=33)
    await net.ok(net.actors["bank"], "DemandRecourse", f["id"], "unpaid at maturity", transient=WITH_RECOURSE)
    key = net._key(keys.FINANCING, f["id"])
    stored = rewrite(net.ledger.state, key, as_dd690ce)
    assert (stored["recourse_demanded_on"], "recourse_demands" in stored) == (net.today, False)
    return f, key


async def test_a_recourse_demand_recorded_by_dd690ce_reads_as_the_financings_one_demand():
    net = await standard_net()
    f, _ = await _demanded_as_dd690ce(net)
    demand = {"on": net.today, "reason": "unpaid at maturity", "outstanding": None, "currency": None, "tx_id": None}
    for reader in (net.actors[k] for k in ("tier1", "bank", "core", "regulator")):
        seen = await net.ok(reader, "GetFinancing", f["id"], evaluate=True)
        assert seen["recourse_demands"] == [demand], reader.name
        assert not {"recourse_demanded_on", "recourse_demand_reason"} & set(seen)
    # the SDK reads it too: what that contract did not record of the demand is None
    assert sdk.FinancingView.model_validate(seen).latest_recourse_demand.outstanding is None


async def test_a_second_demand_on_the_day_of_a_demand_dd690ce_recorded_is_refused_and_a_later_one_keeps_both():
    net = await standard_net()
    bank = net.actors["bank"]
    f, key = await _demanded_as_dd690ce(net)
    message = await net.refused(bank, "DemandRecourse", f["id"], "again the same day", transient=WITH_RECOURSE,
                                rule="recourse-already-demanded")
    assert net.today in message

    net.advance(days=1)
    again = await net.call(bank, "DemandRecourse", f["id"], "repurchase within 10 days", transient=WITH_RECOURSE)
    assert again.status == 200, again.message
    stored = json.loads(net.ledger.state[key])
    assert not {"recourse_demanded_on", "recourse_demand_reason"} & set(stored)
    assert stored["recourse_demands"] == [
        {"on": net.day(-1), "reason": "unpaid at maturity", "outstanding": None, "currency": None, "tx_id": None},
        {"on": net.today, "reason": "repurchase within 10 days", "outstanding": 1000_00, "currency": "CNY",
         "tx_id": again.tx_id}]


async def test_every_list_of_claims_answers_a_claim_of_877e233_as_get_receivable_does():
    net = await standard_net()
    core, tier1, bank, reg = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    r = await net.confirmed(tier1, core)
    await net.financed(tier1, r["id"])
    rewrite(net.ledger.state, net._key(keys.RECEIVABLE, r["id"]), as_877e233)

    got = await net.ok(tier1, "GetReceivable", r["id"], evaluate=True)
    assert (got["invoices"][0]["code"], got["invoices"][0]["currency"]) == ("", "CNY")
    for who, fn, args in ((tier1, "ListReceivablesByHolder", (tier1.uscc,)),
                          (core, "ListReceivablesByDebtor", (core.uscc,)),
                          (reg, "ListReceivablesByStatus", ("FINANCED",)),
                          (bank, "ListReceivablesByFinancier", (bank.uscc, core.uscc))):
        listed = await net.ok(who, fn, *args, "10", "", evaluate=True)
        assert listed["records"] == [got], fn
