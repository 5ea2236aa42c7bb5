"""A bank's recourse demand sent again the same day after its answer was lost is told the demand is on the ledger
(``recourse-already-demanded``), a freeze order recorded on the claim in between or not. Refused as frozen
instead, the bank was sent to wait for the lifting, and its resubmission then, on a later day, recorded a second
demand where the first stood already."""

from __future__ import annotations

from .support import standard_net
from .test_recourse import WITH_RECOURSE, _disbursed

ORDER = "(2026) Hu 0101 Bao 31"


async def test_a_demand_sent_again_after_a_freeze_is_told_it_is_on_the_ledger():
    net = await standard_net()
    bank, regulator = net.actors["bank"], net.actors["regulator"]
    r, f = await _disbursed(net)
    net.advance(days=31)
    demanded = await net.ok(bank, "DemandRecourse", f["id"], "unpaid at maturity", transient=WITH_RECOURSE)
    await net.ok(regulator, "FreezeReceivable", r["id"], ORDER)

    said = await net.refused(bank, "DemandRecourse", f["id"], "unpaid at maturity", transient=WITH_RECOURSE,
                             rule="recourse-already-demanded")
    assert f"demanded recourse today ({net.today}) already" in said, said
    assert demanded["last"]["tx_id"] in said, said


async def test_a_new_demand_on_a_frozen_claim_is_still_refused_as_frozen():
    net = await standard_net()
    bank, regulator = net.actors["bank"], net.actors["regulator"]
    r, f = await _disbursed(net)
    net.advance(days=31)
    await net.ok(bank, "DemandRecourse", f["id"], "unpaid at maturity", transient=WITH_RECOURSE)
    await net.ok(regulator, "FreezeReceivable", r["id"], ORDER)
    net.advance(days=1)
    said = await net.refused(bank, "DemandRecourse", f["id"], "still unpaid", transient=WITH_RECOURSE,
                             rule="receivable-frozen")
    assert ORDER in said, said
