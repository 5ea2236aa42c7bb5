"""Test helpers for contract logic: an in-memory ledger and real X.509 client identities.

For unit tests only. Integration tests run the contracts on the real network.
"""

from ._identities import TestIdentity, make_identity
from ._ledger import Endorsement, MemoryLedger, TransactionResult

__all__ = ["Endorsement", "MemoryLedger", "TestIdentity", "TransactionResult", "make_identity"]
