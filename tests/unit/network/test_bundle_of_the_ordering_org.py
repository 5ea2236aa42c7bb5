"""`recfin org bundle orderer` (or OrdererMSP) was refused as a name mistyped ("no peer org named 'orderer': choose
one of ..."), with nothing on what the ordering service's operator does instead. It says that bundles are for the
peer orgs and how the orderers are run, writing nothing."""
from __future__ import annotations

import pytest

from network import bundle
from network.errors import NodeNotFoundError


@pytest.mark.parametrize("name", ["orderer", "OrdererMSP"])
def test_the_ordering_org_gets_no_bundle_and_is_told_how_its_orderers_run(hosts, network_host, tmp_path, name):
    out = tmp_path / "orderer-bundle"
    with pytest.raises(NodeNotFoundError) as refused:
        bundle.write(hosts, network_host, name, out)
    said = str(refused.value)
    assert said.startswith("orderer (OrdererMSP) is the ordering org: bundles are for the peer orgs "
                           "(coreenterprise, supplier, bank, regulator)"), said
    assert "docker compose up -d orderer0.orderer.recfin.local orderer1.orderer.recfin.local " \
           "orderer2.orderer.recfin.local" in said
    assert not out.exists()
