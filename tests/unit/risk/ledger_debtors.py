"""Debtors on a ledger in memory (tests/unit/pricing/ledger_world.py) whose record a read cannot take whole."""
from __future__ import annotations

import asyncio

from ..pricing.ledger_world import World
from ..receivables.test_payment_record_names_cut_claims import plant_confirmed_claim


def core_with_claims_left_out() -> World:
    """A world whose core enterprise owes one confirmed claim in CNY that is counted, one in USD, and one the
    contract cannot count (``PLANTED``): what a read of its record in CNY leaves out."""
    w = World()
    net = w.net
    tier1, core = net.actors["tier1"], net.actors["core"]
    real = asyncio.run(net.confirmed(tier1, core, 900_000, due_in=30))
    asyncio.run(net.confirmed(tier1, core, 500_000, due_in=30, currency="USD"))
    plant_confirmed_claim(net, real["id"], w.uscc("core"))
    return w
