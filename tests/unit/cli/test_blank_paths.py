"""A path of spaces alone, where nothing of that name is, is refused as a usage error naming the option (exit 2),
as an empty one is: read, the reader's error named no file (its spaces trimmed away: "Error: : cannot read
file"), and written, it made a file or folder of that name, which a listing shows as nothing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli.main import main

SAMPLES = str(Path(__file__).resolve().parents[3] / "client/invoices/reference_data/samples")


@pytest.mark.parametrize("words, option", [
    (["invoice", "verify", "   "], "'FILE'"),
    (["invoice", "match", f"{SAMPLES}/einvoice.xml", "--po", " ", "--receipt", f"{SAMPLES}/goods_receipt.csv",
      "--json"], "'--po'"),
    (["network", "status", "--topology", "  "], "'--topology'"),
    (["risk", "train", "--out", "\u3000"], "'--out'"),
])
def test_a_blank_path_naming_nothing_is_a_usage_error_naming_the_option(runner, tmp_path, monkeypatch, words,
                                                                       option):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, words)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert f"Invalid value for {option}: " in result.stderr and "is blank: give the path of" in result.stderr, \
        result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_file_whose_name_is_spaces_is_read_as_any_other(runner, tmp_path, monkeypatch):
    shutil.copy(f"{SAMPLES}/einvoice.xml", tmp_path / "   ")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["invoice", "verify", "   ", "--today", "2026-11-30", "--json"])
    assert "is blank" not in result.stderr, result.stderr
    assert result.exit_code in (0, 1), result.output   # the file's findings, whichever they are


@pytest.mark.parametrize("words, variable", [
    (["network", "status"], "RECFIN_TOPOLOGY"),
    (["risk", "score", "91310000MA1K000019"], "RECFIN_HOLIDAY_CALENDAR"),
])
def test_a_blank_path_from_the_environment_names_the_variable(runner, tmp_path, monkeypatch, words, variable):
    # the option the error names is not on the line: the variable set to spaces is what to mend
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, "  ")
    result = runner.invoke(main, words)
    assert result.exit_code == 2, result.output
    assert f"{variable}='  ' is blank: give the path of a file, or unset {variable}" in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []
