"""Rule violations: every rejected call names the rule it broke.

A :class:`RuleViolation` carries a stable rule code (listed in
``docs/receivables.md``) and a message that says what to do. The domain modules
raise it without knowing about the chaincode runtime; the contract turns it
into the runtime's ``ContractError`` with the text ``RULE <code>: <message>``.
"""

from __future__ import annotations

import reprlib


class RuleViolation(Exception):
    """A business rule that a call broke. Nothing is written when one is raised."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"RULE {code}: {message}")
        self.code = code
        self.detail = message


def rule(code: str, message: str) -> RuleViolation:
    """Shorthand for ``raise rule(...)`` at guard clauses."""
    return RuleViolation(code, message)


# How a refusal quotes what the caller sent: as repr() writes it, so a line break or any other character that
# does not print is escaped and the message stays one line, and cut short, so a 100,000-character id or a
# list of a thousand items does not come back whole. Long text keeps its start and end ("abc...xyz").
SHOWN_LENGTH = 60
IDENTITY_LENGTH = 240  # a client identity (x509::<subject>::<issuer>) shown whole, as an admin needs it to act


def shown(value: object, limit: int = SHOWN_LENGTH) -> str:
    """``value``, from a caller, as a refusal message shows it: quoted, escaped onto one line, about ``limit``
    characters at most. Every caller value a message echoes goes through here."""
    quote = reprlib.Repr()
    quote.maxstring = quote.maxother = limit
    quote.maxlong = 40
    quote.maxlevel, quote.maxlist, quote.maxtuple, quote.maxdict = 3, 4, 4, 4
    try:
        return quote.repr(value)
    except ValueError:  # an integer past Python's 4300-digit limit on int -> str conversion
        return f"an integer of over {quote.maxlong} digits"


def _identity(client_id: str) -> str:
    """A client identity as a refusal shows it: whole, unless very long (``shown``)."""
    return shown(client_id, IDENTITY_LENGTH)
