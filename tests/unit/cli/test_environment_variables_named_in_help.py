"""An option that takes its value from an environment variable when it is not on the line names that variable in its
--help, as `--timeout` names RECFIN_TIMEOUT: `network netns`'s --prefix and --subnet read RECFIN_NETNS_PREFIX and
RECFIN_NETNS_SUBNET, which their help never said, so a value left exported in the shell changed which namespaces a
command made or removed with nothing on the line or in the help to tell."""
from __future__ import annotations

import click

from cli.main import main


def every_command(command: click.Command, path: tuple[str, ...]):
    yield path, command
    for name in getattr(command, "commands", {}):
        yield from every_command(command.commands[name], (*path, name))


def test_every_option_read_from_the_environment_names_its_variable_in_its_help():
    unnamed, read = [], 0
    for group in list(main.commands):
        for path, command in every_command(main.commands[group], (group,)):
            ctx = click.Context(command, info_name=path[-1])
            for param in command.params:
                if isinstance(param, click.Option) and param.envvar:
                    read += 1
                    _, help_text = param.get_help_record(ctx)
                    if param.envvar not in help_text:
                        unnamed.append((" ".join(path), param.opts[0], param.envvar))
    assert read > 100
    assert unnamed == []
