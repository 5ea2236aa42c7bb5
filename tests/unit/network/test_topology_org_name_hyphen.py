"""An org's name ending in a hyphen, which would end the last label of its nodes' names (peer0.bank-, a
DNS name their TLS certificates carry) in one: refused where a name comes in (topology.yaml, `org add`,
`org keys`, a definition), while an org membership.yaml records under such a name, in the channel before
the check, still loads."""
from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest
import yaml

from network import bundle, membership
from network.crypto import _node_sans
from network.errors import NetworkError, TopologyError
from network.org_change import OrgChangeError, plan_add_defined
from network.topology import _DNS_NAME, DEFAULT_TOPOLOGY, load, parse

RAW = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())
CODE = "91110000MA1K00007E"


def load_written(tmp_path, data):
    path = tmp_path / "topology.yaml"
    path.write_text(yaml.safe_dump(data))
    return load(path)


@pytest.mark.parametrize("where", ["orgs[2]", "orderer_org"])
def test_an_org_name_ending_in_a_hyphen_is_refused_in_topology_yaml(tmp_path, where):
    data = copy.deepcopy(RAW)
    org = data["orgs"][2] if where == "orgs[2]" else data["orderer_org"]
    name = org["name"] = f"{org['name']}-"
    with pytest.raises(TopologyError) as refused:
        load_written(tmp_path, data)
    assert str(refused.value) == (
        f"topology.yaml: {where}.name: '{name}' ends in a hyphen: an org's name is the last label of its "
        f"nodes' names (<node>.{name}), which their TLS certificates carry as DNS names, and a DNS label "
        f"ends in a letter or digit: drop the hyphen")


def test_an_inner_hyphen_in_an_org_name_is_taken(tmp_path):
    data = copy.deepcopy(RAW)
    data["orgs"][2]["name"] = "bank-2"
    topology = load_written(tmp_path, data)
    peer = topology.peers("bank-2")[0]
    assert peer.name in _node_sans(topology, peer) and _DNS_NAME.match(peer.name)


@pytest.mark.parametrize("name", ["bank2-", "bank-"])
def test_a_new_org_named_with_a_final_hyphen_is_refused_by_its_spec_naming_the_rule(topology, name):
    """`recfin org add` and `recfin org keys`: refused for the name typed, not for the domain derived from it
    (bank2-) or for the MSP ID bank's (bank-)."""
    with pytest.raises(NetworkError, match=rf"^an org named {name} cannot join: '{name}' ends in a "
                                           rf"hyphen: an org's name is the last label of its nodes' "
                                           rf"names .*\. Drop the hyphen$"):
        membership.new_org_spec(topology, name, "bank", CODE)


def added_before_the_check(topology):
    """The spec of an org named bank2- that the channel took before names ending in a hyphen were refused."""
    spec = membership.new_org_spec(topology, "stand-in", "regulator")
    return spec.model_copy(update={"name": "bank2-", "msp_id": "Bank2MSP", "domain": "bank2.recfin.local"})


def test_a_data_folder_holding_an_org_whose_name_ends_in_a_hyphen_still_loads(topology, tmp_path):
    """An org in the channel keeps its name, which names its crypto folders and certificates."""
    added = added_before_the_check(topology)
    membership.record_added(tmp_path, added)
    channel = membership.effective(topology, tmp_path)

    assert channel.orgs[-1] == added and channel.org("bank2-") == added
    assert parse(bundle.topology_document(channel)).org("Bank2MSP").name == "bank2-"
    assert membership.new_org_spec(channel, "bank3", "bank", CODE).msp_id == "Bank3MSP"


def test_a_definition_whose_name_ends_in_a_hyphen_is_refused(topology, tmp_path):
    """`recfin org add --definition` of a definition written by hand: checked before anything of it is laid
    out."""
    spec = added_before_the_check(topology)
    with pytest.raises(OrgChangeError, match=r"^bank2- \(Bank2MSP\) cannot join: 'bank2-' ends in a hyphen: "
                                             r".*\. The company chooses a name without it with `recfin org "
                                             r"keys`$"):
        plan_add_defined(topology, tmp_path, None, SimpleNamespace(org=spec))
