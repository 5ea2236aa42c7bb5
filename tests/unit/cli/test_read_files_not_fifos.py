"""Every file option and argument the CLI reads refuses a FIFO and a device before reading it: read as a plain
file, a FIFO waits for a writer forever and /dev/zero fills memory. The refusal is a usage error naming the option."""
from __future__ import annotations

import errno
import os
import threading

import pytest

from cli.main import main
from client.user_files import MAX_USER_FILE_BYTES

# each invocation with the FIFO's place as {file}; the file option first, so that it is checked before the others
READ_FILE_OPTIONS = [
    ("--collections-config", ["chaincode", "deploy", "--collections-config", "{file}"]),
    ("--topology", ["network", "prepare", "--topology", "{file}"]),
    ("--config", ["finance", "quote", "--config", "{file}", "R-1", "--as", "bank/admin"]),
    ("--history", ["finance", "quote", "--history", "{file}", "R-1", "--debtor", "D-1", "--as", "bank"]),
    ("--model", ["finance", "quote", "--model", "{file}", "R-1", "--history", "{other}", "--debtor", "D-1", "--as",
                 "bank"]),
    ("--offers", ["finance", "compare", "--offers", "{file}", "R-1", "--on", "2026-12-01"]),
    ("FILE", ["invoice", "verify", "{file}"]),
    ("INVOICE", ["invoice", "match", "{file}", "--po", "{other}", "--receipt", "{other}"]),
    ("--po", ["invoice", "match", "--po", "{file}", "{other}", "--receipt", "{other}"]),
    ("--receipt", ["invoice", "match", "--receipt", "{file}", "{other}", "--po", "{other}"]),
    ("SCAN", ["invoice", "read", "{file}"]),
    ("--po", ["invoice", "register", "--po", "{file}", "{other}", "--receipt", "{other}", "--due", "2027-01-31"]),
    ("FILE", ["invoice", "register", "{file}", "--po", "{other}", "--receipt", "{other}", "--due", "2027-01-31"]),
    ("FILE", ["invoice", "attest", "{file}", "--as", "bank"]),
    ("--definition", ["org", "add", "--definition", "{file}", "bank2", "--role", "bank", "--update-out", "{out}"]),
    ("--config-block", ["org", "add", "--config-block", "{file}", "bank2", "--role", "bank", "--update-out", "{out}"]),
    ("FILE", ["org", "submit", "{file}"]),
    ("FILE", ["org", "sign", "{file}", "--as", "bank"]),
    ("--history", ["risk", "score", "--history", "{file}", "D-1"]),
    ("--model", ["risk", "score", "--model", "{file}", "D-1", "--history", "{other}"]),
    ("ARCHIVE", ["network", "restore", "{file}"]),
    ("--compose-file", ["network", "compose-up", "--compose-file", "{file}"]),
    ("--library", ["hsm", "generate", "--library", "{file}", "--token", "t", "--common-name", "u", "--csr", "{out}"]),
    ("--checkpoint", ["events", "--checkpoint", "{file}", "--limit", "1"]),
]


def _release(fifo) -> None:
    """Open the FIFO for writing and close it, so that a reader blocked on it sees end-of-file and returns."""
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        assert exc.errno == errno.ENXIO  # no reader holds it open: nothing to release
        return
    os.close(fd)


def _invoke(runner, args, seconds=20.0, fifo=None):
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("r", runner.invoke(main, args)), daemon=True)
    worker.start()
    worker.join(seconds)
    hung = worker.is_alive()
    if fifo is not None:
        while worker.is_alive():
            _release(fifo)
            worker.join(0.2)
    return hung, result.get("r")


@pytest.mark.parametrize(("option", "argv"), READ_FILE_OPTIONS, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_a_fifo_is_refused_naming_the_option(runner, tmp_path, option, argv):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    other = tmp_path / "other.json"
    other.write_text("{}")
    before = sorted(p.name for p in tmp_path.iterdir())
    args = [a.format(file=fifo, other=other, out=tmp_path / "update.tx") for a in argv]
    hung, result = _invoke(runner, args, fifo=fifo)
    assert not hung, f"recfin {' '.join(argv)} waited on the FIFO"
    assert result.exit_code != 0
    assert "FIFO" in result.output and option in result.output, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize(("option", "argv"), [
    ("--history", ["risk", "score", "--history", "/dev/zero", "D-1"]),
    ("FILE", ["invoice", "verify", "/dev/zero"]),
    ("--po", ["invoice", "match", "--po", "/dev/zero", "{other}", "--receipt", "{other}"]),
], ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_a_device_is_refused_before_it_is_read(runner, tmp_path, option, argv):
    other = tmp_path / "other.json"
    other.write_text("{}")
    hung, result = _invoke(runner, [a.format(other=other) for a in argv])
    assert not hung, f"recfin {' '.join(argv)} read /dev/zero"
    assert result.exit_code == 2  # a usage error, as for any other bad value of the option
    assert "/dev/zero is a device, not a file" in result.output and option in result.output, result.output


def test_a_file_larger_than_any_such_file_is_refused_unread(runner, tmp_path):
    offers = tmp_path / "offers.json"
    with open(offers, "wb") as sparse:  # holes: no disk space used, and the file is never read
        sparse.truncate(MAX_USER_FILE_BYTES + 1)
    result = runner.invoke(main, ["finance", "compare", "RCV-1", "--offers", str(offers), "--on", "2026-12-01"])
    assert result.exit_code == 2
    assert "--offers" in result.output and "over 1 GiB" in result.output, result.output


def test_a_network_archive_has_no_size_bound(tmp_path):
    # an archive is read a piece at a time, and a network's ledgers may well be larger than the bound on other files
    archive = tmp_path / "net.tar.gz"
    with open(archive, "wb") as sparse:
        sparse.truncate(MAX_USER_FILE_BYTES + 1)
    restore = main.commands["network"].commands["restore"]
    archive_param = next(p for p in restore.params if p.name == "archive")
    assert archive_param.type.convert(str(archive), archive_param, None) == archive
