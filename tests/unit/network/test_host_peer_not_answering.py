"""`recfin host join|approve|commit` on a company's host whose peer does not answer (its containers not started, its
hostname resolving nowhere) ended with the bare `peer` call: "peer lifecycle chaincode queryinstalled failed: ...",
naming neither the peer nor what to do, where `recfin host status` says both. They name the peer that does not
answer, what to do, and the command to run again; a call refused by a peer that answers stays the call's own."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main
from network.errors import ToolError

from . import test_bundle_host

fabric, cli_peer = test_bundle_host.fabric, test_bundle_host.cli_peer    # the fixtures of the tests these extend


@pytest.fixture
def peer_down(cli_peer, monkeypatch):
    """The org's peer refusing every connection, as a peer whose container is not running does."""
    def refuse(tool, args, env=None, *, check=True, cwd=None):
        raise ToolError(f"peer {' '.join(args[:3])} failed: connection refused")

    monkeypatch.setattr(cli_peer, "run", refuse)
    return cli_peer


@pytest.mark.parametrize("command", [["join"], ["approve"], ["approve", "--commit"], ["commit"]])
def test_a_peer_that_does_not_answer_is_named_with_what_to_do(unpacked, peer_down, command):
    result = CliRunner().invoke(main, ["host", *command, "--bundle", str(unpacked)])
    assert result.exit_code == 1, result.output
    said = result.stderr.strip().splitlines()[-1]
    assert said.startswith("Error: peer0.supplier (peer0.supplier.recfin.local:8051) did not answer: peer channel "
                           "list failed: connection refused; start the bundle's containers (`docker compose up -d` "
                           "in the bundle) and check that its hostname resolves here"), said
    assert said.endswith(f"then run `recfin host {' '.join(command)} --bundle {unpacked}` again"), said


def test_a_call_refused_by_a_peer_that_answers_stays_the_calls_own(unpacked, cli_peer, monkeypatch):
    answered = cli_peer.run

    def refuse_the_install(tool, args, env=None, *, check=True, cwd=None):
        if args[:3] == ["lifecycle", "chaincode", "install"]:
            raise ToolError("peer lifecycle chaincode install failed: chaincode install failed with status: 500")
        return answered(tool, args, env, check=check, cwd=cwd)

    monkeypatch.setattr(cli_peer, "run", refuse_the_install)
    result = CliRunner().invoke(main, ["host", "approve", "--bundle", str(unpacked)])
    assert result.exit_code == 1, result.output
    said = result.stderr.strip().splitlines()[-1]
    assert said == "Error: peer lifecycle chaincode install failed: chaincode install failed with status: 500", said
