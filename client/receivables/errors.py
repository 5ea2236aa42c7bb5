"""Errors of the receivables API.

::

    ReceivablesError                 anything this package raises on purpose
    └── RuleViolation                the contract refused the call: .rule (code), .detail,
                                     .transaction_id; __cause__ is the client.gateway error

Failures that are not business rules (peer unreachable, MVCC conflict at commit,
a malformed argument the chaincode runtime refused before the contract ran)
come through unchanged as ``client.gateway.errors.GatewayError`` subclasses.
Wrong Python arguments raise ``TypeError`` (a float amount) or ``ValueError`` (a negative amount), before
anything is sent.
"""

from __future__ import annotations

import re

from client.gateway.errors import GatewayError

__all__ = ["ReceivablesError", "RuleViolation", "rule_violation_from", "RULE_PATTERN"]

RULE_PATTERN = re.compile(r"RULE ([a-z0-9]+(?:-[a-z0-9]+)*): ([^\n]*)")
"""How the contract words a refusal: ``RULE <code>: <what to do>``, inside the peer's message
(e.g. ``chaincode response 500, RULE not-the-holder: ...``)."""


class ReceivablesError(Exception):
    """Base of the errors raised by ``client.receivables``."""


class RuleViolation(ReceivablesError):
    """The contract refused the call because a business rule was broken; nothing was written.

    ``rule`` is the stable code listed in docs/receivables.md (``not-the-holder``,
    ``invoice-already-financed``...), ``detail`` the contract's advice,
    ``transaction`` the contract function, ``transaction_id`` the Fabric tx id,
    ``gateway_error`` (also ``__cause__``) the original error with each peer's message.
    """

    def __init__(self, rule: str, detail: str, *, transaction: str, gateway_error: GatewayError) -> None:
        self.rule = rule
        self.detail = detail
        self.transaction = transaction
        self.transaction_id: str | None = getattr(gateway_error, "transaction_id", None)
        self.gateway_error = gateway_error
        super().__init__(f"{transaction} refused: RULE {rule}: {detail}")


def rule_violation_from(error: GatewayError, transaction: str) -> RuleViolation | None:
    """The rule a gateway error reports, or None when it is not a contract refusal.

    The peers' messages (``details``) are searched first, then the error's own message.
    """
    for text in [d.message for d in error.details] + [error.message]:
        match = RULE_PATTERN.search(text or "")
        if match:
            return RuleViolation(match.group(1), match.group(2).strip(), transaction=transaction, gateway_error=error)
    return None
