"""The SDK's deadlines of each kind of call (``Timeouts``) and the check of a number of seconds, in a module that
loads nothing more: the CLI shows the defaults in its help and reads --timeout without loading the gateway
client's gRPC and cryptography (``client.gateway`` names them too)."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Timeouts:
    """Deadlines in seconds for each kind of call, more than 0 and at most a year (``MAX_SECONDS``); ``None``
    means no deadline.

    Each bounds a call as a whole: a signer that waits (an HSM, a signing service) signs the call's request
    within it, and the gRPC call gets what is left (``CallDeadline``).
    Endorsement runs the chaincode on several peers, so it gets the longest
    default; commit status waits for a block to be cut and validated.
    ``wait_for_block`` bounds ``Network.wait_for_block``: a block another peer
    of the channel has committed normally reaches this one within seconds.
    ``open_events`` bounds opening an event stream (``chaincode_events``, ``block_events``...): signing its
    request and the transport's opening of the stream, not the wait for its events, which may be quiet for
    as long as nothing commits.
    """

    evaluate: float | None = 5.0
    endorse: float | None = 15.0
    submit: float | None = 5.0
    commit_status: float | None = 60.0
    wait_for_block: float | None = 30.0
    open_events: float | None = 30.0

    def __post_init__(self) -> None:
        # Checked here: a string would reach gRPC only at the first call (a bare TypeError), and
        # wait_for_block's timer thread would die on it, leaving the wait without a deadline.
        for each in fields(self):
            check_seconds(f"Timeouts.{each.name}", getattr(self, each.name), zero_allowed=False)


MAX_SECONDS = 365 * 24 * 3600
"""The longest deadline taken: a year. gRPC turns a deadline into nanoseconds since 1970 in 64 bits, so one more
than about 230 years away fails at once with DEADLINE_EXCEEDED, and a ``threading.Timer`` (``wait_for_block``)
dies above ``threading.TIMEOUT_MAX`` (about 292 years); a year is far from both, and longer than any wait meant."""


def check_seconds(what: str, value, *, none_allowed: bool = True, call_kind: str | None = None,
                  zero_allowed: bool = True) -> None:
    """Refuse seconds that are not a finite real number from 0 to ``MAX_SECONDS`` (a year), naming ``what``.

    ``None`` (no deadline) passes when ``none_allowed``. Any real number gRPC takes passes (numpy's
    too, a Fraction); a bool, and a Decimal, which gRPC cannot add to a float, do not.
    call_kind: the ``Timeouts`` field a call's own ``timeout=`` stands in for; there ``None`` means that
    field, not "no deadline", so the messages say how to go without one.
    zero_allowed: False for a call's deadline, which 0 makes pass before anything is sent, so that every call
    fails with DEADLINE_EXCEEDED; given, 0 is most often meant as "no deadline", as some libraries read it.
    """
    if value is None and none_allowed:
        return
    if call_kind is not None:
        choices = f"an int or float, or None for the Gateway's Timeouts.{call_kind}"
        hint = f": connect with Timeouts({call_kind}=None) for no deadline"
    else:
        choices = "an int or float, or None for no deadline" if none_allowed else "an int or float"
        hint = ": use None for no deadline" if none_allowed else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a number of seconds ({choices}), not {type(value).__name__} {value!r}")
    try:
        finite = math.isfinite(value)
    except OverflowError:   # an int or Fraction too large for a float: finite, and refused below as over a year
        finite = True
    if not finite or value < 0:
        least = "0 or more" if zero_allowed else "more than 0"
        raise ValueError(f"{what} must be a finite number of seconds, {least}, not {value!r}{hint}")
    if value == 0 and not zero_allowed:
        raise ValueError(f"{what} must be more than 0 seconds, not {value!r}: a deadline of 0 passes before the call "
                         f"is sent, so every call would fail with "
                         f"DEADLINE_EXCEEDED{hint or ': give the seconds to wait'}")
    if value > MAX_SECONDS:
        raise ValueError(f"{what} must be at most {MAX_SECONDS} seconds (a year), not {value!r}{hint}")


def as_seconds(value) -> float | None:
    """Seconds checked by :func:`check_seconds`, as the float every wait takes: a Fraction (or a number type of
    another library) passes the check, but ``threading``'s waits refuse one, and a Timer's thread died on it,
    leaving a wait_for_block without a limit."""
    return None if value is None else float(value)
