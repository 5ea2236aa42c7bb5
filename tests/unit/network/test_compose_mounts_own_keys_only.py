"""No container is given another org's private key, and none may write the key material it is given.

Derived from the topology: each service of the whole-network compose file and of every org's bundle
compose file is the node or chaincode server of one org (the orderers the ordering org's), and every
private key found under what it mounts from a data folder the real generator filled must lie in that
org's own crypto folder, mounted read-only. A mount widened to an org's whole folder, or to crypto/,
would hand a peer (and whoever breaks into its container) the org admin's or another company's keys.
"""
from pathlib import Path

import pytest

from network import compose
from network.crypto import org_crypto
from network.topology import Topology


def _own_crypto(topology: Topology, service: str, data: Path) -> Path:
    """The crypto folder of the org whose node or chaincode server the service is."""
    for node in topology.nodes():
        if node.hostname == service:
            org = topology.orderer_org if node.kind == "orderer" else topology.org(node.org_name)
            return org_crypto(data, org.name, org.domain).root
    [org] = [o for o in topology.orgs if topology.chaincode_server_host(o) == service]
    return org_crypto(data, org.name, org.domain).root


def _data_mounts(service: dict, data_prefix: str, data: Path) -> list[tuple[Path, list[str]]]:
    """(host path, options after the container path) of each mount from the data folder."""
    out = []
    for volume in service.get("volumes", []):
        if volume.startswith(data_prefix):
            host, _container, *options = volume.replace(data_prefix, str(data), 1).split(":")
            out.append((Path(host), options))
    return out


def _private_keys(path: Path) -> list[Path]:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return [f for f in files if b"PRIVATE KEY" in f.read_bytes()]


@pytest.mark.parametrize("orgs", [None, "each org's bundle"])
def test_each_container_mounts_only_its_own_orgs_keys_read_only(hosts, hosts_data, orgs):
    documents = ([(compose.build(hosts, str(hosts_data)), str(hosts_data))] if orgs is None else
                 [(compose.build(hosts, ".", orgs=[org.name]), ".") for org in hosts.orgs])
    seen = 0
    for document, prefix in documents:
        for name, service in document["services"].items():
            own = _own_crypto(hosts, name, hosts_data)
            for host, options in _data_mounts(service, prefix, hosts_data):
                assert host.exists(), f"{name} mounts {host}, which the generator did not write"
                for key in _private_keys(host):
                    assert key.is_relative_to(own), f"{name} is given {key}, outside its org's {own}"
                    assert options == ["ro"], f"{name} may write {host}, which holds the private key {key}"
                    seen += 1
    # every node's MSP and TLS key, every chaincode server's TLS key: the check looked at them all
    assert seen == (2 * len(hosts.nodes()) if orgs is None else 2 * len(hosts.peers())) + len(hosts.orgs)
