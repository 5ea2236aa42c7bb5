"""Host addresses in the topology (`address:` on an org or a node): validated, used for name resolution on
separate hosts (a bundle's /etc/hosts lines and its peers' extra_hosts), and nowhere in the native runtime."""
import copy
import re
from ipaddress import ip_address
from pathlib import Path

import pytest
import yaml

from network import bundle, compose, contract_config, nodeconfig
from network.bundle_host import read_network
from network.errors import TopologyError
from network.topology import DEFAULT_TOPOLOGY, Topology, parse

RAW = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
ORGS = [o["name"] for o in RAW["orgs"]]


def raw() -> dict:
    return copy.deepcopy(RAW)


def with_addresses(complete: bool = False) -> Topology:
    """The packaged topology with addresses: the orderers' host on the orderer org, one orderer elsewhere on its own,
    each peer org its host's on the org, except the bank, whose one peer gives its host's (IPv6), and, unless
    complete, none for the regulator."""
    data = raw()
    data["orderer_org"]["address"] = "192.0.2.1"
    data["orderer_org"]["orderers"][2]["address"] = "192.0.2.3"
    for number, org in enumerate(data["orgs"], 10):
        if org["name"] not in ("regulator", "bank") or complete and org["name"] == "regulator":
            org["address"] = f"198.51.100.{number}"
    data["orgs"][ORGS.index("bank")]["peers"][0]["address"] = "2001:db8::12"
    return parse(data).on_hosts()


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _addresses_in(text: str) -> set[str]:
    """Every IP address written in the text: alone, or after the first colon of a host:address entry."""
    found = set()
    for token in re.split(r"[\s\"',\[\]{}()]+", text):
        for candidate in (token, token.split(":", 1)[-1]):
            try:
                found.add(str(ip_address(candidate)))
                break
            except ValueError:
                pass
    return found


def _given(value) -> set[str]:
    """Every `address:` the topology document gives, an org's and a node's."""
    if isinstance(value, dict):
        own = {str(ip_address(value["address"]))} if "address" in value else set()
        return own | {a for v in value.values() for a in _given(v)}
    if isinstance(value, list):
        return {a for v in value for a in _given(v)}
    return set()


# ---- the topology ------------------------------------------------------------------------------------
def test_a_node_takes_its_orgs_address_unless_it_gives_its_own():
    topology = with_addresses()
    addresses = topology.host_addresses()
    for node in topology.nodes():
        org = topology.orderer_org if node.kind == "orderer" else topology.org(node.org_name)
        specs = org.orderers if node.kind == "orderer" else org.peers
        [spec] = [s for s in specs if f"{s.name}.{org.name}" == node.name]
        given = spec.address or org.address
        assert addresses.get(node.hostname) == (str(ip_address(given)) if given else None), node.name
    assert addresses["orderer2.orderer.recfin.local"] != addresses["orderer0.orderer.recfin.local"]
    assert not [n for n in topology.peers("regulator") if n.hostname in addresses]


def test_without_addresses_no_dump_carries_the_key():
    # Org definitions, membership records and bundles dump specs: a topology without addresses dumps as before.
    topology = parse(raw())
    assert topology.host_addresses() == {}
    assert "address" not in _keys(topology.model_dump(mode="json"))
    assert "address" not in _keys(topology.org("supplier").model_dump(mode="python"))
    assert "address" not in _keys(bundle.topology_document(topology))
    assert bundle.topology_document(with_addresses())["orgs"][0]["address"] == "198.51.100.10"


@pytest.mark.parametrize("where, value, named, problem", [
    (("orgs", 2, "peers", 0), "10.0.0.300", "node peer0.bank", "is not an IP address"),
    (("orgs", 1, "peers", 0), "peer0.example.com", "node peer0.supplier", "is not an IP address"),
    (("orgs", 0, "peers", 0), "127.0.0.1", "node peer0.coreenterprise", "is a loopback address"),
    (("orderer_org", "orderers", 1), "0.0.0.0", "node orderer1.orderer", "is an unspecified address"),
    (("orderer_org",), "::1", "org orderer", "is a loopback address"),
    (("orgs", 3), "224.0.0.5", "org regulator", "is a multicast address"),
    (("orgs", 3), "::ffff:127.0.0.1", "org regulator", "is a loopback address"),
    (("orgs", 2), "fe80::1%eth0", "org bank", "has a zone"),
    (("orgs", 2), "fe80::1", "org bank", "is a link-local address"),
    (("orgs", 2), "169.254.1.1", "org bank", "is a link-local address"),
    (("orgs", 2), "255.255.255.255", "org bank", "is a broadcast address"),
])
def test_an_address_that_names_no_host_is_refused_naming_the_node_or_org(where, value, named, problem):
    data = raw()
    target = data
    for key in where:
        target = target[key]
    target["address"] = value
    with pytest.raises(TopologyError) as caught:
        parse(data)
    message = str(caught.value)
    assert f"{named}: address {value!r} {problem}" in message
    assert "give the IPv4 or IPv6 address" in message and "DNS" in message


def test_an_orgs_peers_name_one_host_since_its_bundle_starts_them_together():
    data = raw()
    supplier = data["orgs"][ORGS.index("supplier")]
    supplier["peers"].append({**supplier["peers"][0], "name": "peer1", "port": 8751, "chaincode_port": 8752,
                              "operations_port": 9744})
    supplier["address"] = "198.51.100.11"
    supplier["peers"][1]["address"] = "198.51.100.11"     # the same host said twice is fine
    assert parse(data).on_hosts().host_addresses()["peer1.supplier.recfin.local"] == "198.51.100.11"
    supplier["peers"][1]["address"] = "192.0.2.99"
    with pytest.raises(TopologyError, match=r"node peer1.supplier: address '192.0.2.99' is not org supplier's "
                                            r"'198.51.100.11': an org's peers run on its one host"):
        parse(data)
    del supplier["address"]
    supplier["peers"][0]["address"] = "198.51.100.11"
    with pytest.raises(TopologyError, match="node peer1.supplier: address '192.0.2.99' is not node peer0.supplier's"):
        parse(data)


def test_addresses_leave_the_native_runtime_and_compose_as_they_were(tmp_path):
    plain, addressed = parse(raw()), with_addresses().model_copy(update={"addressing": "listen_host"})
    assert plain.nodes() == addressed.nodes()
    for node in plain.nodes():
        assert nodeconfig.node_env(plain, tmp_path, node) == nodeconfig.node_env(addressed, tmp_path, node)
    for org in plain.orgs:
        assert plain.chaincode_server_address(org) == addressed.chaincode_server_address(addressed.org(org.name))
    # compose: the orderers' extra_hosts alone (the next test), nothing any service dials or binds
    without_extra_hosts = compose.build(addressed)
    for service in without_extra_hosts["services"].values():
        service.pop("extra_hosts", None)
    assert compose.build(plain) == without_extra_hosts
    assert contract_config.digest(plain) == contract_config.digest(addressed)


def test_each_orderer_service_resolves_the_other_consenters_at_the_topologys_addresses():
    """Raft dials the other consenters by hostname; an orderer container on its own host has only Docker's resolver,
    which knows no other host's containers, so it gets their addresses as extra_hosts, as a bundle's peers do."""
    doc = compose.build(with_addresses())     # orderer0 and orderer1 on the orderer org's host, orderer2 on its own
    extra = {name: doc["services"][f"{name}.orderer.recfin.local"].get("extra_hosts") for name in
             ("orderer0", "orderer1", "orderer2")}
    assert extra == {
        "orderer0": ["orderer1.orderer.recfin.local:192.0.2.1", "orderer2.orderer.recfin.local:192.0.2.3"],
        "orderer1": ["orderer0.orderer.recfin.local:192.0.2.1", "orderer2.orderer.recfin.local:192.0.2.3"],
        "orderer2": ["orderer0.orderer.recfin.local:192.0.2.1", "orderer1.orderer.recfin.local:192.0.2.1"]}
    # what the topology gives no address for is left to DNS (or the compose network); with none, no key at all
    data = raw()
    data["orderer_org"]["orderers"][2]["address"] = "192.0.2.3"
    partial = compose.build(parse(data))
    assert partial["services"]["orderer0.orderer.recfin.local"]["extra_hosts"] == \
        ["orderer2.orderer.recfin.local:192.0.2.3"]
    assert "extra_hosts" not in partial["services"]["orderer2.orderer.recfin.local"]
    assert not [svc for svc in compose.build(parse(raw()))["services"].values() if "extra_hosts" in svc]
    # a peer org's bundle has no orderer, and its peers get their names from the bundle's override file
    assert not [svc for svc in compose.build(with_addresses(), ".", orgs=["bank"])["services"].values()
                if "extra_hosts" in svc]


# ---- the bundle --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def addressed_bundles(tmp_path_factory, prepared_hosts) -> tuple[Topology, dict[str, bundle.Bundle]]:
    topology = with_addresses()
    out = tmp_path_factory.mktemp("addressed")
    return topology, {org: bundle.write(topology, prepared_hosts, org, out / org) for org in ORGS}


def _expected(topology: Topology, org: str) -> tuple[list[str], list[str]]:
    """The org's own peers, and every name they dial (the orderers, the other orgs' peers), from the topology."""
    own = [n.hostname for n in topology.peers(org)]
    dialled = [n.hostname for n in topology.orderers()] + [n.hostname for n in topology.peers() if n.org_name != org]
    return own, dialled


@pytest.mark.parametrize("org", ORGS)
def test_the_override_gives_the_peers_every_address_the_topology_has_for_what_they_dial(org, addressed_bundles):
    topology, bundles = addressed_bundles
    addresses, (own, dialled) = topology.host_addresses(), _expected(topology, org)
    text = (bundles[org].root / bundle.COMPOSE_OVERRIDE).read_text()
    override = yaml.safe_load(text)
    wanted = [f"{name}:{addresses[name]}" for name in dialled if name in addresses]
    assert override == {"services": {peer: {"extra_hosts": wanted} for peer in own}}
    compose_doc = yaml.safe_load((bundles[org].root / "docker-compose.yaml").read_text())
    assert set(override["services"]) <= set(compose_doc["services"])          # merged into services that exist
    # what the topology gives no address for stays a placeholder, commented out, in every peer's list
    placeholders = re.findall(rf'^\s*# - "([^":]+):{bundle.ADDRESS}"', text, re.M)
    assert placeholders == [name for name in dialled if name not in addresses] * len(own)


@pytest.mark.parametrize("org", ORGS)
def test_the_hosts_lines_name_the_orgs_own_peers_and_what_they_dial(org, addressed_bundles):
    topology, bundles = addressed_bundles
    addresses, (own, dialled) = topology.host_addresses(), _expected(topology, org)
    lines = (bundles[org].root / bundle.HOSTS_FILE).read_text().splitlines()
    entries = [line.split() for line in lines if line and not line.startswith("#")]
    assert entries == [[addresses[name], name] for name in own + dialled if name in addresses]
    commented = [line.split()[2] for line in lines if line.startswith(f"# {bundle.ADDRESS}\t")]
    assert commented == [name for name in own + dialled if name not in addresses]


@pytest.mark.parametrize("org", ORGS)
def test_no_address_appears_that_the_topology_does_not_give(org, addressed_bundles):
    topology, bundles = addressed_bundles
    given = _given(topology.model_dump(mode="json"))
    assert given >= set(topology.host_addresses().values())
    seen = set()
    for path in bundles[org].root.rglob("*"):
        if path.is_file():
            try:
                seen |= _addresses_in(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                continue            # packages: their connection.json names the chaincode server's hostname
    assert seen <= given, seen - given
    assert seen >= {topology.host_addresses()[name] for name in sum(_expected(topology, org), [])
                    if name in topology.host_addresses()}


@pytest.mark.parametrize("org", ORGS)
def test_the_readme_says_the_files_were_written_and_which_names_have_no_address(org, addressed_bundles):
    topology, bundles = addressed_bundles
    b = bundles[org]
    readme = (b.root / "README.md").read_text()
    own, dialled = _expected(topology, org)
    missing = [name for name in own + dialled if name not in topology.host_addresses()]
    assert f"`{bundle.HOSTS_FILE}`" in readme and f"{bundle.COMPOSE_OVERRIDE}," in readme
    assert "write a docker-compose.override.yaml here" not in readme
    assert re.search(r"gives no address for (.*?): their lines", readme, re.S).group(1).split(", ") == missing
    assert {bundle.HOSTS_FILE, bundle.COMPOSE_OVERRIDE} <= set(b.files)
    # the override the company fills in is the bundle's file: the next bundle brings back its placeholders
    assert re.search(r"A new bundle unpacked\s+over this one writes both files again.*?`address:`", readme, re.S)


def test_with_every_address_given_nothing_is_left_to_fill_in(tmp_path, prepared_hosts):
    topology = with_addresses(complete=True)
    b = bundle.write(topology, prepared_hosts, "supplier", tmp_path / "supplier")
    for name in ("README.md", bundle.HOSTS_FILE, bundle.COMPOSE_OVERRIDE):
        assert bundle.ADDRESS not in (b.root / name).read_text(), name
    assert "gives no address" not in (b.root / "README.md").read_text()
    own, dialled = _expected(topology, "supplier")
    hosts = [line.split()[1] for line in (b.root / bundle.HOSTS_FILE).read_text().splitlines()
             if not line.startswith("#")]
    assert hosts == own + dialled


def test_without_addresses_neither_file_is_written_and_the_readme_keeps_the_placeholders(tmp_path, hosts,
                                                                                        prepared_hosts):
    b = bundle.write(hosts, prepared_hosts, "bank", tmp_path / "bank")
    assert not (b.root / bundle.HOSTS_FILE).exists() and not (b.root / bundle.COMPOSE_OVERRIDE).exists()
    readme = (b.root / "README.md").read_text()
    own, dialled = _expected(hosts, "bank")
    for name in dialled:
        assert f'- "{name}:{bundle.ADDRESS}"' in readme


def test_the_company_host_reads_the_addresses_back_from_its_bundle(addressed_bundles):
    topology, bundles = addressed_bundles
    _doc, read = read_network(Path(bundles["supplier"].root))
    assert read.host_addresses() == topology.host_addresses()


def test_with_only_the_orgs_own_address_no_override_of_placeholders_is_written(tmp_path, prepared_hosts):
    # an override listing nothing but commented-out names would be `extra_hosts: []` with items to uncomment:
    # invalid YAML once filled in; the README gives the one to write instead, which is valid once filled in
    data = raw()
    data["orgs"][ORGS.index("bank")]["address"] = "198.51.100.12"
    topology = parse(data).on_hosts()
    b = bundle.write(topology, prepared_hosts, "bank", tmp_path / "bank")
    assert not (b.root / bundle.COMPOSE_OVERRIDE).exists()
    own, dialled = _expected(topology, "bank")
    hosts = (b.root / bundle.HOSTS_FILE).read_text().splitlines()
    assert [line.split()[1] for line in hosts if not line.startswith("#")] == own
    readme = (b.root / "README.md").read_text()
    block = re.search(r"\n( +services:\n(?: {8,}.*\n)+)", readme).group(1)
    filled = yaml.safe_load(block.replace(bundle.ADDRESS, "192.0.2.7"))
    assert {peer: spec["extra_hosts"] for peer, spec in filled["services"].items()} == {
        peer: [f"{name}:192.0.2.7" for name in dialled] for peer in own}


def test_an_override_with_some_addresses_is_valid_yaml_once_its_placeholders_are_filled_in(addressed_bundles):
    topology, bundles = addressed_bundles
    text = (bundles["supplier"].root / bundle.COMPOSE_OVERRIDE).read_text()
    assert bundle.ADDRESS in text                      # the regulator's peer has no address in this topology
    filled = re.sub(r'# (- "[^"]*):' + bundle.ADDRESS + '".*', r'\1:192.0.2.7"', text)
    hosts = yaml.safe_load(filled)["services"]
    own, dialled = _expected(topology, "supplier")
    assert sorted(hosts) == own and all(len(spec["extra_hosts"]) == len(dialled) for spec in hosts.values())
