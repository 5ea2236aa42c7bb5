"""What the YAML readers refuse, and how they say it: one line naming the file and the line, never a traceback,
a hang or a run out of memory. The topology is the file read here; membership.yaml, a bundle's topology.yaml and
a bank's pricing settings go through the same loader (their own tests check their wording)."""
from __future__ import annotations

import copy
import datetime
import os
import re

import pytest
import yaml

from client import yaml_files
from network.errors import NetworkError, TopologyError
from network.crypto import OrgCrypto
from network.org_definition import fabric_msp_config
from network.org_users import DEFAULT_CLIENT_OU, client_ou
from network.topology import DEFAULT_TOPOLOGY, MAX_LISTED_PROBLEMS, load

RAW = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())


def load_text(tmp_path, text: str | bytes):
    path = tmp_path / "t.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return load(path)


# ---- anchors and aliases: a few KB that stand for millions of values ----------------------------------------------

def test_an_alias_bomb_is_refused_at_its_first_anchor(tmp_path):
    """Three lines that would expand to 2000 users of 2000 attributes each: refused before anything is built."""
    big = "{" + ", ".join(f"k{i}: [1]" for i in range(2000)) + "}"
    text = (f"x-big: &big {big}\nx-u: &u {{name: a, attrs: *big}}\n"
            f"orgs: [{{name: a}}, {{users: [{', '.join(['*u'] * 2000)}]}}]\n")
    with pytest.raises(TopologyError) as err:
        load_text(tmp_path, text)
    assert str(err.value) == ("t.yaml: the anchor &big at line 1, column 8: anchors and aliases (&name, *name) are "
                              "not read in a topology: write the value out in each place it is used")


@pytest.mark.parametrize("text, named", [
    ("name: recfin\nchannel: &c receivables\n", "the anchor &c at line 2, column 10"),
    ("name: recfin\nchannel: *c\n", "the alias *c at line 2, column 10"),          # PyYAML: "found undefined alias"
    ("orgs:\n  - &o {name: a}\n", "the anchor &o at line 2, column 5"),
    ("orgs: [{name: a}, &o {name: b}]\n", "the anchor &o at line 1, column 19"),
])
def test_any_anchor_or_alias_is_refused_naming_its_line_and_column(tmp_path, text, named):
    with pytest.raises(TopologyError, match=rf"^t\.yaml: {re.escape(named)}: anchors and aliases .* are not read in "
                                           rf"a topology"):
        load_text(tmp_path, text)


def test_no_yaml_file_recfin_ships_or_writes_uses_what_the_loader_refuses(topology, tmp_path):
    assert yaml_files.read_yaml_file(DEFAULT_TOPOLOGY, "a topology") == RAW
    # what recfin writes for itself (bundle topology.yaml, membership.yaml) is dumped from fresh containers
    written = tmp_path / "dumped.yaml"
    written.write_text(yaml.safe_dump(topology.model_dump(mode="json", exclude_none=True), sort_keys=False))
    assert yaml_files.read_yaml_file(written, "a topology") == topology.model_dump(mode="json", exclude_none=True)


# ---- explicit tags: PyYAML's constructors crash on them ---------------------------------------------------------

@pytest.mark.parametrize("tagged, tag", [
    ('!!int ""', "!!int"),                   # IndexError in PyYAML
    ('!!float ""', "!!float"),               # IndexError
    ('!!bool "x"', "!!bool"),                # KeyError
    ('!!timestamp "x"', "!!timestamp"),      # AttributeError
    ('!!str recfin', "!!str"),
    ("!!set {a}", "!!set"),
    ("! recfin", "!"),
])
def test_an_explicit_tag_is_refused_naming_its_line_and_column(tmp_path, tagged, tag):
    with pytest.raises(TopologyError) as err:
        load_text(tmp_path, f"channel: receivables\nname: {tagged}\n")
    assert str(err.value) == (f"t.yaml: the tag {tag} at line 2, column 7: tags are not read in a topology: remove it "
                              f"(and quote the value if it is text)")


# ---- YAML 1.1's base-60 numbers and `=`: text, as in YAML 1.2 -----------------------------------------------------

def test_a_base_60_number_is_text_however_long(tmp_path):
    """YAML 1.1 builds 59:59:...:59 by one multiplication per colon, past Python's 4300-digit limit."""
    sexagesimal = ":".join(["59"] * 100_000)
    path = tmp_path / "t.yaml"
    path.write_text(f"name: {sexagesimal}\nchannel: 1:30\nlisten_host: 190:20:30.15\ndata_root: =\n")
    assert yaml_files.read_yaml_file(path, "a topology") == {
        "name": sexagesimal, "channel": "1:30", "listen_host": "190:20:30.15", "data_root": "="}
    with pytest.raises(TopologyError, match=r"^t\.yaml: name: String should match pattern"):
        load(path)


def test_numbers_dates_and_booleans_are_still_read_as_yaml_reads_them(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text('a: 0x1F\nb: 1_000\nc: 2.5\nd: true\ne: 2026-03-01\nf: null\ng: "1:30"\nh: {<<: {i: 1}}\n')
    assert yaml_files.read_yaml_file(path, "a topology") == {
        "a": 31, "b": 1000, "c": 2.5, "d": True, "e": datetime.date(2026, 3, 1), "f": None, "g": "1:30",
        "h": {"i": 1}}


# ---- characters YAML does not allow: placed by line and column ------------------------------------------------------

def test_a_nul_byte_is_named_by_line_and_column_not_by_position(tmp_path):
    with pytest.raises(TopologyError) as err:
        load_text(tmp_path, b"name: recfin\nchannel: rec\x00eivables\n")
    assert str(err.value) == ("t.yaml: not valid YAML at line 2, column 13: the character U+0000 is not allowed in "
                              "YAML text: remove it")


# ---- what is not a regular file, or far too large ------------------------------------------------------------------

def test_a_device_is_refused_before_it_is_read(tmp_path):
    with pytest.raises(TopologyError, match=r"^zero: it is a device, not a file that holds a topology: give the path "
                                            r"of the YAML file$"):
        load("/dev/zero")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "topology.yaml"
    os.mkfifo(fifo)
    with pytest.raises(TopologyError, match=r"^topology\.yaml: it is a FIFO, not a file that holds a topology"):
        load(fifo)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(TopologyError, match=rf"^cannot read topology {tmp_path}: Is a directory$"):
        load(tmp_path)


def test_a_file_over_the_cap_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "t.yaml"
    with path.open("wb") as f:              # sparse: no disk, no time
        f.truncate(yaml_files.MAX_YAML_BYTES + 1)
    with pytest.raises(TopologyError, match=r"^t\.yaml: over 4 MiB, far larger than a topology could be: is it the "
                                            r"right file\?$"):
        load(path)


def test_a_file_at_the_cap_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_files, "MAX_YAML_BYTES", 64 * 1024)     # 4 MiB can take half a minute to parse
    path = tmp_path / "t.yaml"
    path.write_bytes(b"a: 1\n#" + b"x" * (yaml_files.MAX_YAML_BYTES - 7) + b"\n")
    assert os.path.getsize(path) == yaml_files.MAX_YAML_BYTES
    assert yaml_files.read_yaml_file(path, "a topology") == {"a": 1}
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(yaml_files.YamlProblem, match="far larger than a topology could be"):
        yaml_files.read_yaml_file(path, "a topology")


# ---- validation problems: the first twenty, and a count of the rest -------------------------------------------------

def test_thousands_of_invalid_values_are_reported_as_the_first_twenty_and_a_count(tmp_path):
    data = copy.deepcopy(RAW)
    data["orgs"][1]["users"] = [{"name": "Bad_Name", "attrs": {"recfin.role": "creditor"}} for _ in range(2000)]
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(TopologyError) as err:
        load(path)
    lines = str(err.value).splitlines()
    assert len(lines) == MAX_LISTED_PROBLEMS + 1
    assert lines[0].startswith("t.yaml: orgs[1].users[0].name: String should match pattern")
    assert lines[-1] == ("t.yaml: and 1980 more problems: fix these, then run the command again to see the rest")


def test_a_few_problems_are_all_listed_without_a_count(tmp_path):
    data = copy.deepcopy(RAW)
    data["orgs"][1]["users"][0]["name"] = "Bad_Name"
    data["orgs"][1]["peers"][0]["port"] = "eight thousand"
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(TopologyError) as err:
        load(path)
    assert len(str(err.value).splitlines()) == 2 and "more problem" not in str(err.value)


# ---- an MSP folder's config.yaml ------------------------------------------------------------------------------------

# PEM-armoured, as an MSP folder's files must be to be read at all; what it holds is never parsed here
A_CA_CERTIFICATE = b"-----BEGIN CERTIFICATE-----\nYSBDQSBjZXJ0aWZpY2F0ZQ==\n-----END CERTIFICATE-----\n"


@pytest.fixture
def msp(tmp_path):
    paths = OrgCrypto(tmp_path / "crypto" / "bank", "bank.recfin.local")
    (paths.msp_dir / "cacerts").mkdir(parents=True)
    (paths.msp_dir / "cacerts" / "ca.pem").write_bytes(A_CA_CERTIFICATE)
    return paths


@pytest.mark.parametrize("text, problem", [
    ("NodeOUs: {Enable: true\n", r"not valid YAML at line 2, column 1"),
    ("NodeOUs: 2026-02-30\n", r"cannot read the value 2026-02-30 at line 1"),
    ('NodeOUs: {Enable: !!bool "x"}\n', r"the tag !!bool at line 1"),
])
def test_a_damaged_msp_config_is_named_when_the_orgs_definition_is_built(msp, text, problem):
    config = msp.msp_dir / "config.yaml"
    config.write_text(text)
    with pytest.raises(NetworkError, match=rf"^{config}: {problem}.*Fabric reads the org's NodeOUs from it: repair "
                                           rf"it, or restore it from a backup$"):
        fabric_msp_config("BankMSP", msp.msp_dir)


def test_an_msp_config_that_is_not_a_mapping_is_named(msp):
    (msp.msp_dir / "config.yaml").write_text("- NodeOUs\n")
    with pytest.raises(NetworkError, match=r"config\.yaml: it holds a list, not a mapping \(NodeOUs: \.\.\.\); "
                                           r"Fabric reads the org's NodeOUs from it: repair it, or restore it from a "
                                           r"backup$"):
        fabric_msp_config("BankMSP", msp.msp_dir)


@pytest.mark.parametrize("text, problem", [
    ("NodeOUs: [1]\n", r"NodeOUs is a list, not a mapping \(Enable, ClientOUIdentifier, "),
    ("NodeOUs: {Enable: yes please}\n", r"NodeOUs.Enable is 'yes please': write true or false"),
    ("NodeOUs: {Enable: true, PeerOUIdentifier: peer}\n",
     r"NodeOUs.PeerOUIdentifier is text, not a mapping of Certificate and OrganizationalUnitIdentifier"),
    ("NodeOUs: {Enable: true, AdminOUIdentifier: {OrganizationalUnitIdentifier: 0x1F}}\n",
     r"NodeOUs.AdminOUIdentifier.OrganizationalUnitIdentifier is a number, not text: write it in quotes"),
    ("OrganizationalUnitIdentifiers: [1]\n",
     r"OrganizationalUnitIdentifiers entry 1 is a number, not a mapping of Certificate and "
     r"OrganizationalUnitIdentifier"),
    ("OrganizationalUnitIdentifiers: {Certificate: cacerts/ca.pem}\n",
     r"OrganizationalUnitIdentifiers is a mapping, not a list"),
    ("OrganizationalUnitIdentifiers: [{OrganizationalUnitIdentifier: bank}]\n",
     r"OrganizationalUnitIdentifiers entry 1.Certificate is missing, not text"),
    ("OrganizationalUnitIdentifiers: [{Certificate: cacerts/gone.pem, OrganizationalUnitIdentifier: bank}]\n",
     r"OrganizationalUnitIdentifiers entry 1 names the certificate cacerts/gone.pem, which cannot be read \(No such "
     r"file or directory\)"),
])
def test_an_msp_config_of_another_shape_than_fabric_reads_is_named(msp, text, problem):
    """Each crashed with AttributeError, TypeError, KeyError or FileNotFoundError, or put 31 where 0x1F was written."""
    config = msp.msp_dir / "config.yaml"
    config.write_text(text)
    with pytest.raises(NetworkError, match=rf"^{config}: {problem}.*: repair it, or restore it from a backup$"):
        fabric_msp_config("BankMSP", msp.msp_dir)


def test_the_msp_config_recfin_generates_is_read_as_fabric_reads_it(msp):
    (msp.msp_dir / "config.yaml").write_text(
        "NodeOUs:\n  Enable: true\n  ClientOUIdentifier:\n    Certificate: cacerts/ca.pem\n"
        "    OrganizationalUnitIdentifier: client\n  PeerOUIdentifier:\n    OrganizationalUnitIdentifier: peer\n"
        "  AdminOUIdentifier:\nOrganizationalUnitIdentifiers:\n  - Certificate: cacerts/ca.pem\n"
        "    OrganizationalUnitIdentifier: bank\n")
    conf = fabric_msp_config("BankMSP", msp.msp_dir)
    assert conf.fabric_node_ous.enable
    assert conf.fabric_node_ous.client_ou_identifier.organizational_unit_identifier == "client"
    assert conf.fabric_node_ous.client_ou_identifier.certificate == A_CA_CERTIFICATE
    assert conf.fabric_node_ous.peer_ou_identifier.organizational_unit_identifier == "peer"
    assert not conf.fabric_node_ous.HasField("admin_ou_identifier")     # empty: left unset, as Fabric leaves it
    assert [(ou.organizational_unit_identifier, ou.certificate) for ou in conf.organizational_unit_identifiers] == [
        ("bank", A_CA_CERTIFICATE)]


@pytest.mark.parametrize("text", [
    None,                                                     # no config.yaml
    "",
    "OrganizationalUnitIdentifiers: []\n",                   # no NodeOUs
    "NodeOUs: {Enable: true, PeerOUIdentifier: {OrganizationalUnitIdentifier: peer}}\n",     # no client OU
    "NodeOUs: {Enable: true, ClientOUIdentifier: }\n",
])
def test_the_client_ou_is_the_default_only_where_the_msp_config_names_none(msp, text):
    if text is not None:
        (msp.msp_dir / "config.yaml").write_text(text)
    assert client_ou(msp) == DEFAULT_CLIENT_OU


def test_the_client_ou_is_the_one_the_msp_config_names(msp):
    (msp.msp_dir / "config.yaml").write_text(
        "NodeOUs: {Enable: true, ClientOUIdentifier: {Certificate: cacerts/ca.pem, OrganizationalUnitIdentifier: "
        "customers}}\n")
    assert client_ou(msp) == "customers"


@pytest.mark.parametrize("text, problem", [
    # Fabric's yaml.v2 reads the anchor: the OU would be "customer", and a certificate issued as "client" no client
    ("NodeOUs:\n  Enable: true\n  ClientOUIdentifier:\n    Certificate: &ca cacerts/ca.pem\n"
     "    OrganizationalUnitIdentifier: customer\n  PeerOUIdentifier:\n    Certificate: *ca\n",
     r"the anchor &ca at line 4, column 18: anchors and aliases"),
    ("NodeOUs: 2026-02-30\n", r"cannot read the value 2026-02-30 at line 1, column 10"),
    ("NodeOUs: [1]\n", r"NodeOUs is a list, not a mapping"),
    ("NodeOUs: {ClientOUIdentifier: customer}\n", r"NodeOUs.ClientOUIdentifier is text, not a mapping"),
    ("NodeOUs: {ClientOUIdentifier: {OrganizationalUnitIdentifier: 0x1F}}\n",
     r"NodeOUs.ClientOUIdentifier.OrganizationalUnitIdentifier is a number, not text: write it in quotes"),
])
def test_an_msp_config_that_cannot_be_read_is_named_instead_of_guessing_the_client_ou(msp, text, problem):
    config = msp.msp_dir / "config.yaml"
    config.write_text(text)
    with pytest.raises(NetworkError, match=rf"^{config}: {problem}.*Fabric reads the org's NodeOUs from it"):
        client_ou(msp)
