"""A claim key holding a record of the right shape whose invoice one of the model's own validators refuses (a tax of
1.5 fen, a credit code that is a number, a date that is none) is no claim, as one that does not parse is: the lists,
the regulator's statistics, the payment record and the histories pass it over. The validators raise the contract's
RuleViolation, which pydantic does not wrap in a ValidationError, so a read catching only the latter failed on it:
one key any two orgs wrote made GetStatistics, and every list page reaching its entry, fail for the whole channel
naming a rule (amount-not-integer-fen) the caller had broken nowhere."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys
from chaincode.shim import KeyModification

from .support import standard_net

FORGED_ID = "R-00000000000000f1"
REFUSED_BY_A_VALIDATOR = [("tax", 1.5), ("seller_tax_id", 7), ("date", "2026-13-45")]


@pytest.mark.parametrize("field, value", REFUSED_BY_A_VALIDATOR)
async def test_a_claim_an_invoice_validator_refuses_is_left_out_of_the_lists_statistics_and_histories(field, value):
    net = await standard_net()
    core, t1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    own = (await net.confirmed(t1, core, 1000))["id"]
    stored = net.doc(own)
    forged = {**stored, "id": FORGED_ID, "root_id": FORGED_ID,
              "invoices": [{**stored["invoices"][0], field: value}]}
    raw = json.dumps(forged).encode()
    key = net._key(keys.RECEIVABLE, FORGED_ID)
    net.ledger.state[key] = raw
    net.ledger.history.setdefault(key, []).append(KeyModification("forged-tx", raw, net.now, False))
    for index, entry_value in ((keys.BY_HOLDER, t1.uscc), (keys.BY_DEBTOR, core.uscc), (keys.BY_STATUS, "CONFIRMED")):
        net.ledger.state[net._key(index, entry_value, FORGED_ID)] = keys.INDEX_VALUE
    # and a write of the same shape in the history of the regulator's own readable claim, as an earlier write
    own_key = net._key(keys.RECEIVABLE, own)
    net.ledger.history[own_key].insert(0, KeyModification("forged-own", json.dumps({**forged, "id": own}).encode(),
                                                          net.now, False))

    for fn, by in (("ListReceivablesByHolder", t1.uscc), ("ListReceivablesByDebtor", core.uscc),
                   ("ListReceivablesByStatus", "CONFIRMED")):
        page = await net.ok(reg, fn, by, "10", "", evaluate=True)
        assert ([r["id"] for r in page["records"]], page["fetched"]) == ([own], 2), fn
    stats = await net.ok(reg, "GetStatistics", evaluate=True)
    assert sum(stats["count_by_status"].values()) == 1 and stats["total"]["CNY"]["exposure"] == 1000
    page = await net.ok(reg, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True)
    assert [r["receivable_id"] for r in page["records"]] == [own]
    history = await net.ok(reg, "GetReceivableHistory", own, evaluate=True)
    # the forged write shown with its transaction, time and delete flag only, the claim's own writes as they are
    assert [w.get("status") for w in history if w["tx_id"] == "forged-own"] == [None]
    assert [w["status"] for w in history if w["tx_id"] != "forged-own"] == ["REGISTERED", "CONFIRMED"]


@pytest.mark.parametrize("field, value", REFUSED_BY_A_VALIDATOR)
async def test_a_claim_an_invoice_validator_refuses_is_refused_by_id_as_no_record_not_by_the_validators_rule(
        field, value):
    """Read by its id, such a key is refused record-unreadable naming it, as a value that does not parse is, not by
    the validator's rule, which the caller did not break: also by the bank's exposure, whose entry names it."""
    net = await standard_net()
    core, t1, reg, bank = (net.actors[k] for k in ("core", "tier1", "regulator", "bank"))
    own = (await net.confirmed(t1, core, 1000))["id"]
    await net.financed(t1, own)
    stored = net.doc(own)
    forged = {**stored, "id": FORGED_ID, "root_id": FORGED_ID, "invoices": [{**stored["invoices"][0], field: value}]}
    net.ledger.state[net._key(keys.RECEIVABLE, FORGED_ID)] = json.dumps(forged).encode()
    net.ledger.state[net._key(keys.BY_FINANCIER, bank.uscc, core.uscc, FORGED_ID)] = keys.INDEX_VALUE
    before = net.snapshot()
    message = await net.refused(reg, "GetReceivable", FORGED_ID, rule="record-unreadable", evaluate=True)
    assert f"recfin.receivable [{FORGED_ID}]" in message, message
    await net.refused(core, "RecordPayment", FORGED_ID, "100", rule="record-unreadable")
    message = await net.refused(bank, "GetFinancierExposure", core.uscc, "", rule="record-unreadable", evaluate=True)
    assert f"recfin.receivable [{FORGED_ID}]" in message, message
    assert net.snapshot() == before
