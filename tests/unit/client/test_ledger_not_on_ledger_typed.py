"""qscc reads (client.ledger.qscc) say what the own org's peer answered when its ledger holds no block, transaction or
channel asked for: a typed NotOnLedgerError (an EvaluateError, its message the peer's words) whose advice says
what to do, where the bare EvaluateError said only Fabric's words ("no such block number [9] in index"). Arguments
that are no channel, transaction ID or block number are refused before anything is sent: True was sent as "True",
-1 as "-1", and 2**64 - 1 read by the peer as its newest block, not as a number."""
from __future__ import annotations

import asyncio
import pickle

import grpc
import pytest

from client.gateway import EvaluateError, GatewayError
from client.gateway.errors import ErrorDetail
from client.ledger.qscc import (NoSuchBlockError, NoSuchChannelError, NoSuchTransactionError, NotOnLedgerError,
                                block_by_number, block_by_number_async, block_by_tx_id, current_config,
                                transaction_by_id)
from .test_ledger_block_by_number import AnsweringQscc, AwaitedQscc

CHANNEL, OWN_ORG = "receivables", "BankMSP"
TX = "5c3f9a0e7d21b4c68e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f"


def peer_answer(words: str, *, in_detail: bool = False) -> EvaluateError:
    """The EvaluateError of a qscc read the own org's peer answered with ``words`` (as the Gateway relays it:
    in its message, or in an endorser's detail)."""
    if in_detail:
        return EvaluateError("evaluate call to endorser returned error", transaction_id="q", code=grpc.StatusCode.ABORTED,
                             details=[ErrorDetail("peer0.bank:7051", OWN_ORG, f"chaincode response 500, {words}")])
    return EvaluateError(f"evaluate call to endorser returned error: chaincode response 500, {words}",
                         transaction_id="q", code=grpc.StatusCode.UNKNOWN)


@pytest.mark.parametrize("in_detail", [False, True], ids=["in the message", "in a detail"])
def test_a_block_past_the_peers_ledger_is_a_no_such_block_error_saying_what_to_do(in_detail):
    refused = peer_answer("Failed to get block number 9, error no such block number [9] in index", in_detail=in_detail)
    with pytest.raises(NoSuchBlockError) as raised:
        block_by_number(AnsweringQscc(refused), OWN_ORG, CHANNEL, 9)
    error = raised.value
    assert isinstance(error, EvaluateError) and isinstance(error, NotOnLedgerError)
    assert (error.block_number, error.channel, error.msp_id) == (9, CHANNEL, OWN_ORG)
    # the peer's words kept where callers look for them, its call's fields as they were
    assert (error.message, error.details, error.code, error.transaction_id, error.sent) == (
        refused.message, refused.details, refused.code, refused.transaction_id, refused.sent)
    assert str(error).endswith(f"{OWN_ORG}'s peer holds no block 9 of channel {CHANNEL}: it is past the peer's newest "
                               "block (qscc GetChainInfo gives its height; network.wait_for_block(9) waits for it). "
                               "Nothing was changed.")
    assert not error.before_snapshot


def test_the_async_twin_raises_it_alike():
    refused = peer_answer("Failed to get block number 9, error no such block number [9] in index")
    with pytest.raises(NoSuchBlockError, match="network.wait_for_block"):
        asyncio.run(block_by_number_async(AwaitedQscc(refused), OWN_ORG, CHANNEL, 9))


@pytest.mark.parametrize("read", [transaction_by_id, block_by_tx_id])
def test_a_transaction_the_peer_never_committed_is_a_no_such_transaction_error(read):
    refused = peer_answer(f"Failed to get transaction with id {TX}, error no such transaction ID [{TX}] in index")
    with pytest.raises(NoSuchTransactionError) as raised:
        read(AnsweringQscc(refused), OWN_ORG, CHANNEL, TX)
    assert raised.value.tx_id == TX and raised.value.message == refused.message
    assert f"{OWN_ORG}'s peer holds no transaction {TX} on channel {CHANNEL}. Sent moments ago, it may still " \
           "commit" in raised.value.advice


@pytest.mark.parametrize("read", [
    lambda qscc: block_by_number(qscc, OWN_ORG, "nochannel", 3),
    lambda qscc: transaction_by_id(qscc, OWN_ORG, "nochannel", TX),
    lambda qscc: block_by_tx_id(qscc, OWN_ORG, "nochannel", TX),
    lambda qscc: current_config(qscc, OWN_ORG, "nochannel"),
], ids=["block_by_number", "transaction_by_id", "block_by_tx_id", "current_config"])
def test_a_channel_the_peer_has_not_joined_is_a_no_such_channel_error(read):
    with pytest.raises(NoSuchChannelError) as raised:
        read(AnsweringQscc(peer_answer("Invalid chain ID, nochannel")))
    assert raised.value.channel == "nochannel"
    assert "BankMSP's peer has joined no channel nochannel, so it holds no ledger of it: name a channel it has " \
           "joined" in str(raised.value)


@pytest.mark.parametrize("refused", [
    peer_answer("access denied for [GetBlockByNumber][receivables]: [Failed evaluating policy on signed data]"),
    # another block's words: not an answer about this one
    peer_answer("Failed to get block number 19, error no such block number [19] in index"),
    # the same words from a call that never reached the peer: no answer of its ledger
    EvaluateError("no such block number [9] in index", transaction_id="q", code=grpc.StatusCode.UNAVAILABLE),
    EvaluateError("no such block number [9] in index", transaction_id="q", sent=False),
], ids=["access denied", "another block", "not reached", "not sent"])
def test_every_other_failure_is_raised_as_the_gateway_raised_it(refused):
    with pytest.raises(GatewayError) as raised:
        block_by_number(AnsweringQscc(refused), OWN_ORG, CHANNEL, 9)
    assert raised.value is refused


def test_a_typed_answer_crosses_a_process_boundary_whole():
    refused = peer_answer("Failed to get block number 9, error no such block number [9] in index")
    with pytest.raises(NoSuchBlockError) as raised:
        block_by_number(AnsweringQscc(refused), OWN_ORG, CHANNEL, 9)
    copied = pickle.loads(pickle.dumps(raised.value))
    assert type(copied) is NoSuchBlockError and str(copied) == str(raised.value) and copied.block_number == 9


@pytest.mark.parametrize("number, error, words", [
    (True, TypeError, "block number must be an int, not bool True"),
    ("7", TypeError, "block number must be an int, not str '7'"),
    (7.0, TypeError, "block number must be an int, not float"),
    (-1, ValueError, "block number -1 is not a block's: give a whole number from 0 to 2\\*\\*64 - 2"),
    (2**64 - 1, ValueError, "qscc's word for the newest block"),
    (2**64, ValueError, "is not a block's"),
])
def test_a_number_that_is_no_blocks_is_refused_before_anything_is_sent(number, error, words):
    qscc = AnsweringQscc(b"")
    with pytest.raises(error, match=words):
        block_by_number(qscc, OWN_ORG, CHANNEL, number)
    assert qscc.asked == []


@pytest.mark.parametrize("read", [transaction_by_id, block_by_tx_id])
@pytest.mark.parametrize("channel, tx_id, error, words", [
    ("", TX, ValueError, "channel is empty: give the channel's name"),
    (None, TX, TypeError, r"channel must be the channel's name, a str such as 'receivables' \(the connection "
                          r"profile's channel\), not NoneType None"),
    (CHANNEL, "", ValueError, "tx_id is empty: give the transaction ID"),
    (CHANNEL, TX.encode(), TypeError, "tx_id must be the transaction ID, a str .* not bytes"),
])
def test_a_channel_or_transaction_id_that_is_none_is_refused_before_anything_is_sent(read, channel, tx_id, error,
                                                                                     words):
    qscc = AnsweringQscc(b"")
    with pytest.raises(error, match=words):
        read(qscc, OWN_ORG, channel, tx_id)
    assert qscc.asked == []


def test_a_block_number_of_another_int_type_is_asked_as_its_digits():
    import numpy

    qscc = AnsweringQscc(peer_answer("Failed to get block number 9, error no such block number [9] in index"))
    with pytest.raises(NoSuchBlockError):
        block_by_number(qscc, OWN_ORG, CHANNEL, numpy.uint64(9))
    assert qscc.asked == [("GetBlockByNumber", (CHANNEL, "9"), [OWN_ORG])]

