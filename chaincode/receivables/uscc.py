"""The unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from the 31-character set ``0-9 A-Z`` without ``I O S V Z``:
registration authority (1), organisation type (1), administrative region
(6 digits), organisation code (9, GB 11714) and a check character. The check
character over the first 17 uses weights ``3**i mod 31`` and
``check = (31 - sum mod 31) mod 31``. Since 2015 an enterprise's taxpayer
identification number is its credit code, so invoice tax ids are checked here too.
"""

from __future__ import annotations

import functools
import unicodedata

from .errors import shown

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise ValueError(f"not 17 characters of the credit-code set: {first17!r}")
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: object) -> str | None:
    """Why ``code`` is not a valid credit code, or ``None`` when it is."""
    if not isinstance(code, str):
        return f"expected a string, got {shown(code)}"
    if len(code) != 18:
        return f"{shown(code)} has {len(code)} characters, a credit code has 18"
    if type(code) is not str:  # a str subclass's repr may differ: the answer is not shared
        return _problem_of_18(code)
    return _remembered_problem_of_18(code)


def _problem_of_18(code: str) -> str | None:
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return (f"{code!r} contains {''.join(bad)!r}, outside 0-9 and A-Z without I, O, S, V, Z (upper case"
                f"{_as_written(code)})")
    if not code[2:8].isdigit():
        return f"{code!r}: characters 3-8 must be the 6-digit administrative region code"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"{code!r}: check character is {code[17]!r}, GB 32100-2015 gives {expected!r}"
    return None


def _as_written(code: str) -> str:
    """The way on for a code typed in lower case or full-width characters (as a Chinese input method may type
    it), where in ASCII capitals it is a valid code: that code, to send instead. Nothing otherwise: a letter
    outside the set, or a wrong check character, is no mere spelling (``is_valid`` judges the code written so)."""
    written = unicodedata.normalize("NFKC", code).upper()
    if written == code or not is_valid(written):
        return ""
    return f"; in ASCII capitals it is {written}, a valid credit code: send that"


# The answer depends on the 18 characters alone, and a network has few credit codes, while every
# read of a stored receivable checks both tax ids of each of its invoices again (the stored Invoice
# keeps the request's validators): 6 of the 10 µs an invoice cost to read, more than the rest of
# the receivable (docs/benchmark.md, "Component CPU").
_remembered_problem_of_18 = functools.lru_cache(maxsize=1024)(_problem_of_18)


def is_valid(code: object) -> bool:
    return problem(code) is None
