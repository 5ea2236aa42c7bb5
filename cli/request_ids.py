"""``--request-id ID``: the business request id of a ledger command that the contract applies exactly once.

The contract records each request id of a party with the first result; the same id again returns that result
and changes nothing. Without the option the SDK sends a fresh id each time. The id is checked here with the
contract's own rule (``chaincode.receivables.keys.is_request_id``), so a bad one is a usage error naming the
option before anything is sent. Kept apart from the ledger commands' module so that `recfin invoice`, whose
offline commands load no receivables client, can take the option too.
"""
from __future__ import annotations

from typing import Any

import click

from chaincode.receivables.keys import REQUEST_ID_MAX, is_request_id

__all__ = ["REQUEST_ID", "RequestIdType", "request_id_option"]


class RequestIdType(click.ParamType):
    """A request id as the contract takes it: 1 to 128 letters, digits, ``-``, ``_``, ``.`` or ``:``."""

    name = "ID"

    def convert(self, value: Any, param, ctx) -> str:
        text = str(value)
        if not is_request_id(text):
            self.fail(f"{text!r} is not a request id: write 1 to {REQUEST_ID_MAX} letters, digits, '-', '_', '.' or "
                      "':' (an order number, or the id of the call you retry)", param, ctx)
        return text


REQUEST_ID = RequestIdType()


def request_id_option(what: str, *, retry: str | None = None, named_on_failure: bool = True):
    """``--request-id`` for a command whose call the contract applies once per id: the same command with the same
    id returns ``what`` and changes nothing; ``retry`` says otherwise where a retry's arguments differ.
    ``named_on_failure``: the command names the fresh id it sent in its error line when the call may have
    committed (``receivable_commands._exactly_once``)."""
    retry = retry or (f"The same command with the same id (a retry after a timeout) returns {what} and changes "
                      "nothing.")
    default = "a fresh id each time" + (", named in the error line when the call may have committed"
                                        if named_on_failure else "")
    return click.option(
        "--request-id", type=REQUEST_ID, default=None,
        help=f"Your id for this call, e.g. an order number. {retry} `recfin request get ID` tells whether it "
             f"committed [default: {default}].")
