"""An org's connection profile the user running recfin may not read (written by another user, or under a umask
that keeps others out) failed with the file's path and "Permission denied" alone: no word that it is the
connection profile, nor what to do. The line now says both."""
from __future__ import annotations

from pathlib import Path

from cli.main import main
from network import profiles
from network.topology import load


def test_an_unreadable_profile_is_named_with_what_to_do(runner, network_copy, monkeypatch):
    profiles.write_all(load(), network_copy)
    unreadable = network_copy / "profiles" / "supplier.json"
    read_bytes = Path.read_bytes

    def refused_for_the_profile(path: Path) -> bytes:
        # as the file system answers a reader without the right (a test run as root reads every file regardless)
        if path == unreadable:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refused_for_the_profile)
    result = runner.invoke(main, ["receivable", "get", "R-0123456789abcdef", "--as", "supplier"])
    assert result.exit_code == 1, result.output
    [line] = result.output.strip().splitlines()
    assert line == (f"Error: the connection profile of org supplier cannot be read: {unreadable}: Permission denied: "
                    "run recfin as a user who may read it, or have its owner let this user read it (`chmod a+r` "
                    "does: a profile names files, it holds no key)"), line
