"""Changing the ordering batch of a channel that exists: `recfin network tune`.

BatchTimeout and BatchSize are values of the channel config's Orderer group, written into
the genesis block from the topology's `tuning.ordering`; editing the topology later changes
new channels only. For a running channel the change is a config update: the config fetched
from the ordering service, the two values changed, the delta computed (channel_config), the
orderer org's admin signing it (both values are modified under /Channel/Orderer/Admins), the
signatures checked against the policies (config_policy), then `peer channel update` as that
admin, and the new config read back until the ordering service has it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fabric_protos.common import configtx_pb2
from fabric_protos.orderer import configuration_pb2
from pydantic import TypeAdapter, ValidationError

from client.ledger.msp import channel_msps

from . import channel_admin, channel_config, config_policy, config_signing
from .control import Network
from .crypto import org_crypto
from .errors import NetworkError
from .nodeconfig import node_dirs, peer_admin_env
from .org_admins import PEER_CLI_FAMILY, peer_cli_refusal, peer_cli_signature_counts
from .topology import Topology, format_validation_error
from .tuning import OrderingTuning, duration_seconds

BATCH_SIZE = "BatchSize"
BATCH_TIMEOUT = "BatchTimeout"


def batch_of(config: configtx_pb2.Config) -> OrderingTuning:
    """The ordering batch a channel config carries, as it is: not held to recfin's ranges, which are for the values
    recfin is asked to set (Fabric's own tools may have set others, e.g. a BatchTimeout of 2m0s)."""
    orderer = config.channel_group.groups[channel_config.ORDERER]
    if BATCH_SIZE not in orderer.values or BATCH_TIMEOUT not in orderer.values:
        raise NetworkError("the channel config has no Orderer BatchSize/BatchTimeout: is it an application channel?")
    size = configuration_pb2.BatchSize.FromString(orderer.values[BATCH_SIZE].value)
    timeout = configuration_pb2.BatchTimeout.FromString(orderer.values[BATCH_TIMEOUT].value)
    return OrderingTuning.model_construct(batch_timeout=timeout.timeout, max_message_count=size.max_message_count,
                                          absolute_max_bytes=size.absolute_max_bytes,
                                          preferred_max_bytes=size.preferred_max_bytes)


def with_batch(config: configtx_pb2.Config, batch: OrderingTuning) -> configtx_pb2.Config:
    """A copy of config with the Orderer group's BatchSize and BatchTimeout set to `batch`."""
    desired = configtx_pb2.Config()
    desired.CopyFrom(config)
    orderer = desired.channel_group.groups[channel_config.ORDERER]
    orderer.values[BATCH_SIZE].value = configuration_pb2.BatchSize(
        max_message_count=batch.max_message_count, absolute_max_bytes=batch.absolute_max_bytes,
        preferred_max_bytes=batch.preferred_max_bytes).SerializeToString()
    orderer.values[BATCH_TIMEOUT].value = configuration_pb2.BatchTimeout(
        timeout=batch.batch_timeout).SerializeToString()
    return desired


def changed_batch(current: OrderingTuning, **changes: object) -> OrderingTuning:
    """current with the given fields changed (None: keep). Each value given is checked as the topology's block is;
    the fields left out keep the channel's values as they are, in recfin's ranges or not. The result must still
    have preferred_max_bytes within absolute_max_bytes (Fabric refuses a batch without it).
    A timeout equal to the current one in another spelling ("60s", Go's "1m0s") keeps the current text."""
    given = {name: checked_field(name, value) for name, value in changes.items() if value is not None}
    after = current.model_copy(update=given)
    try:
        OrderingTuning._preferred_within_absolute(after)
    except ValueError as exc:
        raise NetworkError(f"batch: {exc}") from None
    if "batch_timeout" in given and _same_duration(after.batch_timeout, current.batch_timeout):
        after = after.model_copy(update={"batch_timeout": current.batch_timeout})
    return after


def checked_field(name: str, value: object) -> object:
    """value as the topology's tuning.ordering.<name> takes it (NetworkError naming the field)."""
    field = OrderingTuning.model_fields.get(name)
    if field is None:
        raise NetworkError(f"batch: {name}: not a batch setting: give {', '.join(OrderingTuning.model_fields)}")
    try:
        return TypeAdapter(Annotated[field.annotation, *field.metadata]).validate_python(value)
    except ValidationError as exc:
        raise NetworkError(format_validation_error(f"batch: {name}", exc)) from None


def _same_duration(one: str, other: str) -> bool:
    try:
        return duration_seconds(one) == duration_seconds(other)
    except ValueError:          # a spelling of the channel's that recfin does not read: taken as another value
        return False


@dataclass(frozen=True)
class BatchChange:
    """The signed update turning the channel's batch from `before` into `after`, and its policy verdict."""

    channel: str
    before: OrderingTuning
    after: OrderingTuning
    envelope: configtx_pb2.ConfigUpdateEnvelope
    verdict: config_policy.Verdict

    def summary(self) -> dict:
        return {"channel": self.channel, "before": self.before.model_dump(mode="json"),
                "after": self.after.model_dump(mode="json"), "policy_satisfied": self.verdict.ok,
                "verdict": self.verdict.describe()}


def orderer_admin_msp(topology: Topology, data_root: Path) -> Path:
    oo = topology.orderer_org
    return org_crypto(data_root, oo.name, oo.domain).user_msp(oo.admin)


def plan(topology: Topology, data_root: Path, current: configtx_pb2.Config, after: OrderingTuning) -> BatchChange:
    """The update setting the batch to `after`, signed by the orderer org's admin as the `peer` CLI signs it
    (over SHA-256, whatever the channel config says) and checked as the ordering service will check it;
    nothing sent."""
    update = channel_config.compute_update(topology.channel, current, with_batch(current, after))
    msp_dir = orderer_admin_msp(topology, data_root)
    if not (msp_dir / "signcerts").is_dir():
        raise NetworkError(f"no admin MSP folder for {topology.orderer_org.msp_id} at {msp_dir}: the orderer "
                           f"org's admin signs batch changes; run this where its keys are")
    admin = config_signing.load_admin(msp_dir, topology.orderer_org.msp_id)
    envelope = config_signing.envelope(update, [config_signing.sign(update, admin)])
    return BatchChange(topology.channel, batch_of(current), after, envelope,
                       config_policy.evaluate(current, envelope))


def _refusal(topology: Topology, current: configtx_pb2.Config, verdict: config_policy.Verdict) -> str:
    """Why a batch change the orderer org's admin signed is not sent (verdict: not ok), and what to do where
    that is known: an orderer org whose MSP in the channel config is of another family than the `peer` CLI
    signs in counts that admin's signature for nothing, and no other org's admin can authorise the change."""
    msp_id = topology.orderer_org.msp_id
    msps = channel_msps(current)
    if peer_cli_signature_counts(msp_id, msps):
        return f"not submitted: {verdict.describe()}"
    return peer_cli_refusal(
        msp_id, msps[msp_id].signature_hash_family, verdict,
        f"Only {msp_id}'s admins can authorise a batch change (/Channel/Orderer/Admins), so recfin, which "
        f"sends through the `peer` CLI, cannot change the batch of this channel while {msp_id}'s MSP is of "
        f"another family than {PEER_CLI_FAMILY}: the channel keeps its batch; send the update with a Fabric "
        f"client that signs in its family")


class BatchTuner:
    """Reads and changes the ordering batch of a Network's running channel."""

    def __init__(self, net: Network):
        self.net = net

    def _admin_env(self) -> dict[str, str]:
        """`peer` CLI env as the orderer org's admin (FABRIC_CFG_PATH from the first peer org's)."""
        topo, root = self.net.topology, self.net.data_root
        return {**peer_admin_env(topo, root, topo.orgs[0].name), "CORE_PEER_LOCALMSPID": topo.orderer_org.msp_id,
                "CORE_PEER_MSPCONFIGPATH": str(orderer_admin_msp(topo, root))}

    def fetch_config(self) -> configtx_pb2.Config:
        return channel_admin.fetch_config(self.net, self._admin_env(),
                                          self.net.data_root / "channel" / "updates" / "config-batch.block")

    def tune(self, **changes: object) -> BatchChange | None:
        """Set the batch fields given (None: keep); None when the channel already has those values."""
        topo, root = self.net.topology, self.net.data_root
        current = self.fetch_config()
        after = changed_batch(batch_of(current), **changes)
        if after == batch_of(current):
            return None
        change = plan(topo, root, current, after)
        if not change.verdict.ok:
            raise NetworkError(_refusal(topo, current, change.verdict))
        # `peer channel update` signs as the submitting admin itself: the envelope goes without that signature.
        unsigned = configtx_pb2.ConfigUpdateEnvelope(config_update=change.envelope.config_update)
        channel_admin.submit_update(self.net, self._admin_env(), unsigned, root / "channel" / "updates" / "batch.tx")
        first = topo.orderers()[0]
        self.net.supervisor.wait_until(lambda: batch_of(self.fetch_config()) == after,
                                       what=f"the new batch in the config of {topo.channel}", name="orderers",
                                       log=node_dirs(root, first.name).log, timeout=self.net.timeout)
        return change
