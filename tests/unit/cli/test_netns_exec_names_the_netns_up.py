"""`recfin network netns exec` in an org whose namespace is not made names the `netns up` that makes it with the
options it was given, as `cut` and `restore` do: a bare `recfin network netns up` made namespaces under another
prefix (or wrote its topology into another folder), and the same exec failed again."""
from __future__ import annotations

import shlex

from click.testing import CliRunner

from cli.network_commands import network
from network import namespaces
from network.fabric_bin import REPO_ROOT


def test_exec_where_no_namespace_is_made_names_netns_up_with_every_option_given(tmp_path, monkeypatch):
    monkeypatch.setattr(namespaces, "_all_namespaces", lambda: [])
    monkeypatch.setattr(namespaces, "_link_exists", lambda name, netns=None: False)
    topology = tmp_path / "my topology.yaml"
    topology.write_text((REPO_ROOT / "network" / "topology.yaml").read_text())
    where = ["--topology", str(topology), "--folder", str(tmp_path / "ns"), "--prefix", "rfx",
             "--subnet", "10.213.9.0/24"]
    result = CliRunner().invoke(network, ["netns", "exec", "supplier", *where, "--", "true"])
    assert result.exit_code == 1, result.output
    assert result.output == (f"Error: no network namespace rfx-supplier: run `recfin network netns up "
                             f"{shlex.join(where)}` first\n")
