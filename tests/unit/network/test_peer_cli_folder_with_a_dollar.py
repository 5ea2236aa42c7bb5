"""The `peer` CLI recfin runs as an org's admin finds its core.yaml through FABRIC_CFG_PATH, which viper expands:
`network up` and `prepare` refuse a data folder whose path holds a `$` it replaces, and so do the commands that run
the CLI from a folder prepare never saw refuse (a hosts data folder written before prepare asked, an unpacked
bundle), before anything is looked for or started."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from network import compose_up, nodeconfig
from network.fabric_bin import FabricInstall


@pytest.fixture
def nothing_runs(monkeypatch):
    def went_on(*_args, **_kwargs):
        pytest.fail("went on past the refusal")

    monkeypatch.setattr(FabricInstall, "locate", went_on)
    monkeypatch.setattr(compose_up, "start_containers", went_on)
    monkeypatch.setattr(compose_up.ComposeUp, "__init__", went_on)


@pytest.mark.parametrize("command", [["compose-up"], ["compose-up", "--start"], ["compose-status"]])
def test_a_hosts_data_folder_with_a_dollar_is_refused_before_anything_starts(command, nothing_runs, tmp_path):
    root = tmp_path / "ops$team" / "hosts"
    (root / "crypto").mkdir(parents=True)
    compose_file = tmp_path / "docker-compose.yaml"
    compose_file.write_text("services: {}\n")
    files = ["--compose-file", str(compose_file)] if command[0] == "compose-up" else []
    result = CliRunner().invoke(main, ["network", *command, "--data-root", str(root), *files])
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Error: {nodeconfig.data_root_path_problem(root, native=False)}\n"


def test_a_hosts_data_folder_given_relative_is_named_as_the_peer_cli_finds_it(tmp_path, monkeypatch):
    (tmp_path / "ops$team" / "hosts").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "ops$team")
    assert nodeconfig.hosts_data_root_problem(Path("hosts")) == nodeconfig.data_root_path_problem(
        tmp_path / "ops$team" / "hosts", native=False)
    assert nodeconfig.hosts_data_root_problem(tmp_path / "price$" / "hosts") is None


@pytest.mark.parametrize("command", [["host", "join"], ["host", "status"]])
def test_a_bundle_unpacked_under_a_dollar_is_refused_before_it_is_read(command, nothing_runs, tmp_path):
    bundle = tmp_path / "ops$team" / "bundle"
    bundle.mkdir(parents=True)
    result = CliRunner().invoke(main, [*command, "--bundle", str(bundle)])
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Error: the bundle's path holds a $ ({bundle}): the `peer` CLI recfin runs as an org's admin finds its "
        "core.yaml under it through FABRIC_CFG_PATH, in which Fabric's config reader (viper) replaces $NAME and "
        "${NAME} with that variable's value, so it would look for its configuration in another folder; give "
        "--bundle the bundle moved or unpacked to a folder whose path has no $\n")
