"""What topology validation refuses of a node's fields, before anything is written: a port given as a flag, a name
that would end its hostname's first label in a hyphen."""
from __future__ import annotations

import pytest

from network.errors import TopologyError
from network.topology import DEFAULT_TOPOLOGY, load


def written(tmp_path, text: str):
    path = tmp_path / "topology.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("flag", ["true", "yes", "on", "false"])
def test_a_port_given_as_a_flag_is_refused_naming_the_field(tmp_path, flag):
    # YAML reads these as a flag, which an int field would take as port 1 (or 0)
    text = DEFAULT_TOPOLOGY.read_text().replace("port: 8051,", f"port: {flag},", 1)
    with pytest.raises(TopologyError) as refused:
        load(written(tmp_path, text))
    assert str(refused.value) == (f"topology.yaml: orgs[1].peers[0].port: {'true' if flag != 'false' else 'false'} "
                                  f"is not a port number: give a whole number from 1 to 65535")


def test_a_port_given_as_digits_in_quotes_is_still_that_port(tmp_path):
    text = DEFAULT_TOPOLOGY.read_text().replace("port: 8051,", 'port: "8051",', 1)
    assert load(written(tmp_path, text)).orgs[1].peers[0].port == 8051


@pytest.mark.parametrize("node, where", [("{name: peer0, port: 8051,", "orgs[1].peers[0].name"),
                                         ("{name: orderer1, port: 7150,", "orderer_org.orderers[1].name")])
def test_a_node_name_ending_in_a_hyphen_is_refused_as_its_hostname_would_be(tmp_path, node, where):
    # its default hostname would be <name>-.<org domain>, which `hostname:` itself is refused as no DNS name
    name = node.split(",")[0].removeprefix("{name: ")
    text = DEFAULT_TOPOLOGY.read_text().replace(node, node.replace(f"name: {name},", f"name: {name}-,"), 1)
    with pytest.raises(TopologyError) as refused:
        load(written(tmp_path, text))
    assert str(refused.value) == (f"topology.yaml: {where}: '{name}-' ends in a hyphen: a node's name is the first "
                                  f"label of its hostname (<name>.<org domain>), and a DNS label ends in a letter "
                                  f"or digit: drop the hyphen")
