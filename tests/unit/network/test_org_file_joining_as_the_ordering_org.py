"""An update file adding an application org under the MSP ID of the channel's ordering org: signed and
submitted by none.

Fabric keeps one MSP per MSP ID on a channel (channelconfig's MSPConfigHandler): a second MSP value under
that ID is refused by the ordering service unless it is the very same MSP, and then the application org
added is the ordering org itself, its admin counting in the channel's `MAJORITY Admins` as an application
org's. A file edited before anyone signed it could give the joining group the ordering org's MSP ID and a
copy of its MSP value: its CAs are then no other application org's, its policies those every org has, so
only its MSP ID tells. `org sign` and `org submit` refuse it before anything is signed or sent.
"""
from __future__ import annotations

import json

from fabric_protos.common import configtx_pb2

from network import configtx
from network.org_change import ORG_SPEC_KEY
from network.org_definition import config_policy as compiled_policy

from .scripted_channel import signed_by_the_admins_as_written
from .test_org_file_joining_group_policies import neither_signed_nor_submitted

ORDERING_MSP = "OrdererMSP"


def joining_as_the_ordering_org(current: configtx_pb2.Config):
    """An edit of bank2's update: the joining group under the ordering org's MSP ID, its MSP value that org's
    own as the channel config holds it, its policies those every org is given, the spec it carries naming
    that MSP ID."""
    def edit(update: configtx_pb2.ConfigUpdate) -> None:
        orgs = update.write_set.groups["Application"].groups
        group = configtx_pb2.ConfigGroup()
        group.CopyFrom(orgs["Bank2MSP"])
        del orgs["Bank2MSP"]
        group.values["MSP"].value = current.channel_group.groups["Orderer"].groups[ORDERING_MSP].values["MSP"].value
        for name, spec in configtx.peer_org_policies(ORDERING_MSP).items():
            group.policies[name].CopyFrom(compiled_policy(spec))
            group.policies[name].mod_policy = "Admins"
        orgs[ORDERING_MSP].CopyFrom(group)
        carried = json.loads(update.isolated_data[ORG_SPEC_KEY])
        carried["org"]["msp_id"] = ORDERING_MSP
        update.isolated_data[ORG_SPEC_KEY] = json.dumps(carried, sort_keys=True).encode()
    return edit


def test_a_joining_group_under_the_ordering_orgs_msp_id_is_neither_signed_nor_submitted(
        channel, bank2_update_file, topology, data_root, tmp_path):
    change, path = bank2_update_file
    edited = signed_by_the_admins_as_written(change, topology, data_root, tmp_path,
                                             joining_as_the_ordering_org(change.current))
    refused = (r"^bank2 \(OrdererMSP\) cannot join: its MSP ID OrdererMSP is the MSP ID of orderer, the "
               r"channel's ordering org: Fabric keeps one MSP per MSP ID on a channel, so the org would be "
               r"orderer itself, its admin counting among the application orgs' admins, or, with another "
               r"MSP, be refused by the ordering service\. Sign and submit none of .*older\.tx")
    neither_signed_nor_submitted(edited, refused, channel, topology, data_root, tmp_path)
