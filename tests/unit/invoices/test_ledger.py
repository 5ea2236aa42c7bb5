"""LedgerRegistry: the FingerprintRegistry over the contract's FindInvoice, against a fake Gateway contract."""

import json
from collections.abc import Callable

import pytest

from client.invoices import (
    CheckOptions,
    InvoiceUse,
    LedgerAnswerInvalid,
    LedgerRegistry,
    check_invoice,
    invoice_fingerprint,
)
from client.invoices.fingerprint import other_spelling_fingerprint

from ._samples import invoice


class FakeContract:
    """Stands in for client.gateway.Contract: records each evaluate call, answers with canned bytes (or, given
    a function, with what it makes of the fingerprint asked)."""

    def __init__(self, answer: bytes | Exception | Callable[[str], bytes]) -> None:
        self.answer = answer
        self.calls: list[tuple] = []

    def evaluate_transaction(self, name, *args):
        self.calls.append((name, *args))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer(*args) if callable(self.answer) else self.answer


def answer(fp, used, receivable_id, live) -> bytes:
    return json.dumps({"fingerprint": fp, "used": used, "receivable_id": receivable_id, "live": live}).encode()


FP = invoice_fingerprint(invoice())


def test_an_unused_invoice():
    contract = FakeContract(answer(FP, False, None, False))
    registry = LedgerRegistry(contract)
    assert registry.receivable_for(FP) is None
    assert contract.calls == [("FindInvoice", FP)]


def test_a_live_and_a_settled_invoice_are_both_used():
    assert LedgerRegistry(FakeContract(answer(FP, True, "R-0123456789abcdef", True))).receivable_for(FP) == \
        InvoiceUse("R-0123456789abcdef", live=True)
    assert LedgerRegistry(FakeContract(answer(FP, True, "R-0123456789abcdef", False))).receivable_for(FP) == \
        InvoiceUse("R-0123456789abcdef", live=False)


def test_find_returns_the_whole_answer():
    found = LedgerRegistry(FakeContract(answer(FP, True, "R-1", False))).find(FP)
    assert (found.fingerprint, found.used, found.receivable_id, found.live) == (FP, True, "R-1", False)


def test_check_invoice_asks_the_ledger_through_it():
    inv = invoice()
    contract = FakeContract(answer(FP, True, "R-0123456789abcdef", False))
    f = check_invoice(inv, CheckOptions(registry=LedgerRegistry(contract))).finding("duplicate.ledger")
    assert f.status == "fail" and "R-0123456789abcdef" in f.message and "settled" in f.message
    assert contract.calls == [("FindInvoice", FP)]
    # unused: its number's first 12 digits read as an invoice code, so its other spelling is asked about too
    contract = FakeContract(lambda asked: answer(asked, False, None, False))
    assert check_invoice(inv, CheckOptions(registry=LedgerRegistry(contract))).finding("duplicate.ledger").status == "pass"
    assert contract.calls == [("FindInvoice", FP), ("FindInvoice", other_spelling_fingerprint(inv)[2])]


@pytest.mark.parametrize("raw", [
    b"not json",
    b"[]",
    json.dumps({"fingerprint": FP, "receivable_id": None, "live": False}).encode(),  # no "used"
    json.dumps({"fingerprint": FP, "used": False, "receivable_id": None, "live": False, "x": 1}).encode(),
    answer("0" * 64, False, None, False),        # about another fingerprint
    answer(FP, "yes", "R-1", True),              # not a boolean
    answer(FP, True, None, True),                # used, but names no receivable
    answer(FP, True, "", False),
    answer(FP, False, "R-1", False),             # unused, but names one
    answer(FP, False, None, True),               # live yet unused
])
def test_an_answer_of_another_shape_is_an_error_not_a_pass(raw):
    with pytest.raises(LedgerAnswerInvalid):
        LedgerRegistry(FakeContract(raw)).receivable_for(FP)


def test_an_answer_nested_past_the_parsers_depth_is_an_error_not_a_crash():
    with pytest.raises(LedgerAnswerInvalid, match="FindInvoice answered .*: JSON nested too deeply to be an answer"):
        LedgerRegistry(FakeContract(b"[" * 100_000)).receivable_for(FP)


def test_gateway_errors_propagate():
    class Refused(Exception):
        pass

    contract = FakeContract(Refused("RULE caller-not-a-party: ..."))
    with pytest.raises(Refused):
        check_invoice(invoice(), CheckOptions(registry=LedgerRegistry(contract)))


def test_a_malformed_fingerprint_is_not_sent():
    contract = FakeContract(answer(FP, False, None, False))
    for bad in ("", FP.upper(), FP[:10]):
        with pytest.raises(ValueError):
            LedgerRegistry(contract).find(bad)
    assert contract.calls == []


def test_it_reads_what_the_contract_answers():
    """The canned answers above have the shape the contract really returns (checked against the contract itself)."""
    pytest.importorskip("chaincode.receivables.contract")
    import asyncio

    from client.invoices.fingerprint import fingerprint_of
    from tests.unit.receivables.support import standard_net

    async def run():
        net = await standard_net()
        tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
        req = net.registration(tier1, core, 1000, invoice_no="26442000000012345678")
        fp = fingerprint_of(tier1.uscc, "", "26442000000012345678")
        before = await net.call(bank, "FindInvoice", fp, evaluate=True)
        r = await net.ok(tier1, "RegisterReceivable", req)
        after = await net.call(bank, "FindInvoice", fp, evaluate=True)
        assert before.status == after.status == 200
        return fp, r["id"], before.payload, after.payload

    fp, rid, before, after = asyncio.run(run())
    assert LedgerRegistry(FakeContract(before)).receivable_for(fp) is None
    assert LedgerRegistry(FakeContract(after)).receivable_for(fp) == InvoiceUse(rid, live=True)
