"""`recfin network netns up --folder` of spaces or line breaks alone, where no folder of that name is, is refused
as every path option refuses a blank path, naming the option: it would have made the namespaced network's folder
under a name a listing shows as nothing. Only the command line is parsed here: no namespace is made or looked at."""
from __future__ import annotations

import click
import pytest

from cli.network_commands import netns_up


@pytest.mark.parametrize("folder", ["   ", "\n", " \n\t", "\u3000"])
def test_a_blank_netns_folder_is_refused_naming_the_option(tmp_path, monkeypatch, folder):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(click.BadParameter) as refused:
        netns_up.make_context("up", ["--folder", folder])   # parses the line, runs nothing
    assert refused.value.param.name == "folder"
    assert f"{folder!r} is blank: give the path of a folder" in refused.value.format_message()
    assert list(tmp_path.iterdir()) == []
