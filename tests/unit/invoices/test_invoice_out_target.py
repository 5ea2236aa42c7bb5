"""`invoice read --invoice-out PATH` writes a regular file (through a symlink) and nothing else: a device, FIFO or
folder at PATH is left as it is, and a missing folder is not made, each refused (exit 2) before anything is read or
written; so is a file already there, unless --replace."""
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


def test_a_symlink_is_written_through_and_kept(tmp_path):
    target = tmp_path / "kept.json"
    target.write_text("kept")
    link = tmp_path / "invoice.json"
    link.symlink_to(target)
    r = read("--invoice-out", link, "--replace")     # the file it leads to is there: written over only so
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and target.read_text().startswith("{")
    assert _entries(tmp_path) == ["invoice.json", "kept.json"]


def test_a_file_already_there_is_kept_unless_replace(tmp_path):
    """It may be an earlier reading a person has corrected: reading the scan again would lose the corrections."""
    out = tmp_path / "invoice.json"
    out.write_text('{"number": "corrected by hand"}')
    r = read("--invoice-out", out)
    assert r.exit_code == 2
    assert error_line(r) == (f"Error: --invoice-out {out} exists: it may hold a person's corrections of an earlier "
                             "reading; nothing was written: give another file, or --replace to write over it")
    assert out.read_text() == '{"number": "corrected by hand"}' and _entries(tmp_path) == ["invoice.json"]
    r = read("--invoice-out", out, "--replace")
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("{\n") and "corrected by hand" not in out.read_text()


def test_replace_without_invoice_out_is_refused(tmp_path):
    """It writes over nothing: a --invoice-out left out of the line would otherwise go unnoticed."""
    r = read("--replace")
    assert r.exit_code == 2 and r.stdout == ""
    assert error_line(r) == ("Error: --replace needs --invoice-out FILE: it lets the reading write over the file "
                             "there; without --invoice-out nothing is written")


@pytest.mark.parametrize("out, says", [("notes.txt/invoice.json", "Not a directory"),
                                       ("x" * 300 + ".json", "File name too long")])
def test_a_path_the_system_cannot_look_at_is_one_line(tmp_path, out, says):
    (tmp_path / "notes.txt").write_text("notes")
    r = read("--invoice-out", tmp_path / out)
    assert r.exit_code == 2 and says in error_line(r) and "Traceback" not in r.output


@pytest.mark.parametrize("each", [False, True])
def test_a_missing_folder_is_not_made(tmp_path, each):
    out = tmp_path / "mistyped" / "invoice.json"
    r = read(*(["--each"] if each else []), "--invoice-out", out)
    assert r.exit_code == 2
    folder = tmp_path / "mistyped"
    assert error_line(r).endswith(f": its folder {folder} is missing: create it first")
    assert _entries(tmp_path) == []


def test_every_file_written_in_one_step_refuses_a_fifo_and_writes_through_a_symlink(tmp_path):
    """What every command writing through client.atomic_file gets (a model, a profile, a checkpoint)."""
    fifo, link, fifo_link = tmp_path / "fifo", tmp_path / "link", tmp_path / "fifo-link"
    os.mkfifo(fifo)
    link.symlink_to(tmp_path / "elsewhere")   # dangling: written where it leads
    fifo_link.symlink_to(fifo)
    for path in (fifo, fifo_link):
        with pytest.raises(SpecialFile, match="is a FIFO$"):
            write_atomically(path, "x")
    write_atomically(link, "x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and link.is_symlink() and fifo_link.is_symlink()
    assert (tmp_path / "elsewhere").read_text() == "x"
    assert _entries(tmp_path) == ["elsewhere", "fifo", "fifo-link", "link"]


def test_a_symlink_another_user_left_in_a_shared_folder_is_not_followed(tmp_path):
    """In /tmp-like folders (sticky, writable by all) a link another user made would have this user's write replace
    whichever of its files the link names: refused, as the kernel refuses to open through one."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    victim = tmp_path / "own.json"
    victim.write_text("own")
    planted = shared / "out.json"
    planted.symlink_to(victim)
    try:
        os.lchown(planted, os.geteuid() + 4242, -1)
    except PermissionError:
        pytest.skip("giving a link another owner needs root (CAP_CHOWN)")
    with pytest.raises(SpecialFile, match="a symlink another user left in a shared folder"):
        write_atomically(planted, "x")
    r = read("--invoice-out", planted)
    assert r.exit_code == 2 and "another user left in a shared folder" in error_line(r)
    assert victim.read_text() == "own" and planted.is_symlink()
    mine = shared / "mine.json"       # one of this user's own links there is followed
    mine.symlink_to(victim)
    write_atomically(mine, "x")
    assert victim.read_text() == "x" and mine.is_symlink()
