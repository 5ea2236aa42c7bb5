"""docs/network.md ("Commands") says which commands take `--topology`, which read the connection profiles instead
(the ledger commands), which take `--timeout` from `RECFIN_TIMEOUT`, and how long the other commands' waits last
without `--timeout`: each list is the CLI's, no command left out and none named that does otherwise.

An operator exports `RECFIN_TOPOLOGY` or `RECFIN_TIMEOUT` for a shell from these words, and a command said to take
`--topology` that takes none is a usage error in a script (test_documented_commands.py checks the options of the
command lines the pages show; this checks the lists of commands the prose gives, which no parser reads).
"""
from __future__ import annotations

import re

import click

from network.topology import DEFAULT_TOPOLOGY, load as load_topology
from tests.unit.cli.command_tree import leaf_commands
from tests.unit.test_documented_python import ROOT

PAGE = (ROOT / "docs" / "network.md").read_text(encoding="utf-8")
TOPOLOGY_GROUPS = r"The `network`, `chaincode`, `org`, `bench` and `demo` commands take `--topology FILE`"


def _paragraph() -> str:
    start = PAGE.index("Each command's `--help` lists every option it takes.")
    return " ".join(PAGE[start:PAGE.index("\n\n", start)].split())


COMMANDS = leaf_commands()   # every leaf command of the tree by its words, `org user add` for instance


def _named(text: str) -> set[str]:
    """The leaf commands a run of the page's names stands for: `receivable` is every command of its group,
    `invoice register`/`attest` is `invoice register` and `invoice attest`, `network netns down` one command;
    an option after a name (`invoice verify --ledger`) is read past."""
    found: set[str] = set()
    for run in re.findall(r"`[a-z][^`]*`(?:/`[a-z][^`]*`)*", text):
        first, *others = re.findall(r"`([^`]*)`", run)
        words = [w for w in first.split() if not w.startswith("-")]
        for name in [" ".join(words), *(" ".join(words[:-1] + [other]) for other in others)]:
            matched = {c for c in COMMANDS if c == name or c.startswith(name + " ")}
            assert matched, f"docs/network.md names `{name}`, which is no recfin command"
            found |= matched
    return found


def _takes(command: str, option: str) -> click.Option | None:
    return next((p for p in COMMANDS[command].params if isinstance(p, click.Option) and option in p.opts), None)


def test_the_commands_said_to_take_topology_are_those_that_do():
    paragraph = _paragraph()
    assert TOPOLOGY_GROUPS in paragraph, "the sentence naming the groups that take --topology has changed"
    exceptions = _named(paragraph.split("(or `RECFIN_TOPOLOGY`), except", 1)[1].split(". The ledger commands", 1)[0])
    groups = {c for c in COMMANDS if c.split()[0] in ("network", "chaincode", "org", "bench", "demo")}
    without = {c for c in groups if _takes(c, "--topology") is None}
    assert exceptions == without, (f"said to take no --topology, but take it: {sorted(exceptions - without)}; "
                                   f"take none, but not said so: {sorted(without - exceptions)}")


def _ledger_commands() -> set[str]:
    listed = _paragraph().split("The ledger commands (", 1)[1].split("; `hsm generate` reads no profile)", 1)[0]
    return _named(listed)


def test_the_ledger_commands_read_the_profiles_and_take_no_topology():
    wrong = {c: "takes --topology" for c in _ledger_commands() if _takes(c, "--topology") is not None}
    wrong |= {c: "takes no --data-root" for c in _ledger_commands() if _takes(c, "--data-root") is None}
    assert not wrong, f"docs/network.md calls these ledger commands: {wrong}"


def test_recfin_timeout_sets_the_timeout_of_the_commands_said_and_no_other():
    paragraph = _paragraph()
    also = _named(paragraph.split("calls of its story. So do ", 1)[1].split(", which call the ledger", 1)[0])
    said = {c for c in _ledger_commands() if not c.startswith("hsm ")} | {"demo"} | also
    reads = {c for c in COMMANDS
             if (option := _takes(c, "--timeout")) is not None and option.envvar == "RECFIN_TIMEOUT"}
    assert said == reads, (f"said to take RECFIN_TIMEOUT, but do not: {sorted(said - reads)}; take it, but not "
                           f"said so: {sorted(reads - said)}")


def test_the_other_waits_last_as_long_as_the_page_says():
    """"60 s, for `host` 120 s, unless given": the default --timeout of every command that waits on the command
    line only."""
    assert "take theirs on the command line only (60 s, for `host` 120 s, unless given)" in _paragraph()
    wrong = {c: option.default for c in COMMANDS
             if (option := _takes(c, "--timeout")) is not None and option.envvar is None
             and option.default != (120 if c.startswith("host ") else 60)}
    assert not wrong, f"--timeout defaults other than docs/network.md gives: {wrong}"


def _synopses() -> list[tuple[int, str]]:
    """(line number, text) of each command line of the "Commands" block, continuation lines joined."""
    start = PAGE.index("\n## Commands\n")
    block = PAGE[start:PAGE.index("\n\n", PAGE.index("    recfin ", start))]
    first = PAGE.count("\n", 0, start) + 1
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(block.splitlines(), first):
        if line.startswith("    recfin "):
            lines.append((number, line.strip()))
        elif line.startswith("     ") and lines:
            lines[-1] = (lines[-1][0], f"{lines[-1][1]} {line.strip()}")
    return lines


def test_the_values_the_synopses_show_are_the_defaults():
    """`[--timeout 60]`, `[-n 50]`, `[--prefix recfin]`: a literal value in brackets is what the command takes
    when the option is left out (`--name receivables` is the topology's chaincode, which `None` stands for). A
    value with a capital (`module:Class`) stands for one, as in the pages' notation, and is not compared."""
    wrong = []
    for number, line in _synopses():
        words = line.split()[1:]
        alternatives = [[]]
        for word in words[:next((i for i, w in enumerate(words) if not re.fullmatch(r"[a-z][a-z|-]*", w)),
                                len(words))]:
            alternatives = [path + [choice] for path in alternatives for choice in word.split("|")]
        for path in alternatives:
            command = COMMANDS.get(" ".join(path))
            assert command is not None, f"docs/network.md:{number}: recfin {' '.join(path)} is no command"
            for option, shown in re.findall(r"\[(--?[a-z][a-z-]*) ([a-z0-9./][^\]\s|]*)\]", line):
                if shown != shown.lower():
                    continue
                default = _takes(" ".join(path), option).default
                if default is None and option == "--name":
                    default = load_topology(DEFAULT_TOPOLOGY).chaincode.name
                if str(default) != shown and not (isinstance(default, (int, float)) and float(shown) == default):
                    wrong.append(f"docs/network.md:{number}: recfin {' '.join(path)} {option} shown as {shown}, "
                                 f"default {default!r}")
    assert not wrong, "\n".join(wrong)
