"""docs/cli.md's table of exit statuses holds every status a command can end with: each one a command's --help (or
its group's) says it exits with, and each one the code gives a command by a constant of its own (3 of `receivable
audit`, 4 of `transaction status`, 2 of `network backup` refused while the network runs...). A script reads the
status first; one the page left out (as it left out that 2 of backup and restore, and the status `network netns
exec` passes on) it could not tell from the rest."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.unit.cli.command_tree import every_command

PAGE = Path(__file__).resolve().parents[3] / "docs" / "cli.md"
EVERY = "every command"
# a number a command is said to exit with: "exit 2", "exits 143", "exit status 2", "exits with 1", "Exit 0:"
SAID = re.compile(r"\b[Ee]xit(?:s| status| codes?)?(?: with)?:? (\d{1,3})\b")
# in a sentence that lists them ("Exit codes: 0 done; 1 ...", "`audit` exits 0 when ..., 1 when ..."), each number
# that begins an item of the list
LISTED = re.compile(r"(?:[;,]|\b(?:or|and)) (\d{1,3})(?=:? )")
LIST_SENTENCE = re.compile(r"\b[Ee]xit(?: codes| status)?:? \d|`[\w-]+` exits \d")
# a list kept whole by \b, one status a line: "  3    offered, and the bank..."
BLOCK_ITEM = re.compile(r"^\s+(\d{1,3})\s{2,}\S", re.MULTILINE)


def declared_in(help_text: str) -> set[int]:
    """The exit statuses a command's help says it gives."""
    codes = {int(number) for number in BLOCK_ITEM.findall(help_text.split("Exit codes:", 1)[1])} \
        if "Exit codes:\n" in help_text else set()
    for sentence in re.split(r"(?<=[.)]) (?=[A-Z`])", " ".join(help_text.split())):
        codes |= {int(number) for number in SAID.findall(sentence)}
        if LIST_SENTENCE.search(sentence):
            codes |= {int(number) for number in LISTED.findall(sentence)}
    return codes


def table() -> list[tuple[set[int] | None, set[str]]]:
    """The table's rows: (the statuses, None for a row of no fixed number; the commands' words, EVERY included)."""
    section = PAGE.read_text(encoding="utf-8").split("## Exit statuses, command by command", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith(("| status", "| ---")):
            continue
        status, commands, _when = (cell.strip() for cell in line.strip("|").split(" | ", 2))
        numbers = {int(number) for number in re.findall(r"\d+", status)} or None
        named = set(re.findall(r"`([a-z][a-z -]*)`", commands)) | ({EVERY} if commands == EVERY else set())
        rows.append((numbers, named))
    return rows


def covered(words: str, rows) -> set[int]:
    """The statuses the table gives the command ``words``: the rows of every command and its own (for a group, the
    rows of any command under it)."""
    return {status for numbers, named in rows if numbers for status in numbers
            if EVERY in named or any(name == words or name.startswith(words + " ") for name in named)}


COMMANDS = {" ".join(words): command for words, command in every_command() if words}


@pytest.mark.parametrize("words", sorted(COMMANDS))
def test_each_status_a_help_says_is_in_the_table(words):
    said = declared_in(COMMANDS[words].help or "")
    missing = sorted(said - covered(words, table()))
    assert not missing, f"`recfin {words} --help` says it exits with {missing}, which docs/cli.md's table leaves out"


def test_each_status_the_code_gives_a_command_is_in_the_table():
    from cli import audit_commands, finance_commands, invoice_commands, network_commands, transaction_commands
    from tests.unit.cli.command_tree import leaf_commands

    invoice = sorted(words for words in leaf_commands() if words.startswith("invoice "))
    given = {
        "receivable audit": {audit_commands.EXIT_PASSED, audit_commands.EXIT_CHECK_FAILED,
                             audit_commands.EXIT_NOT_AUDITED},
        "transaction status": {transaction_commands.EXIT_VALID, transaction_commands.EXIT_INVALID,
                               transaction_commands.EXIT_NOT_READ, transaction_commands.EXIT_NOT_FOUND},
        "finance quote": {finance_commands.EXIT_DECLINED, finance_commands.EXIT_OVER_LIMIT},
        **{words: {invoice_commands.EXIT_PASS, invoice_commands.EXIT_FAILED, invoice_commands.EXIT_BAD_INPUT,
                   invoice_commands.EXIT_MISSING, invoice_commands.EXIT_TERMINATED} for words in invoice},
        "network backup": {network_commands.NetworkStillRunning.exit_code},
        "network restore": {network_commands.NetworkStillRunning.exit_code},
    }
    rows = table()
    missing = {words: sorted(codes - covered(words, rows)) for words, codes in given.items()
               if codes - covered(words, rows)}
    assert not missing, f"statuses the code gives that docs/cli.md's table leaves out: {missing}"
    # a status that is another program's is a row of its own, not a number
    assert any(numbers is None and "network netns exec" in named for numbers, named in rows), rows


def test_each_command_the_table_names_is_one():
    named = {name for _numbers, names in table() for name in names} - {EVERY}
    assert named and not named - set(COMMANDS), f"commands in docs/cli.md's table that recfin lacks: " \
                                                f"{sorted(named - set(COMMANDS))}"
