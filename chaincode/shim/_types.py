"""Plain values the stub returns: query rows, history entries, page metadata, responses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

OK = 200
ERROR_THRESHOLD = 400  # Fabric treats a response status at or above this as a failed endorsement
INTERNAL_ERROR = 500


@dataclass(frozen=True)
class KV:
    """One row of a range, composite-key or rich query."""

    key: str
    value: bytes


@dataclass(frozen=True)
class KeyModification:
    """One past write of a key, as the history database recorded it."""

    tx_id: str
    value: bytes
    timestamp: datetime | None
    is_delete: bool


@dataclass(frozen=True)
class QueryMetadata:
    """What a paginated query reports: rows fetched and the bookmark of the next page ("" when done)."""

    fetched_records_count: int
    bookmark: str


@dataclass(frozen=True)
class Response:
    """A chaincode response: what a transaction returns and what invoke_chaincode gets back."""

    status: int
    message: str = ""
    payload: bytes = b""

    @property
    def ok(self) -> bool:
        return self.status < ERROR_THRESHOLD
