"""A step of `recfin demo` that fails on a timeout (a peer that did not catch up with the story's last block in
time, a query that ran out of time) stops the demo with one line naming the step, who acted and what to do, and
no traceback, exit 1.

On the real contract in memory (tests/unit/ledger_contract.py), as test_demo_on_contract.py runs the story."""

from __future__ import annotations

import grpc
from click.testing import CliRunner

from cli import demo_commands
from network.topology import load as load_topology
from client.gateway import BlockWaitTimeoutError
from client.gateway.errors import EvaluateError

from ..ledger_contract import LedgerContract, LedgerNetwork
from ..receivables_client import test_demo_on_contract

world = test_demo_on_contract.world   # the demo on the contract in memory


def _stopped_line(res) -> str:
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output and res.exception is None or isinstance(res.exception, SystemExit)
    (line,) = [text for text in res.output.splitlines() if text.startswith("Error: ")]
    return line


def test_a_peer_not_catching_up_in_time_stops_the_demo_on_one_line_naming_that_peer_s_logs(world, monkeypatch):
    """The wait is on another org's peer than the acting one's (the story's next actor waits until every peer it
    used has the last block): the logs to read are the late peer's, not the acting org's."""
    _, sessions = world
    topology = load_topology()
    orgs = {sessions.profile(org.name).msp_id: org.name for org in topology.orgs if org.role != "orderer"}
    wait, waits = LedgerNetwork.wait_for_block, []

    def times_out_on_the_fifth(self, block_number, *, timeout=None):
        waits.append(orgs[self.msp_id])
        if len(waits) == 5:
            raise BlockWaitTimeoutError(channel=self.name, block_number=block_number,
                                        address=sessions.profile(orgs[self.msp_id]).gateway.address,
                                        timeout=timeout or 30.0)
        return wait(self, block_number, timeout=timeout)

    monkeypatch.setattr(LedgerNetwork, "wait_for_block", times_out_on_the_fifth)
    line = _stopped_line(CliRunner().invoke(demo_commands.demo, ["--skip-setup"]))
    assert "of the story failed (" in line and " acting, after [" in line, line
    assert "did not commit block" in line, line
    late = waits[-1]
    assert f"({late}-admin acting" not in line    # another org's peer than the acting one's was late
    assert (f"Its {late} peer and chaincode server log why: `recfin network logs {topology.peers(late)[0].name}` and "
            f"`recfin network logs receivables.{late}`") in line, line
    assert "running the demo again starts a new story" in line, line


def test_a_query_running_out_of_time_stops_the_demo_on_one_line(world, monkeypatch):
    evaluate = LedgerContract.evaluate

    def statistics_time_out(self, name, **kwargs):
        if name == "GetStatistics":
            raise EvaluateError("evaluate timed out", transaction_id="ef" * 32,
                                code=grpc.StatusCode.DEADLINE_EXCEEDED)
        return evaluate(self, name, **kwargs)

    monkeypatch.setattr(LedgerContract, "evaluate", statistics_time_out)
    line = _stopped_line(CliRunner().invoke(demo_commands.demo, ["--skip-setup"]))
    assert "of the story failed (regulator acting, after [6] regulator-admin register party" in line, line
    assert "DEADLINE_EXCEEDED: evaluate timed out" in line, line
    assert "Steps 1-6 stay on the ledger as done" in line, line


def test_the_read_of_what_the_ledger_held_failing_stops_the_demo_before_the_story_saying_so(world, monkeypatch):
    """The regulator's statistics are read once before the story (what earlier runs left, which the exposure
    counts): where that read fails, the line says it was that read, and that nothing of this run's story was sent.
    Before, it read as step [7] failing with no word of what the step did, the story's first step being a
    registration the user would look up."""
    evaluate, submit, sent = LedgerContract.evaluate, LedgerContract.submit, []

    def statistics_unavailable(self, name, **kwargs):
        if name == "GetStatistics":
            raise EvaluateError("connection refused", transaction_id="ef" * 32, code=grpc.StatusCode.UNAVAILABLE)
        return evaluate(self, name, **kwargs)

    def noting(self, name, **kwargs):
        sent.append(name)
        return submit(self, name, **kwargs)

    monkeypatch.setattr(LedgerContract, "evaluate", statistics_unavailable)
    monkeypatch.setattr(LedgerContract, "submit", noting)
    line = _stopped_line(CliRunner().invoke(demo_commands.demo, ["--skip-setup"]))
    assert set(sent) == {"RegisterParty"}, sent   # the story sent nothing
    assert ("of the story failed (regulator acting, after [6] regulator-admin register party Receivables Regulator): "
            "reading what the ledger already holds (the regulator's statistics) before this run's story, which sent "
            "nothing yet: ") in line, line
    assert "UNAVAILABLE: connection refused" in line, line
    assert "`recfin network logs peer0.regulator`" in line, line   # the network failed it: its logs
