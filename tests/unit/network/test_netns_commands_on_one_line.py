"""The `recfin network netns ...` and `recfin network down` commands the namespaced network's messages say to run
name their folders as a shell takes them, on one line whatever a folder's name holds (``shell_words``): written with
shlex.join, a folder holding a line break broke the message's line and pasted as two commands."""
from __future__ import annotations

from pathlib import Path

from network import namespaces


def test_the_netns_up_said_names_a_folder_with_a_line_break_on_one_line():
    said = namespaces.up_command(topology=Path("/srv/net\nns/topology.yaml"), folder=Path("/srv/my folder"))
    assert said == ("recfin network netns up --topology $'/srv/net\\nns/topology.yaml' --folder '/srv/my folder'")


def test_options_left_at_their_default_are_left_out():
    assert namespaces.netns_command(["restore", "supplier"]) == "recfin network netns restore supplier"
    assert namespaces.netns_command(["up"], prefix="lab", subnet="10.0.9.0/24") == \
        "recfin network netns up --prefix lab --subnet 10.0.9.0/24"
