"""A debtor's history read from the ledger follows each page's bookmark once: a peer that answers a page with a
bookmark the read already asked with (out of order) would otherwise have `recfin risk score` and `recfin finance
quote` read the same pages round and round without end, or count one claim twice."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from click.testing import CliRunner

from cli.risk_commands import risk
from client.receivables import ReceivablesError
from client.risk import history_from_ledger

from ..pricing.ledger_world import World


class PagesOutOfOrder:
    """A reader, in pages of one claim, whose peer answers the page asked for with the second bookmark with the
    first, as a peer out of order would: followed, the walk goes round the second and third pages for ever.
    ``calls`` counts the pages asked for; past ``most`` the walk has gone round, and is stopped here rather than
    left to run."""

    def __init__(self, reader, most: int = 20) -> None:
        self.reader, self.most, self.calls = reader, most, 0
        self.answered: dict[str, str] = {}   # the bookmark a page was asked with -> the one it was answered with

    def __getattr__(self, name):
        return getattr(self.reader, name)

    def debtor_payment_record(self, debtor, *, page_size=100, bookmark="", as_of=None):
        self.calls += 1
        assert self.calls <= self.most, f"{self.calls} pages asked for: the read goes round without end"
        page = self.reader.debtor_payment_record(debtor, page_size=1, bookmark=bookmark, as_of=as_of)
        first = self.answered.get("")
        if bookmark and first and bookmark == self.answered.get(first):
            return page.model_copy(update={"bookmark": first})
        self.answered.setdefault(bookmark, page.bookmark)
        return page


def _world_of_five_claims() -> World:
    w = World()
    for _ in range(5):
        asyncio.run(w.net.confirmed(w.net.actors["tier1"], w.net.actors["core"], 1_000_000, due_in=30))
    return w


def test_the_read_stops_at_a_bookmark_it_already_asked_with():
    w = _world_of_five_claims()
    reader = PagesOutOfOrder(w.client("regulator"))
    with pytest.raises(ReceivablesError, match="which this listing already asked with"):
        history_from_ledger(reader, w.uscc("core"), date.fromisoformat(w.net.today))
    assert reader.calls == 3   # each page asked for once


def test_risk_score_says_so_in_one_line_and_scores_nothing(monkeypatch):
    w = _world_of_five_claims()
    w.serve(monkeypatch)
    client = w.client

    def out_of_order(actor):
        return PagesOutOfOrder(client(actor))

    monkeypatch.setattr(w, "client", out_of_order)
    result = CliRunner().invoke(risk, ["score", w.uscc("core"), "--json"])
    assert result.exit_code == 1, result.output
    assert "already asked with" in result.stderr and "Traceback" not in result.output
    assert result.stdout == ""
