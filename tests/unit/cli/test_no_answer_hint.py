"""A call no node answered in time fails as gRPC's DEADLINE_EXCEEDED, whose words ("Deadline Exceeded") name
neither the node nor a step to take: a peer that accepts the connection but never answers (hung, stopped,
overloaded) or a firewall that drops its packets ends a command so, where a node that is down gives
UNAVAILABLE and its hint. The CLI's line says what to look at, with the network the command was given."""

from __future__ import annotations

from pathlib import Path

import click
import grpc

from cli.connection import describe
from client.gateway import CommitStatusError, EndorseError, EvaluateError, GatewayError, SubmitError


def test_a_call_no_node_answered_in_time_says_what_to_look_at():
    line = describe(EvaluateError("Deadline Exceeded", transaction_id="tx",
                                  code=grpc.StatusCode.DEADLINE_EXCEEDED))
    assert line.startswith("[tx tx] DEADLINE_EXCEEDED: Deadline Exceeded; no answer came in time"), line
    assert "hung or overloaded" in line and "`recfin network status` shows whether each is healthy" in line


def test_the_status_command_named_looks_at_the_data_root_given():
    with click.Context(click.Command("get"), info_name="get") as ctx:
        ctx.params["data_root"] = Path("/srv/recfin/network")
        line = describe(GatewayError("Deadline Exceeded", code=grpc.StatusCode.DEADLINE_EXCEEDED))
    assert "`recfin network status --data-root /srv/recfin/network` shows" in line, line


def test_a_node_that_is_down_keeps_its_own_hint_alone():
    line = describe(GatewayError("failed to connect to all addresses; last error: UNAVAILABLE: "
                                 "ipv4:127.0.0.1:7051: Connection refused", code=grpc.StatusCode.UNAVAILABLE))
    assert "is the network up?" in line and "no answer came in time" not in line, line


def test_a_submit_or_commit_status_that_timed_out_keeps_its_own_line():
    """The orderer may have taken such a transaction: its line says so and what to do
    (connection.raise_if_it_may_have_committed), not that a node may be hung."""
    deadline = grpc.StatusCode.DEADLINE_EXCEEDED
    for timed_out in (SubmitError("Deadline Exceeded", transaction_id="tx", code=deadline),
                      CommitStatusError("commit status timed out", transaction_id="tx", code=deadline)):
        assert "no answer came in time" not in describe(timed_out)


def test_a_call_whose_signer_gave_no_signature_in_time_does_not_send_the_user_to_the_network():
    """Nothing reached a node (``sent`` False): the SDK's line names the signer (an HSM, a signing service) and
    what to do; a hint that a node may be hung would send the user to look at a network that is well."""
    line = describe(EndorseError("the signer (HSMSigner) gave no signature of this proposal within 15s",
                                 transaction_id="tx", code=grpc.StatusCode.DEADLINE_EXCEEDED, sent=False))
    assert "gave no signature" in line and "no answer came in time" not in line, line


def test_a_call_whose_own_timeout_passed_names_the_timeout_but_no_python_setting():
    """The SDK's advice for a call whose own timeout passed names ``Timeouts.<kind>`` and the step's ``timeout=``,
    Python a command line does not reach (its ledger commands take --timeout): its line says the call and the
    timeout, what the call changed in the SDK's words (an endorsement: nothing; an evaluation is a read), and what
    to look at, in the CLI's words."""
    deadline = grpc.StatusCode.DEADLINE_EXCEEDED
    for timed_out, kind, seconds, changed in (
            (EndorseError("Deadline Exceeded", transaction_id="tx", code=deadline, timeout=15.0), "endorse", "15s",
             "It changed nothing: it reached no orderer"),
            (EvaluateError("Deadline Exceeded", transaction_id="tx", code=deadline, timeout=5.0), "evaluate", "5s",
             "It changed nothing: an evaluation writes nothing to the ledger")):
        line = describe(timed_out)
        assert f"(no answer within the {kind} call's timeout, {seconds})" in line, line
        assert changed in line and "`recfin network status` shows whether each is healthy" in line, line
        assert "Timeouts" not in line and "timeout=" not in line and "new_proposal" not in line, line


def test_a_ledger_command_names_the_gateway_peer_it_waited_for(runner, network_copy, monkeypatch):
    """A peer that took the connection but never answered: gRPC's words name no address, so the line names the
    gateway peer of the caller's connection profile the command asked (its address and host name), which the
    operator looks at first."""
    from cli.main import main
    from network import profiles
    from network.topology import load

    profiles.write_all(load(), network_copy)
    gateway = profiles.load("supplier", network_copy).gateway

    class Unanswered:
        def __getattr__(self, _name):
            def call(*_args, **_kwargs):
                raise EvaluateError("Deadline Exceeded", transaction_id="tx",
                                    code=grpc.StatusCode.DEADLINE_EXCEEDED, timeout=5.0)
            return call

    class Gateway:
        def get_network(self, _channel):
            return self

        def get_contract(self, *_names):
            return None

        def close(self):
            pass

    monkeypatch.setattr("client.gateway.connect", lambda *_args, **_kwargs: Gateway())
    monkeypatch.setattr("client.receivables.ReceivablesClient", lambda *_args, **_kwargs: Unanswered())
    result = runner.invoke(main, ["receivable", "get", "R-0123456789abcdef", "--as", "supplier"])
    assert result.exit_code == 1, result.output
    line = result.output.strip().splitlines()[-1]
    assert f"the gateway peer {gateway.address} ({gateway.host_name_override})" in line, line
    assert "hung or overloaded" in line, line
