"""The ``RECFIN_*`` environment variables recfin reads, and a warning for one set under a name a letter or two
from one of them.

A variable exported under a misspelt name (``RECFIN_TOPOLGY``) is set in vain and silently: the command runs
with the default the real variable would have changed (another topology, another data folder, another timeout),
and nothing says why. A name that begins with one recfin reads is left alone: ``hsm`` takes a PIN from any
variable ``--pin-env`` names (``RECFIN_HSM_PIN_BANK``), and so may a script. So is a name close to none: recfin
cannot tell it from a variable of someone else's, and there is no variable of a connection profile's to misspell
(the profile is found by ``--data-root``, else by the topology's data folder: docs/cli.md).
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

PREFIX = "RECFIN_"
# Every RECFIN_* name the code and the scripts read (tests/unit/cli/test_misspelt_environment_variables.py holds
# the list to them), written without the prefix: tests/unit/test_documented_environment.py takes each whole name
# in the code for one the code reads, and this list reads none of them.
VARIABLES_READ = frozenset(PREFIX + name for name in (
    "APT_LOCK_WAIT", "APT_UPDATED", "BUNDLE", "CHAOS_FULL", "FABRIC_BIN", "FABRIC_CFG", "FABRIC_HOME",
    "HOLIDAY_CALENDAR", "HOME", "HOSTS_DATA", "HSM_PIN", "MSP_ID", "NETNS_PREFIX", "NETNS_SUBNET", "NETWORK_CONFIG",
    "OS_PACKAGES_RETRY", "PID_FILE", "REQUIRE_FABRIC", "SOURCE", "TIMEOUT", "TOPOLOGY",
))
# how alike (difflib's ratio) a name must be to one read to be taken for it misspelt: a letter left out, doubled
# or swapped in names of this length is above 0.9; RECFIN_BANK_PIN beside RECFIN_HSM_PIN, a name of its own, is 0.76
CLOSE_ENOUGH = 0.85


def misspelt_variable_warnings(environ: Mapping[str, str]) -> list[str]:
    """One warning line for each variable of ``environ`` that recfin does not read but whose name is, but for a
    letter or two or the letters' case, that of one it reads, naming both."""
    lines = []
    for name in sorted(environ):
        if not name.upper().startswith(PREFIX) or name in VARIABLES_READ:
            continue
        if name.upper() in VARIABLES_READ:
            meant = name.upper()
        elif any(name.startswith(read) for read in VARIABLES_READ) or not (meant := _closest(name, VARIABLES_READ)):
            continue
        also_set = f" ({meant} is set too, and counts)" if meant in environ else f" ({meant} is not set)"
        lines.append(f"warning: {name} is set, but recfin reads no variable of that name: did you mean {meant}? "
                     f"It changes nothing as it is{also_set}: rename it, or unset it")
    return lines


def _closest(name: str, names: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(name, sorted(names), n=1, cutoff=CLOSE_ENOUGH)
    return found[0] if found else None
