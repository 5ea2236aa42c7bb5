"""`recfin demo` leaves its network running, on the ports the tests' own network needs: its end says so, and how
to see and stop it, whether the story was told to its end or a step stopped it (the README's first command must
not leave a network the operator does not know of)."""
from __future__ import annotations

import json

import grpc
from click.testing import CliRunner

from cli import demo_commands
from client.gateway import CommitStatusError
from network.topology import DEFAULT_TOPOLOGY

from ..receivables_client import test_demo_on_contract
from ..receivables_client.test_demo_on_contract import failing_at

world = test_demo_on_contract.world   # the story on the real contract, the network package a double


def said(output: str) -> str:
    return " ".join(output.split())


def test_the_end_of_the_story_says_the_network_keeps_running_and_how_to_stop_it(world):
    res = CliRunner().invoke(demo_commands.demo, [])
    assert res.exit_code == 0, res.output
    assert said(res.output).endswith(
        "The network keeps running, its ledgers holding the story: `recfin network status` shows it, "
        "`recfin network down` stops it (the ledgers stay, and the demo runs again on them).")


def test_with_json_it_is_said_on_stderr_and_stdout_holds_the_document_alone(world):
    res = CliRunner().invoke(demo_commands.demo, ["--json"])
    assert res.exit_code == 0, res.output
    json.loads(res.stdout)
    assert "`recfin network down` stops it" in said(res.stderr)


def test_on_another_topology_its_commands_name_that_topology(world, tmp_path):
    topology = tmp_path / "other.yaml"
    topology.write_text(DEFAULT_TOPOLOGY.read_text())
    res = CliRunner().invoke(demo_commands.demo, ["--topology", str(topology)])
    assert res.exit_code == 0, res.output
    assert f"`recfin network down --topology {topology}` stops it" in said(res.output)


def test_a_step_that_fails_says_the_network_keeps_running_and_how_to_stop_it(world, monkeypatch):
    failing_at(monkeypatch, "AcceptDiscountOffer",
               CommitStatusError("commit status timed out", transaction_id="ab" * 32,
                                 code=grpc.StatusCode.DEADLINE_EXCEEDED))
    res = CliRunner().invoke(demo_commands.demo, [])
    assert res.exit_code == 1, res.output
    assert said(res.output).endswith(
        "running the demo again starts a new story, with new invoices, rather than going on with this one. "
        "The network keeps running: `recfin network down` stops it, keeping the ledgers")
