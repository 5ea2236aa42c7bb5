"""What topology validation refuses of the names and addresses the network is built on: an org name or MSP ID that
another org's name or MSP ID equals ignoring case, where such a name comes in (commands find an org by either, in
any case when none has it exactly), a listen_host that is not an address nodes can be dialled at, a channel name
Fabric refuses, an org name too long for a DNS label, where such a name comes in too, an MSP ID longer than Fabric
takes."""
from __future__ import annotations

import copy
import json
from types import SimpleNamespace

import pytest
import yaml

from network import Network, bundle, membership, org_definition_file
from network.errors import NetworkError, NodeNotFoundError, TopologyError
from network.org_change import OrgChangeError, plan_add_defined
from network.org_membership import OrgMembership
from network.topology import DEFAULT_TOPOLOGY, MAX_MSP_ID, load, parse

RAW = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
CODE = "91110000MA1K00007E"


def raw():
    return copy.deepcopy(RAW)


def load_written(tmp_path, data):
    """data loaded as the operator's topology.yaml is."""
    path = tmp_path / "topology.yaml"
    path.write_text(yaml.safe_dump(data))
    return load(path)


# ---- org names and MSP IDs: refused where they come in --------------------------------------------------------------
def test_an_org_named_like_another_orgs_msp_id_is_refused(tmp_path):
    data = raw()
    data["orgs"][1]["name"] = "bankmsp"          # the supplier org, named like the bank's MSP ID BankMSP
    with pytest.raises(TopologyError, match=r"^topology.yaml: org bank's MSP ID BankMSP is, ignoring case, org "
                                            r"bankmsp's name bankmsp, so either could be taken for the other: give "
                                            r"one of them another name or MSP ID$"):
        load_written(tmp_path, data)
    data = raw()
    data["orgs"][2]["name"] = "bankmsp"          # BankMSP is its own: org("BankMSP") still finds one org
    assert load_written(tmp_path, data).org("BankMSP").name == "bankmsp"


@pytest.mark.parametrize("org, key, value, message", [
    (1, "msp_id", "COREENTERPRISEMSP",
     "org supplier's MSP ID COREENTERPRISEMSP is, ignoring case, org coreenterprise's MSP ID CoreEnterpriseMSP"),
    (3, "name", "orderermsp", "org orderermsp's name orderermsp is, ignoring case, org orderer's MSP ID OrdererMSP"),
], ids=["two MSP IDs differing in case", "named like the orderer org's MSP ID"])
def test_an_identifier_another_org_has_ignoring_case_is_refused(tmp_path, org, key, value, message):
    data = raw()
    data["orgs"][org][key] = value
    with pytest.raises(TopologyError, match=message):
        load_written(tmp_path, data)


def test_a_new_org_named_like_an_msp_id_of_the_network_is_refused_by_its_spec(topology):
    """`recfin org add` and `recfin org keys` make the spec first, before any of the org's files."""
    with pytest.raises(NetworkError, match=r"^an org named bankmsp \(MSP ID BankmspMSP\) cannot join: org bankmsp's "
                                           r"name bankmsp is, ignoring case, org bank's MSP ID BankMSP, so either "
                                           r"could be taken for the other. Choose another name$"):
        membership.new_org_spec(topology, "bankmsp", "bank", CODE)


def test_a_new_org_whose_msp_id_differs_from_one_of_the_network_only_in_case_is_refused(topology):
    with pytest.raises(NetworkError, match=r"^an org named sup-plier \(MSP ID SupPlierMSP\) cannot join: org "
                                           r"sup-plier's MSP ID SupPlierMSP is, ignoring case, org supplier's MSP ID "
                                           r"SupplierMSP"):
        membership.new_org_spec(topology, "sup-plier", "supplier", CODE)


# ---- org names and MSP IDs: a channel that already holds such orgs --------------------------------------------------
def added_before_the_check(topology, name, role):
    """The spec `recfin org add NAME` recorded before names differing only in case were refused: new_org_spec as it
    was, without that check (its ports, hostnames and exact MSP ID clear of the network's)."""
    spec = membership.new_org_spec(topology, "stand-in", role, CODE)
    return spec.model_copy(update={"name": name, "msp_id": membership.msp_id_for(name),
                                   "domain": spec.domain.replace("stand-in", name)})


@pytest.mark.parametrize("name, role", [("sup-plier", "supplier"), ("bankmsp", "bank")])
def test_a_data_folder_whose_added_org_clashes_ignoring_case_still_loads(topology, tmp_path, name, role):
    """An org in the channel keeps its MSP ID for good, and its name names its crypto folders: the channel's orgs as
    membership.yaml records them load, and every command finds each by its exact name or MSP ID."""
    added = added_before_the_check(topology, name, role)
    membership.record_added(tmp_path, added)
    channel = membership.effective(topology, tmp_path)

    assert [o.name for o in channel.orgs][-1] == name
    assert channel.org(name) == added and channel.org(added.msp_id) == added
    assert channel.org("BankMSP").msp_id == "BankMSP" and channel.org("bank").msp_id == "BankMSP"
    assert channel.org("SupplierMSP").name == "supplier" and channel.org("supplier").name == "supplier"
    assert channel.org("regulatormsp").name == "regulator"     # one org fits ignoring case: found as before
    # the channel's topology.yaml in a bundle of it, as its company's host reads it
    assert parse(bundle.topology_document(channel)).org(added.msp_id).name == name
    # a new org is checked against the channel's orgs, not they against each other
    assert membership.new_org_spec(channel, "bank3", "bank", CODE).msp_id == "Bank3MSP"
    with pytest.raises(NetworkError, match=r"^an org named suppliermsp \(MSP ID SuppliermspMSP\) cannot join: org "
                                           r"suppliermsp's name suppliermsp is, ignoring case, org supplier's MSP ID "
                                           r"SupplierMSP"):
        membership.new_org_spec(channel, "suppliermsp", "supplier", CODE)


def test_a_lookup_that_fits_two_orgs_only_ignoring_case_is_refused_naming_them(topology, tmp_path):
    membership.record_added(tmp_path, added_before_the_check(topology, "bankmsp", "bank"))
    channel = membership.effective(topology, tmp_path)
    with pytest.raises(NodeNotFoundError, match=r"^'BANKMSP' matches, ignoring case, org bank's MSP ID BankMSP and "
                                                r"org bankmsp's name bankmsp: give the one meant in its exact case$"):
        channel.org("BANKMSP")


def test_a_definition_whose_msp_id_differs_from_one_of_the_network_only_in_case_is_refused(topology, tmp_path):
    """`recfin org add --definition`: checked before anything of it is laid out."""
    spec = added_before_the_check(topology, "sup-plier", "supplier")
    with pytest.raises(OrgChangeError, match=r"^sup-plier \(SupPlierMSP\) is already an org of the network .* \(as "
                                             r"supplier\)"):
        plan_add_defined(topology, tmp_path, None, SimpleNamespace(org=spec))


# ---- listen_host --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("host, problem", [
    ("bad host", "is neither an IPv4 address nor a DNS name"),
    ("not a host/../x", "is neither an IPv4 address nor a DNS name"),
    ("under_score", "is neither an IPv4 address nor a DNS name"),
    ("10.0.0", "is neither an IPv4 address nor a DNS name"),
    ("", "is neither an IPv4 address nor a DNS name"),
    ("0.0.0.0", "is no host's address: nodes listen on listen_host and are dialled at it too"),
    ("::1", "is an IPv6 address"),
    ("224.0.0.1", "is a multicast or broadcast address"),
])
def test_a_listen_host_nodes_cannot_be_dialled_at_is_refused(host, problem):
    with pytest.raises(TopologyError) as err:
        parse(raw() | {"listen_host": host})
    assert str(err.value).startswith(f"topology.yaml: listen_host: {host!r} {problem}")
    for dialable in ("127.0.0.1", "10.1.2.3", "localhost", "node-1.example.com", "Host.Example"):
        assert parse(raw() | {"listen_host": dialable}).listen_host == dialable


# ---- the channel name and org names: lengths ------------------------------------------------------------------------
def test_a_channel_name_is_held_to_fabrics_249_characters():
    assert parse(raw() | {"channel": "c" * 249}).channel == "c" * 249
    with pytest.raises(TopologyError, match=r"^topology.yaml: channel: String should have at most 249 characters$"):
        parse(raw() | {"channel": "c" * 250})


LONG = "a" * 64          # an org name one past a DNS label's 63 characters


def test_an_org_name_is_held_to_a_dns_labels_63_characters_in_topology_yaml(tmp_path):
    data = raw()
    data["orgs"][0]["name"] = LONG
    data["orgs"][0]["domain"] = "core.local"          # its certificates' names fit: only the name is refused
    with pytest.raises(TopologyError, match=rf"^topology.yaml: orgs\[0\].name: {LONG} has 64 characters, over the 63 "
                                            rf"of a DNS label an org's name is held to \(it names the org's folders "
                                            rf"and files and, on separate hosts, its bundle\): give it a shorter "
                                            rf"name$"):
        load_written(tmp_path, data)
    data["orgs"][0]["name"] = "a" * 63
    assert load_written(tmp_path, data).orgs[0].name == "a" * 63
    data = raw()
    data["orderer_org"]["name"] = "o" * 64
    with pytest.raises(TopologyError, match=r"^topology.yaml: orderer_org.name: o{64} has 64 characters, over the 63"):
        load_written(tmp_path, data)


def test_a_new_org_name_too_long_is_refused_by_its_spec(topology):
    """`recfin org add` and `recfin org keys` make a new org's spec before any of its files is written."""
    with pytest.raises(NetworkError, match=rf"^an org named {LONG} cannot join: {LONG} has 64 characters, over the 63 "
                                           rf"of a DNS label an org's name is held to .*\. Choose a shorter name$"):
        membership.new_org_spec(topology, LONG, "regulator")


@pytest.mark.parametrize("step", ["add", "dry run"])
def test_org_add_of_a_name_too_long_is_refused_before_any_file_is_written(topology, tmp_path, fake_fabric, step):
    data_root = tmp_path / "network"
    members = OrgMembership(Network(topology, data_root=data_root))
    with pytest.raises(NetworkError, match=rf"^an org named {LONG} cannot join: {LONG} has 64 characters"):
        if step == "add":
            members.add(LONG, "regulator")
        else:
            members.plan_add(LONG, "regulator", throwaway_crypto=True)
    assert not data_root.exists()


def added_before_the_limit(topology):
    """The spec of an org with a 64-character name that `recfin org add --definition` recorded before org names were
    held to 63 characters (its domain short enough for its certificates' names, which were checked already)."""
    spec = membership.new_org_spec(topology, "stand-in", "regulator")
    return spec.model_copy(update={"name": LONG, "msp_id": membership.msp_id_for(LONG), "domain": "long.recfin.local"})


def test_a_data_folder_holding_an_org_whose_name_is_too_long_still_loads(topology, tmp_path):
    """An org in the channel keeps its name, which names its crypto folders and certificates: the channel's orgs as
    membership.yaml records them load, and a new org is held to the limit beside it."""
    added = added_before_the_limit(topology)
    membership.record_added(tmp_path, added)
    channel = membership.effective(topology, tmp_path)

    assert channel.orgs[-1] == added and channel.org(LONG) == added
    # the channel's topology.yaml in a bundle of it, as its company's host reads it
    assert parse(bundle.topology_document(channel)).org(added.msp_id).name == LONG
    assert membership.new_org_spec(channel, "bank3", "bank", CODE).msp_id == "Bank3MSP"
    with pytest.raises(NetworkError, match=rf"^an org named b{LONG} cannot join: b{LONG} has 65 characters"):
        membership.new_org_spec(channel, f"b{LONG}", "bank", CODE)


def test_a_definition_whose_name_is_too_long_is_refused(topology, tmp_path):
    """`recfin org add --definition`: checked before anything of it is laid out."""
    spec = added_before_the_limit(topology)
    with pytest.raises(OrgChangeError, match=rf"^{LONG} \({spec.msp_id}\) cannot join: {LONG} has 64 characters, "
                                             rf"over the 63 .*\. The company chooses a shorter name with `recfin org "
                                             rf"keys`$"):
        plan_add_defined(topology, tmp_path, None, SimpleNamespace(org=spec))


# ---- MSP IDs: Fabric's length ---------------------------------------------------------------------------------------
def msp_id_of_length(length: int) -> str:
    return "B" * (length - len("MSP")) + "MSP"


@pytest.mark.parametrize("org", ["orderer_org", "orgs"])
def test_an_msp_id_over_fabrics_249_characters_is_refused_by_the_topology_loader(tmp_path, org):
    """It names the org's group in the channel's config: configtxgen or the ordering service refused it only once
    the crypto was made."""
    data = raw()
    spec = data[org] if org == "orderer_org" else data[org][0]
    spec["msp_id"] = msp_id_of_length(MAX_MSP_ID + 1)
    where = "orderer_org" if org == "orderer_org" else r"orgs\[0\]"
    with pytest.raises(TopologyError, match=rf"^topology.yaml: {where}.msp_id: an MSP ID of 250 characters is over "
                                            rf"the 249 Fabric allows \(it names the org's group in the channel's "
                                            rf"config\): shorten it by 1 or more$"):
        load_written(tmp_path, data)
    spec["msp_id"] = msp_id_of_length(MAX_MSP_ID)
    loaded = load_written(tmp_path, data)
    assert spec["msp_id"] in [loaded.orderer_org.msp_id, *(o.msp_id for o in loaded.orgs)]


def test_a_definition_whose_msp_id_is_over_fabrics_249_characters_is_refused_as_it_is_read(topology, tmp_path):
    """`recfin org add --definition`: the file is read before anything of the org is laid out or computed."""
    spec = membership.new_org_spec(topology, "bank2", "bank", CODE).model_dump(mode="json")
    path = tmp_path / "bank2.definition.json"
    path.write_text(json.dumps({"format": org_definition_file.FORMAT_WITH_CRLS,
                                "org": spec | {"msp_id": msp_id_of_length(MAX_MSP_ID + 1)}}))
    with pytest.raises(NetworkError, match=rf"^{path} org: msp_id: an MSP ID of 250 characters is over the 249 "
                                           rf"Fabric allows"):
        org_definition_file.read(path)
