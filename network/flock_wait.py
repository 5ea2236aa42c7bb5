"""An exclusive flock taken with a time limit, which a blocking flock cannot be given."""
from __future__ import annotations

import fcntl
import time
from collections.abc import Callable


def _unsaid(line: str) -> None:
    """A wait said nowhere: a library caller hears of it by giving the lock its own say."""


# How a run waiting for a lock says what it waits for where its caller gives no say of its own: nowhere, but on
# stderr in the CLI, which wires it here (cli.main), as the package's other progress goes through a caller's say.
say_waits: Callable[[str], None] = _unsaid


def flock_within(descriptor: int, wait: float, poll: float,
                 held_for_good: Callable[[], bool] = lambda: False) -> bool:
    """Whether an exclusive flock on descriptor was taken within wait seconds, tried again every poll seconds.

    held_for_good is asked after each refused try: True gives up at once, for a holder known not to let go soon
    (waiting out the rest of the time would only delay the refusal)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if held_for_good() or time.monotonic() >= deadline:
                return False
        time.sleep(poll)
