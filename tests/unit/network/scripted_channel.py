"""The `peer` CLI's two config calls for one channel, scripted, and data folders acting on it.

`channel fetch config` hands out the channel's config block; `channel update` records what was
sent and, as the ordering service does once the update is in, hands out the config with it from
then on (`after`). `host` is an OrgMembership on a data folder with that CLI; `admins_host` lays
out a company's data folder holding its admin's MSP folder and the orderers' TLS CA only.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from fabric_protos.common import configtx_pb2

from network import Network, config_signing, membership
from network import channel_config as channel_config_module
from network.crypto import org_crypto
from network.nodeconfig import orderer_tls_ca
from network.org_change import admin_signers
from network.org_membership import OrgMembership
from network.tools import Result

from .channel_fixtures import config_block, with_org_keys
from .scripted_peer import ScriptedPeer

BANK2_CODE = "91110000MA1K00007E"   # the credit code of bank2, the org the update files of the tests add


class ScriptedChannel(ScriptedPeer):
    def __init__(self, topology, config: configtx_pb2.Config):
        super().__init__(topology)
        self.channel = topology.channel
        self.config = config
        self.after: configtx_pb2.Config | None = None      # the config once an update is in
        self.updates: list[tuple[str, dict, configtx_pb2.ConfigUpdateEnvelope]] = []   # (MSP ID, env, sent)
        self.last_update: configtx_pb2.ConfigUpdateEnvelope | None = None   # what made the config, in its block

    def _channel_fetch(self, msp, args, env):
        Path(args[3]).write_bytes(config_block(self.config, self.channel,
                                               last_update=self.last_update).SerializeToString())
        return Result("", "", 0)

    def _channel_update(self, msp, args, env):
        sent = config_signing.read_update_file(Path(args[args.index("-f") + 1]))[1]
        self.updates.append((msp, env, sent))
        if self.after is not None:
            self.config = self.after
            self.last_update = sent     # the real CLI adds the submitter's signature; the bytes signed are the same
        return Result("", "", 0)


def _merge(group: configtx_pb2.ConfigGroup, write: configtx_pb2.ConfigGroup) -> None:
    group.version, group.mod_policy = write.version, write.mod_policy or group.mod_policy
    for name, value in write.values.items():
        group.values[name].CopyFrom(value)
    for name, policy in write.policies.items():
        group.policies[name].CopyFrom(policy)
    for name, child in write.groups.items():
        _merge(group.groups[name], child)


class ChannelTakingUpdates(ScriptedChannel):
    """The scripted channel, whose config takes each update's write set once it is sent (no element removed):
    as an org's own change of its MSP value (a revocation's CRL) lands."""

    def _channel_update(self, msp, args, env):
        result = super()._channel_update(msp, args, env)
        after = configtx_pb2.Config()
        after.CopyFrom(self.config)
        _merge(after.channel_group, configtx_pb2.ConfigUpdate.FromString(self.updates[-1][2].config_update).write_set)
        self.config = after
        return result


def with_update(current: configtx_pb2.Config, update: configtx_pb2.ConfigUpdate) -> configtx_pb2.Config:
    """The channel config once an update adding or removing an org is in."""
    action, msp_id = channel_config_module.org_membership_change(current, update)
    if action == "add":
        after = channel_config_module.with_org(current, msp_id,
                                               update.write_set.groups["Application"].groups[msp_id])
    else:
        after = channel_config_module.without_org(current, msp_id)
    after.channel_group.groups["Application"].version = update.write_set.groups["Application"].version
    return after


def host(topology, root: Path, scripted: ScriptedChannel, said: list[str] | None = None) -> OrgMembership:
    net = Network(topology, data_root=root, timeout=5, say=(said if said is not None else []).append)
    net.tools = scripted
    return OrgMembership(net)


def with_org_recorded(topology, data_root: Path, spec):
    """``with_org_keys``, and the org's addition recorded in data_root: a data folder as `recfin org add`
    leaves it once the channel took the org."""
    grown = with_org_keys(topology, data_root, spec)
    membership.record_added(data_root, spec)
    return grown


def admins_host(topology, source: Path, root: Path, org_name: str, *, orderer_ca: bool = True) -> Path:
    """A company's data folder: its admin's MSP folder and, unless told not to, the orderers' TLS CA certificate."""
    org = topology.org(org_name)
    msp = org_crypto(source, org.name, org.domain).user_msp(org.admin)
    shutil.copytree(msp, org_crypto(root, org.name, org.domain).user_msp(org.admin))
    if orderer_ca:
        orderer_tls_ca(topology, root).parent.mkdir(parents=True)
        shutil.copyfile(orderer_tls_ca(topology, source), orderer_tls_ca(topology, root))
    return root


def signed_by_the_admins_as_written(change, topology, data_root: Path, tmp_path: Path, edit) -> Path:
    """The written update, edited by edit (as an older recfin or another tool wrote it), then signed by enough
    admins that the policy is met: only what the file says decides whether it goes."""
    update = configtx_pb2.ConfigUpdate()
    update.CopyFrom(change.update)
    edit(update)
    signers = admin_signers(topology, data_root, ["BankMSP", "SupplierMSP", "RegulatorMSP"])
    return config_signing.write_update_file(
        tmp_path / "older.tx", topology.channel,
        config_signing.envelope(update, [config_signing.sign(update, a) for a in signers.values()]))
