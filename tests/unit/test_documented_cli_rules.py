"""What docs/cli.md shows a script author is what the commands do: the `Error:` lines it quotes for a word that is
not UTF-8 (typed, and taken from a variable), the SDK's default timeouts and the bound of `--timeout`, the commands
it says take `--timeout` (and wait 60s for nodes without it), and the commands whose --help it sends the reader to
for exit statuses 3 and 4.

test_documented_commands.py checks that the command lines the pages show parse; this checks the words and
figures around them, which no parser reads.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import fields

import click
import pytest
from click.testing import CliRunner

from cli import connection
from cli.main import main
from client.gateway import Timeouts
from tests.unit.cli.command_tree import leaf_commands
from tests.unit.test_documented_python import ROOT

PAGE = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
GBK = b"\xd6\xd0".decode("utf-8", "surrogateescape")   # 中 typed in a terminal set to GBK, as Python reads it


def _section(heading: str) -> str:
    return PAGE.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _command(path: tuple[str, ...]) -> click.Command:
    command = main
    for name in path:
        command = command.commands[name]
    return command


@pytest.fixture
def nothing_runs(monkeypatch):
    """Every command's own code replaced by a failure: a line the page says is refused must be refused before it."""
    for command in leaf_commands().values():
        monkeypatch.setattr(command, "callback", lambda *_, **__: pytest.fail("the command ran"))


def test_the_refusal_of_a_word_typed_in_another_encoding_is_the_one_the_page_shows(nothing_runs):
    example = _section("Text on the command line is UTF-8").split("\n\n    $ ", 1)[1].split("\n\n", 1)[0]
    typed, said = example.split("\n    Error: ", 1)
    line = shlex.split(typed.replace("\\\n", " "))
    assert line[0] == "recfin" and '"$GBK_NAME"' in typed
    result = CliRunner().invoke(main, [GBK if word == "$GBK_NAME" else word for word in line[1:]])
    assert result.exit_code == 2, result.output
    assert _one_line(result.stderr.splitlines()[-1]) == _one_line("Error: " + said)


def test_the_refusal_of_a_variable_of_another_encoding_is_the_one_the_page_shows(nothing_runs, monkeypatch):
    quoted = re.search(r"`(Error: Invalid value for '--subnet': RECFIN_NETNS_SUBNET=[^`]*)`",
                       _section("Text on the command line is UTF-8"), re.S).group(1)
    start, end = (_one_line(part) for part in quoted.split("..."))
    monkeypatch.setenv("RECFIN_NETNS_SUBNET", GBK)
    result = CliRunner().invoke(main, ["network", "netns", "status"])
    assert result.exit_code == 2, result.output
    said = _one_line(result.stderr.splitlines()[-1])
    assert said.startswith(start.rstrip()) and said.endswith(end.lstrip()), (quoted, said)


def test_the_default_timeouts_and_the_bound_are_the_sdk_s_and_the_option_s():
    section = _one_line(_section("A call no peer answered in time"))
    defaults = ", ".join(f"{connection._CALL_WORDS[each.name]} {each.default:g}s" for each in fields(Timeouts))
    assert f'"Timeouts": {defaults};' in section, defaults
    bound = connection.MAX_TIMEOUT_SECONDS
    assert f"(more than 0, at most {bound:g})" in section
    kind = next(p for p in _command(("receivable", "get")).params if p.name == "timeout").type
    assert (kind.min, kind.min_open, kind.max) == (0, True, bound)


LEDGER_GROUPS = ("receivable", "finance", "discount", "party", "regulator", "request")
OTHER_CALLERS = [("events",), ("transaction", "status"), ("risk", "score"), ("invoice", "register"),
                 ("invoice", "attest"), ("invoice", "attestations"), ("invoice", "verify"), ("demo",)]
WAITERS = [("org", "remove"), ("org", "submit"), ("org", "user", "revoke")]


def test_the_commands_said_to_take_a_timeout_take_it():
    section = _one_line(_section("A call no peer answered in time"))
    for named in [*(f"`{group}`" for group in LEDGER_GROUPS), *(f"`{' '.join(path)}`" for path in OTHER_CALLERS
                                                                 if path[0] != "invoice"),
                  "`invoice register`", "`attest`", "`attestations`", "`verify --ledger`", "`org remove`",
                  "`org submit`", "`org user revoke`"]:
        assert named in section, named
    paths = [(group, name) for group in LEDGER_GROUPS for name in _command((group,)).commands]
    for path in [*paths, *OTHER_CALLERS, *WAITERS]:
        assert any(p.name == "timeout" for p in _command(path).params), path
    assert "(60s without it)" in section
    for path in WAITERS:
        (timeout,) = [p for p in _command(path).params if p.name == "timeout"]
        assert "[default: 60]" in timeout.help, (path, timeout.help)


def _help(path: tuple[str, ...]) -> str:
    return _one_line(CliRunner().invoke(main, [*path, "--help"], terminal_width=1000).output)


def test_the_commands_sent_to_their_help_for_statuses_3_and_4_say_them_there():
    bad_input = _one_line(_section("Bad input: exit status 2, before anything connects"))
    assert ("(3 of `receivable audit`, `transaction status`, `finance quote` and the `invoice` commands, 4 of "
            "`transaction status`) are in its `--help`") in bad_input
    assert re.search(r"\b3: the audit could not be made", _help(("receivable", "audit")))
    assert re.search(r"\b3 the ledger could not be read", _help(("transaction", "status")))
    assert re.search(r"\b4 not found", _help(("transaction", "status")))
    assert re.search(r"\b3 offered, and the bank is then above its limit", _help(("finance", "quote")))
    assert re.search(r"\b3 a needed tool or the network is missing", _help(("invoice",)))
