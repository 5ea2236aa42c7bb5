"""`recfin demo`'s step lines keep their columns: each step's "what" starts at the same place whoever acted, an org
admin registering a party ("coreenterprise-admin", 20 characters) as much as a story's actor ("core"). Before, the
actor was padded to 9 characters, so each admin's line pushed its step out of line by the name's excess."""

from __future__ import annotations

import re

from cli import demo_commands

from ..receivables_client import test_demo

ledger = test_demo.ledger   # the demo over contract doubles

STEP_LINE = re.compile(r"\[\s*\d+\] (?P<actor>\S+) +(?P<what>\S)")


def test_every_step_s_what_starts_in_the_same_column_whoever_acted(ledger):
    res = test_demo.run_demo("--skip-setup")
    assert res.exit_code == 0, res.output
    steps = [m for line in res.output.splitlines() if (m := STEP_LINE.match(line))]
    actors = {m["actor"] for m in steps}
    # the story's actors and the admins who register its parties, the longest of them among them
    assert {"core", "tier1", "bank2", "regulator", "coreenterprise-admin", "regulator-admin"} <= actors, actors
    assert len({m.start("what") for m in steps}) == 1, {m["actor"]: m.start("what") for m in steps}


def test_the_column_fits_every_name_a_step_can_give_its_actor():
    """The story's actors by their keys, and each org's admin as ``ORG-admin`` (demo_commands.acting_key)."""
    names = [*demo_commands.ACTORS, *(f"{org}-admin" for org, _user in demo_commands.ACTORS.values())]
    lines: list[str] = []
    run = demo_commands.Run(lines.append)
    for name in names:
        run.step(name, "something done", None)
    assert len({line.index("something done") for line in lines}) == 1, lines
    assert all(f" {name} " in line for name, line in zip(names, lines)), lines
