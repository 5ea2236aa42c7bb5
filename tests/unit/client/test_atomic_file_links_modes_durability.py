"""What a rewrite does to the disk beyond the file's content: the links it follows, the permissions it
leaves, and what reaches the disk before it returns."""
from __future__ import annotations

import os
import stat

import pytest

from client import atomic_file
from client.atomic_file import check_output_file, write_atomically
from client.gateway import FileCheckpointer
from client.user_files import SpecialFile
from network import membership


def _shared_folder(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)    # sticky and writable by all, as /tmp
    return shared


def _planted_link(link, target):
    """A symlink at ``link`` to ``target``, owned by another user (as one they left in a shared folder)."""
    link.symlink_to(target)
    try:
        os.lchown(link, os.geteuid() + 4242, -1)
    except PermissionError:
        pytest.skip("giving a link another owner needs root (CAP_CHOWN)")
    return link


def test_a_folder_on_the_way_that_is_another_users_link_in_a_shared_folder_is_not_followed(tmp_path):
    # --out /tmp/reports/passwd, /tmp/reports another user's link to a folder of this user's (/etc, as root)
    private = tmp_path / "etc"
    private.mkdir()
    (private / "passwd").write_text("root:x:0:0\n")
    planted = _planted_link(_shared_folder(tmp_path) / "reports", private)
    out = planted / "passwd"
    with pytest.raises(SpecialFile, match="reports is a symlink another user left in a shared folder"):
        write_atomically(out, "report")
    with pytest.raises(SpecialFile, match="another user left"):
        write_atomically(planted / "new.json", "report", replace=False)
    assert "reports is a symlink another user left in a shared folder" in check_output_file(out)
    assert (private / "passwd").read_text() == "root:x:0:0\n" and sorted(os.listdir(private)) == ["passwd"]


def test_another_users_link_reached_from_one_of_this_users_links_is_not_followed(tmp_path):
    # this user's own link leads into /tmp, where another user left a link to a file of this user's
    victim = tmp_path / "important.txt"
    victim.write_text("own")
    planted = _shared_folder(tmp_path) / "report.json"
    _planted_link(planted, victim)
    own_folder = tmp_path / "home"
    own_folder.mkdir()
    mine = own_folder / "out.json"
    mine.symlink_to(planted)
    with pytest.raises(SpecialFile, match="report.json is a symlink another user left in a shared folder"):
        write_atomically(mine, "recfin output")
    assert "another user left in a shared folder" in check_output_file(mine)
    assert victim.read_text() == "own" and mine.is_symlink() and planted.is_symlink()


def test_links_of_this_user_are_still_followed_through_shared_and_private_folders(tmp_path):
    shared = _shared_folder(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (shared / "reports").symlink_to(elsewhere)          # this user's own link, in the shared folder
    (elsewhere / "up").symlink_to("..")                 # "a/link/.." is the folder above the link's target
    write_atomically(shared / "reports" / "out.json", "1")
    write_atomically(shared / "reports" / "up" / "top.json", "2")
    assert (elsewhere / "out.json").read_text() == "1" and (tmp_path / "top.json").read_text() == "2"


@pytest.mark.parametrize("kept", [0o600, 0o640, 0o664])
def test_a_rewrite_keeps_the_permissions_of_the_file_it_replaces(tmp_path, kept):
    # as a shell's `>` keeps them: an --invoice-out or checkpoint file its owner made 0600 must not turn 0644
    old_umask = os.umask(0o022)
    try:
        output = tmp_path / "invoice.json"
        output.write_text("{}")
        output.chmod(kept)
        write_atomically(output, '{"buyer": "..."}')
        assert stat.S_IMODE(output.stat().st_mode) == kept
        checkpoint = tmp_path / "events.checkpoint"
        with FileCheckpointer(checkpoint) as checkpointer:
            checkpointer.checkpoint_block(1)
        checkpoint.chmod(kept)
        with FileCheckpointer(checkpoint) as checkpointer:
            checkpointer.checkpoint_block(2)
        assert stat.S_IMODE(checkpoint.stat().st_mode) == kept
        fresh = tmp_path / "fresh.json"        # a new file: 0644 as far as the umask allows, as before
        write_atomically(fresh, "{}")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        write_atomically(output, "{}", mode=0o644)    # a mode given is the mode written
        assert stat.S_IMODE(output.stat().st_mode) == 0o644
    finally:
        os.umask(old_umask)


def _flushed(monkeypatch) -> list[str]:
    """The paths os.fsync is called on from now on (a file's, or its folder's)."""
    flushed = []
    real_fsync = os.fsync

    def fsync(descriptor):
        flushed.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        return real_fsync(descriptor)

    monkeypatch.setattr(atomic_file.os, "fsync", fsync)
    return flushed


def test_a_private_key_reaches_the_disk_with_its_folder_entry_before_the_write_returns(tmp_path, monkeypatch):
    # a CA's key left empty by a power loss cannot be made again: the channel's MSP names its certificate
    flushed = _flushed(monkeypatch)
    key = tmp_path / "ca" / "priv_sk"
    write_atomically(key, "-----BEGIN PRIVATE KEY-----\n", mode=0o600)
    assert len(flushed) == 2 and flushed[0].startswith(str(key.parent / ".priv_sk.")) and \
        flushed[1] == str(key.parent)
    flushed.clear()
    write_atomically(tmp_path / "ca" / "cert.pem", "-----BEGIN CERTIFICATE-----\n", mode=0o644)
    assert flushed == []     # a public file is not flushed unless asked (durable=True)


def test_the_membership_record_reaches_the_disk_before_it_is_saved(tmp_path, monkeypatch):
    flushed = _flushed(monkeypatch)
    membership._save_state(tmp_path, {"added": []})
    record = membership.state_path(tmp_path)
    assert len(flushed) == 2 and flushed[0].startswith(str(record.parent / f".{record.name}.")) and \
        flushed[1] == str(record.parent)
