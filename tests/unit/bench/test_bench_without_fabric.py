"""`recfin bench` where no network runs: when Fabric is not installed on this machine, `recfin network up` cannot
start one, and the command says so, naming what is missing and what installs it, instead of sending the user to a
`recfin network up` that fails."""
from click.testing import CliRunner

from cli.bench_commands import bench
from network.fabric_bin import BASE_CONFIG_FILES, NETWORK_TOOLS


def the_error_line(result) -> str:
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.output
    return lines[0]


def test_without_fabric_installed_it_says_fabric_is_missing_and_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("RECFIN_FABRIC_HOME", str(tmp_path / "no-fabric"))
    monkeypatch.delenv("RECFIN_FABRIC_BIN", raising=False)
    monkeypatch.delenv("RECFIN_FABRIC_CFG", raising=False)
    line = the_error_line(CliRunner().invoke(bench, ["--data-root", str(tmp_path / "network"), "--duration", "1"]))
    assert line.startswith("Error: no running network to benchmark (0/")
    assert "Fabric is not installed here, so `recfin network up` cannot start one" in line
    assert f"Fabric binaries {', '.join(NETWORK_TOOLS)} not found in {tmp_path / 'no-fabric' / 'bin'}" in line
    assert "run scripts/install-fabric" in line
    assert line.endswith("then start one with `recfin network up` and `recfin chaincode deploy`")
    assert not (tmp_path / "network").exists()          # nothing was written


def test_with_fabric_installed_it_only_says_how_to_start_the_network(tmp_path, monkeypatch):
    home = tmp_path / "fabric"
    (home / "bin").mkdir(parents=True)
    (home / "config").mkdir()
    for tool in NETWORK_TOOLS:
        (home / "bin" / tool).write_text("#!/bin/sh\nexit 1\n")
        (home / "bin" / tool).chmod(0o755)
    for name in BASE_CONFIG_FILES:
        (home / "config" / name).write_text("")
    monkeypatch.setenv("RECFIN_FABRIC_HOME", str(home))
    monkeypatch.delenv("RECFIN_FABRIC_BIN", raising=False)
    monkeypatch.delenv("RECFIN_FABRIC_CFG", raising=False)
    line = the_error_line(CliRunner().invoke(bench, ["--data-root", str(tmp_path / "network"), "--duration", "1"]))
    assert line.startswith("Error: no running network to benchmark (0/")
    assert "Fabric" not in line
    assert line.endswith(": start one with `recfin network up` and `recfin chaincode deploy`")
