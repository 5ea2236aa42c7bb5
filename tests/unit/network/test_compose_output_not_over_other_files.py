"""`recfin network compose --write --output FILE` writes over a compose file it wrote, never another file.

It replaced whatever FILE was, in place: the topology given to --topology, or any file of the operator's
named by mistake, was lost without a word. Such a file is refused, nothing written; the command's own compose
file (and an empty file) is replaced, whole.
"""
from __future__ import annotations

import shutil

from click.testing import CliRunner

from cli.main import main
from network import compose
from network.fabric_bin import REPO_ROOT

TOPOLOGY = REPO_ROOT / "network" / "topology.yaml"


def compose_write(topology, output, tmp_path):
    return CliRunner().invoke(main, ["network", "compose", "--topology", str(topology), "--write",
                                     "--output", str(output)], env={"RECFIN_HOME": str(tmp_path / "home")})


def test_the_topology_and_other_files_are_refused_and_kept(tmp_path):
    topology = tmp_path / "topology.yaml"
    shutil.copy(TOPOLOGY, topology)
    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes\n")
    for kept in (topology, notes):
        before = kept.read_bytes()
        result = compose_write(topology, kept, tmp_path)
        assert result.exit_code == 1, result.output
        assert "did not write" in result.output and "nothing was written" in result.output
        assert kept.read_bytes() == before


def test_its_own_compose_file_and_an_empty_file_are_written_over(tmp_path):
    for name, first in (("docker-compose.yaml", "services: {}\n"), ("empty.yaml", "")):
        output = tmp_path / name
        output.write_text(compose.HEADER + first if first else "")
        result = compose_write(TOPOLOGY, output, tmp_path)
        assert result.exit_code == 0, result.output
        assert output.read_text().startswith(compose.HEADER) and "orderer0" in output.read_text()
