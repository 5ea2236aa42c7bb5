import copy
import json
from pathlib import Path

import pytest
import yaml

from network.errors import NodeNotFoundError, TopologyError
from network.topology import DEFAULT_TOPOLOGY, load, parse

RAW = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())


def raw():
    return copy.deepcopy(RAW)


def test_default_topology_has_the_issue_s_shape(topology):
    assert topology.channel == "receivables"
    assert topology.orderer_org.msp_id == "OrdererMSP"
    assert len(topology.orderers()) == 3
    assert [o.msp_id for o in topology.orgs] == ["CoreEnterpriseMSP", "SupplierMSP", "BankMSP", "RegulatorMSP"]
    assert all(len(o.peers) == 1 for o in topology.orgs)
    assert all(len(o.users) >= 2 for o in topology.orgs)
    assert len(topology.org("SupplierMSP").users) >= 4
    assert topology.batch_timeout == "250ms"


def test_nodes_carry_all_their_ports(topology):
    orderer = topology.node("orderer0.orderer")
    assert set(orderer.ports) == {"port", "admin_port", "operations_port"}
    peer = topology.node("peer0.supplier.recfin.local")
    assert peer.name == "peer0.supplier"
    assert set(peer.ports) == {"port", "chaincode_port", "operations_port"}
    assert peer.address == "127.0.0.1:8051"


def test_a_non_integer_port_is_reported_with_its_field_path():
    data = raw()
    data["orgs"][2]["peers"][0]["port"] = "eight thousand"
    with pytest.raises(TopologyError) as err:
        parse(data)
    assert str(err.value).startswith("topology.yaml: orgs[2].peers[0].port: ")
    assert "valid integer" in str(err.value)


def test_a_missing_field_is_named():
    data = raw()
    del data["orderer_org"]["orderers"][1]["admin_port"]
    with pytest.raises(TopologyError, match=r"orderer_org\.orderers\[1\]\.admin_port: Field required"):
        parse(data)


def test_an_unknown_field_is_rejected():
    data = raw()
    data["orgs"][0]["peers"][0]["prot"] = 1
    with pytest.raises(TopologyError, match=r"orgs\[0\]\.peers\[0\]\.prot: Extra inputs"):
        parse(data)


@pytest.mark.parametrize("name", ["receivables-", "a--b", "my_cc"])
def test_a_chaincode_name_fabric_or_dns_would_refuse_is_rejected(name):
    data = raw()
    data["chaincode"]["name"] = name
    with pytest.raises(TopologyError, match=r"chaincode\.name"):
        parse(data)


def test_duplicate_ports_are_rejected_naming_both_owners():
    data = raw()
    data["orgs"][1]["peers"][0]["operations_port"] = data["orderer_org"]["orderers"][0]["admin_port"]
    with pytest.raises(TopologyError) as err:
        parse(data)
    message = str(err.value)
    assert "port 7053 is used twice" in message
    assert "orderer0.orderer admin_port" in message and "peer0.supplier operations_port" in message


@pytest.mark.parametrize("field, value, problem", [
    ("msp_id", "BankMSP", "MSP ID BankMSP is used by two orgs"),
    ("msp_id", "OrdererMSP", "MSP ID OrdererMSP is used by two orgs"),
    ("name", "bank", r"org names must be unique, got \[.*, 'supplier', 'bank', 'bank'\]"),
    ("name", "orderer", r"org names must be unique, got \['orderer', .*, 'bank', 'orderer'\]"),
], ids=["msp id of a peer org", "msp id of the orderer org", "name of a peer org", "name of the orderer org"])
def test_two_orgs_with_one_msp_id_or_one_name_are_rejected(field, value, problem):
    """Fabric tells orgs apart by MSP ID, and recfin's commands and crypto folders by name."""
    data = raw()
    data["orgs"][3][field] = value
    with pytest.raises(TopologyError, match=rf"^topology\.yaml: {problem}$"):
        parse(data)


def test_a_chaincode_server_port_clashing_with_a_node_is_rejected():
    data = raw()
    data["orgs"][3]["chaincode_server_port"] = 7051
    with pytest.raises(TopologyError, match="port 7051 is used twice"):
        parse(data)


def test_a_chaincode_operations_port_clashing_with_a_node_is_rejected_naming_chaincode_server_port():
    data = raw()
    data["orgs"][0]["chaincode_server_port"] = 8444     # its operations endpoint: 9444, the peer's own
    with pytest.raises(TopologyError) as err:
        parse(data)
    message = str(err.value)
    assert "port 9444 is used twice" in message
    assert "peer0.coreenterprise operations_port" in message
    assert "coreenterprise's chaincode server (chaincode_server_port 8444 + 1000)" in message


def test_a_chaincode_server_port_whose_operations_port_passes_65535_is_rejected():
    data = raw()
    data["orgs"][0]["chaincode_server_port"] = 65000
    with pytest.raises(TopologyError, match="port 66000 .* above 65535: lower the org's chaincode_server_port"):
        parse(data)


def test_an_org_with_fewer_than_two_users_is_rejected():
    data = raw()
    data["orgs"][3]["users"] = data["orgs"][3]["users"][:1]
    with pytest.raises(TopologyError, match=r"orgs\[3\]\.users"):
        parse(data)


@pytest.mark.parametrize("admin, added, problem", [
    (None, "admin", "user admin has the name of the org's admin"),
    ("boss", "boss", "user boss has the name of the org's admin \\(admin: boss\\)"),
    (None, "officer1", "user officer1 is listed twice"),
])
def test_a_user_named_like_the_admin_or_another_user_is_rejected(admin, added, problem):
    """Each would share one identity folder with the other: a client profile carrying the admin's certificate."""
    data = raw()
    bank = data["orgs"][2]
    if admin is not None:
        bank["admin"] = admin
    bank["users"].append({"name": added, "attrs": dict(bank["users"][0]["attrs"])})
    with pytest.raises(TopologyError, match=rf"topology\.yaml: orgs\[2\]: org bank: {problem}"):
        parse(data)


def test_invalid_yaml_names_the_line(tmp_path):
    bad = tmp_path / "topology.yaml"
    bad.write_text("name: recfin\norgs: [\n  - x\n")
    with pytest.raises(TopologyError, match=r"topology\.yaml: not valid YAML at line \d+"):
        load(bad)


@pytest.mark.parametrize("text, where, value, reason", [
    ("orgs: 2026-02-30\n", "1, column 7", "2026-02-30", "day is out of range for month"),
    ("name: recfin\norgs:\n  - name: x\n    peers: 2026-13-01T10:00:00\n", "4, column 12", "2026-13-01T10:00:00",
     "month must be in 1..12"),
    ("name: recfin\nchannel: " + "9" * 5000 + "\n", "2, column 10", r"9{20}\.\.\. \(5000 characters\)",
     r"Exceeds the limit \(4300 digits\) for integer string conversion: value has 5000 digits"),
])
def test_a_value_yaml_recognises_but_python_cannot_build_names_its_line_and_column(tmp_path, text, where, value,
                                                                                 reason):
    """PyYAML raises a bare ValueError for these (no YAMLError, no line); the message names the file, the line and
    the column, without Python's advice to programmers (sys.set_int_max_str_digits)."""
    bad = tmp_path / "t.yaml"
    bad.write_text(text)
    with pytest.raises(TopologyError, match=rf"^t\.yaml: cannot read the value {value} at line {where} \({reason}\): "
                                            r"quote it if it is text$"):
        load(bad)


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(TopologyError, match="cannot read topology"):
        load(tmp_path / "nope.yaml")


def test_data_root_defaults(topology, tmp_path):
    assert topology.resolved_data_root({}) == Path(__file__).resolve().parents[3] / ".recfin" / "network"
    assert topology.resolved_data_root({"RECFIN_HOME": str(tmp_path)}) == tmp_path / "network"
    data = raw()
    data["data_root"] = str(tmp_path / "elsewhere")
    assert parse(data).resolved_data_root({"RECFIN_HOME": "/x"}) == tmp_path / "elsewhere"


def test_unknown_names_list_the_choices(topology):
    with pytest.raises(NodeNotFoundError, match="peer0.bank"):
        topology.node("peer9.bank")
    assert topology.org("bankmsp").name == "bank"
    with pytest.raises(NodeNotFoundError, match="supplier"):
        topology.org("insurer")


# ---- every certificate name fits the 64 characters X.509 allows a common name -------------------
def common_names_under(folder: Path) -> set[str]:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    names = set()
    for path in [*folder.rglob("*.pem"), *folder.rglob("*.crt")]:
        data = path.read_bytes()
        if b"BEGIN CERTIFICATE" in data:
            cert = x509.load_pem_x509_certificate(data)
            names |= {a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)}
    return names


def test_an_org_named_so_long_that_a_certificate_name_would_pass_64_characters_is_refused(topology):
    from network import membership

    with pytest.raises(TopologyError, match=r"org b{28}: a certificate of it would be named "
                                            r"'peer-client\.receivables\.b{28}\.recfin\.local', 65 characters, "
                                            r"over the 64 .* shorten the org's domain b{28}\.recfin\.local"):
        membership.new_org_spec(topology, "b" * 28, "bank", "91110000MA1K00007E")
    doc = raw()
    doc["orgs"][2]["users"][0]["name"] = "u" * 60
    with pytest.raises(TopologyError, match="or the name of its user u{60} by"):
        parse(doc)
    doc = raw()
    doc["orgs"][2]["peers"][0]["hostname"] = "p" * 60 + ".bank"
    with pytest.raises(TopologyError, match=r"org bank: .* shorten peer0's hostname p{60}\.bank by 1 or more"):
        parse(doc)


def test_at_the_limit_every_certificate_the_generator_issues_is_one_the_rule_counts(topology, tmp_path):
    from network import crypto, membership

    spec = membership.new_org_spec(topology, "b" * 27, "bank", "91110000MA1K00007E")
    grown = membership.with_orgs(topology, [*topology.orgs, spec])
    crypto.generate(grown, tmp_path, only=[spec.name])
    issued = common_names_under(crypto.org_crypto(tmp_path, spec.name, spec.domain).root)
    assert max(len(cn) for cn in issued) == 64
    assert issued <= {cn for _org, cn, _shorten in grown._certificate_names()}


@pytest.mark.parametrize("users, field", [
    (5, "orgs[0].users: Input should be a valid list"),
    (["treasurer", "accountant"], "orgs[0].users[0]: Input should be a valid dictionary"),
    ([{"name": "treasurer", "attrs": "recfin.role=debtor"}, {"name": "accountant"}],
     "orgs[0].users[0].attrs: Input should be a valid dictionary"),
    ([{"name": "treasurer", "attrs": ["x"]}, {"name": "accountant"}],
     "orgs[0].users[0].attrs: Input should be a valid dictionary"),
    ([{"name": "treasurer", "attrs": {"recfin.role": ["debtor"]}}, {"name": "accountant"}],
     "orgs[0].users[0].attrs.recfin.role: Input should be a valid string"),
])
def test_malformed_users_of_an_org_without_a_role_are_reported_by_field(users, field):
    """The role is read from the users' recfin.role attributes; users of another shape are named, not a crash."""
    data = raw()
    del data["orgs"][0]["role"]
    data["orgs"][0]["users"] = users
    with pytest.raises(TopologyError) as err:
        parse(data)
    assert any(line.startswith(f"topology.yaml: {field}") for line in str(err.value).splitlines()), str(err.value)


@pytest.mark.parametrize("key, value", [("recfin.enterprise", 913100001234567890), ("hf.Revoker", True)])
def test_a_non_string_attribute_other_than_the_role_leaves_the_role_derived(key, value):
    """Unquoted digits or a YAML boolean are named by field; the role is still read from the users' recfin.role."""
    data = raw()
    del data["orgs"][0]["role"]
    data["orgs"][0]["users"][0]["attrs"][key] = value
    with pytest.raises(TopologyError) as err:
        parse(data)
    assert str(err.value).splitlines() == [f"topology.yaml: orgs[0].users[0].attrs.{key}: Input should be a valid "
                                           f"string"]


def test_an_org_definition_file_with_malformed_users_is_refused_naming_the_field(tmp_path):
    from network.org_definition_file import FORMAT, OrgDefinitionError, read

    path = tmp_path / "bank3.definition.json"
    path.write_text(json.dumps({"format": FORMAT, "org": {**raw()["orgs"][2], "name": "bank3", "role": None,
                                                          "users": 5}}))
    with pytest.raises(OrgDefinitionError, match="bank3.definition.json org: users: Input should be a valid list"):
        read(path)
