"""`recfin org submit FILE --channel-only --topology T` says the commands to run next (`recfin org submit`, `recfin
org bundle`) with --topology T: pasted without it they read the default topology, another network's. The command
hands the topology it was given to the step that says them."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli.org_commands import org
from network.errors import NetworkError
from network.org_update_file import OrgUpdateFiles
from network.topology import load


def test_submit_hands_its_topology_to_the_next_steps(tmp_path, monkeypatch):
    topology = tmp_path / "our network.yaml"
    topology.write_text(load().model_dump_json())      # YAML reads JSON: a valid topology of another name
    update = tmp_path / "bank2.tx"
    update.write_bytes(b"read by the stand-in only")
    given = {}

    def submit_update_file(self, path, **options):
        given.update(options)
        raise NetworkError("stand-in: nothing submitted")

    monkeypatch.setattr(OrgUpdateFiles, "submit_update_file", submit_update_file)
    result = CliRunner().invoke(org, ["submit", str(update), "--channel-only", "--topology", str(topology),
                                      "--data-root", str(tmp_path / "data")])
    assert "stand-in: nothing submitted" in result.output, result.output
    assert Path(given["topology_path"]) == topology
