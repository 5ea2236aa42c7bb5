"""A ledger command given no --data-root looks for the connection profiles in the data folder of the topology
RECFIN_TOPOLOGY names. One that named a file not there, a folder, or YAML indented with a tab failed with the
topology's own words alone (`topo.yaml: not valid YAML at line 2...`, the file's name without its folder), which
say nothing of the variable the operator set, maybe long before. The line now names the variable, its value and
what to do. --data-root, given, wins: the variable is then not read."""
from __future__ import annotations

import pytest

from cli.main import main

COMMAND = ["receivable", "get", "R-0123456789abcdef", "--as", "supplier"]


@pytest.mark.parametrize("topology", ["missing", "folder", "tab"])
def test_an_unreadable_topology_variable_is_named(runner, tmp_path, topology):
    path = tmp_path / "topology.yaml"
    if topology == "folder":
        path.mkdir()
    elif topology == "tab":
        path.write_text("orgs:\n\t- name: supplier\n")

    result = runner.invoke(main, COMMAND, env={"RECFIN_TOPOLOGY": str(path)})
    assert result.exit_code == 1, result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"Error: RECFIN_TOPOLOGY={path} names no topology that can be read ("), line
    assert "correct RECFIN_TOPOLOGY or unset it" in line and "--data-root" in line, line
    if topology == "tab":
        assert "line 2" in line, line


def test_data_root_given_wins_over_the_variable(runner, network_copy, tmp_path):
    from network import profiles
    from network.topology import load

    profiles.write_all(load(), network_copy)
    missing = tmp_path / "not-there.yaml"
    result = runner.invoke(main, [*COMMAND, "--data-root", str(network_copy), "--timeout", "1"],
                           env={"RECFIN_TOPOLOGY": str(missing)})
    # the profile was read from --data-root: what fails is the connection to a network that is not up
    assert "RECFIN_TOPOLOGY" not in result.output and "is the network up?" in result.output, result.output
