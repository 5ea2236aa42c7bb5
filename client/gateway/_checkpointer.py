"""Checkpointers: remember how far event processing got, to resume there.

Record progress after handling each event (``checkpoint_chaincode_event``)
or each block (``checkpoint_block``), and pass the checkpointer as
``checkpoint=`` when reconnecting. Resuming from a chaincode event restarts at
its block and skips the events up to and including that transaction; resuming
from a block restarts at the next block.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..atomic_file import write_atomically


@runtime_checkable
class Checkpoint(Protocol):
    """Where to resume: the block to start from and, within it, the last transaction handled."""

    @property
    def block_number(self) -> int | None: ...

    @property
    def transaction_id(self) -> str | None: ...


class InMemoryCheckpointer:
    """A checkpointer for the life of the process (reconnects after a dropped stream)."""

    def __init__(self) -> None:
        self._block_number: int | None = None
        self._transaction_id: str | None = None

    @property
    def block_number(self) -> int | None:
        """The block to resume from, or None when nothing has been checkpointed."""
        return self._block_number

    @property
    def transaction_id(self) -> str | None:
        """The last transaction handled within ``block_number``, if any."""
        return self._transaction_id

    def checkpoint_block(self, block_number: int) -> None:
        """The whole block is handled: resume at the next one."""
        self._set(block_number + 1, None)

    def checkpoint_transaction(self, block_number: int, transaction_id: str) -> None:
        """Handled up to and including this transaction of this block."""
        self._set(block_number, transaction_id)

    def checkpoint_chaincode_event(self, event) -> None:
        """Handled this chaincode event (and all before it)."""
        self.checkpoint_transaction(event.block_number, event.transaction_id)

    def _set(self, block_number: int, transaction_id: str | None) -> None:
        if block_number < 0:
            raise ValueError("block numbers are not negative")
        self._block_number = block_number
        self._transaction_id = transaction_id or None


class FileCheckpointer(InMemoryCheckpointer):
    """A checkpointer that survives restarts: state in a small JSON file, replaced atomically.

    The file holds ``{"blockNumber": N, "transactionId": "..."}`` and is
    created on the first checkpoint; an existing file is read at start.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        super().__init__()
        self.path = Path(path)
        if self.path.exists():
            block_number, transaction_id = _read_state(self.path)
            if block_number is not None:
                super()._set(block_number, transaction_id)

    def _set(self, block_number: int, transaction_id: str | None) -> None:
        super()._set(block_number, transaction_id)
        state = {"blockNumber": self._block_number, "transactionId": self._transaction_id or ""}
        write_atomically(self.path, json.dumps(state), durable=True)


def _read_state(path: Path) -> tuple[int | None, str | None]:
    """The block number and transaction ID in a checkpoint file; a ValueError naming the file if it holds
    something else (resuming from a guess could skip events or repeat them)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (ValueError, RecursionError):
        state = None
    block_number = state.get("blockNumber") if isinstance(state, dict) else -1
    if isinstance(block_number, str) and block_number.isascii() and block_number.isdigit():
        block_number = int(block_number)    # the Node client writes its BigInt block number as a decimal string
    transaction_id = state.get("transactionId") if isinstance(state, dict) else None
    foreign_keys = set(state) - {"blockNumber", "transactionId"} if isinstance(state, dict) else set()
    if not (block_number is None or type(block_number) is int and block_number >= 0) or not (
            transaction_id is None or isinstance(transaction_id, str)) or foreign_keys or (
            block_number is None and transaction_id):   # a transaction with no block: where would it resume?
        raise ValueError(f'{path} is not a checkpoint file ({{"blockNumber": N, "transactionId": "..."}}): '
                         f"give another file, or remove it to start afresh")
    return block_number, transaction_id
