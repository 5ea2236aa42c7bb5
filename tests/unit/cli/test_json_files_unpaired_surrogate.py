"""A JSON file an option names (--history, --offers, --as-read, --evidence, --model) holding an unpaired surrogate
escape ("\\ud800", valid JSON, but half of a character) is refused naming the option and where it lies, in the
invoice reader's words; it was refused as pydantic's "unable to parse raw data as a unicode string", or taken,
failing where the text was printed or sent as UTF-8."""
from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.main import main
from cli.output import json_read

HISTORY = Path(__file__).parents[3] / "client" / "risk" / "samples" / "history.json"


def test_a_history_holding_an_unpaired_surrogate_is_refused_naming_where(tmp_path):
    history = json.loads(HISTORY.read_text(encoding="utf-8"))
    history["events"][1]["holder"] += "\ud800"
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history), encoding="utf-8")   # ensure_ascii: written as the escape "\ud800"
    refused = CliRunner().invoke(main, ["risk", "score", history["debtor"], "--history", str(path)])
    assert refused.exit_code == 2, refused.output
    assert refused.output.splitlines()[-1] == (
        f"Error: Invalid value for '--history': {path}: events[1]/holder: holds an unpaired UTF-16 surrogate (such "
        "as \\ud800), which is not a Unicode character: write the character itself, or both halves of its "
        "surrogate pair")


@pytest.mark.parametrize("text, where", [(b'"\\udc80"', "stdin: holds"),
                                         (b'{"a": [1, {"k\\ud800": 2}]}', "stdin: a[1]/k\\ud800: holds")])
def test_every_json_option_file_refuses_one_in_a_value_or_a_key(text, where):
    with pytest.raises(click.BadParameter) as refused:
        json_read(text, "stdin", "--as-read", "an offer")
    assert refused.value.message.startswith(f"{where} an unpaired UTF-16 surrogate")


def test_a_surrogate_pair_written_as_two_escapes_is_the_character_it_makes():
    assert json_read(b'{"name": "\\ud83d\\ude00"}', "stdin", "--as-read", "an offer") == {"name": "\U0001f600"}
