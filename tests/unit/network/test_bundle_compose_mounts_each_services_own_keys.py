"""Inside a company's bundle, each container is given its own keys alone, read-only.

The bundle holds the org's admin and users' keys beside its nodes' (the company's host needs them for `recfin host`
and its SDK clients); its compose file must hand a peer only its own MSP and TLS pair, and the chaincode server
only its server pair: a mount widened to the org's folder would give whoever breaks into a container the org
admin's key, which signs channel updates and chaincode approvals. Walked for every org's bundle as written.
"""
import re
from pathlib import Path

import pytest
import yaml

from network import bundle, ccservers
from network.crypto import org_crypto

PRIVATE_KEY = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----")


@pytest.fixture(scope="module")
def bundles(tmp_path_factory, hosts, prepared_hosts) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("bundles")
    return {org.name: bundle.write(hosts, prepared_hosts, org.name, out / org.name).root for org in hosts.orgs}


def _own_folder(hosts, root: Path, org_name: str, service: str) -> Path:
    """The folder of the service's own keys in the bundle: its peer's node folder, or its server's TLS folder."""
    org = hosts.org(org_name)
    if service == hosts.chaincode_server_host(org):
        return ccservers.server_tls_dir(hosts, root, org)
    assert service in {p.hostname for p in hosts.peers(org_name)}, service
    return org_crypto(root, org.name, org.domain).node_dir(service)


def _compose_documents(root: Path) -> list[dict]:
    """The bundle's compose file, and the override `docker compose` reads with it where the bundle has one."""
    return [yaml.safe_load((root / name).read_text()) for name in (bundle.COMPOSE_FILE, bundle.COMPOSE_OVERRIDE)
            if (root / name).is_file()]


def test_each_container_mounts_its_own_keys_only_read_only(bundles, hosts):
    seen = 0
    for org_name, root in bundles.items():
        for document in _compose_documents(root):
            for name, service in document["services"].items():
                own = _own_folder(hosts, root, org_name, name)
                for volume in service.get("volumes", []):
                    host, _container, *options = volume.split(":")
                    if not host.startswith("."):
                        continue          # the node's named ledger volume
                    source = (root / host).resolve()
                    assert source.is_relative_to(root.resolve()), f"{org_name}: {name} mounts {host}, outside it"
                    files = [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file()]
                    for path in files:
                        if PRIVATE_KEY.search(path.read_bytes()):
                            assert path.is_relative_to(own.resolve()), f"{org_name}: {name} is given {path}"
                            assert options == ["ro"], f"{org_name}: {name} may write {path}"
                            seen += 1
    # every peer's MSP key and TLS key, every chaincode server's TLS key: the walk reached them all
    assert seen == 2 * len(hosts.peers()) + len(hosts.orgs)


def test_the_bundle_holds_an_admin_key_no_container_is_given(bundles, hosts):
    """What the check above guards: keys in the bundle that no container needs."""
    for org_name, root in bundles.items():
        org = hosts.org(org_name)
        users = org_crypto(root, org.name, org.domain).root / "users"
        assert any(PRIVATE_KEY.search(p.read_bytes()) for p in users.rglob("*") if p.is_file()), org_name
