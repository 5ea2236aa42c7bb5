"""An update file adding an org under the name of an org the network has (the ordering org's, or an application
org's) with an MSP ID of its own: signed and submitted by none.

An org is found by its name as well as its MSP ID (Topology.org), so a file whose carried spec names the joining
org `orderer` or `bank` would have `recfin org sign` show the signers an org they know, and, once submitted, have
the record take the joining org for the one of that name (membership.with_orgs keeps one org per name). Only the
carried spec tells: its MSP ID and group are the joining org's own.
"""
from __future__ import annotations

import json

import pytest
from fabric_protos.common import configtx_pb2

from network.org_change import ORG_SPEC_KEY

from .scripted_channel import signed_by_the_admins_as_written
from .test_org_file_joining_group_policies import neither_signed_nor_submitted


def carrying_the_name(name: str):
    """An edit of bank2's update: the spec it carries names the joining org `name`, all else bank2's."""
    def edit(update: configtx_pb2.ConfigUpdate) -> None:
        carried = json.loads(update.isolated_data[ORG_SPEC_KEY])
        carried["org"]["name"] = name
        update.isolated_data[ORG_SPEC_KEY] = json.dumps(carried, sort_keys=True).encode()
    return edit


@pytest.mark.parametrize("name, msp_id, whose", [("orderer", "OrdererMSP", "the channel's ordering org"),
                                                  ("bank", "BankMSP", "an org of the network")])
def test_a_joining_org_under_another_orgs_name_is_neither_signed_nor_submitted(
        name, msp_id, whose, channel, bank2_update_file, topology, data_root, tmp_path):
    change, _path = bank2_update_file
    edited = signed_by_the_admins_as_written(change, topology, data_root, tmp_path, carrying_the_name(name))
    refused = (rf"^{name} \(Bank2MSP\) cannot join: its name {name} is the name of {name} \({msp_id}\), {whose}, "
               rf"so either could be taken for the other\. Sign and submit none of .*older\.tx")
    neither_signed_nor_submitted(edited, refused, channel, topology, data_root, tmp_path)
