"""A data folder on a read-only mount, of another user, or on a full disk. `up`, `prepare` and `down` failed with
the bare OSError of the file they tripped on ("Error: .../network.lock: Read-only file system", "Error: .../tls/
ca.crt: No space left on device"), naming neither the cause nor the way on; a backup onto a full disk said a file
of the data folder "changed while the data folder was backed up" (its write's ENOSPC taken for a short read), then
only "No space left on device"; a restore beside a read-only folder named its staging folder alone. Each now says
what could not be written, why, and what to do.

Errors are raised where the system would raise them (a patched os call, for the one path); the tests run as root,
whom file modes do not stop."""
from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.network_commands import network as network_group
from network import backup, backup_restore, control
from network.control import Network, run_lock, unwritable
from network.errors import DataRootNotWritable
from network.fabric_bin import FabricInstall

from .test_backup import data  # noqa: F401 (a fixture)


def failing(error_no: int, path) -> OSError:
    return OSError(error_no, os.strerror(error_no), str(path))


def opening_fails(monkeypatch, name: str, error_no: int) -> None:
    """os.open of any file called name fails with error_no, as on a read-only mount or another user's folder."""
    real = os.open

    def fake(path, *args, **kwargs):
        if Path(path).name == name:
            raise failing(error_no, path)
        return real(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", fake)


@pytest.mark.parametrize("error_no, says", [
    (errno.EROFS, "it is on a read-only filesystem: remount it read-write, or point the topology's data_root (or "
                  "RECFIN_HOME) at a folder on a writable disk"),
    (errno.EACCES, "run the command as the user who may write {root}, the one that runs the network (`ls -ld {root}` "
                   "shows its owner)"),
])
@pytest.mark.parametrize("command", ["up", "down"])
def test_up_and_down_name_the_unwritable_lock_and_what_to_do(topology, data_root, fake_fabric, monkeypatch,
                                                             error_no, says, command):
    (data_root / control.DATA_ROOT_MARKER).write_text(control.MARKER_TEXT)
    opening_fails(monkeypatch, control.RUN_LOCK_FILE, error_no)
    net = Network(topology, data_root=data_root, fabric=FabricInstall.locate(), timeout=5, say=lambda _: None)
    monkeypatch.setattr(Network, "_up", lambda self: pytest.fail("went on"))
    with pytest.raises(DataRootNotWritable) as refused:
        net.up() if command == "up" else net.down()
    root = data_root.resolve()
    assert str(refused.value) == (f"`recfin network {command}` could not write {root / control.RUN_LOCK_FILE} "
                                  f"({os.strerror(error_no)}), in the data folder {root}: {says.format(root=root)}")


def test_up_on_a_full_disk_names_the_file_the_space_and_that_a_run_again_goes_on(topology, data_root, fake_fabric,
                                                                                 monkeypatch):
    written = data_root / "crypto" / "bank" / "users" / "x" / "tls" / "ca.crt"

    def fills_the_disk(self):
        raise failing(errno.ENOSPC, written)
    monkeypatch.setattr(Network, "_up", fills_the_disk)
    net = Network(topology, data_root=data_root, fabric=FabricInstall.locate(), timeout=5, say=lambda _: None)
    with pytest.raises(DataRootNotWritable) as refused:
        net.up()
    root = data_root.resolve()
    assert str(refused.value) == (
        f"`recfin network up` could not write {written.resolve()} (No space left on device), in the data folder "
        f"{root}: free space on that disk (`df -h {root}`) (rotated logs, nodes/*/node.log.[1-9], may be deleted), "
        f"then run `recfin network up` again: it goes on from what is written")


def test_making_the_data_folder_in_a_read_only_folder_names_both(topology, tmp_path, fake_fabric, monkeypatch):
    root = tmp_path / "home" / "network"
    real = os.mkdir

    def read_only(path, *args, **kwargs):
        if Path(path) == tmp_path / "home":
            raise failing(errno.EROFS, path)
        return real(path, *args, **kwargs)
    monkeypatch.setattr(os, "mkdir", read_only)
    result = CliRunner().invoke(network_group, ["prepare", "--hostnames", "--data-root", str(root)])
    assert result.exit_code == 1
    assert (f"`recfin network prepare` could not make the data folder {root} (Read-only file system: "
            f"{tmp_path / 'home'}): it is on a read-only filesystem: remount it read-write") in result.output


def test_an_oserror_about_a_file_elsewhere_is_left_as_it_is(tmp_path):
    """The Fabric install's core.yaml unreadable, say: its own words name it, and no data folder advice fits."""
    assert unwritable(tmp_path / "network", failing(errno.EACCES, "/opt/fabric/config/core.yaml"), "x") is None
    assert unwritable(tmp_path / "network", failing(errno.EIO, tmp_path / "network" / "x"), "x") is None


def test_a_lock_taken_on_a_writable_folder_is_as_before(data_root):
    with run_lock(data_root, "recfin network up"):
        assert (data_root / control.RUN_LOCK_FILE).read_text().startswith(f"pid {os.getpid()} ")


# ---- backup and restore -----------------------------------------------------------------------------------
class _FillsUp(io.FileIO):
    """The archive's file on a disk with room for `room` bytes."""
    room = 4096

    def write(self, data):
        if self.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super().write(data)


def test_a_backup_onto_a_full_disk_says_so_not_that_a_file_changed(data, topology, tmp_path, monkeypatch):
    real_open = open

    def opened(path, mode="r", *args, **kwargs):
        return _FillsUp(path, "wb") if mode == "wb" else real_open(path, mode, *args, **kwargs)
    monkeypatch.setattr(backup, "open", opened, raising=False)
    out = tmp_path / "backups" / "net.tar.gz"
    out.parent.mkdir()
    with pytest.raises(control.NetworkError) as refused:
        backup.write_backup(data, out, topology=topology)
    message = str(refused.value)
    assert message.startswith(f"the backup could not be written to {out} (No space left on device): the disk holding "
                              f"{out.parent} is full (") and "changed while" not in message
    assert message.endswith("Nothing was written (the part written is removed): free space there, or give a path "
                             "on another disk")
    assert list(out.parent.iterdir()) == []


@pytest.fixture
def archive(data, topology, tmp_path) -> Path:
    out = tmp_path / "net.tar.gz"
    backup.write_backup(data, out, topology=topology)
    return out


def test_a_restore_beside_a_read_only_folder_names_the_target_and_what_to_do(archive, tmp_path, monkeypatch):
    target = tmp_path / "mount" / "network"
    target.parent.mkdir()
    real = os.mkdir

    def read_only(path, *args, **kwargs):
        if backup_restore._STAGING_MARK in Path(path).name:
            raise failing(errno.EROFS, path)
        return real(path, *args, **kwargs)
    monkeypatch.setattr(os, "mkdir", read_only)
    with pytest.raises(DataRootNotWritable) as refused:
        backup_restore.restore_backup(archive, target)
    assert str(refused.value).startswith("`recfin network restore` could not write ")
    assert (f"(Read-only file system), where it unpacks the archive beside {target} before renaming it into place: it "
            f"is on a read-only filesystem: remount it read-write, or give --data-root a folder on a writable disk, "
            f"then restore again. Nothing was restored") in str(refused.value)
    assert list(target.parent.iterdir()) == []
