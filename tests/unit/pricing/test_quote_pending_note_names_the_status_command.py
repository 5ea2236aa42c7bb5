"""The note of a quote counting an offer an earlier quote left pending names the `recfin transaction
status` that tells whether that offer's transaction committed, asked as the bank that quotes, as the line
of the quote that left it pending does (test_quote_pending.py): without it the note said the offer may
still commit and gave no way to learn whether it did."""

from __future__ import annotations

import json
from datetime import date, timedelta

from click.testing import CliRunner

import cli.quote_turn as quote_turn
from cli.finance_commands import finance
from client.pricing import quote_lock

from .ledger_world import CHANNEL
from .test_quote_pending import TX, pending
from .test_quote_turns import quote_args


def test_the_note_on_an_offer_left_pending_names_the_transaction_status_that_tells(
        world, second_claim, small_limit, tmp_path, monkeypatch):
    monkeypatch.setattr(quote_turn, "PENDING_ASK_SECONDS", 0)   # asked once: the scripted peer cannot tell
    today = date.fromisoformat(world.today)
    left = pending(financing_id=world.financing, expires_on=today + timedelta(days=7))
    with quote_lock(tmp_path / "home" / "locks" / "quotes", CHANNEL, world.net.actors["bank"].msp,
                    world.uscc("core")) as turn:
        turn.note(left)   # an earlier quote's, its outcome lost
    result = CliRunner().invoke(finance, quote_args(world, second_claim, small_limit, "--yes", "--json"))
    assert result.exit_code == 0, result.output
    # still not known, so counted
    assert [p["transaction_id"] for p in json.loads(result.stdout)["pending_offers"]] == [TX]
    (note,) = [line for line in result.stderr.splitlines() if line.startswith("note: offer transaction")]
    assert note.startswith(f"note: offer transaction {TX} on {world.financing}, left by an earlier quote, "
                           "may still commit: its advance CNY 950,000.00 counts as taken"), note
    assert note.endswith(f"; `recfin transaction status {TX} --as bank` says whether it committed"), \
        note
