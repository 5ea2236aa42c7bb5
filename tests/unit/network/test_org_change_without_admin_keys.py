"""`recfin org add` or `org remove` on a data folder that holds no org admin's keys (a company's bundle host, a
folder never prepared): the channel's config cannot be fetched as any admin. The refusal said only that, not where
the keys are looked for nor what to do."""
from __future__ import annotations

import pytest

from network import Network
from network.errors import NetworkError
from network.org_membership import OrgMembership

CODE = "91110000MA1K00007E"


@pytest.mark.parametrize("plan", [lambda members: members.plan_add("bank2", "bank", CODE),
                                  lambda members: members.plan_remove("bank")], ids=["add", "remove"])
def test_a_change_planned_where_no_admin_keys_are_says_where_they_are_looked_for_and_what_to_do(topology, tmp_path,
                                                                                                plan):
    data_root = tmp_path / "network"
    with pytest.raises(NetworkError) as refused:
        plan(OrgMembership(Network(topology, data_root=data_root)))
    assert str(refused.value) == (
        f"no org admin of the channel has its MSP folder in the data folder {data_root} "
        f"(crypto/<org>/users/<admin>/msp), so the channel's config cannot be fetched here: run the command on the "
        f"host that holds an org admin's keys (give its folder with --data-root), or, with --dry-run or "
        f"--update-out, give the channel's config block with --config-block")
    assert not data_root.exists()
