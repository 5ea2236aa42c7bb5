"""The `Example:` of each ledger command's --help passes the checks the command makes before it connects, not only
its option parser (test_documented_commands.py): an operator who copies an example and gets a usage error about its
own argument has been shown a line that can never run. ``receivable find-invoice 3f5a...e9`` showed a fingerprint
cut short, which the command refuses before connecting.

Each example is parsed as the command parses it, every type conversion and callback run, and nothing run after that
(the command itself needs a network). A file or folder the example names is not looked for: it is the operator's."""
from __future__ import annotations

import click
import pytest

from .test_documented_commands import commands_in, entry_point, help_examples, shell_words

LEDGER_GROUPS = ("receivable", "finance", "discount", "party", "regulator", "events", "chaincode")

EXAMPLES = [line for line in help_examples() if line.where.split()[1:2] and line.where.split()[1] in LEDGER_GROUPS]


def parsing_problem(words: list[str]) -> str | None:
    """The usage error the command's own parsing gives ``words``, or None."""
    start = entry_point(words)
    assert start is not None and not isinstance(start, str), words
    command, name, args = start
    made: list[click.Context] = []
    try:
        made.append(command.make_context(name, list(args)))
        while isinstance(made[-1].command, click.Group):
            ctx = made[-1]
            # a group keeps its subcommand's name apart from the words after it
            sub_name, sub, rest = ctx.command.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
            made.append(sub.make_context(sub_name, rest, parent=ctx))
    except click.exceptions.Exit:
        return None
    except click.BadParameter as refused:
        if (refused.param is not None and isinstance(refused.param.type, click.Path)
                and "does not exist" in refused.format_message()):
            return None   # the operator's own file
        return refused.format_message()
    except click.UsageError as refused:
        return refused.format_message()
    finally:
        for ctx in reversed(made):
            ctx.close()
    return None


def test_the_ledger_commands_have_examples_here():
    assert len(EXAMPLES) > 60
    assert any("find-invoice" in line.text for line in EXAMPLES)


@pytest.mark.parametrize("line", EXAMPLES, ids=[line.text for line in EXAMPLES])
def test_each_example_passes_the_checks_made_before_connecting(line):
    for words in commands_in(shell_words(line.text)):
        if entry_point(words) is not None:
            assert parsing_problem(words) is None, f"{line.where}: {line.text}\n    -> {parsing_problem(words)}"
