"""Printing what a ledger command got back from the receivables SDK.

Most ledger commands are one SDK call whose answer is one contract document:
:func:`prints_document` opens the session (``--as``, ``--data-root``,
``--json``, one-line errors) and prints whatever the command returns, so the
command itself is its parsing and its call.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from .connection import acting
from .output import show


def prints_document(default_org: str, columns: Sequence[str], *, admin: bool = False) -> Callable:
    """``acting(default_org)`` for a command that returns a contract document: it is printed as JSON with
    ``--json``, otherwise as ``columns`` with amounts as money and the transaction that wrote it.

    The command takes ``session`` and its own parameters (not ``as_json``).
    """
    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def call_and_print(session, as_json: bool, **kwargs) -> None:
            show(fn(session, **kwargs), as_json, columns)
        return acting(default_org, admin=admin)(call_and_print)
    return decorate
