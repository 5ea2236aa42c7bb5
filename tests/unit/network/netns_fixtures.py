"""Namespace names and subnets for tests that make real namespaces, unique to this test process.

Two test runs on one machine must not share a prefix (one run's `down(prefix)` would remove the
other's namespaces) nor a subnet (two bridges with one gateway address make routing ambiguous).
The prefix carries the process id, so a later run can tell a crashed run's leftovers (its pid
gone) from a live run's and remove only those; the subnet is a /24 no interface here uses yet.
"""
from __future__ import annotations

import ipaddress
import os
import re

from network import namespaces

TEST_STEMS = ("rfu", "rfc", "rfm", "rfs", "rft")   # one per kind of test; + the pid in base 36: at most 8 characters
SUBNET_POOL = ipaddress.IPv4Network("10.214.0.0/16")
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(n: int) -> str:
    out = ""
    while True:
        n, digit = divmod(n, 36)
        out = DIGITS[digit] + out
        if n == 0:
            return out


def unique_prefix(stem: str) -> str:
    """<stem><this process's id in base 36>: valid for namespaces.PREFIX_RE, unique among live processes."""
    assert stem in TEST_STEMS
    prefix = stem + _base36(os.getpid())
    assert namespaces.PREFIX_RE.match(prefix), prefix
    return prefix


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers_of_dead_runs() -> list[str]:
    """Remove the namespaces and links that test runs no longer alive left behind (a crash, a kill -9)."""
    names = namespaces._all_namespaces() + namespaces._links()
    stale = set()
    for name in names:
        found = re.match(rf"^({'|'.join(TEST_STEMS)})([0-9a-z]{{1,5}})-", name)
        if found and not _pid_alive(int(found.group(2), 36)):
            stale.add(found.group(1) + found.group(2))
    removed = []
    for prefix in sorted(stale):
        removed += namespaces.down(prefix, kill=True)
    return removed


def free_subnet(avoid: tuple[str, ...] = ()) -> str:
    """A /24 of 10.214.0.0/16 that no address or route here overlaps (nor `avoid`), picked from the pid on."""
    subnet = namespaces.free_subnet(SUBNET_POOL, avoid, start=os.getpid())
    if subnet is None:
        raise RuntimeError(f"no free /24 left in {SUBNET_POOL}")
    return subnet
