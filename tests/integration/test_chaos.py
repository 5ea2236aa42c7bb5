"""Faults under a steady load from the benchmark driver, on the real network.

Each test drives the mixed workload at a fixed rate, injects one fault when the
measured window opens, repairs it the way an operator would, and then checks on
every peer that each transaction the client saw committed as valid is in that
peer's ledger (looked up by tx id through qscc), that every key of the chaincode's
namespace reads the same from the peer's world state (through the contract) as from
its replayed blocks, and that the peers agree with each other (block hashes,
validation codes, replayed values). The pool the workload prepared before the load is looked up by tx id
the same way. Acknowledged, found, lost and unread (a peer's lookup that failed for another reason) are printed;
lost must be 0, and every peer must hold every acknowledged transaction.
Writes sent after the fault was injected must have committed (commits of the warm-up alone would
leave the check nothing to prove), one sent after the repair among them: the network serves again.

A peer killed and restarted must run as a new process and, by the end, be at a height above the
one it had when it was killed.

The Raft leader's kill also prints how long the ordering service took to recover:
seconds from the kill to a new leader and to the first commit of a transaction sent
after the kill (the killed orderer stays down until one has committed), then seconds
from its restart until its height reached the others'. The chaincode server's kill
checks that the calls failing while it is down fail as an endorsement failure naming
its org's peer, and that its org endorses again once it is restarted.

The short test (one fault, small load) runs with the integration suite and in CI;
the full suite (four faults, about eight minutes) runs with RECFIN_CHAOS_FULL=1:
``RECFIN_CHAOS_FULL=1 ./scripts/test -m chaos``. Every chaos test runs after the
other integration tests (see conftest.py), since they stop processes of the shared network.
"""
from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from contextlib import AsyncExitStack
from dataclasses import dataclass

import pytest

from bench.driver import RATE, Operation, Plan
from bench.ledger_check import verify
from bench.network_session import open_parties, step_timeouts
from bench.outcomes import COMMITTED, ENDORSEMENT, TIMEOUT, classify
from bench.runner import Measured, execute
from bench.workloads import MixedWorkload
from network import NodeTimeoutError, channel, nodeconfig

pytestmark = pytest.mark.chaos

CHAINCODE_DOWN_SECONDS = 15.0
"""How long the killed chaincode server stays down: longer than the 10 s its peer spends dialling it
(connection.json's dial_timeout), so the calls that reach the peer in that time fail rather than wait for it."""
NEEDS_THE_HOLDERS_ORG = ("confirm", "transfer")
"""The mixed workload's writes the supplier's org must endorse: a confirm names the debtor's and the holder's
orgs, and a confirmed claim's key-level policy needs both for a transfer."""


RUNS_THE_FULL_SUITE = os.environ.get("RECFIN_CHAOS_FULL") == "1"


@pytest.fixture(autouse=True)
def network_repaired_after_each_test(request, receivables_deployed):
    """After each test, whatever it left stopped runs again: a fault whose repair failed part-way would otherwise
    leave a peer or chaincode server down for the module's later tests, which would fail for that instead of for
    what they test. `up` starts the stopped nodes and every deployed chaincode's stopped servers; it leaves the
    running ones alone."""
    yield
    if "full_suite" in request.fixturenames and not RUNS_THE_FULL_SUITE:
        return      # skipped before it touched the network
    receivables_deployed.up()


@pytest.fixture
def full_suite(receivables_deployed):
    if not RUNS_THE_FULL_SUITE:
        pytest.skip("the full fault suite runs with RECFIN_CHAOS_FULL=1; the short test covers CI")


@dataclass(frozen=True)
class Seen:
    """One operation as the client saw it: when it was sent and finished (time.monotonic), the tx id it committed
    (None for a query or a failure), the cause ``bench.outcomes`` gives it, and the error's text."""

    kind: str
    sent: float
    finished: float
    tx_id: str | None
    cause: str
    message: str = ""

    @property
    def committed(self) -> bool:
        return self.cause == COMMITTED


class WatchedMixedWorkload(MixedWorkload):
    """The mixed workload, keeping what became of each operation (``seen``), so a fault running beside the driver
    can wait on the load and a test can look at what failed while it lasted."""

    def __init__(self, parties) -> None:
        super().__init__(parties)
        self.seen: list[Seen] = []

    def operations(self):
        for operation in super().operations():
            yield Operation(operation.kind, self._watched(operation))

    def _watched(self, operation: Operation):
        async def call():
            sent = time.monotonic()
            try:
                tx_id = await operation.call()
            except Exception as error:      # counted by the driver too; kept here with its text
                self.seen.append(Seen(operation.kind, sent, time.monotonic(), None, classify(error).cause,
                                      str(error)))
                raise
            except asyncio.CancelledError:  # the driver's call timeout cancels the call: it ended as a timeout
                self.seen.append(Seen(operation.kind, sent, time.monotonic(), None, TIMEOUT,
                                      "cancelled by the driver's call timeout"))
                raise
            self.seen.append(Seen(operation.kind, sent, time.monotonic(), tx_id, COMMITTED))
            return tx_id
        return call

    def first_commit_sent_after(self, moment: float) -> Seen | None:
        """The first write sent after ``moment`` to commit (by when the client learnt it), if any yet."""
        return min(commits_sent_after(self.seen, moment), key=lambda s: s.finished, default=None)


def commits_sent_after(seen: list[Seen], moment: float) -> list[Seen]:
    """The writes sent at ``moment`` or later that committed (a query, answered, has no tx id)."""
    return [s for s in list(seen) if s.committed and s.tx_id and s.sent >= moment]


@dataclass(frozen=True)
class FaultTimes:
    """When the fault was injected and when its repair was done (time.monotonic, as ``Seen``)."""

    injected: float
    repaired: float


def pid_of(network, name: str) -> int:
    pid = next((s.pid for s in network.status() if s.name == name), None)
    assert pid is not None, f"{name} is not running"
    return pid


def under_load(network, party_codes, fault, *, rate: float, warmup: float,
               duration: float) -> tuple[Measured, WatchedMixedWorkload, FaultTimes]:
    """Drive the mixed workload; run ``fault(workload)`` (blocking, in a thread) as the measured window opens: it
    injects the fault and returns once it is repaired."""
    plan = Plan(RATE, rate=rate, warmup=warmup, duration=duration, call_timeout=90.0)

    async def main():
        async with AsyncExitStack() as stack:
            # each step bounded as `recfin bench` bounds it: a fault counts as a timeout at the call timeout only
            workload = WatchedMixedWorkload(await open_parties(stack, party_codes, network.data_root,
                                                               timeouts=step_timeouts(plan.call_timeout)))
            await workload.prepare(int(rate * (warmup + duration)), say=print)

            async def inject():
                await asyncio.sleep(warmup)
                injected_at = time.monotonic()
                await asyncio.to_thread(fault, workload)
                return FaultTimes(injected_at, time.monotonic())

            injected = asyncio.ensure_future(inject())
            measured = await execute(workload, plan, [])
            return measured, workload, await injected

    return asyncio.run(main())


def check_nothing_lost(network, measured: Measured, workload: WatchedMixedWorkload, fault: FaultTimes) -> None:
    """Every commit the client saw is on every peer, whose states and blocks agree, and the load went on through the
    fault: writes sent after it was injected committed, one sent after its repair among them."""
    network.wait_for_heights()          # every orderer and peer, a restarted one included, at the same height
    run = [s.tx_id for s in measured.run.samples if s.committed and s.tx_id]
    acknowledged = [*workload.prepared, *run]     # the pool prepare committed, then the run's own commits
    verdict = verify(acknowledged, measured.touched, network.topology, network.data_root)
    print(f"acknowledged {verdict.acknowledged} ({len(workload.prepared)} of them by prepare)  found {verdict.found}  "
          f"lost {verdict.lost}  unread {verdict.unread}")
    not_read_back = Counter()
    for peer in verdict.peers:
        not_read_back.update(peer.not_read_back)
    print("keys of the namespace compared: " + ", ".join(f"{p.peer} {len(p.replayed.state)}" for p in verdict.peers)
          + "; not read back (summed over the peers; bench.ledger_check.NOT_READABLE and EXPOSURE_INDEXES say why): "
          + (", ".join(f"{kind} {n}" for kind, n in sorted(not_read_back.items())) or "none"))
    since_injected = commits_sent_after(workload.seen, fault.injected)
    since_repaired = commits_sent_after(workload.seen, fault.repaired)
    print(f"writes committed of those sent after the fault was injected: {len(since_injected)}; "
          f"after it was repaired ({fault.repaired - fault.injected:.1f} s later): {len(since_repaired)}")
    # Commits of the warm-up alone are no proof: none of them went through the fault.
    assert since_injected, "no write sent after the fault was injected committed: the check would prove nothing"
    if not since_repaired:
        # A run that sent no write after the repair says nothing of the network: only writes sent then, and all
        # failed, say it does not serve again (a query has no commit to wait for)
        writes_after = [s for s in workload.seen if s.sent >= fault.repaired and s.kind != "query"]
        last_sent = max(s.sent for s in workload.seen)
        assert writes_after, (f"no write was sent after the repair ended (the last call was sent "
                              f"{last_sent - fault.repaired:+.1f} s from it): lengthen the run's duration so that "
                              "the load goes on past it")
        causes = Counter(s.cause for s in writes_after)
        raise AssertionError(f"none of the {len(writes_after)} writes sent after the repair committed ("
                             + ", ".join(f"{cause} {n}" for cause, n in sorted(causes.items()))
                             + "): the network does not serve again")
    assert verdict.lost == 0, verdict.to_json()
    assert all(p.found == verdict.acknowledged for p in verdict.peers), verdict.to_json()
    assert not [m for p in verdict.peers for m in p.state_mismatches], verdict.to_json()
    assert not [f for p in verdict.peers for f in p.endorsement_failures], verdict.to_json()
    # a transaction found VALID whose endorsements could not be checked is not proven Fabric's: the peer's flag, and
    # the state replayed from its writes, would then rest on a check nobody made
    untold = [f"{p.peer}: {u}" for p in verdict.peers for u in p.endorsements_untold]
    assert not untold, "endorsements not checked: " + "; ".join(untold[:5])
    assert not verdict.divergences, verdict.to_json()


def wait_for(network, check, *, what: str, log_of: str, pid_file=None) -> None:
    """Poll check as the network's own waits poll it, up to the network's timeout (NodeTimeoutError naming what,
    and the log of the node log_of)."""
    network.supervisor.wait_until(check, what=what, name=log_of, timeout=network.timeout, pid_file=pid_file,
                                  log=nodeconfig.node_dirs(network.data_root, log_of).log)


def kill_the_raft_leader(network, workload: WatchedMixedWorkload) -> None:
    """kill -9 the Raft leader; keep it down until a new leader is elected and a transaction sent after the kill
    has committed; start it again and wait until its height reaches the other orderers'. Prints the seconds each
    took."""
    leader = channel.raft_leader(network.topology)
    assert leader is not None, "no Raft leader to kill"
    others = [n for n in network.topology.orderers() if n.name != leader.name]
    pid_file = nodeconfig.node_dirs(network.data_root, leader.name).pid
    os.kill(pid_of(network, leader.name), signal.SIGKILL)
    killed = time.monotonic()
    try:
        successor = []

        def new_leader() -> bool:
            elected = channel.raft_leader(network.topology)
            if elected is not None and elected.name != leader.name:
                successor.append((elected, time.monotonic()))
            return bool(successor)

        wait_for(network, new_leader, what=f"a Raft leader other than {leader.name}", log_of=others[0].name)
        elected, elected_at = successor[0]
        try:
            wait_for(network, lambda: workload.first_commit_sent_after(killed) is not None,
                     what=f"a commit of a transaction sent after {leader.name} was killed", log_of=elected.name)
        except NodeTimeoutError:
            pass        # said by the assertion below
        first = workload.first_commit_sent_after(killed)
        assert first is not None, (f"no transaction sent after {leader.name} was killed committed within "
                                   f"{network.timeout:g} s on the other orderers")
        print(f"Raft leader {leader.name} killed: {elected.name} led after {elected_at - killed:.2f} s; the first "
              f"transaction sent after the kill committed {first.finished - killed:.2f} s after it ({first.kind}, "
              f"tx {first.tx_id})")
        target = max((h for n in others
                      if (h := channel.node_height(network.tools, network.topology, network.data_root, n)) is not None),
                     default=None)
        assert target is not None, f"neither of {', '.join(n.name for n in others)} reports its block height"
        restarted = time.monotonic()
        network.supervisor.start(network.node_spec(leader))     # as `recfin network up` starts a stopped node
        wait_for(network,
                 lambda: (channel.node_height(network.tools, network.topology, network.data_root, leader) or 0)
                 >= target,
                 what=f"block height {target}, the other orderers' at its restart", log_of=leader.name,
                 pid_file=pid_file)
        print(f"{leader.name} restarted: at the other orderers' height {target} after "
              f"{time.monotonic() - restarted:.2f} s")
    finally:
        if network.supervisor.running_pid(pid_file) is None:
            network.up()    # the killed orderer runs again whatever failed above; running nodes are left alone


def test_short_the_raft_leader_killed_under_a_small_load_loses_nothing(receivables_deployed, party_codes):
    check_nothing_lost(receivables_deployed, *under_load(
        receivables_deployed, party_codes, lambda workload: kill_the_raft_leader(receivables_deployed, workload),
        rate=5, warmup=5, duration=25))     # the repair (a Raft election, a restart, its catch-up) leaves load after it


def test_the_raft_leader_killed_loses_nothing(full_suite, receivables_deployed, party_codes):
    check_nothing_lost(receivables_deployed, *under_load(
        receivables_deployed, party_codes, lambda workload: kill_the_raft_leader(receivables_deployed, workload),
        rate=20, warmup=10, duration=60))


def test_a_peer_killed_and_restarted_catches_up_and_loses_nothing(full_suite, receivables_deployed, party_codes):
    network = receivables_deployed
    peer = network.topology.node("peer0.bank")

    def height() -> int | None:
        return channel.node_height(network.tools, network.topology, network.data_root, peer)

    killed: dict[str, int | None] = {}      # its height and pid when killed, and its pid once `up` restarted it

    def fault(_workload):
        killed["height"], killed["pid"] = height(), pid_of(network, peer.name)
        os.kill(killed["pid"], signal.SIGKILL)
        network.up()
        killed["new pid"] = pid_of(network, peer.name)

    measured, workload, fault_times = under_load(network, party_codes, fault, rate=20, warmup=10, duration=60)
    assert killed["height"] is not None, f"{peer.name} reported no block height before it was killed"
    assert killed["new pid"] != killed["pid"], (
        f"{peer.name} still runs as pid {killed['pid']} after the kill and `up`: it was never restarted")
    check_nothing_lost(network, measured, workload, fault_times)
    caught_up = height()
    print(f"{peer.name}: height {killed['height']} when killed (pid {killed['pid']}), {caught_up} after the run "
          f"(pid {killed['new pid']})")
    # blocks were cut after the kill (a write sent after the restart committed), and the restarted peer has them
    assert caught_up is not None and caught_up > killed["height"], (
        f"{peer.name} is at height {caught_up}, not past the {killed['height']} it had when killed")


def test_a_chaincode_server_killed_fails_calls_clearly_resumes_on_restart_and_loses_nothing(
        full_suite, receivables_deployed, party_codes):
    network = receivables_deployed
    holders_org = network.topology.org("supplier").msp_id
    down: dict[str, float] = {}

    def fault(_workload):
        # a default, not StopIteration: raised in asyncio.to_thread, it never reaches the awaiting test, which hangs
        server = next((s for s in network.status() if s.kind == "chaincode" and s.org == holders_org
                       and s.name.startswith(f"{network.topology.chaincode.name}.") and s.pid), None)
        assert server is not None, (f"no running {network.topology.chaincode.name} chaincode server of {holders_org} "
                                    "to kill: see `recfin network status`")
        os.kill(server.pid, signal.SIGKILL)
        down["killed"] = time.monotonic()
        time.sleep(CHAINCODE_DOWN_SECONDS)      # the outage itself, not a wait for something
        down["restarted"] = time.monotonic()
        network.start_chaincode_servers(network.topology.chaincode.name)

    measured, workload, fault_times = under_load(network, party_codes, fault, rate=20, warmup=10, duration=60)
    sent_while_down = [s for s in workload.seen if down["killed"] <= s.sent < down["restarted"]]
    failed = [s for s in sent_while_down if not s.committed]
    print(f"{holders_org}'s chaincode server down {down['restarted'] - down['killed']:.1f} s: "
          f"{len(sent_while_down)} calls sent, {len(failed)} failed: "
          + (", ".join(f"{cause} {n}" for cause, n in Counter(s.cause for s in failed).items()) or "none"))
    assert failed, f"no call sent while {holders_org}'s chaincode server was down failed: the fault was not felt"
    # The cause the benchmark reports, and a message naming the org whose peer could not endorse (the peer's own
    # detail), or the validation code when the gathered endorsements left that org out.
    unclear = [s for s in failed if s.cause != ENDORSEMENT
               or (holders_org not in s.message and "ENDORSEMENT_POLICY_FAILURE" not in s.message)]
    assert not unclear, "\n".join(f"{s.kind}: {s.cause}: {s.message}" for s in unclear[:5])
    resumed = [s for s in workload.seen if s.kind in NEEDS_THE_HOLDERS_ORG and s.committed
               and s.sent >= down["restarted"]]
    assert resumed, f"no confirm or transfer sent after {holders_org}'s chaincode server was restarted committed"
    first = min(resumed, key=lambda s: s.finished)
    print(f"first {first.kind} endorsed by {holders_org} again {first.finished - down['restarted']:.2f} s after "
          f"the restart")
    check_nothing_lost(network, measured, workload, fault_times)


def test_the_whole_network_stopped_and_started_mid_run_loses_nothing(full_suite, receivables_deployed, party_codes):
    def fault(_workload):
        receivables_deployed.down()
        receivables_deployed.up()
        receivables_deployed.start_chaincode_servers()

    check_nothing_lost(receivables_deployed, *under_load(receivables_deployed, party_codes, fault,
                                                         rate=20, warmup=10, duration=90))
