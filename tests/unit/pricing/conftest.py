import asyncio

import pytest

from .ledger_world import World


@pytest.fixture
def world(monkeypatch, tmp_path):
    """A confirmed claim of tier1 on core (1,000,000.00 yuan, due in 90 days) with a live financing request; the
    quotes' turns (their lock files) are kept under tmp_path's recfin home."""
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    w = World().serve(monkeypatch)
    net = w.net
    r = asyncio.run(net.confirmed(net.actors["tier1"], net.actors["core"], 100_000_000, due_in=90))
    w.receivable = r["id"]
    w.financing = w.client("tier1").request_financing(r["id"]).id
    w.today = net.today
    return w
