"""The invoice-fingerprint registry on the ledger, asked over the Fabric Gateway.

:class:`LedgerRegistry` implements :class:`~client.invoices.checks.FingerprintRegistry`
by evaluating the receivables contract's ``FindInvoice`` transaction (a query: one
peer answers, nothing is ordered or written)::

    from client.gateway import connect
    from client.invoices import CheckOptions, LedgerRegistry, check_invoice

    contract = gateway.get_network("recfin").get_contract("receivables", "receivables")
    report = check_invoice(inv, CheckOptions(registry=LedgerRegistry(contract)))

``contract`` is a ``client.gateway`` ``Contract`` for the chaincode's contract
named ``receivables`` (so the function reaches the peer as
``receivables:FindInvoice``), or anything with the same
``evaluate_transaction(name, *args) -> bytes``. The caller's identity must act
for a registered party (any role); otherwise the contract refuses the call
(``RULE caller-not-a-party``) and the Gateway's error is raised unchanged, as
is any other Gateway error: a check that could not ask the ledger must not pass.

The answer (docs/receivables.md, "Looking an invoice up")::

    {"fingerprint": "<64 hex>", "used": true|false, "receivable_id": "R-..."|null, "live": true|false}

``used`` decides: the ledger holds the fingerprint from registration until the
receivable is rejected or withdrawn, settled or not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from .checks import InvoiceUse
from .errors import LedgerAnswerInvalid
from .fingerprint import is_fingerprint

FIND_INVOICE = "FindInvoice"


class EvaluatingContract(Protocol):
    """What this module needs of ``client.gateway.Contract``."""

    def evaluate_transaction(self, name: str, *args: Any) -> bytes: ...


@dataclass(frozen=True)
class InvoiceLookup:
    """``FindInvoice``'s answer, checked."""

    fingerprint: str
    used: bool
    receivable_id: str | None
    live: bool


class LedgerRegistry:
    """A :class:`~client.invoices.checks.FingerprintRegistry` over ``FindInvoice``."""

    def __init__(self, contract: EvaluatingContract) -> None:
        self.contract = contract

    def find(self, fingerprint: str) -> InvoiceLookup:
        """Ask the ledger about one fingerprint (64 lower-case hex digits)."""
        if not is_fingerprint(fingerprint):
            raise ValueError(f"{fingerprint[:80]!r} is not an invoice fingerprint (64 lower-case hex digits)")
        raw = self.contract.evaluate_transaction(FIND_INVOICE, fingerprint)
        return _lookup(raw, fingerprint)

    def receivable_for(self, fingerprint: str) -> InvoiceUse | None:
        found = self.find(fingerprint)
        if not found.used:
            return None
        return InvoiceUse(receivable_id=found.receivable_id or "", live=found.live)


# what an answer of another shape says: the peer runs another contract, or another version of it, than this SDK asks
OTHER_CONTRACT = ("another contract, or another version of the receivables contract than this SDK's, answered: "
                  "check what the channel runs (recfin chaincode config --committed) against this release")


def _lookup(raw: bytes, asked: str) -> InvoiceLookup:
    def bad(why: str) -> LedgerAnswerInvalid:
        return LedgerAnswerInvalid(f"{FIND_INVOICE} answered {raw[:200]!r}: {why}; {OTHER_CONTRACT}")

    try:
        doc = json.loads(raw)
    except (ValueError, TypeError):
        raise bad("not JSON") from None
    except RecursionError:  # no answer of FindInvoice nests; any peer may send bytes that do
        raise bad("JSON nested too deeply to be an answer") from None
    if not isinstance(doc, dict) or set(doc) != {"fingerprint", "used", "receivable_id", "live"}:
        raise bad("expected an object with fingerprint, used, receivable_id and live")
    fingerprint, used, receivable_id, live = doc["fingerprint"], doc["used"], doc["receivable_id"], doc["live"]
    if fingerprint != asked:
        raise bad(f"it is about another fingerprint than {asked}")
    if not isinstance(used, bool) or not isinstance(live, bool):
        raise bad("used and live must be true or false")
    if used != isinstance(receivable_id, str) or (used and not receivable_id) or (not used and receivable_id is not None):
        raise bad("a used invoice names its receivable, an unused one names none")
    if live and not used:
        raise bad("an unused invoice cannot be live")
    return InvoiceLookup(fingerprint=fingerprint, used=used, receivable_id=receivable_id, live=live)
