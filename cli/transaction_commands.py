"""`recfin transaction status TXID`: whether a Fabric transaction committed, as a peer of the caller's own
org holds the ledger.

A command whose answer was lost after its transaction was sent (a commit status not received, Ctrl-C while
it waited) says the transaction may have committed and names its id; this command finds out. It asks the
query system chaincode of the caller's own org's peer (``client.ledger.qscc``): ``GetTransactionByID`` for
the transaction and its validation code, ``GetBlockByTxID`` for its block. A transaction the peer holds
committed VALID (its writes took effect) or invalid (``MVCC_READ_CONFLICT``,
``ENDORSEMENT_POLICY_FAILURE``...: it wrote nothing); one it holds none of has not committed there. The
exit code is the answer, so that a script can act on it: 0 committed VALID, 1 committed invalid, 2 a usage
error (a TXID that is not 64 hex characters: a typo, which no ledger holds), 3 the ledger could not be read
(as `recfin receivable audit` exits 3), 4 not found.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from client.shown import SHOWN_LENGTH, shown_value
from network.errors import NetworkError

from . import connection, progress
from .output import as_typed, as_typed_cut_short, emit

if TYPE_CHECKING:
    from fabric_protos.common import common_pb2

EXIT_VALID, EXIT_INVALID, EXIT_NOT_READ, EXIT_NOT_FOUND = 0, 1, 3, 4
TRANSACTION_ID = re.compile(r"[0-9a-f]{64}")
"""A Fabric transaction id: the hex SHA-256 of its nonce and creator, which peers check (as the SDK's commit
status request does, ``client.gateway._commit``): anything else is no id any ledger holds."""
STATUS_FIELDS = ["tx_id", "committed", "validation", "block", "channel", "type", "chaincode", "function",
                 "timestamp", "peer_msp"]
"""The fields of a committed transaction's answer, in the order the text shows them."""


class TransactionIdType(click.ParamType):
    """A Fabric transaction id, 64 hex characters; upper case is taken as the lower case Fabric writes."""

    name = "TXID"

    def convert(self, value: Any, param, ctx) -> str:
        text = str(value).strip()
        if not text:   # "$TX" of an unset variable: as_typed would show nothing where the value goes
            self.fail(f"{shown_value(str(value))} names nothing (an unset shell variable?): give the transaction "
                      "id, the 64 hexadecimal characters an error line or a command's `tx:` prints", param, ctx)
        if not TRANSACTION_ID.fullmatch(text.lower()):
            self.fail(f"{as_typed_cut_short(value, SHOWN_LENGTH)} is not a transaction id: Fabric's are 64 "
                      "hexadecimal characters, as an error line or a command's `tx:` prints them (no ledger holds "
                      "any other, so it is a typo)", param, ctx)
        return text.lower()


class TransactionNotRead(click.ClickException):
    """The ledger could not be read: one line on stderr, exit 3 (not found is an answer, exit 4)."""

    exit_code = EXIT_NOT_READ


@dataclass(frozen=True)
class TransactionStatus:
    """What the own org's peer holds of a transaction. ``committed`` False: its ledger, ``ledger_height``
    blocks long (None where that read failed too), holds none; the rest is then None. ``chaincode`` and
    ``function``: what an endorser transaction called (None where its payload does not read, or for a
    config transaction)."""

    tx_id: str
    channel: str
    peer_msp: str
    committed: bool
    validation: str | None = None
    block: int | None = None
    kind: str | None = None     # the channel header's type: ENDORSER_TRANSACTION, CONFIG...
    chaincode: str | None = None
    function: str | None = None
    timestamp: str | None = None
    ledger_height: int | None = None

    @property
    def valid(self) -> bool:
        return self.validation == "VALID"

    def to_json(self) -> dict:
        return {"tx_id": self.tx_id, "committed": self.committed, "valid": self.valid,
                "validation": self.validation, "block": self.block, "channel": self.channel,
                "type": self.kind, "chaincode": self.chaincode, "function": self.function,
                "timestamp": self.timestamp, "peer_msp": self.peer_msp, "ledger_height": self.ledger_height}


def _timestamp(header: common_pb2.ChannelHeader) -> str | None:
    """When the client says it made the transaction (the header's timestamp, which its signer chooses), as
    ISO 8601 in UTC; None for one no calendar holds."""
    try:
        stamp = header.timestamp.seconds + header.timestamp.nanos / 1e9
        return datetime.fromtimestamp(stamp, timezone.utc).isoformat()
    except (ValueError, OverflowError, OSError):
        return None


def _called(payload: common_pb2.Payload) -> tuple[str | None, str | None]:
    """The chaincode an endorser transaction ran (its endorsed action's, else its proposal's) and the
    function its proposal named (the first argument, ``contract:Function`` for a named contract); None for
    what does not read. A committed transaction keeps its proposal's input (only transient data is
    dropped)."""
    from client.ledger.qscc import LedgerReadError, decoded
    from fabric_protos.peer import chaincode_pb2, proposal_pb2, proposal_response_pb2, transaction_pb2

    chaincode = function = None
    try:
        transaction = decoded(transaction_pb2.Transaction, payload.data, "the transaction")
        if not transaction.actions:
            return None, None
        action = decoded(transaction_pb2.ChaincodeActionPayload, transaction.actions[0].payload, "its action")
    except LedgerReadError:
        return None, None
    try:
        response = decoded(proposal_response_pb2.ProposalResponsePayload,
                           action.action.proposal_response_payload, "its proposal response")
        chaincode = decoded(proposal_pb2.ChaincodeAction, response.extension, "its chaincode action"
                            ).chaincode_id.name or None
    except LedgerReadError:
        pass
    try:
        proposal = decoded(proposal_pb2.ChaincodeProposalPayload, action.chaincode_proposal_payload,
                           "its proposal payload")
        invocation = decoded(chaincode_pb2.ChaincodeInvocationSpec, proposal.input, "its invocation")
    except LedgerReadError:
        return chaincode, None
    spec = invocation.chaincode_spec
    if spec.input.args:
        function = spec.input.args[0].decode("utf-8", "replace") or None
    return chaincode or spec.chaincode_id.name or None, function


def _ledger_height(qscc, msp_id: str, channel: str) -> int | None:
    """The number of blocks the peer's ledger holds, said with a not-found answer; None where it cannot be
    read, or the answer gives a height of 0, which no channel's ledger has (the answer stands without it)."""
    from client.gateway import GatewayError
    from client.ledger.qscc import LedgerReadError, ask_own_org, newest_block_number

    try:
        answer = ask_own_org(qscc, msp_id, "GetChainInfo", channel)
        return newest_block_number(answer, channel, msp_id) + 1
    except (GatewayError, LedgerReadError):
        return None


def transaction_status(qscc, msp_id: str, channel: str, tx_id: str) -> TransactionStatus:
    """What ``msp_id``'s peer holds of transaction ``tx_id`` on ``channel``.

    Raises the GatewayError of a read that never reached the peer or that it refused (any failure but its
    answer that it holds no such transaction), and LedgerReadError where its answer is not of ``tx_id``: a
    transaction whose header names another id or another channel, or a block said to hold it that holds
    none of it."""
    from client.gateway import GatewayError
    from client.ledger.qscc import (LedgerReadError, block_by_tx_id, enum_name, not_as_block_holds, other_channel,
                                    position_in_block, transaction_by_id, transaction_header)
    from client.receivables.audit import no_such_transaction
    from fabric_protos.common import common_pb2
    from fabric_protos.peer import transaction_pb2

    try:
        processed = transaction_by_id(qscc, msp_id, channel, tx_id)
    except GatewayError as error:
        if not no_such_transaction(error, tx_id):
            raise
        return TransactionStatus(tx_id, channel, msp_id, committed=False,
                                 ledger_height=_ledger_height(qscc, msp_id, channel))
    payload, header = transaction_header(processed.transactionEnvelope)
    if header.tx_id != tx_id:
        raise LedgerReadError(f"{msp_id}'s peer answered transaction {header.tx_id!r} when asked for {tx_id}")
    on_another_channel = other_channel(header, channel, msp_id)
    if on_another_channel is not None:
        raise LedgerReadError(on_another_channel)
    block = block_by_tx_id(qscc, msp_id, channel, tx_id)
    position = position_in_block(block, tx_id)
    if position is None:
        raise LedgerReadError(f"{msp_id}'s peer answered block {block.header.number} as the block of "
                              f"transaction {tx_id}, but no transaction in it has that id")
    # the verdict is the block's: a validation code the answer by id gives otherwise (VALID for a transaction
    # its block marks MVCC_READ_CONFLICT, say) would report writes that never took effect
    differs = not_as_block_holds(processed, block, position)
    if differs is not None:
        raise LedgerReadError(f"{msp_id}'s peer answered transaction {tx_id} unlike its block "
                              f"{block.header.number} holds it: {differs}")
    kind = enum_name(common_pb2.HeaderType, header.type)
    endorsed = header.type == common_pb2.ENDORSER_TRANSACTION   # a config transaction calls no chaincode
    chaincode, function = _called(payload) if endorsed else (None, None)
    return TransactionStatus(tx_id, channel, msp_id, committed=True,
                             validation=enum_name(transaction_pb2.TxValidationCode, processed.validationCode),
                             block=block.header.number, kind=kind, chaincode=chaincode, function=function,
                             timestamp=_timestamp(header))


def verdict(status: TransactionStatus) -> str:
    """The line under the fields that says what the answer means for the change the transaction carried."""
    where = f"{status.peer_msp}'s peer"
    if status.valid:
        return f"COMMITTED VALID in block {status.block}: its writes took effect (read from {where})"
    if status.committed:
        return (f"COMMITTED INVALID in block {status.block} ({status.validation}): the peers recorded it "
                "but applied none of its writes, so the change it carried did not take effect (read from "
                f"{where})")
    height = f", {status.ledger_height} blocks long," if status.ledger_height is not None else ""
    return (f"NOT FOUND: the ledger of channel {status.channel} on {where}{height} holds no transaction "
            f"{status.tx_id}. Sent moments ago, it may still commit (ordering and delivery take seconds, "
            "and a peer behind the others longer: `recfin network status` shows each peer's block height): "
            "ask again. Still not found, it did not commit: it never reached the orderer, or the orderer "
            "did not take it, or it was sent on another channel than this profile's, or the id is mistyped")


@click.group()
def transaction() -> None:
    """Fabric transactions by their id: whether one committed, as your org's peer holds the ledger.

    \b
    Example:
      recfin transaction status 5c3f9a0e7d21b4c68e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f --as bank
    """


@transaction.command("status")
@click.argument("tx_id", metavar="TXID", type=TransactionIdType())
@lambda command: connection.with_options(command, connection.who_acts_options(
    "Who asks: an org (name or MSP ID) and optionally a user of its profile; the read goes to this org's "
    "peer, on its profile's channel [default: supplier, its first client user]."))
@connection.call_timeout_option()
@click.option("--json", "as_json", is_flag=True,
              help="Print the answer as JSON (\"committed\", \"valid\", \"validation\", \"block\"...).")
def status(tx_id: str, as_: str | None, org: str | None, user: str | None, data_root: Path | None,
           as_json: bool) -> None:
    """Whether transaction TXID committed, read from the ledger of a peer of your org (qscc).

    The transaction id is the one an error line names when a call's answer was lost after it was sent
    ("transaction ... may have committed"), or a command's `tx:`. Prints whether it committed and how
    it was validated: VALID (its writes took effect) or Fabric's code of an invalid transaction, such
    as MVCC_READ_CONFLICT or ENDORSEMENT_POLICY_FAILURE (recorded, but it wrote nothing); its block,
    the chaincode and function it called, and its timestamp (the submitting client's clock). A
    transaction this peer holds none of has not committed on it: sent moments ago it may still
    commit, so ask again; later, it did not.

    Exit codes: 0 committed VALID; 1 committed invalid (it wrote nothing); 2 a usage error (a TXID
    that is not 64 hex characters, a typo no ledger holds); 3 the ledger could not be read (the peer
    not reached or refusing the read, no connection profile); 4 not found: this peer's ledger holds no
    such transaction; 130 stopped by Ctrl-C.

    \b
    Example:
      recfin transaction status 5c3f9a0e7d21b4c68e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f --as bank
      recfin transaction status 5c3f9a0e7d21b4c68e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f --json
    """
    from client.gateway import GatewayError
    from client.ledger.qscc import LedgerReadError, QSCC

    who_org, who_user = connection.caller(as_, org, user, "supplier")
    asker = as_typed(who_org)
    try:
        with connection.open_session(who_org, who_user, data_root) as session:
            connection.note_caller(session, data_root)   # a failure's hint names the peer and profile it used
            qscc = progress.reporting_waits(session.client.network.get_contract(QSCC))   # says if it waits
            found = transaction_status(qscc, session.profile.msp_id, session.profile.channel, tx_id)
    except (GatewayError, NetworkError, LedgerReadError, OSError, ValueError) as error:
        raise TransactionNotRead(f"cannot read transaction {tx_id} as {asker}: {connection.describe(error)}"
                                 ) from None
    if as_json:
        emit(found.to_json(), as_json=True)
    else:
        if found.committed:
            emit(found.to_json(), as_json=False, columns=STATUS_FIELDS)
        click.echo(verdict(found))
    raise SystemExit(EXIT_VALID if found.valid else EXIT_INVALID if found.committed else EXIT_NOT_FOUND)

