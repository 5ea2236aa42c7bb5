"""What a rewrite does to the disk beyond the file's content: the links it follows."""
from __future__ import annotations

import os

import pytest

from client.atomic_file import check_output_file, write_atomically
from client.user_files import SpecialFile


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
