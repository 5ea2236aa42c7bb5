"""The receivables contract on a MemoryLedger behind the SDK, for the risk and finance commands.

Reuses the contract's test network (``tests/unit/receivables/support.py``: parties,
clock) and the SDK's in-process Contract (``tests/unit/ledger_contract.py``), adding
only what the commands need: ``cli.connection.open_session`` opens a session as one
of the network's actors, named by ``--as``.
"""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from types import SimpleNamespace

from client.receivables import ReceivablesClient

from ..ledger_contract import LedgerContract
from ..receivables.support import standard_net


class World:
    """``standard_net`` (core, tier1, tier2, bank, bank2, regulator) with an SDK client per actor."""

    def __init__(self) -> None:
        self.net = asyncio.run(standard_net())
        self.opened: list[str] = []

    def client(self, actor: str) -> ReceivablesClient:
        return ReceivablesClient(LedgerContract(self.net.ledger, self.net.actors[actor].identity, lambda: self.net.now))

    def uscc(self, actor: str) -> str:
        return self.net.actors[actor].uscc

    def serve(self, monkeypatch) -> "World":
        """``cli.connection.open_session(ORG, ...)`` acts as the actor named ORG on this ledger (its profile: the
        org's name and MSP ID)."""
        from cli import connection

        @contextmanager
        def open_session(org, user=None, data_root=None, *, admin=False):
            self.opened.append(org)
            yield SimpleNamespace(client=self.client(org),
                                  profile=SimpleNamespace(org=org, msp_id=self.net.actors[org].msp))

        monkeypatch.setattr(connection, "open_session", open_session)
        return self
