"""A user's private key that other users of the host may read (copied with `cp` under a loose umask, unpacked
from an archive that kept no modes) was signed with silently: whoever reads it can sign as the user. A command
that signs with it warns on stderr, naming the key, its mode and the chmod that closes it; a key its owner's
alone, as recfin writes it, gets no word.

The warning is said once a command for each key, however many sessions the command opens (it was said again for
each); on stderr only, --json's stdout left a JSON document; not said of a key in a folder others may not enter (0644 in a keystore 0700, as `org bundle` makes its folders: it
is its owner's alone); for a user that signs in an HSM, nothing where no key file is left, and the way to put the
file left behind away; and on a filesystem that keeps no modes (vfat: every file 0777), where `chmod 600` changes
nothing and the line was said on every command with no way to end it, the mount options that close it."""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import click
import pytest

from cli import connection
from cli.main import main
from network import profiles
from network.topology import load

GET = ["receivable", "get", "R-0123456789abcdef", "--as", "supplier/supplier1", "--timeout", "1"]


@pytest.fixture
def network_copy(runner, generated_crypto, monkeypatch):
    """RECFIN_HOME's data folder, a copy of the generated crypto, in a folder every user of the host may enter (as a
    home folder 0755 is): pytest's own temporary folders are their owner's alone (0700), and no key under them is
    open to anyone else."""
    home = Path(tempfile.mkdtemp(prefix="recfin-open-home-"))
    home.chmod(0o755)
    entered = [folder.stat().st_mode for folder in home.parents]
    if not all(mode & stat.S_IXOTH and mode & stat.S_IXGRP for mode in entered):
        pytest.skip(f"a folder above {home} is closed to other users")
    root = home / "network"
    shutil.copytree(generated_crypto, root)
    for folder, _, _ in os.walk(root):
        os.chmod(folder, 0o755)   # as unpacked under umask 022
    monkeypatch.setenv("RECFIN_HOME", str(home))
    yield root
    shutil.rmtree(home)


def _supplier1(network_copy) -> profiles.UserIdentity:
    profiles.write_all(load(), network_copy)
    return profiles.load("supplier", network_copy).user("supplier1")


def _key(who: profiles.UserIdentity):
    [key] = sorted((who.msp_dir / "keystore").iterdir())
    return key


def _warnings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("warning: ")]


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600], ids=["0644", "0640", "0600"])
def test_a_key_open_to_others_is_warned_of(runner, network_copy, mode):
    key = _key(_supplier1(network_copy))
    key.chmod(mode)

    result = runner.invoke(main, GET)
    if mode == 0o600:
        assert _warnings(result.stderr) == [], result.stderr
    else:
        assert _warnings(result.stderr) == [
            f"warning: the private key {key} of user supplier1 is open to other users of this host (mode "
            f"{mode:04o}): whoever reads it can sign as supplier1; make it its owner's alone: chmod 600 {key}"], \
            result.stderr
    # warned, not refused: the command went on to the gateway (no network is up here)
    assert "is the network up?" in result.stderr, result.stderr


def test_said_once_a_command_however_many_sessions_it_opens(network_copy, capsys):
    who = _supplier1(network_copy)
    _key(who).chmod(0o644)
    with click.Context(main):
        connection.warn_of_keys_open_to_others(who, [])
        connection.warn_of_keys_open_to_others(who, [])   # a second session of the same user (`demo`)
    assert len(_warnings(capsys.readouterr().err)) == 1


def test_with_json_the_warning_is_on_stderr_and_stdout_is_json(runner, network_copy):
    _key(_supplier1(network_copy)).chmod(0o644)
    result = runner.invoke(main, [*GET, "--json"])
    assert len(_warnings(result.stderr)) == 1, result.stderr
    assert "warning" not in result.stdout, result.stdout


def test_a_key_in_a_folder_others_may_not_enter_is_not_warned_of(runner, network_copy):
    who = _supplier1(network_copy)
    _key(who).chmod(0o644)
    (who.msp_dir / "keystore").chmod(0o700)
    result = runner.invoke(main, GET)
    assert _warnings(result.stderr) == [], result.stderr
    assert "is the network up?" in result.stderr, result.stderr


def test_a_user_signing_in_an_hsm_with_its_key_file_put_away_gets_no_word(network_copy, capsys):
    who = _supplier1(network_copy)
    (who.msp_dir / "hsm-signer.yaml").write_text("library: /x.so\n")
    key = _key(who)
    key.chmod(0o644)
    with click.Context(main):
        connection.warn_of_keys_open_to_others(who, [])
    [line] = _warnings(capsys.readouterr().err)
    assert line.endswith(f"it signs in an HSM now: move the file to offline storage, or chmod 600 {key}"), line
    key.unlink()
    with click.Context(main):
        connection.warn_of_keys_open_to_others(who, [])
    assert _warnings(capsys.readouterr().err) == []


def test_on_a_filesystem_without_modes_the_mount_options_are_named(network_copy, capsys, monkeypatch):
    who = _supplier1(network_copy)
    key = _key(who)
    key.chmod(0o777)
    monkeypatch.setattr(connection, "filesystem_type", lambda path: "vfat")
    with click.Context(main):
        connection.warn_of_keys_open_to_others(who, [])
    [line] = _warnings(capsys.readouterr().err)
    assert "chmod 600" not in line and "chmod cannot change it on this vfat filesystem" in line, line
    assert "fmask=0077" in line, line


MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
40 27 8:17 / /media/usb\\040key rw,relatime - vfat /dev/sdb1 rw,fmask=0022
41 40 8:18 / /media/usb\\040key/inner rw,relatime - ext4 /dev/sdb2 rw
"""


@pytest.mark.parametrize(("path", "kind"), [("/media/usb key/keystore/k_sk", "vfat"), ("/media/usb key", "vfat"),
                                            ("/media/usb key/inner/k_sk", "ext4"), ("/media/usb keyring/k", "ext4"),
                                            ("/home/u/k_sk", "ext4")])
def test_the_filesystem_is_the_longest_mount_point_the_key_is_under(path, kind):
    assert connection.filesystem_type(path, MOUNTINFO) == kind
