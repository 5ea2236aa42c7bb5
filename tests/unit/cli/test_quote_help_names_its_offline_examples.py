"""`finance quote --help` says which of its examples quote offline (--face and --due): the ones it names must be
those, as a reader without a network runs the ones named."""
from __future__ import annotations

import re

from click.testing import CliRunner

from cli.main import main

from .test_offline_examples import examples

ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4}


def test_the_examples_the_help_names_as_offline_are_the_ones_with_face_and_due():
    text = " ".join(CliRunner().invoke(main, ["finance", "quote", "--help"], terminal_width=400).output.split())
    named = re.search(r"offline \(the (\w+) and (\w+) examples", text)
    assert named, text
    listed = examples(("finance", "quote"))
    offline = [i for i, args in enumerate(listed) if "--face" in args and "--due" in args]
    assert sorted(ORDINALS[word] for word in named.groups()) == offline
