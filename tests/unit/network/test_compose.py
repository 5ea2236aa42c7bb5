"""docker-compose.yaml: generated from the topology, committed, and consistent with it."""
import ast
import io
import json
import re
import shlex
import subprocess
import sys
import tarfile
import tomllib
import gzip
from importlib import metadata
from pathlib import Path, PurePosixPath

import pytest
import yaml
from click.testing import CliRunner
from cryptography import x509
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from cli.main import main
from chaincode import entrypoint
from chaincode.receivables import config as contract
from network import compose, contract_config, crypto, membership, nodeconfig
from network.fabric_bin import FABRIC_COMMIT, FABRIC_RELEASES, REPO_ROOT
from network.topology import OPERATIONS_PORT_SHIFT, load, parse

COMPOSE = REPO_ROOT / "docker-compose.yaml"
DOCKERFILE = REPO_ROOT / "Dockerfile"


@pytest.fixture(scope="module")
def hosts():
    return load().on_hosts()


@pytest.fixture(scope="module")
def doc():
    return yaml.safe_load(COMPOSE.read_text())


def _env_paths(value: str) -> list[str]:
    """Absolute paths in an env value: a path, or Fabric's [a,b] list of paths."""
    parts = value.strip("[]").split(",") if value.startswith("[") else [value]
    return [p for p in parts if p.startswith("/")]


def _mounts(service: dict) -> list[tuple[str, str]]:
    """(host, container) of each volume; the host side may start with ${VAR:-default}."""
    out = []
    for volume in service.get("volumes", []):
        prefix = ""
        if volume.startswith("${"):
            prefix, volume = volume[:volume.index("}") + 1], volume[volume.index("}") + 1:]
        host, container = volume.split(":")[:2]
        out.append((prefix + host, container))
    return out


def _host_side(service: dict, container_path: str) -> str | None:
    for host, container in _mounts(service):
        if container_path == container or container_path.startswith(container + "/"):
            return host + container_path[len(container):]
    return None


# ---- the committed file is the generator's output ---------------------------------------
def test_committed_compose_file_is_what_the_generator_writes():
    assert COMPOSE.read_text() == compose.render(compose.build(load())), \
        "docker-compose.yaml is stale: run `recfin network compose --write`"


def test_compose_cli_prints_the_committed_document():
    printed = CliRunner().invoke(main, ["network", "compose"])
    assert printed.exit_code == 0, printed.output
    assert printed.output == COMPOSE.read_text()


def test_a_compose_file_written_elsewhere_builds_and_mounts_from_the_repository(tmp_path):
    """Compose reads a relative build context and data folder from the file's own folder, not the repository."""
    target = tmp_path / "deploy" / "docker-compose.yaml"
    target.parent.mkdir()
    written = CliRunner().invoke(main, ["network", "compose", "--write", "--output", str(target)])
    assert written.exit_code == 0, written.output
    doc = yaml.safe_load(target.read_text())
    builds = [svc["build"] for svc in doc["services"].values() if "build" in svc]
    assert len(builds) == 4
    for build in builds:
        context = target.parent / build["context"]
        assert (context / build["dockerfile"]).read_text() == DOCKERFILE.read_text()
        assert (context / ".dockerignore").read_text() == (REPO_ROOT / ".dockerignore").read_text()
    # the data folder's fallback is the repository's .recfin/hosts, where `prepare --hostnames` writes
    [fallback] = set(re.findall(r"\$\{" + compose.DATA_VARIABLE + r":-([^}]*)\}", target.read_text()))
    assert (target.parent / fallback).resolve() == REPO_ROOT / ".recfin" / "hosts"
    # nothing else differs from the committed file
    repository = builds[0]["context"]
    assert json.dumps(doc).replace(f'"context": "{repository}"', '"context": "."').replace(
        f":-{repository}/", ":-./") == json.dumps(yaml.safe_load(COMPOSE.read_text()))


def test_a_compose_file_in_the_repository_names_it_relatively():
    assert compose.repository_from(REPO_ROOT) == "."
    assert compose.repository_from(REPO_ROOT / "deploy" / "staging") == "../.."
    assert compose.repository_from(REPO_ROOT.parent) == REPO_ROOT.as_posix()     # outside: by its absolute path
    assert compose.data_folder("..") == "${" + compose.DATA_VARIABLE + ":-../.recfin/hosts}"


def test_compose_file_parses_with_a_service_per_node_and_chaincode_server(doc, hosts):
    expected = {n.hostname for n in hosts.nodes()} | {hosts.chaincode_server_host(o) for o in hosts.orgs}
    assert set(doc["services"]) == expected
    assert len(doc["services"]) == 3 + 4 + 4
    assert doc["name"] == hosts.name
    assert set(doc["volumes"]) == {f"{n.name}-data" for n in hosts.nodes()}


# ---- every service agrees with the topology -------------------------------------------------
def test_the_images_are_the_release_of_the_fabric_commit_the_clis_are_built_from():
    release = FABRIC_RELEASES[FABRIC_COMMIT]
    assert compose.IMAGES == {"peer": f"hyperledger/fabric-peer:{release}",
                              "orderer": f"hyperledger/fabric-orderer:{release}"}
    # the install script and the deployment guide name the same release
    install_fabric = (REPO_ROOT / "scripts" / "install-fabric").read_text()
    assert re.search(rf"^FABRIC_RELEASE={re.escape(release)}\b", install_fabric, re.M)
    guide = (REPO_ROOT / "docs" / "deployment.md").read_text()
    assert set(re.findall(r"hyperledger/fabric-(?:peer|orderer):([\w.]+)", guide)) == {release}


def test_nodes_use_the_official_images_of_the_pinned_release(doc, hosts):
    for node in hosts.nodes():
        svc = doc["services"][node.hostname]
        assert svc["image"] == f"hyperledger/fabric-{node.kind}:{FABRIC_RELEASES[FABRIC_COMMIT]}"
        assert svc["hostname"] == svc["container_name"] == node.hostname
        assert svc["networks"] == [compose.NETWORK]


def test_ports_msp_ids_and_addresses_follow_the_topology(doc, hosts):
    for node in hosts.nodes():
        svc, env = doc["services"][node.hostname], doc["services"][node.hostname]["environment"]
        published = {int(p.rsplit(":", 2)[-2]) for p in svc["ports"]}
        assert all(p.rsplit(":", 2)[-2] == p.rsplit(":", 2)[-1] for p in svc["ports"])
        assert published == {v for k, v in node.ports.items() if k != "chaincode_port"}
        # the operations endpoint (no TLS, so no authorization) on the Docker host's loopback alone
        operations = node.ports["operations_port"]
        assert f"127.0.0.1:{operations}:{operations}" in svc["ports"]
        assert [p for p in svc["ports"] if p.count(":") == 2] == [f"127.0.0.1:{operations}:{operations}"]
        assert env["CORE_OPERATIONS_TLS_ENABLED" if node.kind == "peer" else "ORDERER_OPERATIONS_TLS_ENABLED"] \
            == "false"
        if node.kind == "peer":
            assert env["CORE_PEER_LOCALMSPID"] == node.msp_id
            assert env["CORE_PEER_ADDRESS"] == f"{node.hostname}:{node.ports['port']}"
            assert env["CORE_PEER_LISTENADDRESS"] == f"0.0.0.0:{node.ports['port']}"
            assert env["CORE_PEER_GOSSIP_EXTERNALENDPOINT"] == f"{node.hostname}:{node.ports['port']}"
            assert env["CORE_PEER_CHAINCODEADDRESS"] == f"{node.hostname}:{node.ports['chaincode_port']}"
            assert env["CORE_OPERATIONS_LISTENADDRESS"] == f"0.0.0.0:{node.ports['operations_port']}"
        else:
            assert env["ORDERER_GENERAL_LOCALMSPID"] == node.msp_id
            assert env["ORDERER_GENERAL_LISTENADDRESS"] == "0.0.0.0"
            assert env["ORDERER_GENERAL_LISTENPORT"] == str(node.ports["port"])
            assert env["ORDERER_ADMIN_LISTENADDRESS"] == f"0.0.0.0:{node.ports['admin_port']}"
            assert env["ORDERER_GENERAL_BOOTSTRAPMETHOD"] == "none"
        assert env["FABRIC_CFG_PATH"] == (compose.PEER_CFG_PATH if node.kind == "peer" else "/etc/hyperledger/fabric")
        if node.kind == "peer":
            assert svc["command"] == ["sh", "-c", compose.peer_start_script()]
            assert svc["command"][2].endswith("exec peer node start")
        else:
            assert svc["command"] == ["orderer"]
        # Same overrides as the native runtime, seen from the container (only the config path differs).
        native = nodeconfig.node_env(hosts, compose.CONTAINER_ROOT, node)
        assert {k: v for k, v in env.items() if k != "FABRIC_CFG_PATH"} == \
               {k: v for k, v in native.items() if k != "FABRIC_CFG_PATH"}


# A stand-in for the vm and chaincode sections of Fabric's sampleconfig core.yaml, which the
# peer image ships as /etc/hyperledger/fabric/core.yaml.
CORE_YAML = """\
peer:
  id: jdoe
  gossip:
    endpoint:
  handlers:
    authFilters:
      -
        name: DefaultAuth
      -
        name: ExpirationCheck    # This filter checks identity x509 certificate expiration
vm:
  endpoint: unix:///var/run/docker.sock
  docker:
    tls:
      enabled: false
chaincode:
  externalBuilders:
    - name: ccaas_builder
      path: /opt/hyperledger/ccaas_builder
"""


def start_peer_from(tmp_path, image_core_yaml: str) -> subprocess.CompletedProcess:
    """Runs a compose peer's start script (its start command an echo of "started") over an image whose core.yaml
    is ``image_core_yaml``; the core.yaml it writes is tmp_path/cfg/core.yaml."""
    image_cfg = tmp_path / "image"
    image_cfg.mkdir()
    (image_cfg / "core.yaml").write_text(image_core_yaml)
    script = compose.peer_start_script(str(image_cfg), str(tmp_path / "cfg"), start="echo started")
    return subprocess.run(["sh", "-c", script], capture_output=True, text=True)


def test_the_peer_starts_from_the_images_core_yaml_with_docker_off(tmp_path):
    done = start_peer_from(tmp_path, CORE_YAML)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "started"
    core = yaml.safe_load((tmp_path / "cfg" / "core.yaml").read_text())
    assert core["vm"]["endpoint"] == ""
    assert core["chaincode"]["externalBuilders"] == [{"name": "ccaas_builder", "path": "/opt/hyperledger/ccaas_builder"}]
    image_peer = yaml.safe_load(CORE_YAML)["peer"]
    image_peer["handlers"]["authFilters"].append({"name": "TimeWindowCheck"})   # the peers check timestamps
    assert core["peer"] == image_peer


def test_the_peer_refuses_to_start_when_the_edit_finds_nothing(tmp_path):
    done = start_peer_from(tmp_path, CORE_YAML.replace("unix:///var/run/docker.sock", "tcp://docker:2375"))
    assert done.returncode == 1 and "started" not in done.stdout
    assert "could not empty vm.endpoint" in done.stderr


def test_compose_values_hold_no_variable_but_the_data_folder():
    text = COMPOSE.read_text()
    assert set(re.findall(r"\$\{?[A-Za-z_]+", text)) == {"${" + compose.DATA_VARIABLE}


# a port published on the Docker host's loopback alone (`127.0.0.1:P:P`): no address any node dials
LOOPBACK_PUBLISHED = re.compile(r"^ *- 127\.0\.0\.1:(\d+):\1\n", re.MULTILINE)


def test_nothing_dials_or_advertises_the_loopback_address(doc, hosts):
    text = COMPOSE.read_text()
    assert LOOPBACK_PUBLISHED.search(text)        # the operations ports
    assert "localhost" not in text
    # An orderer's or peer's healthcheck asks its own operations endpoint on its container's loopback, which is
    # no address another node dials: the file without those checks names 127.0.0.1 only where it publishes.
    nodes = {node.hostname: node for node in hosts.nodes()}
    for name, service in doc["services"].items():
        if name in nodes:
            assert service["healthcheck"] == compose.node_healthcheck(nodes[name].ports["operations_port"])
    unchecked = {**doc, "services": {name: {key: value for key, value in service.items()
                                            if not (key == "healthcheck" and name in nodes)}
                                     for name, service in doc["services"].items()}}
    assert "127.0.0.1" not in LOOPBACK_PUBLISHED.sub("", compose.render(unchecked))


def test_every_path_a_node_reads_is_mounted_from_the_generated_data_folder(doc, hosts, tmp_path):
    data = tmp_path / "hosts"
    crypto.generate(hosts, data)
    for node in hosts.nodes():
        svc = doc["services"][node.hostname]
        data_dir = nodeconfig.node_dirs(compose.CONTAINER_ROOT, node.name).data.as_posix()
        assert f"{node.name}-data:{data_dir}" in svc["volumes"]
        for host, _ in _mounts(svc):
            if host.startswith("${"):
                assert host.startswith(compose.DEFAULT_DATA)
        checked = 0
        for key, value in svc["environment"].items():
            for path in _env_paths(value):
                if path.startswith(data_dir):
                    continue            # ledger, WAL, snapshots: the node's named volume
                if not path.startswith(compose.CONTAINER_ROOT.as_posix() + "/"):
                    assert path in (compose.IMAGE_CFG_PATH, compose.PEER_CFG_PATH), f"{key}={path}"  # image config
                    continue
                host = _host_side(svc, path)
                assert host is not None, f"{node.hostname} {key}={path} is not mounted"
                real = Path(host.replace(compose.DEFAULT_DATA, str(data), 1))
                assert real.exists(), f"{node.hostname} {key}: {real} does not exist"
                checked += 1
        assert checked >= 4         # MSP, TLS cert, key and CA at least
        # read-only crypto, only the node's own folder
        crypto_mounts = [v for v in svc["volumes"] if "/crypto/" in v]
        assert len(crypto_mounts) == 1 and crypto_mounts[0].endswith(":ro")
        assert f"/nodes/{node.hostname}:" in crypto_mounts[0]


def test_tls_certificates_name_the_service_hostname(doc, hosts, tmp_path):
    data = tmp_path / "hosts"
    crypto.generate(hosts, data)
    for node in hosts.nodes():
        env = doc["services"][node.hostname]["environment"]
        path = env["CORE_PEER_TLS_CERT_FILE"] if node.kind == "peer" else env["ORDERER_GENERAL_TLS_CERTIFICATE"]
        real = Path(_host_side(doc["services"][node.hostname], path).replace(compose.DEFAULT_DATA, str(data), 1))
        cert = x509.load_pem_x509_certificate(real.read_bytes())
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert node.hostname in sans.get_values_for_type(x509.DNSName)


def test_chaincode_servers_serve_the_package_their_peer_installs(doc, hosts, tmp_path):
    crypto.generate(hosts, tmp_path)
    packages = compose.write_packages(hosts, tmp_path)
    for org in hosts.orgs:
        host = hosts.chaincode_server_host(org)
        svc = doc["services"][host]
        assert svc["build"] == {"context": ".", "dockerfile": "Dockerfile"}
        assert (REPO_ROOT / svc["build"]["context"] / svc["build"]["dockerfile"]).is_file()
        assert svc["command"] == ["python", "-m", "chaincode", "--contract", hosts.chaincode.contract]
        env = svc["environment"]
        assert env["RECFIN_MSP_ID"] == org.msp_id
        assert env["CHAINCODE_SERVER_ADDRESS"] == f"0.0.0.0:{org.chaincode_server_port}"
        # its healthcheck asks its own operations server, by its own service name at the port that server listens on
        operations_port = env["CHAINCODE_OPERATIONS_ADDRESS"].rsplit(":", 1)[1]
        check = svc["healthcheck"]["test"]
        assert check[:3] == ["CMD", "python", "-c"]
        assert re.findall(r"http://[^'\"]*", check[3]) == [f"http://{host}:{operations_port}/healthz"]
        # the other containers reach both: the peer its chaincode port, a scraper its operations port
        assert svc["expose"] == [str(org.chaincode_server_port), operations_port]
        # the package ID depends on the TLS material inside the package: read from the env file beside it
        assert "CHAINCODE_ID" not in env
        [env_file] = svc["env_file"]
        real_env_file = Path(env_file.replace(compose.DEFAULT_DATA, str(tmp_path), 1))
        assert real_env_file.read_text() == f"CHAINCODE_ID={packages[org.msp_id].package_id}\n"
        assert real_env_file.parent == packages[org.msp_id].path.parent
        # its TLS pair and client CA are mounted from the org's own chaincode server folder
        for key in ("CHAINCODE_TLS_CERT", "CHAINCODE_TLS_KEY", "CHAINCODE_TLS_CLIENT_CA"):
            real = Path(_host_side(svc, env[key]).replace(compose.DEFAULT_DATA, str(tmp_path), 1))
            assert real.is_file() and f"/crypto/{org.name}/chaincode/{host}/server/" in real.as_posix(), key
        # of the certificates its TLS CA issued, it accepts only the client pair inside the package
        client_cert = x509.load_pem_x509_certificate(
            (tmp_path / "crypto" / org.name / "chaincode" / host / "client" / "client.crt").read_bytes())
        assert env["CHAINCODE_TLS_CLIENT_NAMES"] == \
            client_cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
        assert all(v.endswith(":ro") for v in svc["volumes"])
        # the package's connection.json names the compose service, so the peer reaches this container
        with tarfile.open(packages[org.msp_id].path) as outer:
            code = outer.extractfile("code.tar.gz").read()
            meta = json.loads(outer.extractfile("metadata.json").read())
        with tarfile.open(fileobj=io.BytesIO(gzip.decompress(code))) as inner:
            conn = json.loads(inner.extractfile("connection.json").read())
        assert meta["type"] == "ccaas"
        assert conn["address"] == f"{host}:{org.chaincode_server_port}"
        assert conn["tls_required"] is True and conn["client_auth_required"] is True
        client = tmp_path / "crypto" / org.name / "chaincode" / host / "client"
        assert (conn["root_cert"], conn["client_cert"], conn["client_key"]) == tuple(
            (client / name).read_text() for name in ("ca.crt", "client.crt", "client.key"))
        assert host in doc["services"]


def test_every_chaincode_server_mounts_the_configuration_its_package_label_names(doc, hosts, tmp_path):
    crypto.generate(hosts, tmp_path)
    packages = compose.write_packages(hosts, tmp_path)
    config_file = tmp_path / "chaincode" / "receivables" / "network_config.json"
    cfg = contract.read_config(config_file)
    assert cfg == contract_config.network_config(hosts)
    for org in hosts.orgs:
        svc = doc["services"][hosts.chaincode_server_host(org)]
        path = svc["environment"][contract.CONFIG_ENV]
        assert path == "/var/recfin/chaincode/receivables/network_config.json"
        mounted = [v for v in svc["volumes"] if v.endswith(f":{path}:ro")]
        assert len(mounted) == 1, svc["volumes"]
        assert Path(_host_side(svc, path).replace(compose.DEFAULT_DATA, str(tmp_path), 1)) == config_file
        # what the server does at startup: the file has the digest its package label names
        env = {contract.CONFIG_ENV: str(config_file), contract.PACKAGE_ENV: packages[org.msp_id].package_id}
        assert contract.load_config(env) == cfg
    assert json.loads((tmp_path / "chaincode" / "receivables" / "collections_config.json").read_text()) == \
        contract_config.derived_collections(hosts)


def test_native_packages_still_name_the_listen_host():
    topo = load()
    org = topo.orgs[0]
    assert topo.chaincode_server_address(org) == f"127.0.0.1:{org.chaincode_server_port}"
    assert topo.chaincode_server_listen(org) == f"127.0.0.1:{org.chaincode_server_port}"
    assert topo.on_hosts().chaincode_server_address(org) == f"receivables.core.recfin.local:{org.chaincode_server_port}"
    assert all(n.bind_host is None and n.host == "127.0.0.1" for n in topo.nodes())


def test_hostnames_from_the_topology_reach_services_and_certificates(tmp_path):
    data = yaml.safe_load((REPO_ROOT / "network" / "topology.yaml").read_text())
    data["orgs"][1]["peers"][0]["hostname"] = "ledger.supplier.example.com"
    data["orgs"][1]["chaincode_server_host"] = "cc.supplier.example.com"
    topo = parse(data)
    doc = compose.build(topo)
    assert "ledger.supplier.example.com" in doc["services"]
    assert "cc.supplier.example.com" in doc["services"]
    env = doc["services"]["ledger.supplier.example.com"]["environment"]
    assert env["CORE_PEER_ADDRESS"] == "ledger.supplier.example.com:8051"
    crypto.generate(topo, tmp_path)
    cert = tmp_path / "crypto/supplier/nodes/ledger.supplier.example.com/tls/server.crt"
    sans = x509.load_pem_x509_certificate(cert.read_bytes()).extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    assert "ledger.supplier.example.com" in sans


def test_one_org_subset_has_its_peers_and_server_only(hosts):
    doc = compose.build(hosts, ".", orgs=["bank"])
    assert set(doc["services"]) == {"peer0.bank.recfin.local", "receivables.bank.recfin.local"}
    assert doc["services"]["peer0.bank.recfin.local"]["volumes"][0].startswith("./crypto/bank/nodes/")


def test_the_chaincode_image_is_built_from_the_checkout_never_pulled(doc, hosts):
    """A service with both build: and image: and no pull_policy is pulled first (docker.io/recfin/chaincode:local,
    whoever publishes it) and built only when that fails, and never rebuilt once the image exists: an upgraded
    checkout would start the old contract. pull_policy: build makes every `up` build from the checkout."""
    one_org = compose.build(hosts, ".", orgs=["bank"], chaincode_context="${RECFIN_SOURCE}")     # a bundle's
    for document, orgs in ((doc, hosts.orgs), (one_org, [hosts.org("bank")])):
        built = {name: svc for name, svc in document["services"].items() if "build" in svc}
        assert set(built) == {hosts.chaincode_server_host(o) for o in orgs}
        for name, svc in built.items():
            assert svc["image"] == compose.CHAINCODE_IMAGE
            assert svc.get("pull_policy") == "build", name
        # the Fabric images are pulled (from their publisher), never built
        assert all("build" not in svc for svc in document["services"].values() if svc["image"] != compose.CHAINCODE_IMAGE)


# ---- the chaincode image installs what the chaincode server imports, at pyproject.toml's pins --------
# scripts/install (which the README's two commands run) is the developer setup: the project editable, with its
# test extras. The image runs `python -m chaincode` alone, so its install step is compared with what the chaincode
# package imports and with the versions pyproject.toml allows, not with scripts/install.
def _pip_install_args(text: str) -> list[list[str]]:
    found = []
    for line in text.replace("\\\n", " ").splitlines():
        line = line.strip()
        if line.startswith("#") or not re.search(r"-m pip install\b", line):
            continue
        words = shlex.split(line)
        found.append(words[words.index("install") + 1:])
    return found


def _third_party_imports(package: Path) -> set[str]:
    """The top-level modules outside the standard library that the package's files import (anywhere in them)."""
    modules = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names}


def _with_their_requirements(names: set[str]) -> set[str]:
    """The distributions pip installs for `names` (their run-time requirements too, no extras)."""
    seen, todo = set(), [canonicalize_name(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.requires(name) or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(req.name))
    return seen


def _dockerfile_requirements() -> dict[str, Requirement]:
    """What the image's one pip install installs: the requirements file it names (-r), each line a requirement."""
    [args] = _pip_install_args(DOCKERFILE.read_text())
    [listed] = [args[i + 1] for i, a in enumerate(args) if a == "-r"]
    lines = (line.strip() for line in (REPO_ROOT / listed).read_text().splitlines())
    return {canonicalize_name(r.name): r for r in (Requirement(line) for line in lines if line and line[0] != "#")}


def test_dockerfile_install_step_is_the_readmes_for_a_chaincode_server_host():
    # the image is installed as the README tells a person to install the same thing
    [image] = _pip_install_args(DOCKERFILE.read_text())
    readme_text = (REPO_ROOT / "README.md").read_text()
    readme = _pip_install_args(readme_text)
    assert image in readme, f"the Dockerfile runs pip install {' '.join(image)}; the README gives {readme}"
    assert "-r" in image and not [a for a in image if a.startswith(".")], "the image installs a requirements file"
    # On a host (unlike the image's python:3.11-slim) the system Python may refuse a pip install (PEP 668, Debian
    # 12): the README installs with the Python of a venv it makes, and runs the server on that Python.
    [python] = [line.split()[0] for line in readme_text.splitlines() if re.search(r"-m pip install\b", line)]
    venv = PurePosixPath(python).parent.parent
    assert PurePosixPath(python) == venv / "bin" / "python", f"the README installs with {python}, no venv's Python"
    assert f"-m venv {venv}\n" in readme_text, f"the README does not make the venv {venv}"
    assert f"{python} -m chaincode " in readme_text, f"the README runs the server on another Python than {python}"


def test_dockerfile_installs_at_the_versions_pyproject_allows():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    pinned = {canonicalize_name(r.name): r for r in map(Requirement, project["dependencies"])}
    installed = _dockerfile_requirements()
    assert installed, "the Dockerfile's pip install names no package"
    for name, req in installed.items():
        assert name in pinned, f"the image installs {name}, which pyproject.toml's dependencies do not name"
        assert req.specifier == pinned[name].specifier, f"{name}: {req.specifier} in the Dockerfile, " \
                                                        f"{pinned[name].specifier} in pyproject.toml"


def test_dockerfile_installs_one_version_of_each_distribution_within_the_ranges_allowed():
    # Each org builds its own image, at its own time: with ranges alone, two orgs' servers could run different
    # releases (a pydantic that reads an argument another refuses) and their endorsements differ.
    [args] = _pip_install_args(DOCKERFILE.read_text())
    named = [args[i + 1] for i, a in enumerate(args) if a == "-c"]
    assert len(named) == 1, f"the image installs with {len(named)} constraints files (-c), not one"
    [constraints_file] = named
    lines = (line.strip() for line in (REPO_ROOT / constraints_file).read_text().splitlines())
    pins = {canonicalize_name(r.name): r for r in (Requirement(line) for line in lines if line and line[0] != "#")}
    for name, pin in pins.items():
        [spec] = pin.specifier
        assert spec.operator == "==" and "*" not in spec.version, f"{name}: {pin.specifier} is no one version"
    requirements = _dockerfile_requirements()
    assert set(pins) == _with_their_requirements(set(requirements)), \
        f"{constraints_file} pins {sorted(pins)}; the image installs {sorted(_with_their_requirements(set(requirements)))}"
    for name, req in requirements.items():
        [spec] = pins[name].specifier
        assert req.specifier.contains(spec.version, prereleases=True), \
            f"{name}: {constraints_file} pins {spec.version}, outside {req.specifier}"


def test_dockerfile_installs_exactly_what_the_chaincode_server_imports():
    installed = set(_dockerfile_requirements())
    distributions = metadata.packages_distributions()
    first_party = {p.rstrip("*") for p in re.findall(r'"([a-z]+)\*"', (REPO_ROOT / "pyproject.toml").read_text())}
    modules = _third_party_imports(REPO_ROOT / "chaincode") - {"chaincode"}
    assert "chaincode" in first_party and modules, modules
    # The image holds the chaincode package alone: another recfin package imported would be missing there.
    assert not modules & first_party, modules & first_party
    imported = {canonicalize_name(d) for m in modules for d in distributions[m]}
    assert imported <= _with_their_requirements(installed), imported - _with_their_requirements(installed)
    assert installed <= imported, f"installed, never imported by the chaincode package: {installed - imported}"


def _base_image(dockerfile: str, build_args: dict[str, str]) -> str:
    """The image the Dockerfile's one FROM names, as `docker build` reads it with build_args: the ARGs before the
    FROM give the defaults."""
    [base] = re.findall(r"^FROM (\S+)$", dockerfile, re.M)
    before = dockerfile[:dockerfile.index(f"FROM {base}")]
    values = dict(re.findall(r"^ARG (\w+)=(\S+)$", before, re.M)) | build_args
    return re.sub(r"\$\{(\w+)\}", lambda m: values[m[1]], base)


def test_dockerfile_is_python_311_slim_and_copies_the_chaincode_package_only():
    text = DOCKERFILE.read_text()
    assert _base_image(text, {}) == "python:3.11-slim"
    assert re.findall(r"^COPY .*$", text, re.M) == ["COPY chaincode/requirements.txt chaincode/constraints.txt "
                                                   "./chaincode/", "COPY chaincode ./chaincode"]
    assert re.search(r"^WORKDIR /opt/recfin$", text, re.M) and re.search(r"^ENV PYTHONPATH=/opt/recfin$", text, re.M)
    assert json.loads(re.search(r"^CMD (.*)$", text, re.M).group(1))[:3] == ["python", "-m", "chaincode"]


def test_the_base_image_is_pinned_by_digest_with_a_build_argument_the_dockerfile_unchanged():
    """No digest is recorded (none could be looked up where recfin is built): the operator's build argument gives one,
    from a compose file of their own that the generated files (written again by recfin) leave alone."""
    pinned = "python:3.11-slim@sha256:" + "0" * 64
    assert _base_image(DOCKERFILE.read_text(), {"PYTHON_IMAGE": pinned}) == pinned
    assert "`PYTHON_IMAGE`" in (REPO_ROOT / "docs" / "deployment.md").read_text()


def _dockerignore_pattern(pattern: str) -> re.Pattern:
    """A .dockerignore pattern as Docker matches it (Go's filepath.Match, with ** for any number of folders)."""
    out, i = "", 0
    pattern = pattern.strip("/")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def _sent_to_docker(path: str) -> bool:
    """Whether `docker build` sends the repository's file at path: the last .dockerignore line that matches the
    path or a folder above it decides, and one starting with ! sends it."""
    lines = [line.strip() for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()]
    parts = path.split("/")
    above = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    sent = True
    for line in lines:
        if not line or line.startswith("#"):
            continue
        excluded = not line.startswith("!")
        if any(_dockerignore_pattern(line.lstrip("!")).fullmatch(p) for p in above):
            sent = not excluded
    return sent


def test_the_build_context_sends_what_the_dockerfile_copies_and_nothing_else():
    """An operator's keys written anywhere in the repository must not go to a (possibly remote) Docker daemon."""
    copied = [line.split()[1] for line in DOCKERFILE.read_text().splitlines() if line.startswith("COPY ")]
    assert copied == ["chaincode/requirements.txt", "chaincode"]
    sources = [p for p in (REPO_ROOT / "chaincode").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert len(sources) > 20
    test_helpers = REPO_ROOT / "chaincode" / "testing"        # the unit tests' in-memory ledger
    for path in sources:
        assert _sent_to_docker(path.relative_to(REPO_ROOT).as_posix()) != path.is_relative_to(test_helpers), path
    assert any(path.is_relative_to(test_helpers) for path in sources)
    for path in sources:        # what the image holds runs without them
        if path.suffix == ".py" and not path.is_relative_to(test_helpers):
            for node in ast.walk(ast.parse(path.read_text())):
                named = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
                relative = isinstance(node, ast.ImportFrom) and node.level and (
                    "testing" in (node.module or "").split(".") or any(a.name == "testing" for a in node.names))
                assert not relative and not any(n.startswith("chaincode.testing") for n in named), path
    assert not _sent_to_docker("chaincode/receivables/__pycache__/contract.cpython-311.pyc")
    # every other top-level entry, and whatever an operator writes there
    for entry in REPO_ROOT.iterdir():
        if entry.name != "chaincode":
            assert not _sent_to_docker(f"{entry.name}/secret.key"), entry.name
            assert not _sent_to_docker(entry.name), entry.name
    for key in ("supplier-bundle/crypto/supplier/ca/ca.key",         # `org bundle supplier --out supplier-bundle`
                "my-hosts/crypto/bank/nodes/peer0.bank.recfin.local/tls/server.key",   # a --data-root in the repo
                ".recfin/hosts/crypto/orderer/ca/ca.key", "chaincode-keys/server.key"):
        assert not _sent_to_docker(key), key


def test_the_chaincode_image_starts_its_entry_point_as_root_which_drops_to_the_images_user(doc, hosts):
    """The mounted server.key is 0600, owned by a host uid: the entry point (root) copies it for recfin."""
    text = DOCKERFILE.read_text()
    assert not re.search(r"^USER ", text, re.M)          # started as root: a USER recfin could not read the key
    user = re.search(r"^RUN useradd --system .* (\S+)$", text, re.M).group(1)
    entry = json.loads(re.search(r"^ENTRYPOINT (.*)$", text, re.M).group(1))
    assert entry == ["python", "-m", "chaincode.entrypoint", "--user", user, "--"] and user == "recfin"
    for org in hosts.orgs:
        svc = doc["services"][hosts.chaincode_server_host(org)]
        # compose neither overrides the entry point nor picks a user; its command follows the entry point's --
        assert "entrypoint" not in svc and "user" not in svc
        assert set(entrypoint.FILE_VARIABLES) >= {k for k in svc["environment"] if k.startswith("CHAINCODE_TLS_")
                                                  and k != "CHAINCODE_TLS_CLIENT_NAMES"}


# ---- prepare: the generators without starting anything --------------------------------------
def test_prepare_for_the_native_runtime_writes_crypto_and_node_config_then_runs_configtxgen(fake_fabric, tmp_path):
    from network import Network
    from network.errors import ToolError

    net = Network(load(), data_root=tmp_path / "net")
    with pytest.raises(ToolError, match="configtxgen"):
        net.prepare()          # the placeholder configtxgen exits 1: everything before it is written
    root = tmp_path / "net"
    assert (root / "crypto" / "bank" / "nodes" / "peer0.bank.recfin.local" / "msp" / "signcerts" / "cert.pem").is_file()
    core = yaml.safe_load((root / "nodes" / "peer0.bank" / "config" / "core.yaml").read_text())
    assert core["chaincode"]["externalBuilders"][0]["path"] == str(root / "builder")
    assert "127.0.0.1:7050" in (root / "config" / "configtx.yaml").read_text()
    assert not (root / "nodes" / "peer0.bank" / "node.pid").exists()


def test_prepare_without_fabric_names_the_missing_tool(tmp_path, monkeypatch):
    from network import Network
    from network.errors import MissingBinariesError

    monkeypatch.setenv("RECFIN_FABRIC_HOME", str(tmp_path / "nofabric"))
    monkeypatch.delenv("RECFIN_FABRIC_BIN", raising=False)
    monkeypatch.delenv("RECFIN_FABRIC_CFG", raising=False)
    with pytest.raises(MissingBinariesError, match="configtxgen"):
        Network(load(), data_root=tmp_path / "net").prepare()
    assert not (tmp_path / "net").exists()    # native prepare checks the tools before writing anything


def test_a_hostname_used_twice_is_rejected_naming_both_owners():
    from network.errors import TopologyError

    data = yaml.safe_load((REPO_ROOT / "network" / "topology.yaml").read_text())
    data["orgs"][2]["chaincode_server_host"] = "peer0.supplier.recfin.local"
    with pytest.raises(TopologyError, match="hostname peer0.supplier.recfin.local is used twice: "
                                            "by peer0.supplier and by chaincode server of bank"):
        parse(data)


# ---- the channel's orgs as `recfin org add|remove` left them --------------------------------
BANK2_CODE = "91110000MA1K00006B"


def _compose_for(data_root: Path) -> dict:
    result = CliRunner().invoke(main, ["network", "compose", "--data-root", str(data_root)])
    assert result.exit_code == 0, result.output
    return yaml.safe_load(result.output)


def test_compose_takes_an_added_org_from_the_data_folders_membership(tmp_path):
    topology = load()
    membership.record_added(tmp_path, membership.new_org_spec(topology, "bank2", "bank", BANK2_CODE))
    channel = membership.effective(topology, tmp_path).on_hosts()
    doc = _compose_for(tmp_path)

    bank2 = channel.org("bank2")
    expected = {n.hostname for n in channel.nodes()} | {channel.chaincode_server_host(o) for o in channel.orgs}
    assert set(doc["services"]) == expected
    for node in channel.peers("bank2"):
        peer = doc["services"][node.hostname]
        assert peer["environment"]["CORE_PEER_LOCALMSPID"] == "Bank2MSP"
        assert f"{node.ports['port']}:{node.ports['port']}" in peer["ports"]
        assert compose.data_volume(node) in doc["volumes"]
    server = doc["services"][channel.chaincode_server_host(bank2)]
    assert server["environment"]["RECFIN_MSP_ID"] == "Bank2MSP"
    assert server["environment"]["CHAINCODE_SERVER_ADDRESS"] == channel.chaincode_server_listen(bank2)
    assert server["expose"] == [str(bank2.chaincode_server_port),
                                str(bank2.chaincode_server_port + OPERATIONS_PORT_SHIFT)]

    # every server mounts the contract configuration `prepare --hostnames` writes, which names Bank2MSP
    contract_config.write(channel, tmp_path)        # as `prepare --hostnames` does (write_packages)
    default_prefix = compose.DEFAULT_DATA
    for org in channel.orgs:
        svc = doc["services"][channel.chaincode_server_host(org)]
        host = _host_side(svc, svc["environment"][contract.CONFIG_ENV])
        config = json.loads(Path(host.replace(default_prefix, str(tmp_path))).read_text())
        assert "Bank2MSP" in config["org_roles"]


def test_compose_drops_a_removed_org_and_keeps_the_committed_file_topology_only(tmp_path):
    topology = load()
    membership.record_added(tmp_path, membership.new_org_spec(topology, "bank2", "bank", BANK2_CODE))
    membership.record_removed(tmp_path, "bank2")
    assert _compose_for(tmp_path) == yaml.safe_load(COMPOSE.read_text())     # added, then removed: gone

    membership.record_removed(tmp_path, "regulator")
    doc = _compose_for(tmp_path)
    hosts = load().on_hosts()
    gone = {n.hostname for n in hosts.peers("regulator")} | {hosts.chaincode_server_host(hosts.org("regulator"))}
    assert gone and not gone & set(doc["services"])
    assert not any(v.startswith("peer0.regulator") for v in doc["volumes"])

    before = COMPOSE.read_text()
    refused = CliRunner().invoke(main, ["network", "compose", "--data-root", str(tmp_path), "--write"])
    assert refused.exit_code != 0 and "--output" in refused.output
    assert COMPOSE.read_text() == before


def test_no_package_is_written_for_an_org_that_keeps_its_keys_on_its_own_host(hosts, tmp_path):
    import shutil
    root = tmp_path / "hosts"
    crypto.generate(hosts, root)
    bank = hosts.org("bank")
    keys = crypto.org_crypto(root, bank.name, bank.domain)
    keys.ca_key.unlink()            # what `recfin org keys` leaves here: certificates only
    shutil.rmtree(keys.root / "chaincode", ignore_errors=True)
    packages = compose.write_packages(hosts, root)
    assert "BankMSP" not in packages
    assert set(packages) == {o.msp_id for o in hosts.orgs} - {"BankMSP"}


def test_compose_write_takes_a_data_folder_that_records_only_users(tmp_path, monkeypatch):
    from network.topology import UserSpec

    data = tmp_path / "hosts"
    membership.record_user(data, "bank", UserSpec(name="officer3", attrs={"recfin.role": "financier",
                                                                         "recfin.enterprise": "91110000MA1K00006B"}))
    assert membership.effective(load(), data) != load()          # the users are in the channel's topology
    target = tmp_path / "docker-compose.yaml"                    # in place of the repository's file
    monkeypatch.setattr(compose, "COMPOSE_FILE", target)
    written = CliRunner().invoke(main, ["network", "compose", "--data-root", str(data), "--write"])
    assert written.exit_code == 0, written.output
    # topology.yaml's file, as written in that folder
    assert target.read_text() == compose.write(load(), tmp_path / "from-topology.yaml").read_text()


def test_the_deployment_guide_names_both_edits_of_the_peers_core_yaml_and_their_refusals(tmp_path):
    """docs/deployment.md says what the compose peer's command changes in the image's core.yaml and what it
    says when it cannot: the two lines a peer's log shows where that image's file differs."""
    guide = " ".join((REPO_ROOT / "docs" / "deployment.md").read_text().split())
    done = start_peer_from(tmp_path, CORE_YAML.replace("name: ExpirationCheck", "name: SomethingElse"))
    assert done.returncode == 1 and "could not add TimeWindowCheck" in done.stderr
    paragraph = guide[guide.index("/tmp/recfin-peer-config"):][:900]
    assert "`TimeWindowCheck` added after `ExpirationCheck` in `peer.handlers.authFilters`" in paragraph
    assert "`recfin: could not empty vm.endpoint ...`" in paragraph
    assert "`recfin: could not add TimeWindowCheck ...`" in paragraph
