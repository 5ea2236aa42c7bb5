"""Context: what a transaction function receives first, the stub and the caller's identity."""

from __future__ import annotations

from functools import cached_property

from chaincode.shim._identity import ClientIdentity
from chaincode.shim._stub import ChaincodeStub


class Context:
    """One transaction's context. Subclass it and override ``Contract.create_context`` to add helpers."""

    def __init__(self, stub: ChaincodeStub) -> None:
        self.stub = stub

    @cached_property
    def client_identity(self) -> ClientIdentity:
        """The submitter, decoded from the proposal's creator on first use."""
        return ClientIdentity.from_serialized(self.stub.get_creator())
