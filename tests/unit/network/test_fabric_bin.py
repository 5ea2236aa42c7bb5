import pytest

from network.errors import MissingBinariesError
from network.fabric_bin import FABRIC_RELEASE, REPO_ROOT, FabricInstall, bin_dir, config_dir


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


def _error_of(fabric: FabricInstall) -> str:
    with pytest.raises(MissingBinariesError) as err:
        fabric.require()
    return str(err.value)


def test_tools_missing_from_the_folder_recfin_fabric_bin_names_are_not_sent_to_the_install_script(
        fake_fabric, tmp_path, monkeypatch):
    # scripts/install-fabric builds into .fabric (RECFIN_FABRIC_HOME) only: after a 403 the README's way round
    # is a release's tools named by RECFIN_FABRIC_BIN, and a tool missing there is the user's to put there
    (fake_fabric / "install-error.txt").write_text("go install failed: 403\n")
    release_bin = tmp_path / "release" / "bin"
    release_bin.mkdir(parents=True)
    monkeypatch.setenv("RECFIN_FABRIC_BIN", str(release_bin))
    message = _error_of(FabricInstall.locate())
    assert message == (f"Fabric binaries peer, orderer, configtxgen, osnadmin not found in {release_bin}, "
                       f"the folder RECFIN_FABRIC_BIN names: put an official Fabric {FABRIC_RELEASE} "
                       f"release's peer, orderer, configtxgen, osnadmin there, or unset RECFIN_FABRIC_BIN "
                       f"to take the tools scripts/install-fabric builds")


def test_config_missing_from_the_folder_recfin_fabric_cfg_names_is_the_users_to_put_there(
        fake_fabric, tmp_path, monkeypatch):
    release_config = tmp_path / "release" / "config"
    release_config.mkdir(parents=True)
    monkeypatch.setenv("RECFIN_FABRIC_CFG", str(release_config))
    message = _error_of(FabricInstall.locate())
    assert message == (f"base config core.yaml, orderer.yaml not found in {release_config}, the folder "
                       f"RECFIN_FABRIC_CFG names: put an official Fabric {FABRIC_RELEASE} release's "
                       f"core.yaml, orderer.yaml there (from its config/), or unset RECFIN_FABRIC_CFG")


def test_release_tools_without_their_config_are_pointed_at_the_releases_config_and_the_builds_reason(
        tmp_path, monkeypatch):
    # the tools from a release (RECFIN_FABRIC_BIN), the configuration still expected from a build that failed
    home = tmp_path / "fabric"
    home.mkdir()
    (home / "install-error.txt").write_text("go install failed: 403\nWhat to do: ...\n")
    release_bin = tmp_path / "release" / "bin"
    release_bin.mkdir(parents=True)
    for tool in ("peer", "orderer", "configtxgen", "osnadmin"):
        (release_bin / tool).write_text("#!/bin/sh\nexit 0\n")
        (release_bin / tool).chmod(0o755)
    monkeypatch.setenv("RECFIN_FABRIC_HOME", str(home))
    monkeypatch.setenv("RECFIN_FABRIC_BIN", str(release_bin))
    monkeypatch.delenv("RECFIN_FABRIC_CFG", raising=False)
    message = _error_of(FabricInstall.locate())
    assert message == (f"base config core.yaml, orderer.yaml not found in {home / 'config'} "
                       f"(or set RECFIN_FABRIC_CFG to the config/ folder of the release whose tools "
                       f"RECFIN_FABRIC_BIN names): run scripts/install-fabric (its last run failed: "
                       f"go install failed: 403; more in {home / 'install-error.txt'})")
