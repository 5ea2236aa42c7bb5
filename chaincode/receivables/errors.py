"""Rule violations: every rejected call names the rule it broke.

A :class:`RuleViolation` carries a stable rule code (listed in
``docs/receivables.md``) and a message that says what to do. The domain modules
raise it without knowing about the chaincode runtime; the contract turns it
into the runtime's ``ContractError`` with the text ``RULE <code>: <message>``.
"""

from __future__ import annotations


class RuleViolation(Exception):
    """A business rule that a call broke. Nothing is written when one is raised."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"RULE {code}: {message}")
        self.code = code
        self.detail = message


def rule(code: str, message: str) -> RuleViolation:
    """Shorthand for ``raise rule(...)`` at guard clauses."""
    return RuleViolation(code, message)
