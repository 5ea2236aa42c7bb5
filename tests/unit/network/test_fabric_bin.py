import pytest

from network.errors import MissingBinariesError
from network.fabric_bin import REPO_ROOT, FabricInstall, bin_dir, config_dir


def test_defaults_and_overrides(tmp_path):
    assert bin_dir({}) == REPO_ROOT / ".fabric" / "bin"
    assert config_dir({}) == REPO_ROOT / ".fabric" / "config"
    assert bin_dir({"RECFIN_FABRIC_HOME": str(tmp_path)}) == tmp_path / "bin"
    env = {"RECFIN_FABRIC_HOME": "/nowhere", "RECFIN_FABRIC_BIN": str(tmp_path / "b"), "RECFIN_FABRIC_CFG": str(tmp_path / "c")}
    assert (bin_dir(env), config_dir(env)) == (tmp_path / "b", tmp_path / "c")


def test_relative_folders_are_read_from_the_working_directory_and_kept_absolute(tmp_path, monkeypatch):
    # the tools run with other working directories (each node's own folder), where a relative path names nothing
    monkeypatch.chdir(tmp_path)
    assert bin_dir({"RECFIN_FABRIC_HOME": "fab"}) == tmp_path / "fab" / "bin"
    assert config_dir({"RECFIN_FABRIC_HOME": "fab"}) == tmp_path / "fab" / "config"
    env = {"RECFIN_FABRIC_BIN": "b", "RECFIN_FABRIC_CFG": "c"}
    assert (bin_dir(env), config_dir(env)) == (tmp_path / "b", tmp_path / "c")
    fabric = FabricInstall.locate({"RECFIN_FABRIC_HOME": "fab"})
    monkeypatch.chdir("/")
    assert fabric.tool("peer") == tmp_path / "fab" / "bin" / "peer"


def test_missing_binaries_are_named_with_the_folder_and_the_fix(tmp_path):
    fabric = FabricInstall(tmp_path / "bin", tmp_path / "config")
    with pytest.raises(MissingBinariesError) as err:
        fabric.require()
    msg = str(err.value)
    assert f"peer, orderer, configtxgen, osnadmin not found in {tmp_path / 'bin'}" in msg
    assert "run scripts/install-fabric" in msg and "\n" not in msg


def test_one_missing_binary_is_named_alone(fake_fabric):
    (fake_fabric / "bin" / "osnadmin").unlink()
    (fake_fabric / "install-error.txt").write_text("go install failed: 403\n")
    with pytest.raises(MissingBinariesError) as err:
        FabricInstall.locate().require()
    assert "Fabric binary osnadmin not found in" in str(err.value)
    assert "install-error.txt" in str(err.value)
    FabricInstall.locate().require(("peer",))


def test_present_tools_pass(fake_fabric):
    fabric = FabricInstall.locate()
    assert fabric.require() is fabric
    assert fabric.tool("peer") == fake_fabric / "bin" / "peer"
