"""The ``RECFIN_*`` environment variables recfin reads, and a warning for one set under a name a single slip from
one of them.

A variable exported under a misspelt name (``RECFIN_TOPOLGY``) is set in vain and silently: the command runs
with the default the real variable would have changed (another topology, another data folder, another timeout),
and nothing says why. Only a slip is warned of: the letters' case, or one letter left out, added, changed, or two
side by side swapped. A name further from every one recfin reads (``RECFIN_TIME``, ``RECFIN_TOPOLOGIES``,
``RECFIN_FABRIC``) may be a variable of the user's own scripts, and warned of on every command it would be noise
nobody can act on. A name that begins with one recfin reads is left alone too: ``hsm`` takes a PIN from any
variable ``--pin-env`` names (``RECFIN_HSM_PIN_BANK``), and a script may name its own so (``RECFIN_HOME_BACKUP``).
A name the warning takes for a slip but that is the user's own is silenced by listing it in RECFIN_OWN_VARIABLES
(docs/cli.md). There is no variable of a connection profile's to misspell (the profile is found by
``--data-root``, else by the topology's data folder: docs/cli.md).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

PREFIX = "RECFIN_"
# names (commas or spaces between them) of variables of the user's own that the warning is not to take for slips
OWN_VARIABLES_VARIABLE = "RECFIN_OWN_VARIABLES"
# Every RECFIN_* name the code and the scripts read (tests/unit/cli/test_misspelt_environment_variables.py holds
# the list to them), written without the prefix: tests/unit/test_documented_environment.py takes each whole name
# in the code for one the code reads, and this list reads none of them.
VARIABLES_READ = frozenset(PREFIX + name for name in (
    "APT_LOCK_WAIT", "APT_UPDATED", "BUNDLE", "CHAOS_FULL", "FABRIC_BIN", "FABRIC_CFG", "FABRIC_HOME",
    "HOLIDAY_CALENDAR", "HOME", "HOSTS_DATA", "HSM_PIN", "MSP_ID", "NETNS_PREFIX", "NETNS_SUBNET", "NETWORK_CONFIG",
    "OS_PACKAGES_RETRY", "OWN_VARIABLES", "PID_FILE", "REQUIRE_FABRIC", "SOURCE", "TIMEOUT", "TOPOLOGY",
))


def misspelt_variable_warnings(environ: Mapping[str, str]) -> list[str]:
    """One warning line for each variable of ``environ`` that recfin does not read but whose name is, but for one
    slip (:func:`_one_slip_apart`) or the letters' case, that of one it reads, naming both; none for a name
    RECFIN_OWN_VARIABLES lists."""
    own = set(re.split(r"[\s,]+", environ.get(OWN_VARIABLES_VARIABLE, "").strip())) - {""}
    lines = []
    for name in sorted(environ):
        if not name.upper().startswith(PREFIX) or name in VARIABLES_READ or name in own:
            continue
        if any(name.upper().startswith(read) for read in VARIABLES_READ):
            if name.upper() not in VARIABLES_READ:   # a name of its own (RECFIN_HOME_BACKUP); not only the case
                continue
        if not (meant := _slip_of(name.upper(), VARIABLES_READ)):
            continue
        also_set = f" ({meant} is set too, and counts)" if meant in environ else f" ({meant} is not set)"
        lines.append(f"warning: {name} is set, but recfin reads no variable of that name: did you mean {meant}? "
                     f"It changes nothing as it is{also_set}: rename it, or unset it (a variable of your own: "
                     f"list it in {OWN_VARIABLES_VARIABLE})")
    return lines


def _slip_of(name: str, names: Iterable[str]) -> str | None:
    """The first of ``names`` that ``name`` is, or is one slip from."""
    return next((read for read in sorted(names) if _one_slip_apart(name, read)), None)


def _one_slip_apart(typed: str, meant: str) -> bool:
    """Whether ``typed`` is ``meant`` or ``meant`` with one letter left out, one added, one changed, or two side by
    side swapped (the slips of typing a name; the optimal string alignment distance of at most 1)."""
    if typed == meant:
        return True
    if abs(len(typed) - len(meant)) > 1:
        return False
    start = next((index for index, (a, b) in enumerate(zip(typed, meant)) if a != b), min(len(typed), len(meant)))
    if len(typed) == len(meant):
        swapped = typed[start:start + 2] == meant[start:start + 2][::-1]
        return typed[start + 1:] == meant[start + 1:] or (swapped and typed[start + 2:] == meant[start + 2:])
    shorter, longer = sorted((typed, meant), key=len)
    return shorter[start:] == longer[start + 1:]
