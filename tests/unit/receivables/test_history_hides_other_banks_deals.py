"""GetReceivableHistory: a bank asked to finance a claim by a new request does not read, in the claim's
history, the earlier financings GetFinancing refuses it: not their ids, not their banks, not which bank
ended them. Their steps still show (an acceptance, a cancellation), and the claim's parties and the
regulator read the history whole."""

from __future__ import annotations

import json

from .support import standard_net
from .test_ended_financing_read_by_its_parties_only import _cancelled_then_requested_again


# tier1's claim on core: financed by ``bank``, which cancels, then requested again; the claim and both financings
_cancelled_by_bank_then_requested_again = _cancelled_then_requested_again


async def test_a_bank_asked_by_a_later_request_reads_no_earlier_bank_nor_its_financing_in_the_history():
    net = await standard_net()
    bank, bank2 = net.actors["bank"], net.actors["bank2"]
    r, f1, f2 = await _cancelled_by_bank_then_requested_again(net)
    await net.refused(bank2, "GetFinancing", f1["id"], evaluate=True, rule="not-permitted-to-read")
    history = await net.ok(bank2, "GetReceivableHistory", r, evaluate=True)
    said = json.dumps(history)
    assert bank.uscc not in said and f1["id"] not in said and net.actors["bank"].msp not in said, said
    steps = [(e["action"], e["by"], e["financing_id"], e["financier"]) for e in history]
    t1 = net.actors["tier1"].uscc
    assert steps[2:] == [("RequestFinancing", t1, None, None), ("AcceptFinancingOffer", t1, None, None),
                         ("CancelFinancing", None, None, None), ("RequestFinancing", t1, f2["id"], None)]


async def test_the_claims_parties_the_regulator_and_the_earlier_bank_read_the_history_whole():
    net = await standard_net()
    bank = net.actors["bank"]
    r, f1, _ = await _cancelled_by_bank_then_requested_again(net)
    for reader in ("tier1", "core", "regulator", "bank"):
        history = await net.ok(net.actors[reader], "GetReceivableHistory", r, evaluate=True)
        cancelled = [e for e in history if e["action"] == "CancelFinancing"]
        accepted = [e for e in history if e["action"] == "AcceptFinancingOffer"]
        assert [(e["by"], e["msp_id"]) for e in cancelled] == [(bank.uscc, bank.msp)], reader
        assert [(e["financing_id"], e["financier"]) for e in accepted] == [(f1["id"], bank.uscc)], reader
