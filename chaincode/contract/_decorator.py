"""The ``transaction`` decorator: marks a contract method as callable, as submit or evaluate."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, overload

SUBMIT = "submit"
EVALUATE = "evaluate"
_MARK = "__chaincode_transaction__"


@dataclass(frozen=True)
class TransactionMark:
    """What the decorator records on the method: the public name, whether it only reads, and the keys of the
    transient map it needs, each with the type of its JSON value (for the metadata)."""

    name: str
    evaluate: bool
    transient: tuple[tuple[str, Any], ...] = ()

    @property
    def tag(self) -> str:
        return EVALUATE if self.evaluate else SUBMIT


@overload
def transaction(function: Callable[..., Any]) -> Callable[..., Any]: ...
@overload
def transaction(*, evaluate: bool = False, name: str | None = None,
                transient: Mapping[str, Any] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]: ...


def transaction(function=None, *, evaluate: bool = False, name: str | None = None,
                transient: Mapping[str, Any] | None = None):
    """Expose an ``async def`` method as a transaction.

    ``@transaction`` is a submit transaction (its writes are meant to be
    ordered and committed); ``@transaction(evaluate=True)`` a query that
    clients evaluate on one peer. ``name`` overrides the public function name.
    ``transient`` names the keys the transaction needs in the proposal's
    transient map, each with the type of its JSON value (``{"terms": Terms}``):
    the method still reads them itself (``ctx.stub.get_transient()``), and
    GetMetadata describes them, since they are among no parameter.
    """

    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        if not inspect.iscoroutinefunction(inspect.unwrap(fn)) and not inspect.iscoroutinefunction(fn):
            raise TypeError(f"transaction {fn.__qualname__} must be an async def")
        public_name = fn.__name__ if name is None else name
        if not public_name or ":" in public_name:
            # the router splits "Contract:Function" at the last ':': such a name would be published, never run
            raise TypeError(f"transaction {fn.__qualname__}: name {public_name!r} must be non-empty and "
                            f"contain no ':'")
        setattr(fn, _MARK, TransactionMark(public_name, evaluate, tuple((transient or {}).items())))
        return fn

    if function is not None:
        return mark(function)
    return mark


def transaction_mark(fn: Any) -> TransactionMark | None:
    return getattr(fn, _MARK, None)
