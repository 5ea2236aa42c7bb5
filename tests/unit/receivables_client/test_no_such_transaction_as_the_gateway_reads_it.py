"""Whether the own org's peer holds no such transaction or block is the qscc client's to read from the peer's
answer (``client.ledger.qscc``: ``NoSuchTransactionError``, ``NoSuchBlockError``, ``NoSuchChannelError``), once for
every caller: the audit of a claim and ``check_checkpoint`` take its typed errors, rather than each matching the
peer's words again, so that their verdicts cannot drift from the qscc client's, and a channel the peer has not
joined is said as such."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from client.gateway import ErrorDetail
from client.gateway._transport import TransportError
from client.gateway.errors import EvaluateError
from client.ledger.qscc import NoSuchBlockError, NoSuchChannelError, NoSuchTransactionError
from client.receivables import CheckpointOfAnotherLedger
from client.receivables import audit as audit_module

from . import test_audit
from .audit_ledger import CHANNEL
from .test_audit import BANK, checks_of
from .test_events_checkpoint_of_another_ledger import (CHANNEL as EVENTS_CHANNEL, TX, Checkpoint, FakeTransport,
                                                       _async_client, _client, _not_on_this_ledger)

# the audit tests' ledger of one claim, as fixtures of this module
ledger, orgs_keys = test_audit.ledger, test_audit.orgs_keys


def reads_of_the_confirmation_fail_with(monkeypatch, failure: Exception) -> None:
    """The audit's read of the claim's confirmation (transaction t-confirm) fails with ``failure``."""
    real = audit_module.transaction_by_id

    def transaction_by_id(qscc, msp_id, channel, tx_id):
        if tx_id == "t-confirm":
            raise failure
        return real(qscc, msp_id, channel, tx_id)

    monkeypatch.setattr(audit_module, "transaction_by_id", transaction_by_id)


def peer_answer(said: str) -> EvaluateError:
    return EvaluateError(said, transaction_id="q", code=grpc.StatusCode.UNKNOWN, sent=True)


def test_the_audit_takes_the_gateways_no_such_transaction_whatever_the_peers_words(ledger, monkeypatch):
    # words of a peer the qscc client reads as "no such transaction" other than Fabric 2.5's: the audit's verdict
    # is the qscc client's, where it matched Fabric's words again and raised the read as a failure of the audit
    missing = NoSuchTransactionError(peer_answer("transaction t-confirm is not in the ledger"), msp_id=BANK,
                                     channel=CHANNEL, tx_id="t-confirm")
    reads_of_the_confirmation_fail_with(monkeypatch, missing)
    report, _ = ledger.audit()
    passed, reason = checks_of(report)["confirmation"]
    assert not passed and f"{BANK}'s peer holds no such transaction, though the key's history lists it" in reason


def test_the_audit_raises_a_channel_the_peer_has_not_joined(ledger, monkeypatch):
    not_joined = NoSuchChannelError(peer_answer(f"Invalid chain ID, {CHANNEL}"), msp_id=BANK, channel=CHANNEL)
    reads_of_the_confirmation_fail_with(monkeypatch, not_joined)
    with pytest.raises(NoSuchChannelError):
        ledger.audit()


def _channel_not_joined() -> TransportError:
    said = f"chaincode response 500, Invalid chain ID, {EVENTS_CHANNEL}"
    return TransportError(grpc.StatusCode.UNKNOWN, f"evaluate call to endorser returned error: {said}",
                          [ErrorDetail("peer0.org1.example.com:7051", "Org1MSP", said)])


def test_check_checkpoint_names_the_gateways_no_such_transaction_as_its_cause():
    transport = FakeTransport()
    transport.fail["evaluate"] = _not_on_this_ledger(TX)
    with pytest.raises(CheckpointOfAnotherLedger) as refused:
        _client(transport).check_checkpoint(Checkpoint(7, TX), msp_id="Org1MSP")
    assert isinstance(refused.value.__cause__, NoSuchTransactionError)
    assert refused.value.__cause__.tx_id == TX


def test_check_checkpoint_says_the_peer_has_not_joined_the_channel():
    transport = FakeTransport()
    transport.fail["evaluate"] = _channel_not_joined()
    with pytest.raises(NoSuchChannelError) as refused:
        _client(transport).check_checkpoint(Checkpoint(7, TX), msp_id="Org1MSP")
    assert f"has joined no channel {EVENTS_CHANNEL}" in refused.value.advice_without_timeout


def test_the_async_check_checkpoint_reads_the_peers_answer_alike():
    async def check(failure):
        transport = FakeTransport()
        transport.fail["evaluate"] = failure
        async with _async_client(transport) as client:
            await client.check_checkpoint(Checkpoint(7, TX), msp_id="Org1MSP")

    with pytest.raises(NoSuchChannelError):
        asyncio.run(check(_channel_not_joined()))
    with pytest.raises(CheckpointOfAnotherLedger) as refused:
        asyncio.run(check(_not_on_this_ledger(TX)))
    assert isinstance(refused.value.__cause__, NoSuchTransactionError)


def block_reads_fail_with(monkeypatch, failure_of) -> None:
    """Every read of a block by its number fails with ``failure_of(number)``."""
    def block_by_number(qscc, msp_id, channel, number):
        raise failure_of(number)

    monkeypatch.setattr(audit_module, "block_by_number", block_by_number)


def test_the_audit_takes_the_gateways_no_such_block_whatever_the_peers_words(ledger, monkeypatch):
    # a peer that joined from a snapshot, in words of a Fabric version other than 2.5's: the block is one it cannot
    # give, as the qscc client reads it, where the audit matched Fabric's words again and raised the read
    block_reads_fail_with(monkeypatch, lambda number: NoSuchBlockError(
        peer_answer(f"block {number} lies before the snapshot"), msp_id=BANK, channel=CHANNEL, block_number=number,
        before_snapshot=True))
    report, _ = ledger.audit()
    reasons = [reason for passed, reason in checks_of(report).values() if not passed]
    assert reasons and all("cannot" in reason and "lies before the snapshot" in reason for reason in reasons)


def test_a_block_read_the_peer_failed_for_another_cause_is_raised_not_a_failed_check(ledger, monkeypatch):
    # the peer's own failure (its block store closed under it) says nothing of the claim: the audit was not made
    failure = peer_answer("Failed to get block number 3, error leveldb: closed")
    block_reads_fail_with(monkeypatch, lambda number: failure)
    with pytest.raises(EvaluateError) as raised:
        ledger.audit()
    assert raised.value is failure
