"""Which classes a Gateway builds: the sync family or its async twins (same requests, same parsing)."""

from __future__ import annotations

from dataclasses import dataclass

from ._commit import AsyncCommit, AsyncSubmittedTransaction, Commit, SubmittedTransaction
from ._contract import AsyncContract, Contract
from ._events import AsyncBlockEventsRequest, AsyncChaincodeEventsRequest, BlockEventsRequest, ChaincodeEventsRequest
from ._network import AsyncNetwork, Network
from ._proposal import AsyncProposal, Proposal
from ._transaction import AsyncTransaction, Transaction


@dataclass(frozen=True)
class Models:
    proposal: type
    transaction: type
    commit: type
    submitted: type
    contract: type
    chaincode_events_request: type
    block_events_request: type
    network: type


SYNC = Models(
    Proposal, Transaction, Commit, SubmittedTransaction, Contract, ChaincodeEventsRequest, BlockEventsRequest, Network
)
ASYNC = Models(
    AsyncProposal,
    AsyncTransaction,
    AsyncCommit,
    AsyncSubmittedTransaction,
    AsyncContract,
    AsyncChaincodeEventsRequest,
    AsyncBlockEventsRequest,
    AsyncNetwork,
)
