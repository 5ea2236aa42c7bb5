"""What a model found wrong with a document the contract sent (an answer, an event's payload), on one line."""

from __future__ import annotations

from pydantic import ValidationError


def _problem_in(error: Exception, shown: int = 3) -> str:
    """What a model found wrong with an answer, on one line: the first ``shown`` fields' paths and problems, and
    how many more (a document of another shape entirely has one per field)."""
    if not isinstance(error, ValidationError):
        return f"{type(error).__name__}: {error}".splitlines()[0]
    problems = [": ".join(filter(None, (".".join(str(part) for part in e["loc"]), e["msg"]))) for e in error.errors()]
    more = f"; and {len(problems) - shown} more" if len(problems) > shown else ""
    return "; ".join(problems[:shown]) + more
