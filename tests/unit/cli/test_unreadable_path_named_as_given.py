"""A file that cannot be read is named on the error line as it was given: a space it begins or ends with, or a tab
in it, is shown inside quotes. The error line is trimmed, so ' 发票.xml' was named '发票.xml', a file of another name,
and a tab, escaped, read as the two characters a Windows path holds ('a\\tb.xml')."""
from __future__ import annotations

import pytest

from cli.main import main
from client.user_files import UnreadableFile
from tests.unit.cli.test_error_lines_escape_controls import error_line


@pytest.mark.parametrize("given, named", [
    (" 发票 .xml", "' 发票 .xml'"),
    ("invoice.xml ", "'invoice.xml '"),
    ("a\tb.xml", "'a\\tb.xml'"),
])
def test_an_unreadable_file_is_named_as_given(runner, tmp_path, monkeypatch, given, named):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["invoice", "verify", given, "--json"])
    assert result.exit_code != 0, result.output
    assert result.stdout == ""
    assert f"Error: {named}: cannot read file" in error_line(result)


@pytest.mark.parametrize("path, named", [
    ("发票.xml", "发票.xml"),
    ("C:\\Users\\me\\invoice.xml", "C:\\Users\\me\\invoice.xml"),
    ("😀 invoice.xml", "😀 invoice.xml"),
    (" invoice.xml", "' invoice.xml'"),
    ("a\tb.xml", "'a\\tb.xml'"),
])
def test_an_unreadable_file_error_names_the_path_as_given(path, named):
    # str() of the error reaches error lines as it is, through one_line, which trims each line
    assert str(UnreadableFile(path, "cannot read file: no such file")) == f"{named}: cannot read file: no such file"
