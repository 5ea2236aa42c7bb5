"""Recourse (``DemandRecourse``, ``ExerciseRecourse``) on a frozen claim not yet past its due date is refused
``not-yet-due``, as on the claim not frozen: only the date cures that, never the lifting, so a bank refused
``receivable-frozen`` would wait for the regulator only to be told then to wait for a date it could have been
told at once. Past the due date the freeze still refuses it."""

from __future__ import annotations

import pytest

from .support import standard_net, transient_terms

RECOURSE = transient_terms(recourse=True)


@pytest.mark.parametrize("step", ["DemandRecourse", "ExerciseRecourse"])
@pytest.mark.parametrize("days_on, refused_for", [
    (0, "not-yet-due"),             # the day it was lent, 30 days before the due date
    (30, "not-yet-due"),            # the due date itself: the debtor may still pay that day
    (31, "receivable-frozen"),      # the day after: the freeze alone stands in the way, and its lifting cures it
])
async def test_recourse_on_a_frozen_claim_is_refused_for_the_date_before_the_freeze(step, days_on, refused_for):
    net = await standard_net()
    core, tier1, bank, reg = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f = await net.financed(tier1, r["id"], terms=RECOURSE)
    net.advance(days=days_on)
    await net.ok(reg, "FreezeReceivable", r["id"], "ORDER-1")
    said = await net.refused(bank, step, f["id"], "unpaid", transient=RECOURSE, rule=refused_for)
    if refused_for == "not-yet-due":
        assert f"is due {r['due_date']}" in said and "receivable-frozen" not in said, said
        # the same words once the freeze is lifted: nothing a lifting changes decided the refusal
        await net.ok(reg, "UnfreezeReceivable", r["id"], "LIFT-1", "ORDER-1")
        assert await net.refused(bank, step, f["id"], "unpaid", transient=RECOURSE, rule="not-yet-due") == said
    else:
        assert "ORDER-1" in said, said
