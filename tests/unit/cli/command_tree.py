"""The `recfin` command tree, walked once for every test that looks at each of its commands (their --help, their
options, the page that documents them): each such test took its own copy of the walk."""
from __future__ import annotations

from collections.abc import Iterator

import click

from cli.main import main


def every_command(root: click.Command = main, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...],
                                                                                         click.Command]]:
    """Each command of the tree under ``root`` with the words `recfin` names it by, groups included: ``root``
    first (at ``path``), then each group's commands in the order of their names."""
    yield path, root
    if isinstance(root, click.Group):
        for name, command in sorted(root.commands.items()):
            yield from every_command(command, (*path, name))


def leaf_commands(root: click.Command = main, path: tuple[str, ...] = ()) -> dict[str, click.Command]:
    """Each command that runs (no group) under ``root`` (named by ``path``) by its words, as `recfin` names it:
    ``org user add``."""
    return {" ".join(words): command for words, command in every_command(root, path)
            if not isinstance(command, click.Group)}


def command_groups(root: click.Command = main) -> list[tuple[tuple[str, ...], click.Group]]:
    """Each group of the tree with its words, ``root`` (the words ``()``) first."""
    return [(path, command) for path, command in every_command(root) if isinstance(command, click.Group)]
