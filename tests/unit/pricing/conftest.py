import asyncio
from datetime import date
from pathlib import Path

import pytest

from cli import finance_commands

from .ledger_world import CONFIG, LIMIT, World


@pytest.fixture
def world(monkeypatch, tmp_path):
    """A confirmed claim of tier1 on core (1,000,000.00 yuan, due in 90 days) with a live financing request; the
    quotes' turns (their lock files) are kept under tmp_path's recfin home, and the finance commands' today
    (business_today) is the ledger's."""
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    w = World().serve(monkeypatch)
    net = w.net
    # the commands' today is the ledger's, as on a network, where the client's clock dates its own transactions
    monkeypatch.setattr(finance_commands, "business_today", lambda: date.fromisoformat(net.today))
    r = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 100_000_000, due_in=90))
    w.receivable = r["id"]
    w.financing = w.client("tier1").request_financing(r["id"]).id
    w.today = net.today
    return w


@pytest.fixture
def small_limit(tmp_path) -> str:
    """The example bank's pricing with a debtor limit of LIMIT."""
    small = tmp_path / "small-bank.yaml"
    small.write_text(Path(CONFIG).read_text(encoding="utf-8").replace("per_debtor: 20000000000",
                                                                      f"per_debtor: {LIMIT}"))
    return str(small)


@pytest.fixture
def second_claim(world) -> str:
    """Another claim of the same debtor (tier2's, 1,000,000.00 yuan) with a live financing request."""
    net = world.net
    second = asyncio.run(net.confirmed(net.actors["tier2"], net.actors["core"], 100_000_000, due_in=90))["id"]
    world.client("tier2").request_financing(second)
    return second
