"""docs/sdk-receivables.md ("CLI") names which commands act as an org's admin by default, which take the hidden
``--org``/``--user`` aliases of ``--as`` and which take ``--as`` only: each list is the CLI's, no command left out
and none named that does otherwise.
"""
from __future__ import annotations

import re

import click

from cli.main import main
from tests.unit.cli.command_tree import leaf_commands
from tests.unit.test_documented_python import ROOT

PAGE = (ROOT / "docs" / "sdk-receivables.md").read_text(encoding="utf-8")


def _paragraph() -> str:
    start = PAGE.index("Every ledger command takes `--as ORG[/USER]`")
    return " ".join(PAGE[start:PAGE.index("\n\n", start)].split())


COMMANDS = leaf_commands()   # every leaf command of the tree by its words, `org user add` for instance


def _as_option(command: click.Command) -> click.Option | None:
    return next((p for p in command.params if isinstance(p, click.Option) and "--as" in p.opts), None)


def _named(text: str) -> set[str]:
    """The commands the inline code spans of ``text`` name: a group stands for each of its commands, and a lone
    word that is no top-level name for that command of the group named last."""
    named, group = set(), ""
    for span in re.findall(r"`([^`]+)`", text):
        words = " ".join(w for w in span.split() if not w.startswith("-")).strip()
        if words in main.commands and isinstance(main.commands[words], click.Group):
            group = words
            named |= {path for path in COMMANDS if path.startswith(words + " ")}
        elif words in COMMANDS:
            named.add(words)
        elif f"{group} {words}" in COMMANDS:
            named.add(f"{group} {words}")
        else:
            raise AssertionError(f"docs/sdk-receivables.md names `{span}`, which is no recfin command")
    return named


def test_the_commands_said_to_act_as_the_admin_by_default_are_those_whose_as_does():
    said = _named(_paragraph().split("(its admin for ", 1)[1].split(", which refuse", 1)[0])
    admin_default = {path for path, cmd in COMMANDS.items()
                     if (option := _as_option(cmd)) is not None and ", its admin]" in (option.help or "")}
    assert said == admin_default, f"the page says {sorted(said)}, the CLI's --as defaults to the admin on " \
                                  f"{sorted(admin_default)}"


def test_the_commands_said_to_take_the_hidden_aliases_are_those_that_do():
    aliases = _paragraph().split("`who_acts_options`:", 1)[1].split(" take `--as` only", 1)[0]
    alias_sentence, as_only_sentence = aliases.rsplit(". ", 1)
    excepted = re.search(r"every `(\w+)` command but `(\w+)` and `(\w+)`", alias_sentence)
    said = _named(alias_sentence) - {f"{excepted[1]} {excepted[2]}", f"{excepted[1]} {excepted[3]}"}
    with_alias = {path for path, cmd in COMMANDS.items()
                  if any(isinstance(p, click.Option) and "--org" in p.opts for p in cmd.params)}
    assert said == with_alias, (f"named but without --org: {sorted(said - with_alias)}; "
                                f"with --org but not named: {sorted(with_alias - said)}")
    as_only = _named(as_only_sentence)
    assert as_only and all(_as_option(COMMANDS[path]) for path in as_only)
    assert not as_only & with_alias, f"said to take --as only, but take --org too: {sorted(as_only & with_alias)}"
