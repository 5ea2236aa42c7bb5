"""One body for a sync method and its async twin.

A shared body is a generator. Wherever it calls the peer it yields what the
call returned: a value when the objects are of the sync family, an awaitable
when they are async (the transport and the classes a Gateway builds always
belong to one family). :func:`blocking` sends each value straight back;
:func:`awaiting` awaits it first, and throws an error raised by the await back
into the body at its ``yield``, so ``with``/``try`` blocks in the body see it
just as they see an error the sync call raised in place.

A body yields :class:`Pause` to wait without blocking an event loop.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import time
from dataclasses import dataclass
from typing import Any, Callable, Generator, TypeVar

T = TypeVar("T")

Steps = Generator[Any, Any, T]
"""What a shared body returns: steps to run, and finally its result."""


@dataclass(frozen=True)
class Pause:
    seconds: float


def blocking(body: Callable[..., Steps[T]]) -> Callable[..., T]:
    """The sync method that runs ``body``."""

    def method(*args, **kwargs):
        steps = body(*args, **kwargs)
        reply = None
        while True:
            try:
                step = steps.send(reply)
            except StopIteration as finished:
                return finished.value
            if isinstance(step, Pause):
                reply = time.sleep(step.seconds) if step.seconds else None
            else:
                reply = step

    return _named_after(body, method)


def awaiting(body: Callable[..., Steps[T]]) -> Callable[..., Any]:
    """The coroutine method that runs ``body``, awaiting each step."""

    async def method(*args, **kwargs):
        steps = body(*args, **kwargs)
        resume, reply = steps.send, None
        while True:
            try:
                step = resume(reply)
            except StopIteration as finished:
                return finished.value
            try:
                reply = await (asyncio.sleep(step.seconds) if isinstance(step, Pause) else step)
                resume = steps.send
            except BaseException as error:  # noqa: BLE001 - handed to the body, which re-raises what it does not handle
                resume, reply = steps.throw, error

    return _named_after(body, method)


def _named_after(body: Callable, method: Callable) -> Callable:
    """``method`` with the body's docs and parameters, named without the body's leading underscore,
    returning what the body finally returns (``Steps[bytes]`` -> ``bytes``)."""
    functools.update_wrapper(method, body)
    method.__name__ = body.__name__.lstrip("_")
    method.__qualname__ = f"{body.__qualname__.rpartition('.')[0]}.{method.__name__}".lstrip(".")
    signature = inspect.signature(body)
    method.__signature__ = signature.replace(return_annotation=_result_of(signature.return_annotation))
    return method


def _result_of(annotation):
    text = str(annotation)
    return text[len("Steps[") : -1] if text.startswith("Steps[") else inspect.Signature.empty
