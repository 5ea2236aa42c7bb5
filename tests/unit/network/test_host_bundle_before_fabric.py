"""`recfin host join` on a host without Fabric names what its bundle lacks first: the bundle's files are mended
apart from installing Fabric, and the operator should hear of the bundle now, not only once Fabric is installed."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.main import main
from network.bundle import DIGESTS, MANIFEST


@pytest.fixture
def no_fabric(tmp_path, monkeypatch):
    """A Fabric home with no `peer` binary in it, and none on PATH."""
    home = tmp_path / "no-fabric"
    (home / "bin").mkdir(parents=True)
    (home / "config").mkdir()
    monkeypatch.setenv("RECFIN_FABRIC_HOME", str(home))
    monkeypatch.delenv("RECFIN_FABRIC_BIN", raising=False)
    monkeypatch.delenv("RECFIN_FABRIC_CFG", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    return home


def test_join_names_the_missing_genesis_block_before_the_missing_peer_binary(unpacked, no_fabric):
    # a bundle an earlier recfin wrote records no digests, which would name the missing file otherwise
    manifest = unpacked / MANIFEST
    doc = json.loads(manifest.read_text())
    del doc[DIGESTS]
    manifest.write_text(json.dumps(doc))
    (unpacked / "channel" / "receivables.block").unlink()
    result = CliRunner().invoke(main, ["host", "join", "--bundle", str(unpacked)])
    assert result.exit_code == 1
    assert "receivables.block is missing" in result.output
    assert "recfin network prepare --hostnames" in result.output
