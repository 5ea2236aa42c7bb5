"""A hot-key request sent twice at once whose one send fails while the other is acknowledged: the request was
acknowledged, so the report counts it committed, as the exactly-once check counts it found, and the failed send
is counted in the hot-key figures. Through the real SDK and contract behind the in-process peer."""
from __future__ import annotations

import asyncio

import grpc

from bench.driver import CONCURRENCY, Plan
from bench.exactly_once import lines
from bench.report import build
from bench.runner import execute
from bench.workloads import HotKeyWorkload
from client.gateway import SubmitError

from .test_hotkey_workload import NO_BACKOFF, World, counts, quiet


class SendsFail(HotKeyWorkload):
    """The sends numbered in ``failing`` (1 the first) fail as an orderer that went away does: ordering_unknown."""

    failing: tuple[int, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sends = 0

    def failure(self) -> BaseException:
        return SubmitError("orderer unreachable", transaction_id=f"tx-lost-{self.sends}",
                           code=grpc.StatusCode.UNAVAILABLE)

    async def _send(self, request, request_id):
        self.sends += 1
        if self.sends in self.failing:
            raise self.failure()
        return await super()._send(request, request_id)


class SecondSendFails(SendsFail):
    failing = (2,)


class BothSendsFail(SendsFail):
    failing = (1, 2)


ONE_AT_A_TIME = Plan(CONCURRENCY, concurrency=1, warmup=0, duration=5, call_timeout=30)


def run_one_request_sent_twice(workload_class: type[SendsFail]):
    """One request, sent twice at once, under the driver: the workload and what the run measured."""
    world = World()

    async def scenario():
        workload = workload_class(world.parties(), duplicate_every=1, retry=NO_BACKOFF)
        await workload.prepare(1, say=quiet)
        return workload, await execute(workload, ONE_AT_A_TIME, [])

    return asyncio.run(scenario())


def test_a_request_one_of_whose_two_sends_was_acknowledged_is_committed_and_the_failed_send_counted():
    workload, measured = run_one_request_sent_twice(SecondSendFails)
    [sample] = measured.run.samples
    assert sample.cause == "committed" and sample.tx_id == workload.acknowledgements[0].tx_id
    hot, verdict = measured.findings["hot_key"], measured.findings["exactly_once"]
    assert hot["duplicate_sends"] == 1 and hot["resend_failures"] == {"ordering_unknown": 1}
    assert counts(verdict) == (1, 1, 0, 0) and verdict["holds"]
    report = build(measured.run, workload="hotkey", client="python", cpu_usage={}, process_kinds={})
    assert report["committed"] == 1 and sum(report["failed"].values()) == 0
    assert "(1 sent twice; 1 of those sends failed while the other was acknowledged: ordering_unknown 1)" in \
        lines(measured.findings)[0]


def test_a_request_whose_two_sends_both_failed_is_counted_under_its_failure():
    workload, measured = run_one_request_sent_twice(BothSendsFail)
    [sample] = measured.run.samples
    assert sample.cause == "ordering_unknown" and workload.acknowledgements == []
    assert measured.findings["hot_key"]["resend_failures"] == {}
