"""DemandRecourse keeps its demands one a day and in date order, whatever the clocks of the bank's hosts.

A demand's date is its transaction timestamp's, which the submitting client sets and the peers take within
their time window (15 minutes by default). Around midnight in Beijing (16:00 UTC), a host whose clock is a
few minutes behind stamps the day before: a demand sent from it after one stamped just past midnight was
recorded, a second demand on a day that had one, appended after the later day's, so the list's last entry
(the SDK's ``latest_recourse_demand``) was no longer the latest demand.
"""

from __future__ import annotations

from datetime import timedelta

from .support import standard_net
from .test_recourse import WITH_RECOURSE, _disbursed


async def test_a_demand_stamped_before_the_latest_demands_day_is_refused_and_the_list_stays_in_order():
    net = await standard_net()
    bank = net.actors["bank"]
    _, f = await _disbursed(net)
    net.advance(days=31)
    net.now = net.now.replace(hour=15, minute=52)   # 23:52 in Beijing, a day past the due date
    first_day = net.today
    await net.ok(bank, "DemandRecourse", f["id"], "unpaid at maturity", transient=WITH_RECOURSE)
    net.now += timedelta(minutes=14)                 # 00:06 the next day
    second_day = net.today
    await net.ok(bank, "DemandRecourse", f["id"], "new deadline", transient=WITH_RECOURSE)

    # a retry from a host whose clock is 9 minutes behind: stamped 23:57 the day before, within the window
    net.now -= timedelta(minutes=9)
    assert net.today == first_day
    message = await net.refused(bank, "DemandRecourse", f["id"], "new deadline", transient=WITH_RECOURSE,
                                rule="recourse-already-demanded")
    assert second_day in message and first_day in message and "later day" in message

    demands = (await net.ok(bank, "GetFinancing", f["id"], evaluate=True))["recourse_demands"]
    assert [(d["on"], d["reason"]) for d in demands] == [(first_day, "unpaid at maturity"),
                                                         (second_day, "new deadline")]
