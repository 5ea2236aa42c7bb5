"""A path a command writes is judged by whether the file can be written or replaced there, not by whether it can
be read: click.Path's "is not readable" refused `network backup OUT --replace` (and `invoice read --invoice-out`)
over a file this user may not read, which is renamed over, never read. Where the command reads the file there to
tell whether it may write over it (`network compose --output`, `org add|remove --update-out`), one that cannot be
read is refused saying that."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from .test_help_examples import ALL, tree

COMMANDS = dict(ALL)


@pytest.fixture
def unreadable(tmp_path, monkeypatch):
    """A file there that this user cannot read (faked: root reads every file, whatever its mode)."""
    path = tmp_path / "out.file "   # ends in a space: named quoted, as every message names such a path
    path.write_bytes(b"kept")
    real_access = os.access

    def access(target, mode, *args, **kwargs):
        if mode & os.R_OK and os.fsdecode(target) == str(path):
            return False
        return real_access(target, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    return path


def run(monkeypatch, path, line):
    ran = []
    monkeypatch.setattr(COMMANDS[path], "callback", lambda *_, **__: ran.append(path))
    return CliRunner().invoke(tree(), [*path, *line]), ran


@pytest.mark.parametrize("path, line", [
    (("network", "backup"), ["--replace"]),
    (("invoice", "read"), ["scan.png", "--replace", "--invoice-out"]),
    (("risk", "evaluate"), ["--plot"]),
])
def test_a_file_written_over_that_this_user_cannot_read_is_not_refused_for_reading(monkeypatch, unreadable, path,
                                                                                   line):
    result, ran = run(monkeypatch, path, [*line, str(unreadable)])
    assert "readable" not in result.output
    assert result.exit_code == 0, result.output
    assert ran == [path]


@pytest.mark.parametrize("path, line", [
    (("network", "compose"), ["--write", "--output"]),
    (("org", "add"), ["bank2", "--role", "bank", "--update-out"]),
    (("org", "remove"), ["bank2", "--update-out"]),
])
def test_an_output_checked_before_it_is_replaced_that_cannot_be_read_says_so_and_what_to_do(monkeypatch, unreadable,
                                                                                            path, line):
    result, ran = run(monkeypatch, path, [*line, str(unreadable)])
    assert result.exit_code == 2, result.output
    assert f"cannot write {str(unreadable)!r}: a file is there that this user cannot read, so whether it may be " \
           "written over cannot be told; nothing was written: give a new file, or make that one readable (chmod u+r) " \
           "or move it away" in result.output
    assert "is not readable" not in result.output
    assert ran == []


def test_an_evidence_file_this_user_cannot_read_is_left_to_attest_not_refused_for_reading(monkeypatch, unreadable):
    # attest refuses a file already there as possibly an earlier attestation's only evidence, or, retried with the
    # request id it was sent with, reads it saying what it could not read: "not readable" said neither
    invoice = unreadable.parent / "invoice.xml"
    invoice.write_text("<invoice/>", encoding="utf-8")
    result, ran = run(monkeypatch, ("invoice", "attest"),
                      [str(invoice), "--as", "bank/officer1", "--evidence", str(unreadable)])
    assert "readable" not in result.output
    assert result.exit_code == 0, result.output
    assert ran == [("invoice", "attest")]


def test_an_evidence_path_under_a_file_is_refused_before_the_invoice_is_verified(monkeypatch, tmp_path):
    # the evidence's missing folders are made as it is written, but a file on the way was found only after the
    # invoice was read and verified
    invoice = tmp_path / "invoice.xml"
    invoice.write_text("<invoice/>", encoding="utf-8")
    (tmp_path / "a-file").write_text("kept\n", encoding="utf-8")
    evidence = tmp_path / "a-file" / "evidence.json"
    result, ran = run(monkeypatch, ("invoice", "attest"),
                      [str(invoice), "--as", "bank/officer1", "--evidence", str(evidence)])
    assert result.exit_code == 2, result.output
    assert f"cannot write {evidence}: {tmp_path / 'a-file'} is a file, not a folder; nothing was attested: give " \
           "another --evidence path" in result.output
    assert ran == []
