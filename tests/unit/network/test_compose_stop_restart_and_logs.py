"""How the containers live on an operator's Docker host: restarted, stopped with time to finish, logs bounded.

Checked on the committed docker-compose.yaml and on the compose file of every org's bundle as `org bundle` writes it
(each company runs that one on its own host).
"""
import re

import pytest
import yaml

from chaincode.shim.server import CUT_ANSWER_SECONDS, SHUTDOWN_GRACE_SECONDS
from network import bundle, compose
from network.fabric_bin import REPO_ROOT

DOCKER_DEFAULT_STOP_SECONDS = 10       # what `docker stop` and Compose wait without stop_grace_period


@pytest.fixture(scope="module")
def compose_files(tmp_path_factory, hosts, prepared_hosts) -> dict[str, dict]:
    """The committed file and each org's bundle's, by a name for the messages."""
    out = tmp_path_factory.mktemp("bundles")
    files = {"docker-compose.yaml": yaml.safe_load((REPO_ROOT / "docker-compose.yaml").read_text())}
    for org in hosts.orgs:
        written = bundle.write(hosts, prepared_hosts, org.name, out / org.name)
        files[f"{org.name}'s bundle"] = yaml.safe_load((written.root / bundle.COMPOSE_FILE).read_text())
    return files


def _services(compose_files):
    for where, document in compose_files.items():
        for name, service in document["services"].items():
            yield where, name, service


def _seconds(duration: str) -> float:
    """A Compose duration as these files write it ("15s", "1m30s")."""
    parts = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", duration)
    assert parts and duration, f"not a duration: {duration!r}"
    return 60 * int(parts[1] or 0) + int(parts[2] or 0)


def test_every_bundle_runs_its_orgs_peers_and_chaincode_server(compose_files, hosts):
    """What the checks below walk: every service of the network, in the committed file and in one bundle."""
    for org in hosts.orgs:
        names = set(compose_files[f"{org.name}'s bundle"]["services"])
        assert names == {p.hostname for p in hosts.peers() if p.org_name == org.name} | {
            hosts.chaincode_server_host(org)}


def test_every_containers_log_is_rotated(compose_files):
    """Docker's json-file driver keeps the whole log by default: a peer's would fill the disk."""
    for where, name, service in _services(compose_files):
        logging = service.get("logging")
        assert logging is not None, f"{where}: {name} has no logging: its log grows without bound"
        assert logging["driver"] == "json-file", f"{where}: {name}"
        options = logging["options"]
        assert re.fullmatch(r"[1-9]\d*[kmg]", options["max-size"]), f"{where}: {name} {options}"
        assert int(options["max-file"]) >= 2, f"{where}: {name} {options}"


def test_a_chaincode_server_is_given_the_time_its_own_stop_takes(compose_files, hosts):
    """Its stop lets transactions run SHUTDOWN_GRACE_SECONDS, then answers the cut ones within CUT_ANSWER_SECONDS:
    killed before that, its peer gets no answer. Twice that, for a host under load."""
    servers = {hosts.chaincode_server_host(org) for org in hosts.orgs}
    needed = 2 * (SHUTDOWN_GRACE_SECONDS + CUT_ANSWER_SECONDS)
    seen = 0
    for where, name, service in _services(compose_files):
        assert "stop_grace_period" in service, (
            f"{where}: {name} is killed {DOCKER_DEFAULT_STOP_SECONDS}s after SIGTERM (Docker's default)")
        grace = _seconds(service["stop_grace_period"])
        if name in servers:
            assert grace >= needed, f"{where}: {name} stop_grace_period {grace}s < {needed}s"
            seen += 1
        else:
            assert grace > DOCKER_DEFAULT_STOP_SECONDS, f"{where}: {name} stop_grace_period {grace}s"
    assert seen == 2 * len(servers)


def test_every_container_restarts_unprivileged(compose_files):
    """A node that crashes, or a host that reboots, brings the container back; none has more than a container's
    rights on the host, and no process in it gains more by executing a setuid file."""
    for where, name, service in _services(compose_files):
        assert service["restart"] == "unless-stopped", f"{where}: {name}"
        assert not service.get("privileged"), f"{where}: {name}"
        for key in ("cap_add", "devices", "network_mode", "pid", "ipc", "userns_mode"):
            assert key not in service, f"{where}: {name} sets {key}"
        assert service.get("security_opt") == ["no-new-privileges:true"], f"{where}: {name} may gain privileges"
        for volume in service.get("volumes", []):
            assert "docker.sock" not in volume, f"{where}: {name} mounts {volume}"


def test_the_settings_are_the_generators(compose_files):
    """One place decides them (network.compose), so the committed file and the bundles cannot differ."""
    for where, name, service in _services(compose_files):
        assert service["logging"] == compose.LOGGING, f"{where}: {name}"
        assert service["stop_grace_period"] in (compose.CHAINCODE_STOP_GRACE, compose.NODE_STOP_GRACE)
    # each service's own copy: written as YAML anchors and aliases, one service's settings would read as another's
    assert "&id0" not in (REPO_ROOT / "docker-compose.yaml").read_text()
