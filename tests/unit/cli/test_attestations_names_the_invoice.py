"""`recfin invoice attestations FILE|FINGERPRINT` names its argument, and says to give the invoice's file or its
fingerprint, when what it was given is neither: empty or blank (an unset shell variable; "" once read as the current
folder, "Error: .: cannot read file: Is a directory"), a folder, or no file and no fingerprint. A usage error (exit
2) before anything connects."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main

FINGERPRINT = "ab" * 32
GIVE = "give the invoice's XML or JSON file, or its fingerprint (64 hex digits)"


def attestations(ref: str):
    return CliRunner().invoke(main, ["invoice", "attestations", ref, "--as", "supplier/supplier1"])


@pytest.mark.parametrize("ref, said", [
    ("", "'' names nothing (an unset shell variable?)"),
    ("  ", "'  ' names nothing (an unset shell variable?)"),
    ("no-such-invoice.xml", "'no-such-invoice.xml' is no file here, nor a fingerprint"),
    (FINGERPRINT[:-1], f"'{FINGERPRINT[:-1]}' is no file here, nor a fingerprint"),
])
def test_what_names_no_invoice_is_refused_naming_the_argument(ref, said, ledger_sessions, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = attestations(ref)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for 'FILE|FINGERPRINT': {said}: {GIVE}" in result.output
    assert ledger_sessions == []


def test_a_folder_is_refused_naming_the_argument(ledger_sessions, tmp_path):
    result = attestations(str(tmp_path))
    assert result.exit_code == 2, result.output
    assert f"Invalid value for 'FILE|FINGERPRINT': '{tmp_path}' is a folder: {GIVE}" in result.output
    assert ledger_sessions == []


@pytest.mark.parametrize("ref", [FINGERPRINT, FINGERPRINT.upper()])
def test_a_fingerprint_gets_as_far_as_connecting(ref, ledger_sessions, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = attestations(ref)
    assert result.exit_code == 1 and "connecting" in result.output, result.output
    assert len(ledger_sessions) == 1
