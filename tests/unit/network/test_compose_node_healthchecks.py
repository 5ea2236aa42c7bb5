"""Every orderer and peer of docker-compose.yaml has a healthcheck asking its own operations endpoint's /healthz,
so that `docker ps` and `docker compose ps` say whether a node is healthy, not only whether its process runs.

The official images hold neither curl nor python: the check is sh, with bash's /dev/tcp where bash is (the
Ubuntu-based images) and busybox's wget where it is not (the Alpine-based ones). It is run here, as Docker runs a
CMD-SHELL test (`/bin/sh -c`), against a local stand-in of the operations endpoint, once with bash on PATH and
once with only wget (and a proxy it must not use), as each image would run it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from network import compose
from network.fabric_bin import REPO_ROOT
from network.topology import load, parse

from .operations_stand_in import with_operations_ports

COMPOSE = REPO_ROOT / "docker-compose.yaml"


def test_every_orderer_and_peer_of_the_committed_file_checks_its_own_operations_endpoint():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    nodes = load().on_hosts().nodes()
    assert nodes
    for node in nodes:
        check = services[node.hostname]["healthcheck"]
        kind, command = check["test"]
        assert kind == "CMD-SHELL"
        port = node.ports["operations_port"]
        assert f"/dev/tcp/127.0.0.1/{port} " in command and f"http://127.0.0.1:{port}/healthz" in command
        assert "$" not in command       # compose would read it as a variable
        assert check["start_period"] and check["retries"] >= 1


def test_no_service_waits_on_another_to_start():
    """Nothing in the network needs another node healthy to start (peers dial orderers once joined, chaincode
    servers are dialled at invoke), and a dependency on an orderer's health would fail `up -d` with one orderer
    down, which Raft tolerates."""
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert not [name for name, service in services.items() if "depends_on" in service]


@pytest.fixture
def checks(operations) -> dict[str, str]:
    """Each node's healthcheck command, its operations port moved to the node's stand-in."""
    topology = parse(with_operations_ports(load().model_dump(mode="json", exclude_none=True), operations))
    document = compose.build(topology)
    return {node.name: document["services"][node.hostname]["healthcheck"]["test"][1]
            for node in topology.on_hosts().nodes()}


def _only(tmp_path: Path, *tools: str) -> str:
    """A PATH holding only these tools (and sh): an image without bash, or without wget."""
    folder = tmp_path / "image-bin"
    folder.mkdir(exist_ok=True)
    for tool in ("sh", *tools):
        found = shutil.which(tool)
        if found is None:
            pytest.skip(f"{tool} is not installed here")
        (folder / tool).symlink_to(found)
    return str(folder)


def _check(command: str, path: str | None = None) -> int:
    env = {**os.environ, "http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    if path is not None:
        env["PATH"] = path
    return subprocess.run(["/bin/sh", "-c", command], env=env, capture_output=True, timeout=30).returncode


@pytest.mark.parametrize("image", ["bash", "wget"])
def test_the_check_passes_on_ok_and_fails_on_503_or_nothing_listening(checks, operations, tmp_path, image):
    path = None if image == "bash" else _only(tmp_path, "head", "grep", "wget")
    if image == "bash" and shutil.which("bash") is None:
        pytest.skip("bash is not installed here")
    assert _check(checks["peer0.bank"], path) == 0
    assert _check(checks["orderer1.orderer"], path) == 0
    operations.unhealthy.add("peer0.bank")
    assert _check(checks["peer0.bank"], path) != 0
    operations.servers["orderer1.orderer"].shutdown()
    operations.servers["orderer1.orderer"].server_close()
    assert _check(checks["orderer1.orderer"], path) != 0
