"""`recfin transaction status TXID`: whether a transaction committed, read through qscc from a peer of the
caller's own org, with the exit code as the answer: 0 committed VALID, 1 committed invalid, 2 a usage error,
3 the ledger could not be read, 4 not found.

qscc answers from real transaction bytes (``audit_ledger.ScriptedQscc``, as the audit's tests use it), each
transaction endorsed and committed in a block with its validation code as a peer stores it.
"""
from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from types import SimpleNamespace

import click
import grpc
import pytest
from click.testing import CliRunner
from fabric_protos.common import common_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2, transaction_pb2

from cli import connection
from cli.main import main
from cli.request_ids import AnswerLost, exactly_once
from client.gateway.errors import CommitStatusError, EvaluateError
from network.errors import NetworkError
from network.profiles import ConnectionProfile, Endpoint, UserIdentity

from ..receivables_client.audit_ledger import (CHAINCODE, CHANNEL, Org, ScriptedQscc, Signer, config_block,
                                               endorsed, plain_block, transaction_block)

BANK = "BankMSP"
CONFIRMED, CONFLICTED, UNKNOWN = "c0" * 32, "ab" * 32, "de" * 32
WHEN = dt.datetime(2026, 11, 30, 9, 15, 7, tzinfo=dt.timezone.utc)


def calling(processed: transaction_pb2.ProcessedTransaction, function: str):
    """The transaction with the proposal payload a client sends: the chaincode and its arguments, the function
    first (a committed transaction keeps it, its transient data dropped)."""
    payload = common_pb2.Payload.FromString(processed.transactionEnvelope.payload)
    transaction = transaction_pb2.Transaction.FromString(payload.data)
    action = transaction_pb2.ChaincodeActionPayload.FromString(transaction.actions[0].payload)
    spec = chaincode_pb2.ChaincodeSpec(chaincode_id=chaincode_pb2.ChaincodeID(name=CHAINCODE),
                                       input=chaincode_pb2.ChaincodeInput(args=[function.encode(), b"R-1"]))
    invocation = chaincode_pb2.ChaincodeInvocationSpec(chaincode_spec=spec)
    action.chaincode_proposal_payload = proposal_pb2.ChaincodeProposalPayload(
        input=invocation.SerializeToString()).SerializeToString()
    transaction.actions[0].payload = action.SerializeToString()
    payload.data = transaction.SerializeToString()
    processed.transactionEnvelope.payload = payload.SerializeToString()
    return processed


@pytest.fixture(scope="module")
def bank() -> Org:
    return Org(BANK)


@pytest.fixture
def ledger(bank):
    """A bank peer's ledger: the config block, another, then one block per transaction, validated as named."""
    def committed(tx_id: str, validation: int) -> transaction_pb2.ProcessedTransaction:
        sent = endorsed(tx_id, {"k": {"v": 1}}, [Signer.peer_of(bank)], when=WHEN, validation=validation)
        return calling(sent, "receivables:ConfirmReceivable")
    transactions = {CONFIRMED: committed(CONFIRMED, transaction_pb2.VALID),
                    CONFLICTED: committed(CONFLICTED, transaction_pb2.MVCC_READ_CONFLICT)}
    blocks = [config_block([bank]), plain_block(1, 0),
              *(transaction_block(n, [t]) for n, t in enumerate(transactions.values(), start=2))]
    return ScriptedQscc(blocks, transactions)


@pytest.fixture
def opened(monkeypatch, ledger):
    """Every session the command opens, as (org, user), acting through the ledger's qscc."""
    user = UserIdentity(name="officer1", role="client", msp_dir="/x/msp", cert="/x/cert.pem", key="/x/key",
                        tls_cert="/x/t", tls_key="/x/k")
    end = Endpoint(address="127.0.0.1:1", host_name_override="peer0.bank", tls_root_cert="/x/ca.pem")
    profile = ConnectionProfile(org="bank", msp_id=BANK, channel=CHANNEL, chaincode=CHAINCODE, gateway=end,
                                peers=[end], orderers=[end], users={"officer1": user})
    sessions = []

    class BanksNetwork:
        name = CHANNEL

        @staticmethod
        def get_contract(chaincode, contract_name=None):
            assert chaincode == "qscc"
            return ledger

    @contextmanager
    def open_session(org, user=None, data_root=None, **_):
        sessions.append((org, user))
        yield connection.Session(SimpleNamespace(network=BanksNetwork()), profile, profile.users["officer1"])

    monkeypatch.setattr(connection, "open_session", open_session)
    return sessions


def status(*args: str):
    return CliRunner().invoke(main, ["transaction", "status", *args], terminal_width=400)


def test_a_valid_transaction_exits_0_with_its_block_chaincode_function_and_time(opened, ledger):
    res = status(CONFIRMED, "--as", "bank/officer1")
    assert res.exit_code == 0, res.output
    assert opened == [("bank", "officer1")]
    lines = res.output.splitlines()
    for line in [f"tx_id: {CONFIRMED}", "committed: yes", "validation: VALID", "block: 2",
                 f"channel: {CHANNEL}", "type: ENDORSER_TRANSACTION", f"chaincode: {CHAINCODE}",
                 "function: receivables:ConfirmReceivable", "timestamp: 2026-11-30T09:15:07+00:00",
                 f"peer_msp: {BANK}"]:
        assert line in lines, res.output
    assert lines[-1].startswith("COMMITTED VALID in block 2: its writes took effect")
    # every read went to a peer of the caller's own org, whose ledger the caller trusts
    assert {function for function, _, _ in ledger.asked} == {"GetTransactionByID", "GetBlockByTxID"}
    assert all(orgs == [BANK] for _, _, orgs in ledger.asked)


def test_json_gives_the_same_answer_to_a_script(opened):
    res = status(CONFIRMED, "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == {
        "tx_id": CONFIRMED, "committed": True, "valid": True, "validation": "VALID", "block": 2,
        "channel": CHANNEL, "type": "ENDORSER_TRANSACTION", "chaincode": CHAINCODE,
        "function": "receivables:ConfirmReceivable", "timestamp": "2026-11-30T09:15:07+00:00",
        "peer_msp": BANK, "ledger_height": None}
    assert opened == [("supplier", None)]   # the default caller, as `request get`'s


def _validated_in_block_as(ledger: ScriptedQscc, block_number: int, code: str) -> None:
    """The block's transaction filter gives its one transaction ``code``, as the peer that committed it wrote."""
    flags = ledger.blocks[block_number].metadata.metadata
    flags[common_pb2.TRANSACTIONS_FILTER] = bytes([transaction_pb2.TxValidationCode.Value(code)])


@pytest.mark.parametrize("code", ["MVCC_READ_CONFLICT", "ENDORSEMENT_POLICY_FAILURE"])
def test_a_transaction_committed_invalid_exits_1_naming_fabrics_code(opened, ledger, code):
    ledger.transactions[CONFLICTED].validationCode = transaction_pb2.TxValidationCode.Value(code)
    _validated_in_block_as(ledger, 3, code)
    res = status(CONFLICTED)
    assert res.exit_code == 1, res.output
    assert f"validation: {code}" in res.output.splitlines() and "block: 3" in res.output.splitlines()
    assert res.output.splitlines()[-1].startswith(
        f"COMMITTED INVALID in block 3 ({code}): the peers recorded it but applied none of its writes, so "
        "the change it carried did not take effect")
    answer = json.loads(status(CONFLICTED, "--json").output)
    assert (answer["committed"], answer["valid"], answer["validation"]) == (True, False, code)


def test_a_transaction_the_peer_holds_none_of_exits_4_and_says_what_that_can_mean(opened, ledger):
    res = status(UNKNOWN)
    assert res.exit_code == 4, res.output
    said = " ".join(res.output.split())
    assert said.startswith(f"NOT FOUND: the ledger of channel {CHANNEL} on {BANK}'s peer, 4 blocks long, "
                           f"holds no transaction {UNKNOWN}. Sent moments ago, it may still commit"), said
    assert "Still not found, it did not commit" in said and "or the id is mistyped" in said
    assert "committed:" not in said   # no fields of a transaction it does not hold
    answer = json.loads(status(UNKNOWN, "--json").output)
    assert (answer["committed"], answer["valid"], answer["block"]) == (False, False, None)
    assert answer["ledger_height"] == 4


def test_an_id_in_upper_case_is_looked_up_as_fabric_writes_it(opened, ledger):
    res = status(CONFIRMED.upper())
    assert res.exit_code == 0, res.output
    assert ledger.asked[0][1] == (CHANNEL, CONFIRMED)


@pytest.mark.parametrize("typed", ["abc", CONFIRMED[:-1], CONFIRMED + "0", "g" + CONFIRMED[1:],
                                   "R-0123456789abcdef"])
def test_an_id_that_is_not_64_hex_characters_is_a_usage_error_and_nothing_is_asked(opened, typed):
    res = status(typed)
    assert res.exit_code == 2, res.output
    assert "is not a transaction id: Fabric's are 64 hexadecimal characters" in res.output
    assert opened == []


@pytest.mark.parametrize("typed", ["", "  "])
def test_a_blank_id_is_said_to_name_nothing(opened, typed):
    # "$TX" of an unset variable: the line named no value at all ("Invalid value for 'TXID': is not a ...")
    res = status(typed)
    assert res.exit_code == 2, res.output
    said = (f"Invalid value for 'TXID': {typed!r} names nothing (an unset shell variable?): give the "
            "transaction id, the 64 hexadecimal characters")
    assert " ".join(said.split()) in " ".join(res.output.split())
    assert opened == []


@pytest.mark.parametrize("failure", [
    # echoed by a failure on its way: no answer of the ledger
    EvaluateError(f"no such transaction ID [{UNKNOWN}] in index", transaction_id="q",
                  code=grpc.StatusCode.UNAVAILABLE),
    EvaluateError("access denied: channel [receivables] creator org unknown", transaction_id="q",
                  code=grpc.StatusCode.PERMISSION_DENIED),
], ids=["peer-unreachable", "read-refused"])
def test_a_read_that_failed_exits_3_not_4(opened, ledger, failure):
    def fails(function, *, arguments=(), endorsing_organizations=None):
        raise failure
    ledger.evaluate = fails
    res = status(UNKNOWN)
    assert res.exit_code == 3, res.output
    assert res.output.startswith(f"Error: cannot read transaction {UNKNOWN} as supplier: "), res.output
    assert failure.message in res.output


def test_an_answer_for_another_transaction_exits_3(opened, ledger):
    ledger.transactions[UNKNOWN] = ledger.transactions[CONFIRMED]   # the peer answers another one for this id
    res = status(UNKNOWN)
    assert res.exit_code == 3, res.output
    assert f"BankMSP's peer answered transaction '{CONFIRMED}' when asked for {UNKNOWN}" in res.output


def test_a_transaction_of_another_channel_is_no_answer_for_this_one_and_exits_3(opened, ledger):
    # a peer (or what relays its answers) answering from another channel's ledger: that transaction
    # committed there, if anywhere, and says nothing of this channel's
    other = ledger.transactions[CONFIRMED]
    payload = common_pb2.Payload.FromString(other.transactionEnvelope.payload)
    header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    header.channel_id = "otherchannel"
    payload.header.channel_header = header.SerializeToString()
    other.transactionEnvelope.payload = payload.SerializeToString()
    ledger.blocks[2].data.data[0] = other.transactionEnvelope.SerializeToString()
    res = status(CONFIRMED, "--json")
    assert res.exit_code == 3, res.output
    assert (f"BankMSP's peer answered transaction {CONFIRMED} of channel 'otherchannel' when asked on channel "
            f"{CHANNEL}: that answer is not of this channel's ledger") in " ".join(res.output.split())


def test_no_connection_profile_exits_3(monkeypatch):
    def open_session(org, user=None, data_root=None, **_):
        raise NetworkError("no connection profile for org 'bank' in /x/profiles: run `recfin network up` "
                           "first")
    monkeypatch.setattr(connection, "open_session", open_session)
    res = status(CONFIRMED, "--as", "bank")
    assert res.exit_code == 3 and "no connection profile for org 'bank'" in res.output, res.output


def test_the_help_says_the_exit_codes_and_shows_examples_that_parse():
    shown = " ".join(status("--help").output.split())
    assert ("Exit codes: 0 committed VALID; 1 committed invalid (it wrote nothing); 2 a usage error (a TXID "
            "that is not 64 hex characters, a typo no ledger holds); 3 the ledger could not be read") in shown
    assert "4 not found: this peer's ledger holds no such transaction" in shown
    example = shown.split("Example:", 1)[1].split("Options:", 1)[0]
    runs = [line.split() for line in example.split("recfin ")[1:]]
    assert runs and all(run[:2] == ["transaction", "status"] for run in runs)
    for run in runs:   # each example's id is one the command takes: it parses up to the connection
        ctx = main.commands["transaction"].commands["status"].make_context("status", run[2:])
        assert len(ctx.params["tx_id"]) == 64


# -------------------------------------------------------- lines saying a transaction may have committed

def test_a_lost_answer_of_a_call_with_a_request_id_names_the_transaction_status_command_too():
    lost = CommitStatusError("commit status timed out", transaction_id=CONFLICTED,
                             code=grpc.StatusCode.DEADLINE_EXCEEDED)

    def call(request_id):
        raise lost
    with click.Context(click.Command("pay"), info_name="pay") as ctx:
        ctx.params = {"as_": "coreenterprise/treasurer"}
        with pytest.raises(AnswerLost) as caught:
            exactly_once("pay-7", call)
    assert caught.value.message.endswith(
        "(request id pay-7: it may have committed; run the same command with --request-id pay-7 to apply it "
        "at most once, or `recfin request get pay-7 --as coreenterprise/treasurer` to see whether it did; "
        f"`recfin transaction status {CONFLICTED} --as coreenterprise/treasurer` tells whether its "
        "transaction committed)")


def test_an_answer_by_id_whose_validation_code_is_not_its_blocks_exits_3(opened, ledger):
    """The block's transaction filter is the verdict: a peer answering VALID by id for a transaction its
    block marks MVCC_READ_CONFLICT would have a script take writes that never took effect as applied."""
    ledger.transactions[CONFLICTED].validationCode = transaction_pb2.VALID
    res = status(CONFLICTED)
    assert res.exit_code == 3, res.output
    assert ("answered transaction " + CONFLICTED + " unlike its block 3 holds it: validation code VALID where the "
            "block gives MVCC_READ_CONFLICT") in res.output
    assert "COMMITTED VALID" not in res.output


def test_the_peers_read_says_what_it_waits_for_when_slow(opened, ledger, monkeypatch):
    # the QSCC contract the command reads through is the one cli.progress watches, as every ledger command's is
    import cli.progress as progress
    watched = []
    monkeypatch.setattr(progress, "reporting_waits", lambda contract: watched.append(contract) or contract)
    res = status(CONFIRMED, "--as", "bank/officer1")
    assert res.exit_code == 0, res.output
    assert watched == [ledger]


def test_a_chain_info_of_height_0_is_no_ledger_height_and_the_not_found_answer_stands_without_it(opened, ledger):
    """An empty GetChainInfo answer decodes as a height of 0, which no channel's ledger has (it holds its genesis
    block): said as "0 blocks long" it would tell of a ledger the peer does not keep."""
    real = ledger.evaluate

    def empty_chain_info(function, *, arguments=(), endorsing_organizations=None):
        if function == "GetChainInfo":
            return b""
        return real(function, arguments=arguments, endorsing_organizations=endorsing_organizations)
    ledger.evaluate = empty_chain_info
    res = status(UNKNOWN)
    assert res.exit_code == 4, res.output
    said = " ".join(res.output.split())
    assert said.startswith(f"NOT FOUND: the ledger of channel {CHANNEL} on {BANK}'s peer holds no transaction "
                           f"{UNKNOWN}."), said
    assert json.loads(status(UNKNOWN, "--json").output)["ledger_height"] is None
