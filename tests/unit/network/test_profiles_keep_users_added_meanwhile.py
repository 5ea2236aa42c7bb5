"""`recfin network up` takes minutes and writes the connection profiles last, holding the run lock;
`recfin org user add` holds only the data folder's membership lock, records its user and writes the profiles
naming it. Run in another terminal while `up` started the nodes, the user was dropped from the profiles `up`
wrote from the users it had read at its start, and `--as ORG/USER` no longer found it.

The steps of `up` that need Fabric's binaries and running nodes are stood in for; the user is issued by the
real CLI in a process of its own, while `up` starts the chaincode servers.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from network import Network, builder, channel, membership, nodeconfig
from network.control import run_lock

REPO = Path(__file__).parents[3]


def _user_added_by_another_process(data_root: Path, org: str, user: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "RECFIN_TOPOLOGY"}
    done = subprocess.run([sys.executable, "-m", "cli", "org", "user", "add", org, user, "--data-root",
                           str(data_root), "--json"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr


def test_up_keeps_in_the_profiles_a_user_another_process_added_while_it_ran(topology, data_root, monkeypatch):
    net = Network(topology, data_root=data_root)      # `up` begins: the orgs and their users are read now
    monkeypatch.setattr(channel, "check_addresses_kept", lambda *_: None)
    monkeypatch.setattr(builder, "install", lambda *_: None)
    monkeypatch.setattr(nodeconfig, "write_node_config", lambda *_: None)
    monkeypatch.setattr(channel, "create_genesis_block", lambda *_: (data_root / "genesis.block", False))
    monkeypatch.setattr(channel, "join_orderer", lambda *_: False)
    monkeypatch.setattr(channel, "join_peer", lambda *_: False)
    monkeypatch.setattr(net, "_start_node", lambda _node: None)
    monkeypatch.setattr(net, "wait_for_raft_leader", lambda: None)
    monkeypatch.setattr(net, "wait_for_heights", lambda: None)
    monkeypatch.setattr(net, "status", lambda: [])

    def servers_started_meanwhile() -> list:
        _user_added_by_another_process(data_root, "bank", "officer9")
        return []
    monkeypatch.setattr(net, "start_chaincode_servers", servers_started_meanwhile)

    with run_lock(data_root, "recfin network up"):
        net._up()

    assert [u.name for u in membership.recorded_users(data_root, "bank")] == ["officer9"]
    profile = json.loads((data_root / "profiles" / "bank.json").read_text())
    assert "officer9" in profile["users"], sorted(profile["users"])
    assert {"officer1", "officer2", "admin"} <= set(profile["users"])
