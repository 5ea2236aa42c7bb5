"""ContractError: the failure a contract means to report, sent to the client word for word."""

from __future__ import annotations


class ContractError(Exception):
    """Raise to fail a transaction with a message for the caller (status 500, message as given).

    Any other exception also fails the transaction, but is a bug rather than a refusal: it is logged with
    its traceback, and the caller gets its type and the tx id alone (``failure_response``), since its text
    can name internals.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        # as str() writes it: ``ContractError(exc)`` wrapping another exception is common, and a message
        # that is no str would fail the answer itself (an internal TypeError; MemoryLedger raised it)
        self.message = message if isinstance(message, str) else str(message)
