"""A user's private key that other users of the host may read (copied with `cp` under a loose umask, unpacked
from an archive that kept no modes) was signed with silently: whoever reads it can sign as the user. A command
that signs with it now warns on stderr, naming the key, its mode and the chmod that closes it; a key its owner's
alone, as recfin writes it, gets no word."""
from __future__ import annotations

import pytest

from cli.main import main
from network import profiles
from network.topology import load


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600], ids=["0644", "0640", "0600"])
def test_a_key_open_to_others_is_warned_of(runner, network_copy, mode):
    profiles.write_all(load(), network_copy)
    msp = profiles.load("supplier", network_copy).user("supplier1").msp_dir
    [key] = sorted((msp / "keystore").iterdir())
    key.chmod(mode)

    result = runner.invoke(main, ["receivable", "get", "R-0123456789abcdef", "--as", "supplier/supplier1",
                                  "--timeout", "1"])
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    if mode == 0o600:
        assert warnings == [], result.stderr
    else:
        assert warnings == [f"warning: the private key {key} of user supplier1 is open to other users of this host "
                            f"(mode {mode:04o}): whoever reads it can sign as supplier1; make it its owner's alone: "
                            f"chmod 600 {key}"], result.stderr
    # warned, not refused: the command went on to the gateway (no network is up here)
    assert "is the network up?" in result.stderr, result.stderr
