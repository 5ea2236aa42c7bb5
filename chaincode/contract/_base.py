"""Contract: the base class of every contract, with the hooks the router calls around each transaction."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from chaincode.shim._stub import ChaincodeStub
from chaincode.shim._text import excerpt

from ._context import Context
from ._decorator import TransactionMark, transaction_mark
from ._errors import ContractError


class Contract:
    """Subclass, set ``name`` (default: the class name) and decorate methods with ``@transaction``."""

    name: str = "Contract"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            cls.name = cls.__name__

    def __init__(self, name: str | None = None) -> None:
        if name is not None:
            self.name = name
        if not self.name or ":" in self.name:
            raise ValueError(f"contract name {self.name!r} must be non-empty and contain no ':'")

    def create_context(self, stub: ChaincodeStub) -> Context:
        """Make the context each transaction receives; override to return a richer ``Context``."""
        return Context(stub)

    async def before_transaction(self, ctx: Context) -> None:
        """Runs before every transaction of this contract (e.g. a common access check)."""

    async def after_transaction(self, ctx: Context, result: Any) -> None:
        """Runs after every successful transaction of this contract, with its result."""

    def invalid_arguments(self, error: ContractError) -> ContractError:
        """The refusal of a call whose arguments do not convert to the transaction's parameters (a wrong count,
        text that is not JSON...), before the transaction runs; by default ``error`` itself, which names the
        parameter or the count. A contract whose refusals follow a convention of its own wraps it here."""
        return error

    async def unknown_transaction(self, ctx: Context) -> Any:
        """Runs when the requested function does not exist; by default fails naming it."""
        # Only the name: the arguments may be binary, and decoding them as text would fail
        # with a UnicodeDecodeError that hides which function was asked for.
        args = ctx.stub.get_args()
        function = args[0] if args else b""
        raise ContractError(f"function {excerpt(function)} is not a transaction of contract {self.name!r}")

    def transactions(self) -> dict[str, tuple[TransactionMark, Callable[..., Any]]]:
        """The decorated methods, by public name, bound to this instance (in definition order)."""
        found: dict[str, tuple[TransactionMark, Callable[..., Any]]] = {}
        attributes: dict[str, str] = {}   # the attribute each transaction found so far is defined as
        for cls in reversed(type(self).__mro__):
            named_here: dict[str, str] = {}   # the attribute of this class each public name was given to
            for attribute, value in cls.__dict__.items():
                # A subclass's attribute replaces its bases' of that name: a base's transaction redefined
                # without the decorator (an internal override, a helper) is no transaction, else it would run
                # the new code
                for replaced in [name for name, defined_as in attributes.items() if defined_as == attribute]:
                    del found[replaced], attributes[replaced]
                mark = transaction_mark(value)
                if mark is not None:
                    # one class publishing a name twice would lose one of the two without a word
                    if (first := named_here.setdefault(mark.name, attribute)) != attribute:
                        raise TypeError(f"{cls.__qualname__}.{first} and {cls.__qualname__}.{attribute} are "
                                        f"both published as transaction {mark.name!r}: give one another name")
                    found.pop(mark.name, None)
                    found[mark.name] = (mark, getattr(self, attribute))
                    attributes[mark.name] = attribute
        for mark, method in found.values():
            if not inspect.iscoroutinefunction(method) and not inspect.iscoroutinefunction(inspect.unwrap(method)):
                raise TypeError(f"transaction {method.__qualname__} must be an async def")
        return found
