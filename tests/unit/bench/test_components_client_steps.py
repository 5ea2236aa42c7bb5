"""The client's CPU by step (``bench.components.client_operation``): the seconds the in-process Gateway spends
building its endorse reply are taken out of the endorse step and counted in no other, so the steps add up to
the client's own CPU per transaction, the figure of the row they are printed under."""
import asyncio
from types import SimpleNamespace

from bench import components

OWN = {"proposal": 1.0, "endorse": 2.0, "submit": 3.0, "status": 4.0}
GATEWAY_BUILDING = 5.0


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def scripted(clock):
    """A contract whose each step costs the client OWN's seconds, and whose endorse also has the Gateway spend
    GATEWAY_BUILDING seconds of this process's CPU building its reply."""
    gateway = SimpleNamespace(spent_cpu=0.0)

    async def status():
        clock.now += OWN["status"]
        return SimpleNamespace(successful=True)

    async def submit():
        clock.now += OWN["submit"]
        return SimpleNamespace(status=status)

    async def endorse():
        clock.now += OWN["endorse"] + GATEWAY_BUILDING
        gateway.spent_cpu += GATEWAY_BUILDING
        return SimpleNamespace(submit=submit, result=b"{}")

    def new_proposal(function, arguments):
        clock.now += OWN["proposal"]
        return SimpleNamespace(endorse=endorse)

    return SimpleNamespace(new_proposal=new_proposal), gateway


def test_each_step_holds_only_the_clients_own_cpu(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(components.time, "process_time", clock)
    contract, gateway = scripted(clock)
    steps: dict[str, float] = {}
    asyncio.run(components.client_operation(contract, "RegisterReceivable", [], steps, gateway))
    assert steps == OWN
    assert sum(steps.values()) == clock.now - gateway.spent_cpu
