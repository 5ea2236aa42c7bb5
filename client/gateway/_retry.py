"""Retrying transactions that lost a read conflict."""

from __future__ import annotations

from dataclasses import dataclass, field

from fabric_protos.peer import transaction_pb2


@dataclass(frozen=True)
class RetryPolicy:
    """Submit again, with a new proposal and transaction ID, when a commit fails on a conflict.

    A transaction invalidated by ``MVCC_READ_CONFLICT`` read a key another
    transaction changed first; endorsing it afresh reads the new value. Only
    the validation codes in ``retry_on`` are retried, at most
    ``max_attempts`` submissions in all, sleeping ``backoff * attempt``
    seconds between them. Retry only transactions that are safe to run
    again: each attempt is a new transaction.
    """

    max_attempts: int = 3
    backoff: float = 0.0
    retry_on: frozenset[int] = field(default_factory=lambda: frozenset({transaction_pb2.MVCC_READ_CONFLICT}))

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.backoff < 0:
            raise ValueError("backoff must not be negative")

    def should_retry(self, attempt: int, validation_code: int) -> bool:
        """Whether to try again after ``attempt`` (1-based) failed with ``validation_code``."""
        return attempt < self.max_attempts and validation_code in self.retry_on

    def delay(self, attempt: int) -> float:
        """Seconds to wait after ``attempt`` (1-based) failed, before the next one; the sync client
        sleeps, the async one awaits, so a policy never blocks an event loop."""
        return self.backoff * attempt


NO_RETRY = RetryPolicy(max_attempts=1)
