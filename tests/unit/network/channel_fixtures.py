"""Test data: the channel's config as a Config proto and a config block, built from the topology.

On a real network the genesis block comes from configtxgen (network/channel.py); that
binary is not available to unit tests, so this builds the same channel from the same
inputs, configtx.build()'s profile: the orgs through the product's own org_group encoding,
the channel, Application and Orderer policies from the profile. Element versions are set
as if the channel had already seen updates (Application at 1, SupplierMSP at 2), so tests
can tell "carried at its version" from "version 0".
"""
from __future__ import annotations

from pathlib import Path

from fabric_protos.common import common_pb2, configtx_pb2

from network import configtx
from network.org_definition import config_policy, org_group
from network.topology import Topology

APPLICATION_VERSION = 1
SUPPLIER_VERSION = 2


def _policies(group: configtx_pb2.ConfigGroup, specs: dict) -> None:
    for name, spec in specs.items():
        group.policies[name].CopyFrom(config_policy(spec))


def channel_config(topology: Topology, data_root: Path) -> configtx_pb2.Config:
    profile = configtx.build(topology, data_root)["Profiles"][configtx.PROFILE]
    root = configtx_pb2.ConfigGroup(mod_policy="Admins")
    _policies(root, profile["Policies"])
    root.values["HashingAlgorithm"].mod_policy = "Admins"

    orderer = root.groups["Orderer"]
    orderer.mod_policy = "Admins"
    _policies(orderer, profile["Orderer"]["Policies"])
    for org in profile["Orderer"]["Organizations"]:
        orderer.groups[org["ID"]].CopyFrom(org_group(org))

    application = root.groups["Application"]
    application.mod_policy = "Admins"
    application.version = APPLICATION_VERSION
    _policies(application, profile["Application"]["Policies"])
    for org in profile["Application"]["Organizations"]:
        application.groups[org["ID"]].CopyFrom(org_group(org))
    application.groups["SupplierMSP"].version = SUPPLIER_VERSION
    return configtx_pb2.Config(sequence=3, channel_group=root)


def config_block(config: configtx_pb2.Config, channel: str, number: int = 0,
                 last_update: configtx_pb2.ConfigUpdateEnvelope | None = None) -> common_pb2.Block:
    """A config block; last_update: the update that made the config, wrapped as the ordering service keeps it
    (an envelope of type CONFIG_UPDATE)."""
    header = common_pb2.ChannelHeader(type=common_pb2.CONFIG, channel_id=channel)
    envelope_of_update = common_pb2.Envelope()
    if last_update is not None:
        update_header = common_pb2.ChannelHeader(type=common_pb2.CONFIG_UPDATE, channel_id=channel)
        envelope_of_update.payload = common_pb2.Payload(
            header=common_pb2.Header(channel_header=update_header.SerializeToString()),
            data=last_update.SerializeToString()).SerializeToString()
    payload = common_pb2.Payload(header=common_pb2.Header(channel_header=header.SerializeToString()),
                                 data=configtx_pb2.ConfigEnvelope(config=config, last_update=envelope_of_update
                                                                  ).SerializeToString())
    envelope = common_pb2.Envelope(payload=payload.SerializeToString())
    return common_pb2.Block(header=common_pb2.BlockHeader(number=number),
                            data=common_pb2.BlockData(data=[envelope.SerializeToString()]))
