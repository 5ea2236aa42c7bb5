"""The ledger check reads each peer through queries that name only its org; with two peers in an org the
Gateway would pick the one with the highest ledger height, so the check refuses such a topology before it
connects, instead of reporting a peer it may not have read."""
from __future__ import annotations

import pytest

from bench import ledger_check
from network.topology import Topology, load


def with_a_second_peer(org_name: str) -> Topology:
    layout = load().model_dump(mode="json", exclude_none=True)
    org = next(org for org in layout["orgs"] if org["name"] == org_name)
    org["peers"].append({"name": "peer1", "port": 9151, "chaincode_port": 9152, "operations_port": 9448})
    return Topology.model_validate(layout)


def test_the_default_topology_has_one_peer_per_org_and_is_checked():
    ledger_check.refuse_orgs_sharing_a_gateway(load())


def test_an_org_with_two_peers_is_refused_before_anything_is_connected(tmp_path, monkeypatch):
    from cli import connection

    touched = []
    monkeypatch.setattr(connection, "open_session", lambda *args, **kwargs: touched.append("session"))
    monkeypatch.setattr(ledger_check, "connect_peer", lambda *args: touched.append("peer"))
    with pytest.raises(ValueError) as refused:
        ledger_check.verify(["tx-1"], ["R-1"], with_a_second_peer("bank"), tmp_path)
    message = str(refused.value)
    assert "org bank has 2 peers (peer0.bank, peer1.bank)" in message
    assert "highest ledger height" in message and "one peer per org" in message
    assert touched == []
