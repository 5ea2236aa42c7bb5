"""A part's history starts at the split that created it. Its id is its claim's with ``.1`` or ``.2`` after it,
known before the split, and until the split writes the key with its policy any two orgs (altered chaincode,
under the chaincode-level policy alone) can write it. A copy of the claim planted there was taken as the part's
first write: GetReceivableHistory of the part split since was refused ``history-cut`` for good, and the debtor's
payment record left the part out, named as cut, so a bank pricing the debtor never saw how it was paid. The
writes before the split are no state of the part: passed over by the payment record, and shown in the history by
their transaction alone."""

from __future__ import annotations

import dataclasses
import json

from chaincode.receivables import keys

from .support import standard_net


def plant_part_ahead(net, claim_id: str, n: int) -> None:
    """A copy of the confirmed claim written outside the contract under the key its part ``n`` will have."""
    part = f"{claim_id}.{n}"
    key = net._key(keys.RECEIVABLE, part)
    net.ledger.state[key] = json.dumps({**net.doc(claim_id), "id": part, "parent_id": claim_id},
                                       sort_keys=True).encode()
    last_write = net.ledger.history[net._key(keys.RECEIVABLE, claim_id)][-1]
    net.ledger.history[key] = [dataclasses.replace(last_write, tx_id=f"planted-{n}", value=net.ledger.state[key])]


async def test_a_copy_planted_under_a_parts_id_before_the_split_cuts_neither_its_history_nor_the_debtors_record():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    claim = (await net.confirmed(tier1, core, 1000_00, due_in=10))["id"]
    plant_part_ahead(net, claim, 1)
    split = await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000")
    transferred = split["children"][0]
    net.advance(days=12)
    await net.ok(core, "RecordPayment", transferred, "40000")
    history = await net.ok(tier2, "GetReceivableHistory", transferred, evaluate=True)
    # the write before the split shown by its transaction alone, as no state of the part
    assert [(h["tx_id"], h.get("action"), h.get("status")) for h in history] == [
        ("planted-1", None, None), (net.doc(claim)["last"]["tx_id"], "TransferReceivable", "CONFIRMED"),
        (history[2]["tx_id"], "RecordPayment", "SETTLED")]
    page = await net.ok(net.actors["bank"], "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True)
    assert page["history_cut"] == []
    assert sorted(r["receivable_id"] for r in page["records"]) == [claim, *split["children"]]
    paid_late = next(r for r in page["records"] if r["receivable_id"] == transferred)
    assert paid_late["parent_id"] == claim and paid_late["status"] == "SETTLED"


async def test_a_part_whose_split_the_peer_cut_from_its_history_is_still_refused():
    net = await standard_net()
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    claim = (await net.confirmed(tier1, core, 1000_00))["id"]
    transferred = (await net.ok(tier1, "TransferReceivable", claim, tier2.uscc, "40000"))["children"][0]
    await net.ok(core, "RecordPayment", transferred, "100")
    key = net._key(keys.RECEIVABLE, transferred)
    net.ledger.history[key] = net.ledger.history[key][1:]   # as a peer returning the newest writes only
    await net.refused(tier2, "GetReceivableHistory", transferred, evaluate=True, rule="history-cut")
