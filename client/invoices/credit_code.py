"""Check digits of Chinese enterprise identifiers.

- Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters
  from the 31-character set ``0-9`` and ``A-Z`` without ``I O S V Z``. The last
  character is the check digit over the first 17: weights ``3**(i) mod 31``
  (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28),
  ``check = 31 - (sum mod 31)``, with 31 written as ``0``: the contract's own
  ``chaincode/receivables/uscc.py`` computes it, here as on the ledger.
- Organization code (组织机构代码), GB 11714-1997: 8 characters + check digit
  with weights 3, 7, 9, 10, 5, 8, 4, 2 mod 11; 10 is written ``X``, 11 is ``0``.
  Positions 9-17 of a credit code are an organization code.
- Resident identity number (公民身份号码), GB 11643-1999: ISO 7064 MOD 11-2.

Taxpayer identification numbers (纳税人识别号) are, since 2015, the credit code
itself; older ones had 15 characters (6-digit region + organization code) or 20
(identity number + 2 digits). :func:`check_tax_id` recognises all three.
"""

from __future__ import annotations

from dataclasses import dataclass

from chaincode.receivables import uscc

# the contract's own set and check character (chaincode/receivables/uscc.py): a code passing here passes there
CREDIT_CODE_CHARSET = uscc.CHARSET

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"


def _ascii_digits(text: str) -> bool:
    """Only 0-9. ``str.isdigit`` is true of ``²`` and of full-width ``４`` too: ``int`` fails on the first, and the
    second would pass a check digit while the id, as the fingerprint hashes it, is another."""
    return text.isascii() and text.isdigit()


def _not_ascii(text: str) -> str | None:
    """Why an identifier written with characters outside ASCII is refused, or ``None`` when it has none."""
    odd = sorted({c for c in text if not c.isascii()})
    if not odd:
        return None
    return (f"contains {', '.join(repr(c) for c in odd)}, not ASCII: a tax id is written in the digits 0-9 and the "
            "capitals A-Z (to the ledger a full-width or other digit is another character than the ASCII one, so the "
            "fingerprint or the party would differ); write it as printed, in ASCII")


def credit_code_check_digit(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a code.

    Lower case is read as capitals (a body typed by a person); raises ``ValueError`` when ``first17`` is not
    17 characters of the code's set.
    """
    # the contract's check_character takes capitals only, as a code on the ledger is written: upper-cased here
    return uscc.check_character(first17.upper())


def in_capitals(code: str) -> str:
    """``code`` with its ASCII letters in capitals, as a credit code or tax id is written (GB 32100-2015), anything
    else left as it is: a full-width or other non-ASCII character stays (refused as such by
    :func:`credit_code_problem`), since ``str.upper`` would turn some of them into ASCII letters (the ligature ff,
    one character, into ``FF``) and so into a code nobody wrote. Each ASCII letter is read so even beside such a
    character, so that a refusal names only what is wrong, not the lower-case letters read. The CLI reads a code
    typed in lower case so (``cli.options.credit_code_option(capitals_read=True)``), as the reference providers
    look one up."""
    return "".join(c.upper() if c.isascii() else c for c in code)


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid credit code, or ``None`` when it is.

    Upper case only: a code is written in capitals. Characters 3-8 are the
    6-digit administrative region code (GB/T 2260).
    """
    if len(code) != 18:
        return f"{len(code)} characters, a credit code has 18"
    bad = sorted({c for c in code if c not in CREDIT_CODE_CHARSET})
    if bad:
        capitals = code.upper()
        if all(c in CREDIT_CODE_CHARSET for c in capitals):
            # letters of the set in lower case: the ledger takes a code in capitals only, so say to write it
            # so (and how, where that is a valid code), not that a, b... are outside A-Z
            instead = f": {capitals}" if credit_code_problem(capitals) is None else ""
            return f"contains {''.join(bad)!r} in lower case: a credit code is written in capitals{instead}"
        return f"contains {''.join(bad)!r}, outside 0-9 and A-Z without I, O, S, V, Z"
    if not _ascii_digits(code[2:8]):
        return "characters 3-8 are not a 6-digit region code"
    expected = credit_code_check_digit(code[:17])
    if code[17] != expected:
        return f"check digit is {code[17]!r}, GB 32100-2015 gives {expected!r}"
    return None


def is_valid_credit_code(code: str) -> bool:
    """True when ``code`` is a well-formed credit code whose check digit agrees."""
    return isinstance(code, str) and credit_code_problem(code) is None


def organization_code_check_digit(first8: str) -> str:
    """The GB 11714-1997 check character for an 8-character organization code body."""
    if len(first8) != 8 or not all("0" <= c <= "9" or "A" <= c <= "Z" for c in first8):
        raise ValueError(f"not 8 digits or capitals: {first8!r}")
    total = sum((int(c) if c <= "9" else ord(c) - 55) * w for c, w in zip(first8, _ORG_WEIGHTS))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def is_valid_organization_code(code: str) -> bool:
    """True for a 9-character organization code whose check digit agrees (hyphen allowed)."""
    code = code.replace("-", "")
    if len(code) != 9:
        return False
    try:
        return organization_code_check_digit(code[:8]) == code[8]
    except ValueError:
        return False


def is_valid_resident_id(number: str) -> bool:
    """True for an 18-character resident identity number whose check digit agrees."""
    if len(number) != 18 or not _ascii_digits(number[:17]):
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


@dataclass(frozen=True)
class TaxIdCheck:
    """Outcome of :func:`check_tax_id`: which kind of identifier, and whether it passed."""

    kind: str  # "credit-code" | "legacy-15" | "legacy-20" | "unknown"
    valid: bool
    reason: str


def check_tax_id(tax_id: str) -> TaxIdCheck:
    """Recognise a taxpayer identification number and verify its check digit."""
    value = tax_id.strip()
    kind = {18: "credit-code", 15: "legacy-15", 20: "legacy-20"}.get(len(value), "unknown")
    if (problem := _not_ascii(value)) is not None:
        return TaxIdCheck(kind, False, problem)
    if len(value) == 18:
        problem = credit_code_problem(value)
        if problem is None:
            return TaxIdCheck("credit-code", True, "GB 32100-2015 check digit agrees")
        return TaxIdCheck("credit-code", False, f"not a valid credit code: {problem}")
    if len(value) == 15:
        if _ascii_digits(value[:6]) and is_valid_organization_code(value[6:]):
            return TaxIdCheck("legacy-15", True, "region code + organization code, GB 11714 check digit agrees")
        return TaxIdCheck("legacy-15", False, "15-character tax id whose organization code check digit does not agree")
    if len(value) == 20:
        if is_valid_resident_id(value[:18]) and _ascii_digits(value[18:]):
            return TaxIdCheck("legacy-20", True, "resident identity number, GB 11643 check digit agrees")
        return TaxIdCheck("legacy-20", False, "20-character tax id whose identity-number check digit does not agree")
    return TaxIdCheck("unknown", False, f"{len(value)} characters: not a credit code (18) nor a legacy tax id (15 or 20)")
