"""An object that stands in for another (an SDK step, a session's contract, a client, sys.stderr): what its class
does not define is the other's.

A plain ``__getattr__`` that forwards to an attribute of the stand-in recurses without end when that attribute is
not set yet, which is the case whenever Python makes the object without calling ``__init__``: ``copy.copy`` and
pickle do, and then ask the empty object for ``__setstate__``. So the attribute that holds the other object is
never itself forwarded: asked for before it is set, it is missing, and the copy or unpickling goes on as for any
object, the copy forwarding to the same object as the original.
"""
from __future__ import annotations

from typing import Any


class Forwarding:
    """``_wrapped`` as it is, but for what a subclass defines; copies and pickles as a plain object does."""

    _wrapped: Any

    def __init__(self, wrapped: Any) -> None:
        self._wrapped = wrapped

    def __getattr__(self, attribute: str) -> Any:
        if attribute == "_wrapped":   # asked before it is set (copy and pickle make the object first): not forwarded
            raise AttributeError(attribute)
        return getattr(self._wrapped, attribute)
