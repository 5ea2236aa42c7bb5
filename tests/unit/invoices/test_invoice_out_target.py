"""`invoice read --invoice-out PATH` writes a regular file and nothing else: a device, FIFO, symlink or folder at PATH
is left as it is, and a missing folder is not made, each refused (exit 2) before anything is read or written."""
import os
import stat
from pathlib import Path

import pytest

from cli.invoice_commands import invoice as invoice_group
from client.atomic_file import write_atomically
from client.user_files import SpecialFile

from ..cli_errors import error_line, invoke

SCAN = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples" / "einvoice.pdf"


def read(*args):
    return invoke(invoice_group, "read", SCAN, *args)


def _entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_fifo_is_left_a_fifo(tmp_path):
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    r = read("--invoice-out", fifo)
    assert r.exit_code == 2
    assert error_line(r) == f"Error: --invoice-out {fifo}: it is a FIFO, not a file: give the path of a file to write"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and _entries(tmp_path) == ["out.json"]


def test_a_device_node_is_left_a_device(tmp_path):
    device = tmp_path / "null"
    try:   # a /dev/null of the test's own: nothing here touches the real /dev
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root (CAP_MKNOD)")
    r = read("--invoice-out", device)
    assert r.exit_code == 2 and "it is a device, not a file" in error_line(r)
    assert stat.S_ISCHR(os.lstat(device).st_mode) and _entries(tmp_path) == ["null"]


def test_a_symlink_is_not_replaced_nor_written_through(tmp_path):
    target = tmp_path / "kept.json"
    target.write_text("kept")
    link = tmp_path / "invoice.json"
    link.symlink_to(target)
    r = read("--invoice-out", link)
    assert r.exit_code == 2 and "it is a symlink, not a file" in error_line(r)
    assert link.is_symlink() and target.read_text() == "kept" and _entries(tmp_path) == ["invoice.json", "kept.json"]
    written = read("--invoice-out", target)     # a regular file is replaced, as before
    assert written.exit_code == 0 and target.read_text().startswith("{"), written.output


@pytest.mark.parametrize("each", [False, True])
def test_a_missing_folder_is_not_made(tmp_path, each):
    out = tmp_path / "mistyped" / "invoice.json"
    r = read(*(["--each"] if each else []), "--invoice-out", out)
    assert r.exit_code == 2
    folder = tmp_path / "mistyped"
    assert error_line(r).endswith(f": its folder {folder} is missing: create it first")
    assert _entries(tmp_path) == []


def test_every_file_written_in_one_step_refuses_to_replace_a_fifo_or_a_symlink(tmp_path):
    """What every command writing through client.atomic_file gets (a model, a profile, a checkpoint)."""
    fifo, link = tmp_path / "fifo", tmp_path / "link"
    os.mkfifo(fifo)
    link.symlink_to(tmp_path / "elsewhere")
    for path, kind in ((fifo, "a FIFO"), (link, "a symlink")):
        with pytest.raises(SpecialFile, match=f"is {kind}$"):
            write_atomically(path, "x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and link.is_symlink()
    assert _entries(tmp_path) == ["fifo", "link"]
