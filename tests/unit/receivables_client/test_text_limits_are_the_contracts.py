"""The SDK's bound on each text argument is the contract's: on MemoryLedger the longest text the contract takes in
the argument is found (the longest it does not refuse under the argument's own rule, whatever else it answers),
and the SDK sends text of that length and refuses, before sending, text one character longer. No bound is copied
here: a change of the contract's moves the bound this test finds, and fails it until the SDK follows."""

from __future__ import annotations

import asyncio

import pytest

from client.receivables import ReceivablesClient
from client.receivables.errors import RULE_PATTERN

from ..receivables.support import standard_net
from . import fakes

R = "R-00000000000000a1"
ORDER = "ORDER-2"
IDENTITY = "x509::CN=a::CN=b"

# argument, who sends it, the transaction, its arguments with the text on the ledger (``w``: a claim registered and
# not yet confirmed, which its debtor may reject, and its creditor's code), the SDK's call of it, and the rule and
# words of the contract's refusal of the argument itself
KINDS = [
    ("reason", "core", "RejectReceivable", lambda w, t: [w.claim, t], lambda c, t: c.reject(R, t),
     "argument-invalid", "reason must be"),
    ("order_reference", "regulator", "FreezeReceivable", lambda w, t: [R, t], lambda c, t: c.freeze(R, t),
     "argument-invalid", "order_reference must be"),
    ("lifts", "regulator", "UnfreezeReceivable", lambda w, t: [R, ORDER, t],
     lambda c, t: c.unfreeze(R, ORDER, lifts=t), "argument-invalid", "lifts must be"),
    ("msp_id", "tier1", "FindIdentityParty", lambda w, t: [t, IDENTITY],
     lambda c, t: c.find_identity_party(t, IDENTITY), "argument-invalid", "msp_id must be"),
    ("client_id", "tier1", "FindIdentityParty", lambda w, t: ["SupplierMSP", t],
     lambda c, t: c.find_identity_party("SupplierMSP", t), "argument-invalid", "client_id must be"),
    ("request_id", "tier1", "GetRequest", lambda w, t: [t, ""], lambda c, t: c.request(t),
     "request-id-invalid", "request id"),
    ("name", "admin", "RenameParty", lambda w, t: [w.tier1, t], lambda c, t: c.rename_party(fakes.TIER1, t),
     "argument-invalid", "name must be"),
]


@pytest.fixture(scope="module")
def net():
    made = asyncio.run(standard_net())
    made.claim = asyncio.run(made.registered(made.actors["tier1"], made.actors["core"]))["id"]
    made.tier1 = made.actors["tier1"].uscc
    return made


def refused_by_the_contract(net, who: str, transaction: str, arguments: list[str], rule: str, words: str) -> bool:
    actor = net.admins["SupplierMSP"] if who == "admin" else net.actors[who]
    # evaluated: nothing the probe is answered with is committed
    result = asyncio.run(net.ledger.evaluate(actor.identity, f"receivables:{transaction}", *arguments,
                                             timestamp=net.now))
    found = RULE_PATTERN.search(result.message or "") if result.status != 200 else None
    return found is not None and found.group(1) == rule and words in found.group(2)


def longest_the_contract_takes(net, who, transaction, arguments, rule, words) -> int:
    taken, refused = 1, 10_000
    assert not refused_by_the_contract(net, who, transaction, arguments(net, "x" * taken), rule, words)
    assert refused_by_the_contract(net, who, transaction, arguments(net, "x" * refused), rule, words)
    while refused - taken > 1:
        middle = (taken + refused) // 2
        if refused_by_the_contract(net, who, transaction, arguments(net, "x" * middle), rule, words):
            refused = middle
        else:
            taken = middle
    return taken


def sent_by_the_sdk(call, text: str) -> bool:
    contract = fakes.FakeContract()
    try:
        call(ReceivablesClient(contract), text)
    except ValueError:   # RefusedBeforeSending too
        if not contract.calls:
            return False
    except Exception:    # the fake answers nothing: the call fails once it has sent
        pass
    return bool(contract.calls)


@pytest.mark.parametrize("argument, who, transaction, arguments, call, rule, words", KINDS,
                         ids=[kind[0] for kind in KINDS])
def test_the_sdk_sends_the_longest_text_the_contract_takes_and_refuses_one_character_more(
        net, argument, who, transaction, arguments, call, rule, words):
    longest = longest_the_contract_takes(net, who, transaction, arguments, rule, words)
    assert sent_by_the_sdk(call, "x" * longest), f"{argument} of {longest} characters, which the contract takes"
    assert not sent_by_the_sdk(call, "x" * (longest + 1)), f"{argument} of {longest + 1} characters was sent"
