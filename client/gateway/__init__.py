"""A Fabric Gateway client: evaluate and submit transactions, follow events.

    from client.gateway import connect, load_msp_folder

    identity, signer = load_msp_folder("msp", "Org1MSP")
    with connect("peer0.org1:7051", identity=identity, signer=signer,
                 tls_root_certificates="tls/ca.crt") as gateway:
        contract = gateway.get_network("mychannel").get_contract("receivables")
        contract.submit_transaction("Register", "R-1", "1000")

See docs/sdk-gateway.md. Errors are in :mod:`client.gateway.errors`.
"""

from . import errors, hashing
from ._checkpointer import (
    CHECKPOINT_FILE_FORM,
    MAX_BLOCK_NUMBER,
    Checkpoint,
    CheckpointerInUse,
    FileCheckpointer,
    InMemoryCheckpointer,
    NotACheckpointFile,
)
from ._commit import AsyncCommit, AsyncSubmittedTransaction, Commit, Status, SubmittedTransaction
from ..timeouts import MAX_SECONDS, Timeouts
from ._contract import AsyncContract, Contract, SubmitResult
from ._event_iterators import AsyncEventIterator, EventIterator
from ._events import (
    AsyncBlockEventsRequest,
    AsyncChaincodeEventsRequest,
    BlockEventsRequest,
    ChaincodeEvent,
    ChaincodeEventsRequest,
    check_checkpoint,
    holds_position,
)
from ._gateway import AsyncGateway, Gateway, connect, connect_async
from ._identity import EXPIRY_CLOCK_ALLOWANCE, EncryptedKeyError, Identity, load_msp_folder
from ._network import AsyncNetwork, Network
from ._proposal import AsyncProposal, Proposal, transaction_id_for
from ._retry import RetryPolicy
from ._signer import Signer, private_key_signer, signer_from_pem
from .hsm import HSMError, HSMSigner, HSMSignerFactory, HSMSignerOptions, key_id_for
from .hsm_msp import HSMSignerFile, open_msp_folder
from ._transaction import AsyncTransaction, Transaction
from ._grpc_transport import AsyncGrpcTransport, GrpcTransport
from ._transport import AsyncGatewayTransport, GatewayTransport, TransportError
from .errors import (
    BlockWaitTimeoutError,
    CommitError,
    CommitStatusError,
    DeliverStatusError,
    EndorseError,
    ErrorDetail,
    EvaluateError,
    EventStreamError,
    GatewayError,
    SubmitError,
    TransactionError,
)

__all__ = [
    "connect",
    "EncryptedKeyError",
    "Gateway",
    "Network",
    "Contract",
    "Proposal",
    "Transaction",
    "Commit",
    "SubmittedTransaction",
    "SubmitResult",
    "Status",
    "Identity",
    "EXPIRY_CLOCK_ALLOWANCE",
    "load_msp_folder",
    "Signer",
    "private_key_signer",
    "signer_from_pem",
    "HSMSignerFactory",
    "HSMSignerOptions",
    "HSMSigner",
    "HSMError",
    "key_id_for",
    "HSMSignerFile",
    "open_msp_folder",
    "hashing",
    "Timeouts",
    "MAX_SECONDS",
    "RetryPolicy",
    "ChaincodeEvent",
    "ChaincodeEventsRequest",
    "BlockEventsRequest",
    "EventIterator",
    "Checkpoint",
    "CheckpointerInUse",
    "InMemoryCheckpointer",
    "FileCheckpointer",
    "NotACheckpointFile",
    "CHECKPOINT_FILE_FORM",
    "MAX_BLOCK_NUMBER",
    "holds_position",
    "check_checkpoint",
    "GatewayTransport",
    "GrpcTransport",
    "TransportError",
    "transaction_id_for",
    "connect_async",
    "AsyncGateway",
    "AsyncNetwork",
    "AsyncContract",
    "AsyncProposal",
    "AsyncTransaction",
    "AsyncCommit",
    "AsyncSubmittedTransaction",
    "AsyncChaincodeEventsRequest",
    "AsyncBlockEventsRequest",
    "AsyncEventIterator",
    "AsyncGatewayTransport",
    "AsyncGrpcTransport",
    *errors.__all__,
]
