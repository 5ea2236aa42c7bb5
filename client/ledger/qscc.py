"""The query system chaincode (``qscc``), asked through the Gateway of a peer of the caller's own org.

Left to choose, the Gateway may pass a query to another org's peer, whose ledger would then answer for
the one the caller trusts; every query here names the caller's org (``endorsing_organizations``), so the
answer is what a peer of that org committed. ``qscc`` is the Gateway Contract of chaincode ``qscc`` on the
channel's Network (``network.get_contract("qscc")``); the caller needs the channel's Readers policy, which
every member of an application org meets.
"""
from __future__ import annotations

import operator
from collections.abc import Iterator
from contextlib import contextmanager

import grpc
from fabric_protos.common import common_pb2, configtx_pb2, ledger_pb2
from fabric_protos.peer import transaction_pb2
from google.protobuf.message import DecodeError

from ..block_numbers import MAX_BLOCK_NUMBER
from ..gateway._proposal import CHANNEL_NAME, MSP_ID, check_name
from ..gateway._twins import Steps, awaiting, blocking
from ..gateway.errors import EvaluateError, GatewayError

QSCC = "qscc"


class LedgerReadError(ValueError):
    """A peer's answer that is not what Fabric stores: a block or transaction that does not decode."""


class NotOnLedgerError(EvaluateError):
    """The own org's peer answered a qscc read that its ledger holds no such block, transaction or channel
    (:class:`NoSuchBlockError`, :class:`NoSuchTransactionError`, :class:`NoSuchChannelError`), or a ``_lifecycle``
    query that the channel defines no such chaincode (:class:`NoSuchChaincodeError`). An EvaluateError
    as before, its ``message`` and ``details`` the peer's words; ``msp_id`` and ``channel`` say whose ledger was
    read, and :attr:`advice` what to do. A read changes nothing."""

    def __init__(self, refused: EvaluateError, *, msp_id: str, channel: str) -> None:
        self.msp_id, self.channel = msp_id, channel
        super().__init__(refused.message, transaction_id=refused.transaction_id, code=refused.code,
                         details=refused.details, sent=refused.sent, timeout=refused.timeout)


class NoSuchBlockError(NotOnLedgerError):
    """The peer's ledger holds no block ``block_number``: one past its newest, or, where ``before_snapshot``, one
    before the snapshot the peer joined the channel from (Fabric's "cannot serve block [<n>]. The ledger is
    bootstrapped from a snapshot")."""

    def __init__(self, refused: EvaluateError, *, msp_id: str, channel: str, block_number: int,
                 before_snapshot: bool = False) -> None:
        self.block_number, self.before_snapshot = block_number, before_snapshot
        super().__init__(refused, msp_id=msp_id, channel=channel)

    @property
    def advice_without_timeout(self) -> str:
        holds_none = f"{self.msp_id}'s peer holds no block {self.block_number} of channel {self.channel}"
        if self.before_snapshot:
            return (f"{holds_none}: it joined the channel from a snapshot and keeps no block before it (its words "
                    "above name the first it holds); read the block from a peer that joined the channel from its "
                    "genesis block. Nothing was changed.")
        return (f"{holds_none}: it is past the peer's newest block (qscc GetChainInfo gives its height; "
                f"network.wait_for_block({self.block_number}) waits for it). Nothing was changed.")


class NoSuchTransactionError(NotOnLedgerError):
    """The peer's ledger holds no transaction ``tx_id`` (the one asked for; ``transaction_id`` is the query's)."""

    def __init__(self, refused: EvaluateError, *, msp_id: str, channel: str, tx_id: str) -> None:
        self.tx_id = tx_id
        super().__init__(refused, msp_id=msp_id, channel=channel)

    @property
    def advice_without_timeout(self) -> str:
        return (f"{self.msp_id}'s peer holds no transaction {self.tx_id} on channel {self.channel}. Sent moments "
                "ago, it may still commit (ordering and delivery take seconds): ask again. Still not found, it did "
                "not commit: it never reached the orderer, or was sent on another channel, or the ID is mistyped. "
                "Nothing was changed.")


class NoSuchChannelError(NotOnLedgerError):
    """The peer has joined no channel ``channel``: it keeps no ledger of it."""

    @property
    def advice_without_timeout(self) -> str:
        return (f"{self.msp_id}'s peer has joined no channel {self.channel}, so it holds no ledger of it: name a "
                "channel it has joined (the connection profile's), or have the peer join this one. Nothing was "
                "changed.")


class NoSuchChaincodeError(NotOnLedgerError):
    """The channel holds no committed definition of chaincode ``chaincode``: a ``_lifecycle`` query of it
    (``QueryChaincodeDefinition``) that the own org's peer answered "namespace <chaincode> is not defined", as
    Fabric's lifecycle answers (status 404) for a name no definition was committed under on the channel."""

    def __init__(self, refused: EvaluateError, *, msp_id: str, channel: str | None, chaincode: str) -> None:
        self.chaincode = chaincode
        super().__init__(refused, msp_id=msp_id, channel=channel)   # type: ignore[arg-type]

    @property
    def advice_without_timeout(self) -> str:
        # ``channel`` None: the lifecycle contract asked was not a Gateway Contract, which names its channel
        channel = f"channel {self.channel}" if self.channel else "the lifecycle contract's channel"
        return (f"{self.msp_id}'s peer finds no chaincode {self.chaincode} defined on {channel}: no "
                "definition of that name was committed there (names are case-sensitive; `peer lifecycle chaincode "
                "querycommitted` lists the ones that were), or its commit has not reached this peer yet: ask again "
                "once it has. Nothing was changed.")


def peer_said(error: GatewayError, said: str) -> bool:
    """Whether a failed qscc read is the own org's peer answering ``said`` (in the message or an endorser's
    detail), not a call never sent or failed on its way."""
    return answered_by_peer(error) and (said in error.message or any(said in detail.message
                                                                      for detail in error.details))


@contextmanager
def not_on_ledger(msp_id: str, channel: str | None, *, block_number: int | None = None,
                  tx_id: str | None = None, chaincode: str | None = None) -> Iterator[None]:
    """The peer's answer, in the block, that its ledger holds no such block (``block_number``), transaction
    (``tx_id``), chaincode definition (``chaincode``) or channel, raised as the :class:`NotOnLedgerError` that
    says so; every other failure as it was raised. qscc's words: "Invalid chain ID, <channel>", "no such block
    number [<n>]" ("cannot serve block [<n>]. The ledger is bootstrapped from a snapshot" for one before it), "no
    such transaction ID [<tx id>]"; ``_lifecycle``'s: "namespace <chaincode> is not defined"."""
    try:
        yield
    except EvaluateError as error:
        if isinstance(error, NotOnLedgerError):
            raise
        if channel is not None and peer_said(error, f"Invalid chain ID, {channel}"):
            raise NoSuchChannelError(error, msp_id=msp_id, channel=channel) from None
        if block_number is not None and peer_said(error, f"no such block number [{block_number}]"):
            raise NoSuchBlockError(error, msp_id=msp_id, channel=channel, block_number=block_number) from None
        if block_number is not None and peer_said(error, f"cannot serve block [{block_number}]. The ledger is "
                                                         "bootstrapped from a snapshot"):
            raise NoSuchBlockError(error, msp_id=msp_id, channel=channel, block_number=block_number,
                                   before_snapshot=True) from None
        if tx_id is not None and peer_said(error, f"no such transaction ID [{tx_id}]"):
            raise NoSuchTransactionError(error, msp_id=msp_id, channel=channel, tx_id=tx_id) from None
        if chaincode is not None and peer_said(error, f"namespace {chaincode} is not defined"):
            raise NoSuchChaincodeError(error, msp_id=msp_id, channel=channel, chaincode=chaincode) from None
        raise


def checked_channel(channel) -> str:
    """``channel`` if it is a channel's name (:func:`~client.gateway._proposal.check_name`)."""
    return check_name(channel, "channel", CHANNEL_NAME)


def checked_tx_id(tx_id) -> str:
    """``tx_id`` if it is a transaction ID (:func:`~client.gateway._proposal.check_name`)."""
    return check_name(tx_id, "tx_id", "the transaction ID, a str of 64 hex characters (a SubmitResult's "
                                      ".transaction_id)")


NEWEST_BLOCK_ASKED = MAX_BLOCK_NUMBER
"""The block number qscc ``GetBlockByNumber`` reads as "the newest block" (Go's math.MaxUint64), not as a number:
asked for by number, the answer would be another block."""


def checked_block_number(number) -> int:
    """``number`` as the int of a block number from 0 to 2**64 - 2; a TypeError or ValueError naming it. A bool
    (True is 1 to Python) and a str are refused: the peer would read True as no number, "7" as any text."""
    try:
        if isinstance(number, bool):
            raise TypeError
        whole = operator.index(number)
    except TypeError:
        raise TypeError(f"block number must be an int, not {type(number).__name__} {number!r:.80}") from None
    if not 0 <= whole < NEWEST_BLOCK_ASKED:
        raise ValueError(f"block number {whole} is not a block's: give a whole number from 0 to 2**64 - 2 (2**64 - 1 "
                         "is qscc's word for the newest block, whose number GetChainInfo's height - 1 gives)")
    return whole


UNANSWERED_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED,
                              grpc.StatusCode.CANCELLED, grpc.StatusCode.RESOURCE_EXHAUSTED})
"""The gRPC codes of a qscc read that failed on its way (no peer reached, a timeout, the call cancelled, the peer
overloaded): no answer of the ledger, whatever its message echoes."""


def answered_by_peer(error: GatewayError) -> bool:
    """Whether a failed qscc read is the own org's peer's answer (a refusal, or its ledger holding no such
    transaction or block), not a call never sent or failed on its way (``UNANSWERED_CODES``)."""
    return error.sent and error.code not in UNANSWERED_CODES


def enum_name(enum, number: int) -> str:
    """The name of ``number`` in a protobuf enum (``common_pb2.HeaderType``, ``TxValidationCode``), or the number
    itself where the enum names none: a block may carry a value this SDK's protos do not know, which Name raises at."""
    return enum.Name(number) if number in enum.values() else str(number)


def ask_own_org(qscc, msp_id: str, function: str, *arguments: str | bytes) -> bytes:
    """A system chaincode query (qscc, ``_lifecycle``) answered by a peer of ``msp_id``'s org: left to choose, the
    Gateway may pass a query to another org's peer, whose ledger would then answer for the peer being checked.
    An ``msp_id`` that is no name is refused here, naming it: left to the Gateway's check of the org list, the
    refusal named ``endorsing_organizations[0]``, an argument the caller never wrote."""
    check_name(msp_id, "msp_id", MSP_ID)
    return qscc.evaluate(function, arguments=arguments, endorsing_organizations=[msp_id])


def decoded(message_type, data: bytes, what: str):
    """``message_type`` parsed from ``data``; LedgerReadError naming ``what`` when the bytes are not one."""
    try:
        return message_type.FromString(data)
    except (DecodeError, RuntimeError) as exc:  # the protobuf backend raises either
        raise LedgerReadError(f"{what} does not decode as a {message_type.DESCRIPTOR.full_name} ({exc})") from None


def transaction_header(envelope: common_pb2.Envelope,
                       of: str = "the transaction's") -> tuple[common_pb2.Payload, common_pb2.ChannelHeader]:
    """A transaction's payload and channel header; LedgerReadError where they do not decode, naming the part
    after ``of``, whose it is (``"block 3's transaction 0, marked VALID: its"``)."""
    payload = decoded(common_pb2.Payload, envelope.payload, f"{of} payload")
    return payload, decoded(common_pb2.ChannelHeader, payload.header.channel_header, f"{of} channel header")


def other_channel(header: common_pb2.ChannelHeader, channel: str, msp_id: str) -> str | None:
    """Why a transaction ``msp_id``'s peer answered on ``channel`` is not of that channel (its header names
    another), or None. A peer's ledger of a channel holds none of another's: Fabric's validator marks
    invalid any transaction whose header names another channel, so such an answer is another ledger's."""
    if header.channel_id == channel:
        return None
    return (f"{msp_id}'s peer answered transaction {header.tx_id} of channel {header.channel_id!r} when asked "
            f"on channel {channel}: that answer is not of this channel's ledger")


def transaction_by_id(qscc, msp_id: str, channel: str, tx_id: str) -> transaction_pb2.ProcessedTransaction:
    """The committed transaction ``tx_id`` with its validation code, as the own org's peer stores it;
    NoSuchTransactionError (NoSuchChannelError) where the peer answers that it holds no such transaction
    (channel)."""
    checked_channel(channel), checked_tx_id(tx_id)
    with not_on_ledger(msp_id, channel, tx_id=tx_id):
        answer = ask_own_org(qscc, msp_id, "GetTransactionByID", channel, tx_id)
    return decoded(transaction_pb2.ProcessedTransaction, answer, f"transaction {tx_id}")


def block_by_tx_id(qscc, msp_id: str, channel: str, tx_id: str) -> common_pb2.Block:
    """The block holding transaction ``tx_id``, as the own org's peer stores it (qscc ``GetBlockByTxID``):
    LedgerReadError naming the transaction where the answer is no block; NoSuchTransactionError
    (NoSuchChannelError) where the peer answers that it holds no such transaction (channel)."""
    checked_channel(channel), checked_tx_id(tx_id)
    with not_on_ledger(msp_id, channel, tx_id=tx_id):
        answer = ask_own_org(qscc, msp_id, "GetBlockByTxID", channel, tx_id)
    return _block_answer(answer, f"the block of transaction {tx_id} on channel {channel}", msp_id)


def position_in_block(block: common_pb2.Block, tx_id: str) -> int | None:
    """The position of the first transaction of ``block`` naming ``tx_id`` in its channel header (one that
    does not decode names none), or None where none does: whether a block a peer answered as the block of
    ``tx_id`` holds it at all."""
    for position, data in enumerate(block.data.data):
        try:
            if transaction_header(decoded(common_pb2.Envelope, data, "a transaction"), "its")[1].tx_id == tx_id:
                return position
        except LedgerReadError:
            continue
    return None


def validation_flags(block: common_pb2.Block) -> bytes:
    """The block's TRANSACTIONS_FILTER: one validation code per transaction, as the committing peer wrote it; empty
    where the block carries none. A transaction it gives no code was never marked valid (Fabric's txflags.New
    starts each one NOT_VALIDATED)."""
    metadata = block.metadata.metadata
    return metadata[common_pb2.TRANSACTIONS_FILTER] if len(metadata) > common_pb2.TRANSACTIONS_FILTER else b""


def not_as_block_holds(processed: transaction_pb2.ProcessedTransaction, block: common_pb2.Block,
                       position: int) -> str | None:
    """How ``processed`` differs from the transaction ``block`` holds at ``position``, its envelope's bytes
    and the validation code the block's transaction filter gives it, or None where it does not."""
    if processed.transactionEnvelope.SerializeToString() != block.data.data[position]:
        return "its bytes differ"
    flags = validation_flags(block)
    if position >= len(flags):
        return "the block gives it no validation code"
    if flags[position] != processed.validationCode:
        return (f"validation code {enum_name(transaction_pb2.TxValidationCode, processed.validationCode)} "
                f"where the block gives {enum_name(transaction_pb2.TxValidationCode, flags[position])}")
    return None


def _block_answer(answer: bytes, what: str, msp_id: str) -> common_pb2.Block:
    block = decoded(common_pb2.Block, answer, what)
    if not block.HasField("header"):
        # protobuf parses bytes of other messages (an empty answer too) into a Block with no fields set, where
        # every block a peer stores has a header; taken for one, it would read as block 0 holding no transaction
        raise LedgerReadError(f"{what}: the answer of {msp_id}'s peer is no block ({len(answer)} bytes holding no "
                              "block header): that peer, or what relays its answers, sent something else")
    return block


def block_by_number_steps(qscc, msp_id: str, channel: str, number: int) -> Steps[common_pb2.Block]:
    """The steps of :func:`block_by_number`, for a body that runs sync or async
    (``client.gateway._twins``)."""
    checked_channel(channel)
    number = checked_block_number(number)
    with not_on_ledger(msp_id, channel, block_number=number):
        answer = yield ask_own_org(qscc, msp_id, "GetBlockByNumber", channel, str(number))
    return _block_answer(answer, f"block {number} of channel {channel}", msp_id)


block_by_number = blocking(block_by_number_steps)
block_by_number.__name__ = block_by_number.__qualname__ = "block_by_number"
block_by_number.__doc__ = """Block ``number`` of ``channel`` as the own org's peer stores it; LedgerReadError naming the
block and the channel where the answer is no block, NoSuchBlockError (NoSuchChannelError) where the peer answers that
it holds no such block (channel), the GatewayError of a read the peer refused otherwise or never answered as it was
raised; a ``number`` that is no block's (a bool, a str, a negative one) a TypeError or ValueError before anything is
sent. ``qscc`` of an AsyncNetwork: :func:`block_by_number_async`."""
block_by_number_async = awaiting(block_by_number_steps)


def last_config_index(block: common_pb2.Block) -> int:
    """The number of the config block in force at ``block``, from its orderer metadata.

    Fabric 2 and later keep it in the SIGNATURES metadata (``OrdererBlockMetadata.last_config``); older blocks
    in the LAST_CONFIG entry, read when the first holds none (protoutil.GetLastConfigIndexFromBlock)."""
    metadata = block.metadata.metadata
    if len(metadata) > common_pb2.SIGNATURES and metadata[common_pb2.SIGNATURES]:
        signatures = decoded(common_pb2.Metadata, metadata[common_pb2.SIGNATURES], "the block's signatures")
        if signatures.value:
            orderer = decoded(common_pb2.OrdererBlockMetadata, signatures.value, "the block's orderer metadata")
            return orderer.last_config.index
    if len(metadata) > common_pb2.LAST_CONFIG and metadata[common_pb2.LAST_CONFIG]:
        legacy = decoded(common_pb2.Metadata, metadata[common_pb2.LAST_CONFIG], "the block's last config entry")
        return decoded(common_pb2.LastConfig, legacy.value, "the block's last config").index
    raise LedgerReadError(f"block {block.header.number} names no last config block in its metadata")


def config_of(block: common_pb2.Block) -> configtx_pb2.Config:
    """The channel configuration a config block carries."""
    if len(block.data.data) != 1:
        raise LedgerReadError(f"block {block.header.number} holds {len(block.data.data)} transactions, "
                              "not the one of a config block")
    envelope = decoded(common_pb2.Envelope, block.data.data[0], f"block {block.header.number}'s transaction")
    payload, header = transaction_header(envelope, f"block {block.header.number}'s")
    if header.type != common_pb2.CONFIG:
        raise LedgerReadError(f"block {block.header.number} is not a config block (its transaction is of type "
                              f"{enum_name(common_pb2.HeaderType, header.type)})")
    return decoded(configtx_pb2.ConfigEnvelope, payload.data, "the config envelope").config


def newest_block_number(chain_info: bytes, channel: str, msp_id: str) -> int:
    """The number of the newest block of ``channel`` (its height - 1) from ``msp_id``'s peer's answer to qscc
    ``GetChainInfo``; LedgerReadError where the answer gives a height of 0, which no ledger of a channel has (it holds
    the genesis block at least): an empty answer decodes as one, and its -1 would be asked as a block number the
    caller never gave."""
    height = decoded(ledger_pb2.BlockchainInfo, chain_info, f"the chain info of {channel}").height
    if height == 0:
        raise LedgerReadError(f"the chain info of {channel} that {msp_id}'s peer answered gives a height of 0, which "
                              f"no ledger of a channel has (it holds the genesis block at least): that peer, or what "
                              f"relays its answers, sent something else ({len(chain_info)} bytes)")
    return height - 1


def current_config_steps(qscc, msp_id: str, channel: str) -> Steps[configtx_pb2.Config]:
    """The steps of :func:`current_config`, for a body that runs sync or async (``client.gateway._twins``)."""
    checked_channel(channel)
    with not_on_ledger(msp_id, channel):
        info = yield ask_own_org(qscc, msp_id, "GetChainInfo", channel)
    newest = yield from block_by_number_steps(qscc, msp_id, channel, newest_block_number(info, channel, msp_id))
    index = last_config_index(newest)
    if index == newest.header.number:
        return config_of(newest)
    return config_of((yield from block_by_number_steps(qscc, msp_id, channel, index)))


current_config = blocking(current_config_steps)
current_config.__name__ = current_config.__qualname__ = "current_config"
current_config.__doc__ = """The channel configuration in force at the own org's peer: the config block its newest block
names. ``qscc`` of an AsyncNetwork: :func:`current_config_async`."""
current_config_async = awaiting(current_config_steps)
