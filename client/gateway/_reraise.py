"""Raising one kind of error as another at a layer boundary, in one place."""

from __future__ import annotations

from typing import Callable


class Reraise:
    """A context manager: an error of type ``caught`` raised inside it is raised again as ``convert(error)``.

    The new error is chained to the original (``raise ... from``), so the
    low-level cause stays visible in tracebacks. It keeps no state, so one
    instance serves every call and thread.
    """

    def __init__(self, caught: type[BaseException], convert: Callable[[BaseException], BaseException]) -> None:
        self._caught = caught
        self._convert = convert

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, traceback) -> bool:
        if isinstance(error, self._caught):
            raise self._convert(error) from error
        return False
