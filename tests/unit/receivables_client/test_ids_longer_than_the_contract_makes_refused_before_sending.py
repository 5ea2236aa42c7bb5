"""An id longer than any the contract makes, and a party code that is no credit code, are refused by the SDK before
anything is sent, naming the argument, the limit and what to give: a 10,000-character receivable, financing, offer
or notice id, or party code, went to the peers whole, to come back not-found or party-not-registered (or, for a
listing the caller may not read, not-permitted-to-read, hiding the typo).

The limits are the contract's: what it does on MemoryLedger (the ids it makes, the deepest split it allows, the
party codes it says no party can have), not numbers copied here."""

from __future__ import annotations

import asyncio
import json

import pytest

from chaincode.receivables import keys, uscc
from chaincode.shim import KeyModification, create_composite_key
from client.receivables import ArgumentRefused, Party, Receivable, ReceivablesClient, RuleViolation
from client.receivables._arguments import RECEIVABLE_ID_MAX, RECORD_ID_LENGTH

from ..ledger_contract import LedgerContract
from ..receivables.support import standard_net
from . import fakes
from .record_id_calls import IDS, RECORD_ID_CALLS
from .test_argument_types_and_empty_values import both_clients

LONGEST = {kind: RECEIVABLE_ID_MAX if kind == "receivable_id" else RECORD_ID_LENGTH for kind in IDS}


def longest_of(kind: str) -> str:
    """An id of ``kind`` as long as the contract makes one: a receivable's split as deep as it may be."""
    return IDS[kind] + ".1" * ((LONGEST[kind] - len(IDS[kind])) // 2)


def assert_refused(call, argument: str, value: str, *said: str) -> None:
    raised, contracts = both_clients(lambda c: call(c, value))
    for error in raised:
        assert type(error) is ArgumentRefused, repr(error)
        message = str(error)
        assert message.startswith(f"{argument} ") or message.startswith(f"{argument}: "), message
        assert message.endswith("nothing was sent"), message
        assert len(message) < 500, message
        for words in said:
            assert words in message, message
    assert [c.calls for c in contracts] == [[], []]


@pytest.mark.parametrize("argument, call", RECORD_ID_CALLS)
@pytest.mark.parametrize("extra", [1, 10_000], ids=["one-more", "ten-thousand"])
def test_a_record_id_longer_than_any_the_contract_makes_is_refused_naming_its_limit(argument, call, extra):
    assert_refused(call, argument, longest_of(argument) + "0" * extra,
                   f"longer than any {argument.replace('_', ' ')}", f"at most {LONGEST[argument]} characters",
                   "give it as recfin prints it")


@pytest.mark.parametrize("argument, call", RECORD_ID_CALLS)
def test_a_record_id_as_long_as_the_contract_makes_goes_out(argument, call):
    contract = fakes.FakeContract()
    try:
        call(ReceivablesClient(contract), longest_of(argument))
    except Exception as error:   # the fake answers nothing: the call fails once it has sent
        assert "longer than any" not in str(error), error
    assert any(longest_of(argument) in sent.arguments for sent in contract.calls), contract.calls


PARTY_CODE_CALLS = [
    ("uscc", lambda c, x: c.rename_party(x, "Tier-1 Parts")),
    ("uscc", lambda c, x: c.bind_party_identity(x, "x509::CN=clerk::CN=ca")),
    ("uscc", lambda c, x: c.unbind_party_identity(x, "x509::CN=clerk::CN=ca")),
    ("to", lambda c, x: c.transfer(IDS["receivable_id"], x, 100)),
    ("holder", lambda c, x: c.list_by_holder(x)),
    ("debtor", lambda c, x: c.list_by_debtor(x)),
    ("financier", lambda c, x: c.list_by_financier(x)),
    ("debtor", lambda c, x: c.list_by_financier(fakes.BANK, debtor=x)),
    ("financier", lambda c, x: c.list_offers_by_financier(x)),
    ("debtor", lambda c, x: c.list_offers_by_financier(fakes.BANK, debtor=x)),
    ("debtor", lambda c, x: c.list_discount_offers(x)),
    ("debtor", lambda c, x: c.debtor_payment_record(x)),
    ("debtor", lambda c, x: c.financier_exposure(x)),
    ("financier", lambda c, x: c.financier_exposure(fakes.CORE, x)),
    ("party", lambda c, x: c.request("order-7", x)),
]
NO_CREDIT_CODES = ["9" * 10_000, fakes.TIER1.lower(), fakes.TIER1[:-1] + ("A" if fakes.TIER1[-1] != "A" else "B")]


@pytest.mark.parametrize("argument, call", PARTY_CODE_CALLS)
@pytest.mark.parametrize("code", NO_CREDIT_CODES, ids=["ten-thousand", "lower-case", "check-character"])
def test_a_party_code_no_party_can_have_is_refused_before_sending(argument, call, code):
    assert_refused(call, argument, code, uscc.problem(code), "no party is registered under it, nor can one be",
                   "18-character unified social credit code")


# ------------------------------------------------------------ the limits are the contract's


def test_the_ids_the_contract_makes_are_as_long_as_the_sdk_allows_and_no_longer():
    net = asyncio.run(standard_net())
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    root = asyncio.run(net.confirmed(tier1, core, 100_000_00))["id"]
    financing = asyncio.run(net.ok(tier1, "RequestFinancing", asyncio.run(net.confirmed(tier1, core, 50_000_00))["id"]))
    assert len(root) == len(financing["id"]) == RECORD_ID_LENGTH
    client = ReceivablesClient(LedgerContract(net.ledger, tier1.identity, lambda: net.now))
    kept = root
    while True:
        try:
            kept = client.transfer(kept, tier2.uscc, 1).children[1]
        except RuleViolation as refused:
            assert refused.rule == "split-too-deep", refused
            break
    # the deepest part the contract makes is exactly as long as the SDK's limit, and the SDK reads it
    assert len(kept) == RECEIVABLE_ID_MAX
    assert client.get_receivable(kept).id == kept
    with pytest.raises(ValueError, match=f"at most {RECEIVABLE_ID_MAX} characters"):
        client.get_receivable(kept + "1")


@pytest.mark.parametrize("code", NO_CREDIT_CODES, ids=["ten-thousand", "lower-case", "check-character"])
def test_a_party_code_the_sdk_refuses_is_one_the_contract_says_no_party_can_have(code):
    net = asyncio.run(standard_net())
    client = ReceivablesClient(LedgerContract(net.ledger, net.actors["tier1"].identity, lambda: net.now))
    with pytest.raises(RuleViolation) as answered:
        client._evaluate("GetParty", code, model=Party)   # sent as given, past the SDK's check of the argument
    assert answered.value.rule == "party-not-registered"
    assert "nor can one be" in answered.value.detail
    with pytest.raises(ValueError, match="nor can one be"):
        client.rename_party(code, "Tier-1 Parts")


NO_INVOICE_NUMBERS = ["2" * 10_000, "2631-2000-0000-1234-5678", "2631200000001234567"]


@pytest.mark.parametrize("number", NO_INVOICE_NUMBERS, ids=["ten-thousand", "dashes", "nineteen"])
def test_an_invoice_number_no_invoice_has_is_refused_before_a_paper_identity_is_linked(number):
    assert_refused(lambda c, x: c.link_paper_identity(IDS["receivable_id"], x, "031001900111", "12345678"),
                   "invoice_number", number, "is neither the 20 digits", "give the number exactly as printed")


@pytest.mark.parametrize("number", NO_INVOICE_NUMBERS, ids=["ten-thousand", "dashes", "nineteen"])
def test_an_invoice_number_the_sdk_refuses_links_nothing_on_the_contract(number):
    net = asyncio.run(standard_net())
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = asyncio.run(net.confirmed(tier1, core, 100_000_00))["id"]
    client = ReceivablesClient(LedgerContract(net.ledger, tier1.identity, lambda: net.now))
    with pytest.raises(RuleViolation) as answered:   # sent as given, past the SDK's check of the argument
        client._submit("LinkPaperIdentity", claim, number, "031001900111", "12345678", model=Receivable)
    assert answered.value.rule == "not-found"
    with pytest.raises(ValueError, match="is neither the 20 digits"):
        client.link_paper_identity(claim, number, "031001900111", "12345678")


@pytest.mark.parametrize("argument, call", [(a, c) for a, c in RECORD_ID_CALLS if a == "receivable_id"])
def test_a_part_of_a_lineage_split_deeper_before_splits_were_bounded_goes_out(argument, call):
    """Splits were unbounded before the contract stopped them at MAX_SPLIT_DEPTH, and it still reads a lineage split
    deeper then (its provenance marks the parts below the bound children_omitted): an id of a root and split steps
    only is sent however long, as the contract takes it."""
    from chaincode.receivables.lifecycle import MAX_SPLIT_DEPTH

    deep = IDS["receivable_id"] + ".2.1" * MAX_SPLIT_DEPTH
    contract = fakes.FakeContract()
    try:
        call(ReceivablesClient(contract), deep)
    except Exception as error:   # the fake answers nothing: the call fails once it has sent
        assert "longer than any" not in str(error), error
    assert any(deep in sent.arguments for sent in contract.calls), contract.calls


@pytest.mark.parametrize("code", NO_CREDIT_CODES, ids=["ten-thousand", "lower-case", "check-character"])
def test_a_party_read_by_a_code_no_party_can_have_is_the_contracts_to_answer(code):
    """GetParty and GetPartyHistory go out whatever the code: the contract says no party can be registered under
    one that is no credit code, as the SDK would have."""
    net = asyncio.run(standard_net())
    client = ReceivablesClient(LedgerContract(net.ledger, net.actors["tier1"].identity, lambda: net.now))
    for read in (client.get_party, client.party_history):
        with pytest.raises(RuleViolation) as answered:
            read(code)
        assert answered.value.rule == "party-not-registered" and "nor can one be" in answered.value.detail


@pytest.mark.parametrize("stored", ["record", "garbage"])
def test_a_party_record_written_outside_the_contract_under_a_lower_case_code_is_read(stored):
    """Two orgs running altered chaincode can write a party record under any key: the contract reads one under a
    code no registration takes (GetParty answers it, or refuses it record-unreadable telling the caller to read
    the code's GetPartyHistory), and so must the SDK, for the caller and the audit, which reads the party a claim
    names, to see who wrote it."""
    net = asyncio.run(standard_net())
    tier1 = net.actors["tier1"]
    code = tier1.uscc.lower()
    key = create_composite_key(keys.PARTY, [code])
    value = (json.dumps({**json.loads(net.ledger.state[create_composite_key(keys.PARTY, [tier1.uscc])]),
                         "uscc": code}).encode() if stored == "record" else b"garbage")
    net.ledger.state[key] = value
    net.ledger.history.setdefault(key, []).append(KeyModification("forged-tx", value, net.now, False))
    client = ReceivablesClient(LedgerContract(net.ledger, tier1.identity, lambda: net.now))
    assert [entry.tx_id for entry in client.party_history(code)] == ["forged-tx"]
    if stored == "record":
        assert client.get_party(code).uscc == code
    else:
        with pytest.raises(RuleViolation) as answered:
            client.get_party(code)
        assert answered.value.rule == "record-unreadable" and "GetPartyHistory" in answered.value.detail


def test_a_part_of_a_lineage_split_deeper_before_splits_were_bounded_is_read_and_moved_through_the_sdk(monkeypatch):
    """On MemoryLedger: a lineage split past the bound as the contract split before it had one (the bound raised
    for the splits only), whose deepest parts' ids are longer than RECEIVABLE_ID_MAX, is read, paid and moved
    whole through the SDK, as the contract takes it."""
    from chaincode.receivables import lifecycle

    net = asyncio.run(standard_net())
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    root = asyncio.run(net.confirmed(tier1, core, 100_000_00))["id"]
    supplier = ReceivablesClient(LedgerContract(net.ledger, tier1.identity, lambda: net.now))
    debtor = ReceivablesClient(LedgerContract(net.ledger, core.identity, lambda: net.now))
    kept, passed_on = root, root
    with monkeypatch.context() as before_the_bound:
        before_the_bound.setattr(lifecycle, "MAX_SPLIT_DEPTH", lifecycle.MAX_SPLIT_DEPTH + 10)
        while len(kept) <= RECEIVABLE_ID_MAX + 2:
            passed_on, kept = supplier.transfer(kept, tier2.uscc, 1).children
    assert len(passed_on) == len(kept) > RECEIVABLE_ID_MAX
    assert supplier.get_receivable(kept).id == kept
    assert debtor.record_payment(passed_on, 1).id == passed_on
    moved = supplier.transfer(kept, tier2.uscc, supplier.get_receivable(kept).outstanding)
    assert (moved.id, moved.holder) == (kept, tier2.uscc)
