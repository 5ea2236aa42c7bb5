"""A FileCheckpointer path that starts with ~ (a home folder as a shell writes it, which Python does not expand) is
refused, saying to expand it. It was taken as a folder named "~" in the working folder, made at the first
checkpoint: a follower started from another folder found no checkpoint there and began at the next commit, past
every event committed since its last checkpoint."""

import os
from pathlib import Path

import pytest

from client.gateway import FileCheckpointer


@pytest.mark.parametrize("given", ["~/state/events.json", Path("~/state/events.json"), "~recfin/events.json"])
def test_a_path_under_a_tilde_is_refused_saying_to_expand_it(tmp_path, monkeypatch, given):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=(
            rf"^checkpoint file {str(given)!r} starts with ~, which Python does not expand to a home folder: give "
            r"Path\(path\)\.expanduser\(\) \(or an absolute path\), or \./~ for a folder named ~$")):
        FileCheckpointer(given)
    assert os.listdir(tmp_path) == []


def test_the_expanded_path_and_a_folder_named_tilde_are_taken(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    with FileCheckpointer(Path("~/events.json").expanduser()) as checkpointer:
        checkpointer.checkpoint_block(4)
    assert (tmp_path / "events.json").exists()
    monkeypatch.chdir(tmp_path)
    with FileCheckpointer("./~/events.json") as checkpointer:
        checkpointer.checkpoint_block(4)
    assert (tmp_path / "~" / "events.json").exists()
