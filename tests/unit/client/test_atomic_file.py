"""Files rewritten while other processes read them: whole old content or whole new, nothing left behind."""
from __future__ import annotations

import errno
import os
import stat

import pytest

from client import atomic_file
from client.atomic_file import staged_file, write_atomically


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_text_and_bytes_replace_the_file_and_leave_no_temporary_file(tmp_path):
    target = tmp_path / "profile.json"
    target.write_text("old")
    write_atomically(target, "新的 profile")
    assert target.read_text(encoding="utf-8") == "新的 profile"
    write_atomically(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert [p.name for p in tmp_path.iterdir()] == ["profile.json"]


def test_missing_folders_are_made(tmp_path):
    target = tmp_path / "a" / "b" / "state.yaml"
    write_atomically(target, "x: 1\n")
    assert target.read_text() == "x: 1\n"


def test_a_failure_in_the_block_keeps_the_old_content_and_removes_the_temporary_file(tmp_path):
    target = tmp_path / "model.json"
    target.write_text("trained yesterday")
    with pytest.raises(RuntimeError, match="plot failed"):
        with staged_file(target) as temporary:
            temporary.write_text("half of a new mod")
            raise RuntimeError("plot failed")
    assert target.read_text() == "trained yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


def test_a_private_key_is_never_readable_by_others_not_even_while_it_is_written(tmp_path):
    old_umask = os.umask(0o000)        # the widest umask: only the mode given may protect the key
    try:
        seen_while_writing = []
        with staged_file(tmp_path / "key_sk", mode=0o600) as temporary:
            seen_while_writing.append(_mode(temporary))
            temporary.write_bytes(b"-----BEGIN PRIVATE KEY-----")
        write_atomically(tmp_path / "cert.pem", b"cert", mode=0o644)
        write_atomically(tmp_path / "plain.txt", b"plain")
    finally:
        os.umask(old_umask)
    assert seen_while_writing == [0o600]
    assert _mode(tmp_path / "key_sk") == 0o600
    assert _mode(tmp_path / "cert.pem") == 0o644
    assert _mode(tmp_path / "plain.txt") == 0o644    # no mode given: 0644, never writable by others


def test_the_temporary_file_can_live_outside_a_folder_whose_every_file_is_read(tmp_path):
    crls = tmp_path / "msp" / "crls"
    crls.mkdir(parents=True)
    with staged_file(crls / "crl.pem", staging_dir=tmp_path / "msp") as temporary:
        assert temporary.parent == tmp_path / "msp"
        assert list(crls.iterdir()) == []
        temporary.write_bytes(b"crl")
    assert [p.name for p in crls.iterdir()] == ["crl.pem"]


def test_two_writers_of_one_file_never_share_a_temporary_file(tmp_path):
    target = tmp_path / "checkpoint.json"
    with staged_file(target) as first, staged_file(target) as second:
        assert first != second
        first.write_text("1")
        second.write_text("2")
    assert target.read_text() == "1"          # the outer block finished last
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.json"]


def _record_fsyncs(monkeypatch, order, folder, target):
    """os.fsync recorded as ("fsync file", its inode) or ("fsync folder", the target's content then)."""
    def fsync(descriptor):
        if stat.S_ISDIR(os.fstat(descriptor).st_mode):
            assert os.path.samestat(os.fstat(descriptor), os.stat(folder))
            order.append(("fsync folder", target.read_text() if target.exists() else None))
        else:
            order.append(("fsync file", os.fstat(descriptor).st_ino))

    monkeypatch.setattr(atomic_file.os, "fsync", fsync)


def test_a_durable_write_reaches_the_disk_before_the_rename_and_the_rename_after_it(tmp_path, monkeypatch):
    # Without the folder's flush a power loss can undo the rename: an old checkpoint would come back.
    order = []
    checkpoint = tmp_path / "state" / "checkpoint.json"
    write_atomically(checkpoint, "old")
    _record_fsyncs(monkeypatch, order, checkpoint.parent, checkpoint)
    real_replace = os.replace
    monkeypatch.setattr(atomic_file.os, "replace", lambda a, b: (order.append(("replace", None)), real_replace(a, b)))
    write_atomically(checkpoint, "new", durable=True)
    # the file flushed is the one renamed to the target
    assert order == [("fsync file", checkpoint.stat().st_ino), ("replace", None), ("fsync folder", "new")]
    order.clear()
    write_atomically(tmp_path / "profile.json", "{}")
    assert order == [("replace", None)]


def test_a_durable_new_file_made_without_replace_has_its_folder_flushed_after_the_link(tmp_path, monkeypatch):
    order = []
    target = tmp_path / "request.csr"
    _record_fsyncs(monkeypatch, order, tmp_path, target)
    write_atomically(target, "csr", durable=True, replace=False)
    assert order == [("fsync file", target.stat().st_ino), ("fsync folder", "csr")]


@pytest.mark.parametrize("refusal", [errno.EINVAL, errno.EOPNOTSUPP], ids=["EINVAL", "EOPNOTSUPP"])
def test_a_folder_the_filesystem_will_not_flush_leaves_the_durable_write_done(tmp_path, monkeypatch, refusal):
    real_fsync = os.fsync
    refused = []

    def fsync(descriptor):
        if stat.S_ISDIR(os.fstat(descriptor).st_mode):
            refused.append(descriptor)
            raise OSError(refusal, os.strerror(refusal))
        real_fsync(descriptor)

    monkeypatch.setattr(atomic_file.os, "fsync", fsync)
    write_atomically(tmp_path / "checkpoint.json", "new", durable=True)
    assert len(refused) == 1 and (tmp_path / "checkpoint.json").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.json"]


def test_a_folder_flush_that_fails_otherwise_is_raised(tmp_path, monkeypatch):
    # An I/O error is no refusal: the caller must not take the checkpoint as safe on disk.
    real_fsync = os.fsync

    def fsync(descriptor):
        if stat.S_ISDIR(os.fstat(descriptor).st_mode):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(descriptor)

    monkeypatch.setattr(atomic_file.os, "fsync", fsync)
    with pytest.raises(OSError) as caught:
        write_atomically(tmp_path / "checkpoint.json", "new", durable=True)
    assert caught.value.errno == errno.EIO


def test_a_folder_that_cannot_be_written_is_named_by_the_file_asked_for(tmp_path, monkeypatch):
    def refused(path, flags, mode):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(atomic_file.os, "open", refused)
    with pytest.raises(PermissionError) as raised:
        write_atomically(tmp_path / "request.csr", b"csr")
    assert raised.value.filename == str(tmp_path / "request.csr")
    assert list(tmp_path.iterdir()) == []


def test_without_replace_a_new_file_is_created_whole_and_an_existing_one_is_kept(tmp_path):
    target = tmp_path / "evidence.json"
    write_atomically(target, "first", replace=False)
    assert target.read_text() == "first"
    with pytest.raises(FileExistsError):
        write_atomically(target, "second", replace=False)
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["evidence.json"]


@pytest.fixture
def umask_000():
    """A umask that takes nothing away: a folder made with os.mkdir's default would be anyone's to write."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_folders_made_on_the_way_get_fixed_permissions_whatever_the_umask(tmp_path, umask_000):
    write_atomically(tmp_path / "profiles" / "org" / "bank.json", "{}")
    assert _mode(tmp_path / "profiles") == _mode(tmp_path / "profiles" / "org") == 0o755
    write_atomically(tmp_path / "msp" / "keystore" / "a_sk", "key", mode=0o600)
    assert _mode(tmp_path / "msp") == 0o755
    assert _mode(tmp_path / "msp" / "keystore") == 0o700      # the folder of a private file is private too


def test_make_folders_gives_the_last_folder_its_mode_and_leaves_existing_folders_alone(tmp_path, umask_000):
    mine = tmp_path / "mine"
    mine.mkdir(0o777)                                          # a user's own folder: recfin does not change it
    made = atomic_file.make_folders(mine / "org" / "tls", atomic_file.PRIVATE_FOLDER_MODE)
    assert made == mine / "org" / "tls"
    assert (_mode(mine), _mode(mine / "org"), _mode(made)) == (0o777, 0o755, 0o700)
    assert atomic_file.make_folders(made) == made and _mode(made) == 0o700   # already there: left as it is


def test_make_folders_never_opens_a_folder_wider_than_its_mode_while_making_it(tmp_path, umask_000, monkeypatch):
    seen = []
    real_chmod = os.chmod
    monkeypatch.setattr(atomic_file.os, "chmod", lambda path, mode: (seen.append(_mode(path)), real_chmod(path, mode)))
    atomic_file.make_folders(tmp_path / "a" / "b", atomic_file.PRIVATE_FOLDER_MODE)
    assert seen == [0o700, 0o700]           # as made, before each is given its mode


def test_make_folders_claims_a_new_folder_and_refuses_one_already_there(tmp_path):
    claimed = atomic_file.make_folders(tmp_path / "users" / "officer3", exist_ok=False)
    assert claimed.is_dir()
    with pytest.raises(FileExistsError):
        atomic_file.make_folders(claimed, exist_ok=False)
    (tmp_path / "file").write_text("x")
    with pytest.raises(FileExistsError):
        atomic_file.make_folders(tmp_path / "file")             # a file in the way is not taken for a folder


def test_each_checkpoint_of_a_file_checkpointer_has_its_folder_flushed_after_the_rename(tmp_path, monkeypatch):
    from client.gateway import FileCheckpointer

    order = []
    path = tmp_path / "events.json"
    _record_fsyncs(monkeypatch, order, tmp_path, path)
    FileCheckpointer(path).checkpoint_transaction(7, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7")
    assert order[-1] == ("fsync folder", '{"blockNumber": 7, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7"}')


def test_check_output_file_names_a_folder_this_user_may_not_write(tmp_path, monkeypatch):
    """A folder refused to the user (os.access, as the kernel answers a user but root) is said before the work whose
    result would be written there, not found by the first write."""
    read_only = tmp_path / "ro"
    read_only.mkdir()
    asked = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if str(path) == str(read_only) and mode & os.W_OK
                        else asked(path, mode, **kw))
    assert atomic_file.check_output_file(read_only / "model.json") == (
        f"its folder {read_only} is not writable by this user: give a path in a folder you can write, or change the "
        "folder's permissions")
    assert atomic_file.check_output_file(tmp_path / "model.json") is None
