"""Every --json help says what the command prints: the ledger commands share JSON_HELP (the contract's document
and the fields the command adds), and a command whose document is its own (a quote, a ranking of offers, a risk
score: computed here, not read from the contract) names it, with the form of its amounts and rates. A bare
"Print JSON." left a script author to guess whether the keys were the contract's."""
from __future__ import annotations

import click

from .command_tree import leaf_commands


def test_no_json_help_is_a_bare_print_json():
    bare = [name for name, command in leaf_commands().items()
            for option in command.params
            if isinstance(option, click.Option) and "--json" in option.opts
            and (option.help or "").rstrip(".").strip().lower() in ("print json", "")]
    assert bare == []


def test_the_computed_documents_say_they_are_not_the_contracts():
    helps = {name: next(o.help for o in command.params if isinstance(o, click.Option) and "--json" in o.opts)
             for name, command in leaf_commands().items() if name in ("finance quote", "finance compare", "risk score")}
    assert len(helps) == 3
    for name, text in helps.items():
        assert "not a contract document" in text and "integer fen" in text, name
