"""A JSON file an option reads (--offers, --history, --evidence...) holding an integer of more digits than Python
converts (4300 by default) is refused saying so: it was called "not JSON", with Python's advice to programmers
(sys.set_int_max_str_digits), though the file is JSON."""

from __future__ import annotations

import click
import pytest

from cli.output import read_json_file


@pytest.mark.parametrize("number", ["9" * 5000, "-" + "1" * 4301])
def test_an_integer_of_thousands_of_digits_is_named_as_such(tmp_path, number):
    path = tmp_path / "offers.json"
    path.write_text('{"receivable": {"face_amount": ' + number + "}}")
    with pytest.raises(click.ClickException) as refused:
        read_json_file(path, "--offers", "a receivable and the offers on it")
    assert refused.value.message == (f"{path}: a JSON number of more than 4300 digits, which no field of a "
                                     "receivable and the offers on it holds: check the file")


def test_a_file_that_is_not_json_is_still_called_so(tmp_path):
    path = tmp_path / "offers.json"
    path.write_text('{"receivable": ')
    with pytest.raises(click.ClickException) as refused:
        read_json_file(path, "--offers", "offers")
    assert refused.value.message.startswith(f"{path} is not JSON (Expecting value: line 1 column 16")
