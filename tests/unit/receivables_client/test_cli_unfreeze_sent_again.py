"""`recfin regulator unfreeze` run again with the same lifting order and no --lifts (a retry after a lost
answer, a command run twice) lifts nothing more: sent as it was, "the order in effect" would by then be the
order queued behind the one lifted, and the claim would be freed of an order no lifting named. Over the
real contract on MemoryLedger."""
from __future__ import annotations

import pytest

from ..ledger_contract import Channel
from .test_cli_party_commands import ok, recfin
from .test_cli_pages_and_currencies import parties_on_the_contract, registered


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def frozen_twice(number: str) -> str:
    """A confirmed claim frozen under ORDER-A, with ORDER-B queued behind it."""
    rid = registered(number)
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("regulator", "freeze", rid, "--order", "ORDER-A", "--as", "regulator")
    ok("regulator", "freeze", rid, "--order", "(2026) Jing 02 Bao 7", "--as", "regulator")
    return rid


def test_the_same_lifting_sent_again_is_refused_and_the_queued_order_still_binds(channel):
    rid = frozen_twice("26312000000012347777")
    lifted = ok("regulator", "unfreeze", rid, "--order", "LIFT-A", "--as", "regulator")
    assert lifted["frozen"]["order_reference"] == "(2026) Jing 02 Bao 7"
    sent = len(channel.submits)

    again = recfin("regulator", "unfreeze", rid, "--order", "LIFT-A", "--as", "regulator")
    assert again.exit_code == 1, again.output
    assert "not sent: order LIFT-A already lifted freeze order ORDER-A" in again.stderr
    assert "--lifts '(2026) Jing 02 Bao 7'" in again.stderr     # how to say it is meant, as a shell takes it
    assert len(channel.submits) == sent
    claim = ok("receivable", "get", rid, "--as", "regulator")
    assert claim["frozen"]["order_reference"] == "(2026) Jing 02 Bao 7"


def test_the_same_lifting_order_lifts_the_next_order_when_lifts_names_it(channel):
    rid = frozen_twice("26312000000012347776")
    ok("regulator", "unfreeze", rid, "--order", "LIFT-A", "--as", "regulator")
    freed = ok("regulator", "unfreeze", rid, "--order", "LIFT-A", "--lifts", "(2026) Jing 02 Bao 7",
               "--as", "regulator")
    assert (freed["frozen"], freed["last_unfreeze"]["lifted"]) == (None, "(2026) Jing 02 Bao 7")


def test_another_lifting_order_lifts_the_order_in_effect(channel):
    rid = frozen_twice("26312000000012347775")
    ok("regulator", "unfreeze", rid, "--order", "LIFT-A", "--as", "regulator")
    freed = ok("regulator", "unfreeze", rid, "--order", "LIFT-B", "--as", "regulator")
    assert (freed["frozen"], freed["last_unfreeze"]["lifted"]) == (None, "(2026) Jing 02 Bao 7")


def test_the_lifting_order_typed_otherwise_is_the_same_order(channel):
    """The contract compares order references normalised (full-width brackets, spaces, case): so does the check."""
    rid = frozen_twice("26312000000012347774")
    ok("regulator", "unfreeze", rid, "--order", "(2026) Hu 0101 Jie 7", "--as", "regulator")
    again = recfin("regulator", "unfreeze", rid, "--order", "（2026）hu 0101 jie 7", "--as", "regulator")
    assert again.exit_code == 1 and "already lifted freeze order ORDER-A" in again.stderr, again.output
    assert ok("receivable", "get", rid, "--as", "regulator")["frozen"]["order_reference"] == "(2026) Jing 02 Bao 7"
