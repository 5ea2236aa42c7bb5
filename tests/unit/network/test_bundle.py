"""Per-org bundles: own keys only, every referenced path inside, hostnames from the topology."""
import hashlib
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from chaincode.receivables import config as contract
from cli.connection import default_user
from cli.org_commands import org as org_group
from network import bundle, compose, configtx, contract_config, crl, crypto, membership, profiles
from network.errors import NetworkError, NodeNotFoundError
from network.org_users import list_users

from .test_genesis_block_addresses import write_genesis_block

PRIVATE_KEY = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----")
ORGS = ["coreenterprise", "supplier", "bank", "regulator"]


@pytest.fixture(scope="module")
def bundles(tmp_path_factory, hosts, prepared_hosts) -> dict[str, bundle.Bundle]:
    out = tmp_path_factory.mktemp("bundles")
    return {org: bundle.write(hosts, prepared_hosts, org, out / org) for org in ORGS}



def _public_key_bytes(key_or_cert) -> bytes:
    pub = key_or_cert.public_key()
    return pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _foreign_private_keys(data_root: Path, org: str) -> set[bytes]:
    keys = set()
    for path in (data_root / "crypto").rglob("*"):
        if path.is_file() and path.relative_to(data_root / "crypto").parts[0] != org \
                and PRIVATE_KEY.search(path.read_bytes()):
            keys.add(_public_key_bytes(serialization.load_pem_private_key(path.read_bytes(), None)))
    return keys


@pytest.mark.parametrize("org", ORGS)
def test_every_private_key_in_the_bundle_is_one_of_the_orgs_own_identities(org, bundles, prepared_hosts, hosts):
    b = bundles[org]
    spec = hosts.org(org)
    ca = x509.load_pem_x509_certificate((prepared_hosts / "crypto" / org / "ca" / "ca.pem").read_bytes())
    tlsca = x509.load_pem_x509_certificate((prepared_hosts / "crypto" / org / "tlsca" / "tlsca.pem").read_bytes())
    foreign = _foreign_private_keys(prepared_hosts, org)
    found = 0
    for path in sorted(p for p in b.root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if not PRIVATE_KEY.search(data):
            continue
        found += 1
        rel = path.relative_to(b.root)
        assert rel.parts[:2] == ("crypto", org), f"{rel}: a private key outside the org's own folder"
        key = serialization.load_pem_private_key(data, None)
        assert _public_key_bytes(key) not in foreign, f"{rel} is another org's key"
        # its certificate sits next to it and was issued by this org's CA or TLS CA
        cert_path = path.parent.parent / "signcerts" / "cert.pem" if path.parent.name == "keystore" \
            else path.with_suffix(".crt")
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        assert _public_key_bytes(cert) == _public_key_bytes(key), f"{rel} does not match {cert_path.name}"
        assert cert.issuer in (ca.subject, tlsca.subject)
    # a signing key and a TLS key per peer and per user, the chaincode server's TLS key and its
    # peers' client key for it; never the CA keys
    assert found == 2 * (len(spec.peers) + 1 + len(spec.users)) + 2
    assert not list(b.root.rglob("ca.key")) and not list(b.root.rglob("tlsca.key"))


@pytest.mark.parametrize("org", ORGS)
def test_other_orgs_contribute_certificates_only(org, bundles, hosts):
    b = bundles[org]
    others = [o.name for o in hosts.orgs if o.name != org] + [hosts.orderer_org.name]
    for other in others:
        folder = b.root / "crypto" / other
        files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        assert files == ["ca/ca.pem", "msp/cacerts/ca.pem", "msp/config.yaml", "msp/tlscacerts/tlsca.pem",
                         "tlsca/tlsca.pem"]
        assert not (folder / "nodes").exists() and not (folder / "users").exists()


def _mount_sources(service: dict, root: Path) -> dict[str, Path]:
    out = {}
    for volume in service["volumes"]:
        host, container = volume.split(":")[:2]
        if host.startswith("./"):
            out[container] = root / host[2:]
    return out


@pytest.mark.parametrize("org", ORGS)
def test_every_path_the_bundle_refers_to_is_inside_it(org, bundles, hosts):
    b = bundles[org]
    manifest = json.loads((b.root / bundle.MANIFEST).read_text())
    assert manifest["msp_id"] == hosts.org(org).msp_id
    for rel in manifest["files"]:
        assert (b.root / rel).is_file(), rel
    # compose: every host folder mounted exists; every crypto path a container reads is under a mount
    doc = yaml.safe_load((b.root / "docker-compose.yaml").read_text())
    for name, svc in doc["services"].items():
        if "volumes" not in svc:
            continue
        mounts = _mount_sources(svc, b.root)
        assert mounts and all(p.exists() for p in mounts.values()), name
        checked = 0
        for key, value in svc["environment"].items():
            for path in (value.strip("[]").split(",") if value.startswith("[") else [value]):
                if not path.startswith("/var/recfin/crypto/"):
                    continue            # the image's config, or the ledger in the node's named volume
                source = next((src / path[len(c) + 1:] for c, src in mounts.items() if path.startswith(c + "/")), None)
                assert source is not None and source.exists(), f"{name} {key}={path}"
                checked += 1
        assert checked >= (3 if "env_file" in svc else 4)   # a chaincode server reads its TLS pair and client CA
    # endpoints.yaml: every TLS CA it names
    ends = yaml.safe_load((b.root / "endpoints.yaml").read_text())
    for entry in ends["orderers"] + ends["peers"]:
        assert (b.root / entry["tls_ca"]).is_file()
    # the connection profile: paths under the install root, each present in the bundle
    profile = profiles.load(org, b.root)
    paths = [profile.gateway.tls_root_cert] + [e.tls_root_cert for e in profile.peers + profile.orderers]
    for user in profile.users.values():
        paths += [user.msp_dir, user.cert, user.key, user.tls_cert, user.tls_key]
    for path in paths:
        rel = path.relative_to(bundle.DEFAULT_INSTALL_ROOT)
        assert (b.root / rel).exists(), path
    assert all(u.key.name.endswith("_sk") for u in profile.users.values())


@pytest.mark.parametrize("org", ORGS)
def test_endpoints_are_the_topology_hostnames(org, bundles, hosts):
    b = bundles[org]
    ends = yaml.safe_load((b.root / "endpoints.yaml").read_text())
    assert [(e["hostname"], e["port"]) for e in ends["orderers"]] == \
           [(n.hostname, n.ports["port"]) for n in hosts.orderers()]
    assert {(e["hostname"], e["port"], e["msp_id"]) for e in ends["peers"]} == \
           {(n.hostname, n.ports["port"], n.msp_id) for n in hosts.peers() if n.org_name != org}
    assert ends["own"]["chaincode_server"]["address"] == hosts.chaincode_server_address(hosts.org(org))
    profile = profiles.load(org, b.root)
    assert profile.gateway.address == f"{hosts.peers(org)[0].hostname}:{hosts.peers(org)[0].ports['port']}"
    assert [o.address for o in profile.orderers] == [n.address for n in hosts.orderers()]
    for path in b.root.rglob("*"):
        if path.is_file() and path.suffix in (".yaml", ".json", ".md"):
            # operations ports are published on the host's loopback alone: no address anything dials
            text = re.sub(r"^ *- 127\.0\.0\.1:(\d+):\1\n", "", _without_node_healthchecks(path, hosts),
                          flags=re.MULTILINE)
            assert "127.0.0.1" not in text and "localhost" not in text, path


def _without_node_healthchecks(path: Path, hosts) -> str:
    """The file's text, a compose file's orderer and peer healthchecks left out: each asks its own operations
    endpoint on its container's loopback, which is no address another node dials."""
    text = path.read_text()
    doc = yaml.safe_load(text) if path.suffix == ".yaml" else None
    if not (isinstance(doc, dict) and isinstance(doc.get("services"), dict)):
        return text
    nodes = {node.hostname: node for node in hosts.nodes()}
    for name, service in doc["services"].items():
        if name in nodes and "healthcheck" in service:
            assert service.pop("healthcheck") == compose.node_healthcheck(nodes[name].ports["operations_port"])
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, width=120)


@pytest.mark.parametrize("org", ORGS)
def test_compose_runs_the_orgs_own_nodes_with_its_own_package(org, bundles, hosts):
    b = bundles[org]
    spec = hosts.org(org)
    doc = yaml.safe_load((b.root / "docker-compose.yaml").read_text())
    assert set(doc["services"]) == {n.hostname for n in hosts.peers(org)} | {hosts.chaincode_server_host(spec)}
    server = doc["services"][hosts.chaincode_server_host(spec)]
    assert "CHAINCODE_ID" not in server["environment"]
    assert server["environment"]["RECFIN_MSP_ID"] == spec.msp_id
    packages = list((b.root / "chaincode").rglob("*.tar.gz"))
    assert [p.relative_to(b.root).parts[2] for p in packages] == [org]
    # the service reads its package ID from the env file next to the package it serves
    [env_file] = server["env_file"]
    manifest = json.loads((b.root / bundle.MANIFEST).read_text())
    assert (b.root / env_file).read_text() == f"CHAINCODE_ID={manifest['package_id']}\n"
    assert manifest["package_id"].endswith(hashlib.sha256(packages[0].read_bytes()).hexdigest())
    # the server accepts its peers' chaincode client pair alone, of all the certificates its TLS CA issued
    assert server["environment"]["CHAINCODE_TLS_CLIENT_NAMES"] == f"peer-client.{hosts.chaincode_server_host(spec)}"
    # each peer's operations endpoint (no TLS, so no authorization) is published on the host's loopback alone
    for node in hosts.peers(org):
        operations = node.ports["operations_port"]
        assert f"127.0.0.1:{operations}:{operations}" in doc["services"][node.hostname]["ports"]
        assert f"{operations}:{operations}" not in doc["services"][node.hostname]["ports"]


@pytest.mark.parametrize("org", ORGS)
def test_the_readme_says_how_the_containers_resolve_the_other_hosts_without_dns(org, bundles, hosts):
    # Containers on a compose network never read the host's /etc/hosts: the README gives the override that
    # hands every name the org's peers dial to those peers, as extra_hosts, for the company to fill in.
    b = bundles[org]
    readme = (b.root / "README.md").read_text()
    assert "do not read this host's /etc/hosts" in readme and "docker-compose.override.yaml" in readme
    lines = readme.splitlines()
    start = lines.index("       services:")
    block = [line[7:] for line in lines[start:] if line.startswith("       ") or not line.strip()]
    block = block[:next((i for i, line in enumerate(block) if not line.strip()), len(block))]
    override = yaml.safe_load("\n".join(block).replace("ADDRESS", "192.0.2.10"))
    ends = yaml.safe_load((b.root / "endpoints.yaml").read_text())
    dialled = [f"{e['hostname']}:192.0.2.10" for e in ends["orderers"] + ends["peers"]]
    assert override == {"services": {n.hostname: {"extra_hosts": dialled} for n in hosts.peers(org)}}
    compose = yaml.safe_load((b.root / "docker-compose.yaml").read_text())
    assert set(override["services"]) <= set(compose["services"])       # merged into services that exist
    assert {n.hostname for n in hosts.peers() if n.org_name != org} | {n.hostname for n in hosts.orderers()} == \
           {entry.split(":")[0] for entry in override["services"][hosts.peers(org)[0].hostname]["extra_hosts"]}


def _compose_variables(compose_file: Path, environment: dict[str, str]) -> str:
    """The compose file's text with ${NAME} and ${NAME:?message} replaced as `docker compose` does for every
    subcommand: from the environment, else from the .env file in the file's folder (the project folder). A
    required variable set in neither is Compose's error, its message included."""
    dotenv = compose_file.parent / ".env"
    values = dict(line.split("=", 1) for line in (dotenv.read_text().splitlines() if dotenv.is_file() else [])
                  if line.strip() and not line.lstrip().startswith("#"))
    values.update(environment)

    def value(match: re.Match) -> str:
        name, required = match.group(1), match.group(2)
        if not values.get(name) and required is not None:
            raise LookupError(f"required variable {name} is missing a value: {required}")
        return values.get(name, "")
    return re.sub(r"\$\{(\w+)(?::\?([^}]*))?\}", value, compose_file.read_text())


def test_the_chaincode_source_is_recorded_once_in_env_for_every_compose_command(tmp_path, hosts, prepared_hosts):
    """The build context names RECFIN_SOURCE, and Compose resolves every variable of the file for restart, logs,
    ps and down as well as up: the README has it written in the bundle's .env, which Compose reads by itself."""
    b = bundle.write(hosts, prepared_hosts, "bank", tmp_path / "bank")
    compose_file = b.root / "docker-compose.yaml"
    assert not (b.root / ".env").exists()       # the company's own, never shipped (a new bundle would overwrite it)
    with pytest.raises(LookupError) as missing:             # not yet recorded: the error says where and how
        _compose_variables(compose_file, {})
    assert "RECFIN_SOURCE" in str(missing.value) and ".env" in str(missing.value)
    # the README's step, as the company runs it in the bundle's folder with its checkout's path
    readme = (b.root / "README.md").read_text()
    [step] = [line.strip() for line in readme.splitlines() if "RECFIN_SOURCE=" in line and "> .env" in line]
    checkout = tmp_path / "recfin checkout"
    subprocess.run(["sh", "-c", step.replace("/path/to/recfin", shlex.quote(str(checkout)))], cwd=b.root, check=True)
    doc = yaml.safe_load(_compose_variables(compose_file, {}))
    [server] = [svc for svc in doc["services"].values() if "build" in svc]
    assert server["build"]["context"] == str(checkout)
    assert ".env" not in json.loads((b.root / bundle.MANIFEST).read_text())["files"]


def test_every_bundle_carries_the_same_contract_configuration_for_its_server(bundles, hosts):
    texts = set()
    for org, b in bundles.items():
        config_file = b.root / "chaincode" / "receivables" / "network_config.json"
        texts.add(config_file.read_text())
        assert "chaincode/receivables/network_config.json" in b.files
        assert "chaincode/receivables/collections_config.json" in b.files
        doc = yaml.safe_load((b.root / "docker-compose.yaml").read_text())
        server = doc["services"][hosts.chaincode_server_host(hosts.org(org))]
        path = server["environment"][contract.CONFIG_ENV]
        assert f"./chaincode/receivables/network_config.json:{path}:ro" in server["volumes"]
        manifest = json.loads((b.root / bundle.MANIFEST).read_text())
        assert manifest["chaincode_version"] == contract_config.definition_version(hosts)
        env = {contract.CONFIG_ENV: str(config_file), contract.PACKAGE_ENV: manifest["package_id"]}
        assert contract.load_config(env) == contract_config.network_config(hosts)
        assert manifest["chaincode_version"] in (b.root / "README.md").read_text()
    assert len(texts) == 1


def test_a_bundle_keeps_the_collections_the_prepared_folder_holds(tmp_path, hosts, prepared_hosts):
    data = tmp_path / "data"
    shutil.copytree(prepared_hosts, data)
    retired = {"name": "terms-SupplierMSP-OldBankMSP", "policy": "OR('SupplierMSP.member')", "requiredPeerCount": 0,
               "maxPeerCount": 3, "blockToLive": 0, "memberOnlyRead": True, "memberOnlyWrite": True}
    path = contract_config.collections_path(data, "receivables")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(contract_config.derived_collections(hosts) + [retired]))
    b = bundle.write(hosts, data, "bank", tmp_path / "out")
    carried = json.loads(contract_config.collections_path(b.root, "receivables").read_text())
    assert retired in carried and carried[0]["name"] == "terms-SupplierMSP-BankMSP"


def test_the_genesis_block_is_carried_and_its_absence_reported(tmp_path, hosts, prepared_hosts, bundles):
    assert (bundles["bank"].root / "channel" / f"{hosts.channel}.block").read_bytes() == \
           (prepared_hosts / "channel" / f"{hosts.channel}.block").read_bytes()
    assert bundles["bank"].missing == []
    bare = tmp_path / "bare"
    crypto.generate(hosts, bare)
    b = bundle.write(hosts, bare, "bank", tmp_path / "out")
    assert b.missing and "receivables.block" in b.missing[0]
    assert "receivables.block" in (b.root / "README.md").read_text()


def test_a_bundle_written_before_the_genesis_block_mounts_only_folders_it_holds(tmp_path, hosts):
    # A host folder a container mounts that does not exist, `docker compose up` makes, owned by root: a later
    # bundle (the one with the block) then cannot be unpacked over it by the company's own user.
    bare = tmp_path / "bare"
    crypto.generate(hosts, bare)
    b = bundle.write(hosts, bare, "bank", tmp_path / "out")
    assert not (b.root / "channel").exists()
    doc = yaml.safe_load((b.root / "docker-compose.yaml").read_text())
    for name, svc in doc["services"].items():
        for container, source in _mount_sources(svc, b.root).items():
            assert source.exists(), f"{name} mounts {source} at {container}, which the bundle does not hold"


def test_a_bundle_replaces_an_earlier_bundle_but_never_other_files(tmp_path, hosts, prepared_hosts):
    out = tmp_path / "out"
    bundle.write(hosts, prepared_hosts, "supplier", out)
    (out / "stale.txt").write_text("from before")
    bundle.write(hosts, prepared_hosts, "supplier", out)
    assert not (out / "stale.txt").exists()
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(NetworkError, match="not empty"):
        bundle.write(hosts, prepared_hosts, "supplier", other)
    assert (other / "notes.txt").read_text() == "keep me"


def test_a_bundle_written_again_over_the_orgs_earlier_one_keeps_the_companys_env(tmp_path, hosts, prepared_hosts):
    # .env records the company's recfin checkout once, for every `docker compose` command (README step 3); the
    # bundle ships none so that a new one unpacked over the old keeps it, and one written over it kept none
    out = tmp_path / "out"
    bundle.write(hosts, prepared_hosts, "supplier", out)
    (out / ".env").write_text("RECFIN_SOURCE=/srv/recfin\n")
    (out / ".env").chmod(0o600)
    (out / "stale.txt").write_text("from before")
    written = bundle.write(hosts, prepared_hosts, "supplier", out)
    assert (out / ".env").read_text() == "RECFIN_SOURCE=/srv/recfin\n"
    assert (out / ".env").stat().st_mode & 0o777 == 0o600
    assert not (out / "stale.txt").exists()
    manifest = json.loads((out / bundle.MANIFEST).read_text())       # the company's, not the bundle's: never checked
    assert ".env" not in written.files and ".env" not in manifest["files"] and ".env" not in manifest["digests"]


def test_a_bundle_goes_where_a_link_given_as_out_points_and_the_link_stays(tmp_path, hosts, prepared_hosts):
    target = tmp_path / "target"
    target.mkdir()
    link = tmp_path / "linkout"
    link.symlink_to(target)
    written = bundle.write(hosts, prepared_hosts, "supplier", link)
    assert written.root == target and (target / bundle.MANIFEST).is_file()
    assert link.is_symlink() and link.resolve() == target
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linkout", "target"]     # nothing renamed aside
    bundle.write(hosts, prepared_hosts, "supplier", link)         # the earlier bundle there is replaced
    assert link.is_symlink() and (target / bundle.MANIFEST).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linkout", "target"]
    before = _tree(target)
    with pytest.raises(NetworkError, match=r"holds supplier's bundle"):
        bundle.write(hosts, prepared_hosts, "bank", link)             # refused through the link too
    assert link.is_symlink() and _tree(target) == before
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "later")
    assert bundle.write(hosts, prepared_hosts, "bank", dangling).root == tmp_path / "later"
    assert dangling.is_symlink() and (dangling / bundle.MANIFEST).is_file()


def test_a_link_renamed_aside_by_the_swap_is_unlinked_never_its_tree_deleted(tmp_path):
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "file").write_text("keep me")
    aside = tmp_path / ".out.x.old"
    aside.symlink_to(kept)
    bundle._remove(aside)
    assert not aside.exists() and not aside.is_symlink() and (kept / "file").read_text() == "keep me"


def test_the_current_folder_as_out_is_bundled_into_and_replaced(tmp_path, hosts, prepared_hosts, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert bundle.write(hosts, prepared_hosts, "supplier", Path(".")).root == here
    assert (here / bundle.MANIFEST).is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["here"]
    # the first write renamed the folder the process was in aside: `.` is named as the problem, and `cd .` the way
    with pytest.raises(NetworkError, match=r"^the current folder no longer exists .*: run `cd \.`"):
        bundle.write(hosts, prepared_hosts, "supplier", Path("."))
    monkeypatch.chdir(here)
    assert bundle.write(hosts, prepared_hosts, "supplier", Path(".")).root == here     # its earlier bundle
    assert (here / bundle.MANIFEST).is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["here"]


def test_a_folder_whose_manifest_names_another_org_or_none_is_refused_before_anything_is_written(tmp_path, hosts,
                                                                                                  prepared_hosts):
    out = tmp_path / "bundles" / "b"
    bundle.write(hosts, prepared_hosts, "supplier", out)
    before = _tree(out)
    with pytest.raises(NetworkError, match=r"holds supplier's bundle \(SupplierMSP\), not bank's \(BankMSP\): "
                                           r"choose another --out"):
        bundle.write(hosts, prepared_hosts, "bank", out)
    manifest = out / bundle.MANIFEST
    doc = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**doc, "msp_id": "OtherMSP"}))      # the same name under another MSP ID
    with pytest.raises(NetworkError, match=r"holds supplier's bundle \(OtherMSP\), not supplier's \(SupplierMSP\)"):
        bundle.write(hosts, prepared_hosts, "supplier", out)
    for unreadable in ("[1]", "{not json", "[" * 100_000):      # the last, deeper than the JSON parser's stack
        manifest.write_text(unreadable)
        with pytest.raises(NetworkError, match=r"bundle.json cannot be read .*whose bundle .* is unknown: choose "
                                               r"another --out"):
            bundle.write(hosts, prepared_hosts, "supplier", out)
    assert {k: v for k, v in _tree(out).items() if k != bundle.MANIFEST} == \
        {k: v for k, v in before.items() if k != bundle.MANIFEST}
    assert sorted(p.name for p in out.parent.iterdir()) == ["b"]
    manifest.write_text(json.dumps(doc))
    assert bundle.write(hosts, prepared_hosts, "supplier", out).root == out     # its own org's: replaced


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_an_org_without_crypto_material_is_refused_before_the_earlier_bundle_is_touched(tmp_path, hosts,
                                                                                       prepared_with_bank2):
    """bank2 is recorded but its crypto is gone (not yet prepared): the earlier bank bundle stays whole,
    so a later `org bundle` still recognises and replaces it."""
    root = tmp_path / "hosts"
    shutil.copytree(prepared_with_bank2, root)
    membership.record_removed(root, "bank2")
    out = tmp_path / "bundles" / "bank"
    bundle.write(hosts, root, "bank", out)
    before = _tree(out)
    membership.record_added(root, membership.new_org_spec(hosts, "bank2", "bank", "91110000MA1K00006B"))
    shutil.rmtree(root / "crypto" / "bank2")
    with pytest.raises(NetworkError, match=r"no crypto material for bank2 .* prepare --hostnames"):
        bundle.write(hosts, root, "bank", out)
    assert _tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["bank"]


def test_a_failure_while_building_leaves_the_earlier_bundle_and_no_half_written_folder(tmp_path, hosts,
                                                                                       prepared_hosts, monkeypatch):
    out = tmp_path / "bundles" / "supplier"
    bundle.write(hosts, prepared_hosts, "supplier", out)
    before = _tree(out)
    seen = {}
    finish = bundle.finish

    def fails_midway(topology, built):
        seen["root"], seen["mode"] = built.root, built.root.stat().st_mode & 0o777
        seen["keys"] = any(PRIVATE_KEY.search(p.read_bytes()) for p in built.root.rglob("*") if p.is_file())
        raise OSError("disk full")

    monkeypatch.setattr(bundle, "finish", fails_midway)
    with pytest.raises(OSError, match="disk full"):
        bundle.write(hosts, prepared_hosts, "supplier", out)
    # built beside the bundle, readable by its owner only while the private keys were going in
    assert seen["root"].parent == out.parent and seen["root"] != out and seen["mode"] == 0o700 and seen["keys"]
    assert _tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["supplier"]

    monkeypatch.setattr(bundle, "finish", finish)
    written = bundle.write(hosts, prepared_hosts, "supplier", out)
    assert written.root == out and (out / bundle.MANIFEST).is_file() and out.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in out.parent.iterdir()) == ["supplier"]


@pytest.mark.parametrize("recorded_in", ["configtx.yaml", "genesis block"])
def test_a_folder_prepared_for_the_native_runtime_is_refused_before_its_block_ships(tmp_path, hosts, prepared_hosts,
                                                                                    recorded_in):
    """`prepare` without --hostnames makes the channel with 127.0.0.1 (or a namespace's address) as its orderer
    endpoints, Raft consenters and anchor peers: a company's peer joining with that block would dial its own host."""
    root = tmp_path / "native"
    shutil.copytree(prepared_hosts, root)
    native = hosts.model_copy(update={"addressing": "listen_host"})
    if recorded_in == "configtx.yaml":      # what prepare writes, and configtxgen makes the block from
        configtx.write(native, root)        # (the block beside it is a stand-in, which cannot be read)
    else:
        write_genesis_block(native, root)
    out = tmp_path / "bank-bundle"
    with pytest.raises(NetworkError) as refused:
        bundle.write(hosts, root, "bank", out)
    message = str(refused.value)
    assert "127.0.0.1:7050" in message and "recfin network prepare --hostnames" in message and str(root) in message
    assert not out.exists() and not list(tmp_path.glob(".bank-bundle.*"))     # nothing written
    # the same folder prepared for hostnames ships its block
    if recorded_in == "configtx.yaml":
        configtx.write(hosts, root)
    else:
        write_genesis_block(hosts, root)
    b = bundle.write(hosts, root, "bank", out)
    block = configtx.genesis_block_path(root, hosts.channel)
    assert (b.root / block.relative_to(root)).read_bytes() == block.read_bytes()


def test_without_crypto_material_it_says_to_prepare(tmp_path, hosts):
    with pytest.raises(NetworkError, match="prepare --hostnames"):
        bundle.write(hosts, tmp_path / "empty", "bank", tmp_path / "out")


# ---- an org added by `recfin org add`, recorded in the prepared folder's membership.yaml --------
@pytest.fixture(scope="module")
def prepared_with_bank2(tmp_path_factory, hosts) -> Path:
    root = tmp_path_factory.mktemp("hosts-bank2")
    membership.record_added(root, membership.new_org_spec(hosts, "bank2", "bank", "91110000MA1K00006B"))
    crypto.generate(membership.effective(hosts, root), root)        # what `prepare --hostnames` generates
    return root


def test_an_added_org_gets_a_bundle_of_its_own(tmp_path, hosts, prepared_with_bank2):
    root = prepared_with_bank2
    channel = membership.effective(hosts, root)
    b = bundle.write(hosts, root, "Bank2MSP", tmp_path / "bank2")
    assert (b.org, b.msp_id) == ("bank2", "Bank2MSP")
    spec = channel.org("bank2")
    # its own MSP, with its own keys, and nobody else's
    assert (b.root / "crypto" / "bank2" / "msp" / "cacerts" / "ca.pem").read_bytes() == \
        (root / "crypto" / "bank2" / "ca" / "ca.pem").read_bytes()
    foreign = _foreign_private_keys(root, "bank2")
    keys = [p for p in b.root.rglob("*") if p.is_file() and PRIVATE_KEY.search(p.read_bytes())]
    assert len(keys) == 2 * (len(spec.peers) + 1 + len(spec.users)) + 2
    for path in keys:
        assert path.relative_to(b.root).parts[:2] == ("crypto", "bank2")
        assert _public_key_bytes(serialization.load_pem_private_key(path.read_bytes(), None)) not in foreign
    # its peer and server in its compose file, running the configuration that names it
    doc = yaml.safe_load((b.root / "docker-compose.yaml").read_text())
    assert set(doc["services"]) == {n.hostname for n in channel.peers("bank2")} | {channel.chaincode_server_host(spec)}
    config = json.loads((b.root / "chaincode" / "receivables" / "network_config.json").read_text())
    assert config["org_roles"]["Bank2MSP"] == ["financier"]
    assert json.loads((b.root / bundle.MANIFEST).read_text())["chaincode_version"] == \
        contract_config.definition_version(channel)


def test_the_other_orgs_bundles_know_an_added_org_and_forget_a_removed_one(tmp_path, hosts, prepared_with_bank2):
    root = tmp_path / "hosts"
    shutil.copytree(prepared_with_bank2, root)
    b = bundle.write(hosts, root, "bank", tmp_path / "bank")
    assert "Bank2MSP" in {p["msp_id"] for p in yaml.safe_load((b.root / "endpoints.yaml").read_text())["peers"]}
    assert (b.root / "crypto" / "bank2" / "ca" / "ca.pem").is_file()
    assert "Bank2MSP" in json.loads((b.root / "chaincode" / "receivables" / "network_config.json").read_text())["org_roles"]

    membership.record_removed(root, "bank2")
    b = bundle.write(hosts, root, "bank", tmp_path / "bank")
    assert "Bank2MSP" not in {p["msp_id"] for p in yaml.safe_load((b.root / "endpoints.yaml").read_text())["peers"]}
    assert not (b.root / "crypto" / "bank2").exists()
    assert "Bank2MSP" not in json.loads((b.root / "chaincode" / "receivables" / "network_config.json").read_text())["org_roles"]
    # it runs no node any more: said so, rather than taken for a name mistyped
    for name in ("bank2", "Bank2MSP"):
        with pytest.raises(NodeNotFoundError, match=r"bank2 \(Bank2MSP\) has left the channel.*records it as "
                                                    r"removed.*no bundle.*recfin org bundle ORG"):
            bundle.write(hosts, root, name, tmp_path / "bank2")
    assert not (tmp_path / "bank2").exists()
    result = CliRunner().invoke(org_group, ["bundle", "bank2", "--data-root", str(root), "--out", str(tmp_path / "b2")])
    assert result.exit_code == 1 and "bank2 (Bank2MSP) has left the channel" in result.output, result.output
    with pytest.raises(NodeNotFoundError, match="no peer org named 'bank3'"):     # one never in it, as before
        bundle.write(hosts, root, "bank3", tmp_path / "bank3")


# ---- a revoked user whose folder was removed: no identity to carry, shown revoked ---------------------------
def test_a_revoked_user_without_its_folder_is_shown_revoked_and_is_never_the_default_user(tmp_path, hosts,
                                                                                         prepared_hosts):
    """The bundle carries the CA's copy of its certificate (it has no other), so the profile the company host
    reads, and `org user list` there, show it revoked; the company host's default user is one it can sign as."""
    data = tmp_path / "data"
    shutil.copytree(prepared_hosts, data)
    spec = hosts.org("supplier")
    paths = crypto.org_crypto(data, spec.name, spec.domain)
    leaver = crypto.load_cert(paths.user_msp("supplier1") / "signcerts" / "cert.pem")
    revoked = crl.extended(crypto.load_key(paths.ca_key), crypto.load_cert(paths.ca_cert), [], leaver.serial_number)
    crl.write_local(paths, crl.pem(revoked))         # as `org user revoke` leaves the network's folder
    shutil.rmtree(paths.user_dir("supplier1"))
    crypto.generate(hosts, data)                     # `prepare --hostnames` again: left revoked, not issued again

    out = tmp_path / "bundle"
    b = bundle.write(hosts, data, "supplier", out, install_root=out)    # as unpacked where its profile points
    mine = crypto.org_crypto(out, spec.name, spec.domain)
    assert crypto.load_cert(mine.issued_cert("supplier1")) == leaver and not mine.user_dir("supplier1").exists()
    assert "crypto/supplier/ca/issued/supplier1.pem" in b.files and not mine.ca_key.exists()
    profile = profiles.load("supplier", out)
    assert profile.user("supplier1").revoked and not profile.user("supplier2").revoked
    assert {row["user"]: row["revoked"] for row in list_users(out, spec)} == \
        {"admin": False, "supplier1": True, "supplier2": False, "supplier3": False, "supplier4": False}
    assert default_user(profile) == "supplier2"
