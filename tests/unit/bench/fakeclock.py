"""A virtual clock for driving the load driver's scheduling in tests: time moves only when every task waits on it."""
from __future__ import annotations

import asyncio
import heapq
import itertools


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0
        self._waiters: list[tuple[float, int, asyncio.Future]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (self.t + seconds, next(self._order), future))
        await future

    async def _settle(self) -> None:
        for _ in range(100):            # let every ready task run until all wait on the clock
            await asyncio.sleep(0)

    async def run(self, coroutine):
        """Run ``coroutine`` to the end, advancing virtual time to the next wake-up whenever all tasks wait."""
        task = asyncio.ensure_future(coroutine)
        while not task.done():
            await self._settle()
            if task.done() or not self._waiters:
                continue
            wake = self._waiters[0][0]
            self.t = wake
            while self._waiters and self._waiters[0][0] == wake:
                heapq.heappop(self._waiters)[2].set_result(None)
        return task.result()


def run_with(clock: FakeClock, coroutine):
    return asyncio.run(clock.run(coroutine))
