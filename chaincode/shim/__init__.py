"""The peer protocol: the stub contracts call, the caller's identity, key-level policies, and the server.

``serve`` and ``main`` live in :mod:`chaincode.shim.server`; they are imported
lazily here because the server depends on :mod:`chaincode.contract`, which in
turn uses this package.
"""

from chaincode.client_ids import client_id_problem, x509_client_id

from ._composite import create_composite_key, split_composite_key
from ._errors import PeerError
from ._handler import StreamHandler
from ._identity import ATTRIBUTES_OID, ClientIdentity
from ._iterators import QueryIterator
from ._key_policy import KeyEndorsementPolicy
from ._peer_options import PeerOptions
from ._stub import VALIDATION_PARAMETER, ChaincodeStub
from ._types import KV, KeyModification, QueryMetadata, Response

__all__ = [
    "ATTRIBUTES_OID",
    "KV",
    "VALIDATION_PARAMETER",
    "ChaincodeServer",
    "ChaincodeStub",
    "ClientIdentity",
    "KeyEndorsementPolicy",
    "KeyModification",
    "PeerError",
    "PeerOptions",
    "QueryIterator",
    "QueryMetadata",
    "Response",
    "StreamHandler",
    "client_id_problem",
    "create_composite_key",
    "serve",
    "split_composite_key",
    "x509_client_id",
]


def __getattr__(name: str):
    if name in ("serve", "ChaincodeServer", "main"):
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
