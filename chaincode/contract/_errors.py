"""ContractError: the failure a contract means to report, sent to the client word for word."""

from __future__ import annotations


class ContractError(Exception):
    """Raise to fail a transaction with a message for the caller (status 500, message as given).

    Any other exception also fails the transaction, but is reported as
    ``"<ExceptionType>: <message>"`` and logged with its traceback, because it
    is a bug rather than a refusal.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
