"""A path or word the CLI's messages tell the user to paste into a shell is written by one helper,
``network.errors.shell_word``: quoted as ``shlex.quote`` quotes it, and, when it holds a character that does not print
as itself (a line break, an escape, a byte of a name that is not UTF-8), in ANSI-C quotes ($'...'), which keep the
message on one line and drive no terminal, and which bash reads back to the same word. ``shlex.quote`` wrote such a
word as it is, breaking the line; `recfin network status --data-root DIR` named no folder at all."""
from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import click
import pytest

from cli import connection, request_ids
from network.errors import shell_word

WORDS = ["plain", "two words", "it's", "供应商 目录", "line\nbreak", "tab\there", "esc\x1b[31mred",
         "right\u202eto-left", "back\\slash\n", os.fsdecode(b"caf\xe9"), "\u3000full-width space"]


@pytest.mark.parametrize("word", WORDS)
def test_a_shell_word_is_one_line_of_printable_text(word):
    written = shell_word(word)
    assert all(c.isprintable() or unicodedata.category(c) == "Zs" for c in written), written


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash to read the words back")
@pytest.mark.parametrize("word", WORDS)
def test_bash_reads_a_shell_word_back_to_the_same_word(word):
    read_back = subprocess.run(["bash", "-c", f"printf %s {shell_word(word)}"], capture_output=True, check=True,
                               env={**os.environ, "LC_ALL": "C.UTF-8"})
    assert read_back.stdout == os.fsencode(word)


def test_a_printable_word_is_quoted_as_shlex_quotes_it():
    assert [shell_word(word) for word in ("plain", "two words", "it's", Path("/tmp/a b"))] == \
        ["plain", "'two words'", "'it'\"'\"'s'", "'/tmp/a b'"]


def test_the_network_status_hint_names_a_data_root_that_does_not_print_as_a_word_to_paste():
    data_root = Path("/srv/recfin\nnetwork")
    with click.Context(click.Command("status"), info_name="status") as ctx:
        ctx.params["data_root"] = data_root
        _, shown, status = connection._network_status_command()
    assert shown == "$'/srv/recfin\\nnetwork'"   # was DIR, which named no folder
    assert status == f"`recfin network status --data-root {shown}`"


def test_the_request_get_command_keeps_a_data_root_with_a_line_break_on_one_line():
    with click.Context(click.Command("pay"), info_name="pay") as ctx:
        ctx.params.update(as_="supplier/supplier1", data_root=Path("/srv/a\nb"))
        said = request_ids.request_get_command("PAY-1", "--json")
    assert said == "recfin request get PAY-1 --as supplier/supplier1 --data-root $'/srv/a\\nb' --json"
