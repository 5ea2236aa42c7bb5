"""An org's domain (and a node's hostname) is a DNS name: `network compose` writes hostnames from it, and one with
an empty label or a label starting or ending with a hyphen is no name a resolver takes."""
import copy

import pytest
import yaml

from network.errors import TopologyError
from network.topology import DEFAULT_TOPOLOGY, parse

RAW = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())


@pytest.mark.parametrize("domain", ["supplier..recfin.local", "supplier.-recfin-.local", "supplier-.recfin.local",
                                    f"{'a' * 64}.recfin.local"])
def test_a_domain_that_is_no_dns_name_is_refused_naming_the_field(domain):
    data = copy.deepcopy(RAW)
    data["orgs"][1]["domain"] = domain
    with pytest.raises(TopologyError) as refused:
        parse(data)
    assert f"orgs[1].domain: {domain!r} is not a DNS name" in str(refused.value)
    assert "joined by single dots, the last not all digits" in str(refused.value)
    assert "e.g. supplier.recfin.local" in str(refused.value)


def test_a_peer_hostname_with_an_empty_label_is_refused():
    data = copy.deepcopy(RAW)
    data["orgs"][1]["peers"][0]["hostname"] = "peer0..supplier.recfin.local"
    with pytest.raises(TopologyError, match=r"orgs\[1\]\.peers\[0\]\.hostname: 'peer0\.\.supplier"):
        parse(data)


def test_the_shipped_domains_are_dns_names():
    assert [org.domain for org in parse(copy.deepcopy(RAW)).orgs] == [o["domain"] for o in RAW["orgs"]]
