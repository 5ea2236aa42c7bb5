"""`recfin network compose --data-root DIR` refuses a DIR that is not there (a typo, the `.recfin/data` its
--help once gave): read as a folder with no membership.yaml, it gave topology.yaml's orgs alone, and `--write
--output` wrote that file (exit 0) as if it followed the orgs `recfin org add` recorded. The default folder,
which no command may have written yet, is still taken as no org added or removed. `compose-up` and
`compose-status` refuse one too, before looking for Fabric's CLIs: they went on to name the missing `peer` or to
ask the nodes as the admins of a folder holding no keys."""
import pytest
import yaml

from cli.main import main
from network import compose
from network.topology import load


def test_a_data_root_not_there_is_a_usage_error_naming_it_and_the_folders_recfin_writes(runner, tmp_path):
    missing, out = tmp_path / "data", tmp_path / "docker-compose.yaml"
    result = runner.invoke(main, ["network", "compose", "--data-root", str(missing), "--write",
                                  "--output", str(out)])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--data-root'" in result.stderr and f"{missing} does not exist" in result.stderr
    topology = load()
    assert str(topology.resolved_data_root()) in result.stderr
    assert str(compose.hosts_data_root(topology)) in result.stderr
    assert not out.exists() and not missing.exists()


def test_a_data_root_under_a_file_is_refused_when_only_printing(runner, tmp_path):
    (tmp_path / "a-file").write_text("x\n")
    result = runner.invoke(main, ["network", "compose", "--data-root", str(tmp_path / "a-file" / "hosts")])
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.stderr and result.stdout == ""


def test_the_default_folder_not_there_still_gives_the_topologys_file(runner, tmp_path, monkeypatch):
    monkeypatch.setenv(compose.DATA_VARIABLE, str(tmp_path / "hosts-not-prepared"))
    result = runner.invoke(main, ["network", "compose"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == yaml.safe_load(compose.render(compose.build(load())))


def test_an_existing_empty_data_root_is_no_org_added_or_removed(runner, tmp_path):
    result = runner.invoke(main, ["network", "compose", "--data-root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == yaml.safe_load(compose.render(compose.build(load())))


def test_the_help_example_names_a_folder_recfin_writes(runner):
    result = runner.invoke(main, ["network", "compose", "--help"])
    assert result.exit_code == 0
    assert ".recfin/data" not in result.output and "--data-root .recfin/network" in result.output


@pytest.mark.parametrize("command", [["compose-up"], ["compose-up", "--start"], ["compose-status"]],
                         ids=["compose-up", "compose-up --start", "compose-status"])
def test_the_compose_commands_name_a_data_root_not_there_and_the_folder_to_give(runner, tmp_path, command):
    missing = tmp_path / "hosts"
    compose_file = tmp_path / "docker-compose.yaml"
    compose_file.write_text("services: {}\n")
    extra = ["--compose-file", str(compose_file)] if command[0] == "compose-up" else []
    result = runner.invoke(main, ["network", *command, *extra, "--data-root", str(missing)])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--data-root'" in result.stderr and f"{missing} does not exist" in result.stderr
    assert "prepare --hostnames" in result.stderr and str(compose.hosts_data_root(load())) in result.stderr
    assert "Fabric" not in result.stderr and not missing.exists()
