"""The maximum payment term a registration is held to: the day the term runs from, and the refusal of a due date
past it (``payment-term-too-long``).

Apart from the registration transaction, which loads the chaincode runtime, so that the SDK runs the same check
before it sends a registration (``client.receivables`` ``check_payment_term``), with the settings the contract
answers GetContractSettings with, and refuses in the contract's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from . import dates
from .config import ContractSettings
from .errors import RuleViolation, rule
from .model import invoice_label


def term_start(issue: date, invoices: Sequence[tuple[Any, date]]) -> tuple[date, str]:
    """The day a claim's payment term runs from, and how a refusal names that day: its issue date, or the date of
    its earliest invoice (``invoices``: each one's number and date, in the request's order) when that is earlier.
    The supplier picks the issue date, while its invoices record when it billed the debtor: a claim on old invoices
    dated today would otherwise start the term afresh."""
    position, (number, invoiced) = min(enumerate(invoices), key=lambda listed: listed[1][1])   # the first, on a tie
    if invoiced < issue:
        return invoiced, (f"the date of {invoice_label(position, number)}, {invoiced} (the term runs from "
                          f"it, as it is earlier than the issue date {issue})")
    return issue, f"the issue date {issue}"


def term_refusal(settings: ContractSettings, issue: date, due: date, invoices: Sequence[tuple[Any, date]],
                 today: date) -> RuleViolation | None:
    """The refusal (``payment-term-too-long``) of a claim issued on ``issue``, on ``invoices`` (as for
    :func:`term_start`), falling due on ``due``, registered on ``today``; None when the term allows it."""
    start, started = term_start(issue, invoices)
    if (latest := settings.payment_term_exceeded(start, due)) is None:
        return None
    if latest > today:
        advice = f"give a due date on or before {latest}"
    elif start < issue:   # the invoices set the start, and no issue date moves it later
        advice = (f"that term ended on {latest}, so no due date after today is within it: the claim can no "
                  "longer be registered")
    else:
        advice = (f"that term ended on {latest}, so no due date after today is within it: check the issue "
                  "date, which starts the term")
    term = dates.days_text((due - start).days)
    return rule("payment-term-too-long", f"due date {due} is {term} after {started}, past "
                f"the maximum payment term of {settings.payment_term_text()}: {advice}")
