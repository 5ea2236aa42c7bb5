"""The receivables contract on a MemoryLedger behind the SDK, for the risk and finance commands.

Reuses the contract's test network (``tests/unit/receivables/support.py``: parties,
clock) and the SDK's in-process Contract (``test_exactly_once.LedgerContract``),
adding only what the commands need: a refusal comes back as the gateway's
``EndorseError`` carrying the peer's ``RULE`` message (so the SDK raises
``RuleViolation``), and ``cli.connection.open_session`` opens a session as one of
the network's actors, named by ``--as``.
"""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from types import SimpleNamespace

from client.gateway.errors import EndorseError, ErrorDetail
from client.receivables import ReceivablesClient

from ..receivables.support import standard_net
from ..receivables_client.test_exactly_once import LedgerContract


class RefusingLedgerContract(LedgerContract):
    def _run(self, name, arguments, transient, commit: bool):
        result = super()._run(name, arguments, transient, commit)
        if result.status != 200:
            raise EndorseError("failed to endorse transaction", transaction_id=result.tx_id, details=[
                ErrorDetail("memory-ledger", self.actor.msp, f"chaincode response {result.status}, {result.message}")])
        return result

    def submit(self, name, *, arguments=(), transient=None, endorsing_organizations=None, retry=None) -> bytes:
        return self._run(name, arguments, transient, commit=True).payload


class World:
    """``standard_net`` (core, tier1, tier2, bank, bank2, regulator) with an SDK client per actor."""

    def __init__(self) -> None:
        self.net = asyncio.run(standard_net())
        self.opened: list[str] = []

    def client(self, actor: str) -> ReceivablesClient:
        return ReceivablesClient(RefusingLedgerContract(self.net, self.net.actors[actor]))

    def uscc(self, actor: str) -> str:
        return self.net.actors[actor].uscc

    def serve(self, monkeypatch) -> "World":
        """``cli.connection.open_session(ORG, ...)`` acts as the actor named ORG on this ledger."""
        from cli import connection

        @contextmanager
        def open_session(org, user=None, data_root=None, *, admin=False):
            self.opened.append(org)
            yield SimpleNamespace(client=self.client(org))

        monkeypatch.setattr(connection, "open_session", open_session)
        return self
