"""The benchmark's tuning knobs: the topology's `tuning:` block, typed and range-checked.

Every default is what the network ran before the block existed: the ordering batch of
network/configtx.py (250 ms, 100 messages, 10 MB / 2 MB), and Fabric 3.1's own core.yaml
values for the peer limits, the Gateway timeouts and the chaincode runtime parameters. So a
topology without the block, or with it unchanged, runs exactly as before.

Where each part goes:
- `ordering`: the channel's genesis block (configtx.yaml's Orderer.BatchTimeout and
  BatchSize). A channel that exists keeps its values until a channel config update
  changes them (`recfin network tune`, network/batch_tuning.py);
- `peer` and `chaincode_runtime`: every peer's core.yaml and its CORE_* environment
  (network/nodeconfig.py), the same environment compose gives the peer containers.
  A running peer reads them when it starts.
"""
from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

KB = 1024
MB = 1024 * KB
# Fabric's ceiling for AbsoluteMaxBytes (its sampleconfig configtx.yaml, docs/source/performance.md): "not to
# exceed 49 MB, given the default grpc max message size of 100 MB configured on orderer and peer nodes (and
# allowing for message expansion during communication)". A block is its transactions plus header and
# metadata, sent in a Deliver reply or a Raft message: at 100 MB, one transaction the orderer accepts makes
# a block above the 100 MB gRPC limit, which the other orderers cannot replicate nor the peers receive.
MAX_BLOCK_BYTES = 49 * MB
# The orderer refuses every envelope above AbsoluteMaxBytes and checks a config update twice: the update,
# then the CONFIG envelope it makes, which carries the channel's whole config (standardchannel.go,
# ProcessConfigUpdateMsg; tens of KB here, more with each org and CRL). Under that size no config update
# passes again, the one raising the limit included: the channel could never be reconfigured.
MIN_ABSOLUTE_MAX_BYTES = 1 * MB
_BYTES = re.compile(r"^\s*(\d+)\s*(KB|MB)?\s*$", re.IGNORECASE)
# Go's time.ParseDuration syntax (what the peer and orderer read), e.g. 250ms, 30s, 2m, 1m30s, 1.5s.
# \Z, not "$", which matches before a final newline too: Go's time.ParseDuration refuses one. ASCII: Python's \d
# (and float()) take any script's digits ("١s", "５s"), Go's only 0-9, so the orderer would refuse such a timeout
# in the channel config and the peer its core.yaml.
_DURATION_UNITS = "ns|us|µs|ms|s|m|h"
_DURATION = re.compile(rf"^(?:\d+(?:\.\d+)?(?:{_DURATION_UNITS}))+\Z", re.ASCII)
_DURATION_PART = re.compile(rf"(\d+(?:\.\d+)?)({_DURATION_UNITS})", re.ASCII)
_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 0.001, "s": 1, "m": 60, "h": 3600}


def _parse_bytes(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("give a size in bytes, or as '<n> KB' / '<n> MB'")
    if isinstance(value, int):
        return value
    match = _BYTES.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a size: give bytes, or '<n> KB' / '<n> MB' (e.g. 2 MB)")
    unit = (match.group(2) or "").upper()
    return int(match.group(1)) * {"": 1, "KB": KB, "MB": MB}[unit]


def render_bytes(size: int) -> str | int:
    """configtx.yaml's way of writing a size: '10 MB', '512 KB', or plain bytes."""
    if size and size % MB == 0:
        return f"{size // MB} MB"
    if size and size % KB == 0:
        return f"{size // KB} KB"
    return size


def duration_seconds(text: str) -> float:
    """Seconds in a Go duration ('250ms', '30s', '2m', '1m0s' as Go prints a minute)."""
    if not _DURATION.match(text):
        raise ValueError(f"{text!r} is not a duration: give a number and a unit, ms, s, m or h (e.g. 250ms)")
    return sum(float(n) * _SECONDS[unit] for n, unit in _DURATION_PART.findall(text))


def _check_duration(low: float, high: float):
    def check(value: object) -> str:
        text = str(value)
        seconds = duration_seconds(text)
        if not low <= seconds <= high:
            raise ValueError(f"{text} is out of range: allowed {_show_seconds(low)} to {_show_seconds(high)}")
        return text
    return check


def _show_seconds(seconds: float) -> str:
    return f"{round(seconds * 1000)}ms" if seconds < 1 else f"{seconds:g}s"


def _whole_number(low: int, high: int, unit: str = ""):
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{value!r} is not a whole number: allowed {low} to {high}{unit}")
        if not low <= value <= high:
            raise ValueError(f"{value} is out of range: allowed {low} to {high}{unit}")
        return value
    return check


_UNDER_THE_GRPC_LIMIT = "Fabric's ceiling under the nodes' 100 MB gRPC message limit"


def _size_between(low: int, too_small: str = ""):
    """A size from low to MAX_BLOCK_BYTES; a refusal says why the bound it crosses is there."""
    def check(value: object) -> int:
        size = _parse_bytes(value)
        if not low <= size <= MAX_BLOCK_BYTES:
            shown = "1 byte" if low == 1 else render_bytes(low)
            why = too_small if size < low else _UNDER_THE_GRPC_LIMIT
            raise ValueError(f"{value} is out of range: allowed {shown} to {render_bytes(MAX_BLOCK_BYTES)} "
                             f"({why})")
        return size
    return check


_BELOW_THE_CONFIG = ("the orderer refuses every config update bigger, and the channel's whole config is in "
                     "each: none would pass again, the one raising it included")
AbsoluteBytes = Annotated[int, BeforeValidator(_size_between(MIN_ABSOLUTE_MAX_BYTES, _BELOW_THE_CONFIG)),
                          PlainSerializer(render_bytes)]
# Only where a block is cut: a transaction bigger than it gets a block of its own.
PreferredBytes = Annotated[int, BeforeValidator(_size_between(1)), PlainSerializer(render_bytes)]
BatchTimeout = Annotated[str, BeforeValidator(_check_duration(0.001, 60))]
Timeout = Annotated[str, BeforeValidator(_check_duration(0.001, 3600))]
MessageCount = Annotated[int, BeforeValidator(_whole_number(1, 100_000))]
# 0 turns a peer concurrency limit off (core.yaml: "missing or 0: the limit is disabled").
Concurrency = Annotated[int, BeforeValidator(_whole_number(0, 1_000_000, " (0: no limit)"))]
KeysPerBatch = Annotated[int, BeforeValidator(_whole_number(1, 100_000))]


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not a flag: allowed true or false")
    return value


Flag = Annotated[bool, BeforeValidator(_flag)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _core(default: object, key: str) -> Any:
    """A field that sets core.yaml `key` (its CORE_* variable is derived from the key)."""
    return Field(default, json_schema_extra={"core_yaml": key})


class OrderingTuning(_Model):
    """How the ordering service cuts blocks: at batch_timeout, or when a limit is reached."""

    batch_timeout: BatchTimeout = "250ms"
    max_message_count: MessageCount = 100
    absolute_max_bytes: AbsoluteBytes = 10 * MB
    preferred_max_bytes: PreferredBytes = 2 * MB

    @model_validator(mode="after")
    def _preferred_within_absolute(self) -> "OrderingTuning":
        if self.preferred_max_bytes > self.absolute_max_bytes:
            raise ValueError(f"preferred_max_bytes ({render_bytes(self.preferred_max_bytes)}) is above "
                             f"absolute_max_bytes ({render_bytes(self.absolute_max_bytes)}): "
                             f"allowed up to absolute_max_bytes")
        return self

    def configtx(self) -> dict:
        """configtx.yaml's Orderer.BatchTimeout and Orderer.BatchSize."""
        return {"BatchTimeout": self.batch_timeout,
                "BatchSize": {"MaxMessageCount": self.max_message_count,
                              "AbsoluteMaxBytes": render_bytes(self.absolute_max_bytes),
                              "PreferredMaxBytes": render_bytes(self.preferred_max_bytes)}}


class PeerTuning(_Model):
    """Each peer's service limits and its Gateway's timeouts (Fabric 3.1 core.yaml defaults)."""

    gateway_concurrency: Concurrency = _core(500, "peer.limits.concurrency.gatewayService")
    endorser_concurrency: Concurrency = _core(2500, "peer.limits.concurrency.endorserService")
    deliver_concurrency: Concurrency = _core(2500, "peer.limits.concurrency.deliverService")
    gateway_endorsement_timeout: Timeout = _core("30s", "peer.gateway.endorsementTimeout")
    gateway_broadcast_timeout: Timeout = _core("30s", "peer.gateway.broadcastTimeout")
    gateway_dial_timeout: Timeout = _core("2m", "peer.gateway.dialTimeout")


class ChaincodeRuntimeTuning(_Model):
    """What the peer offers its chaincode in READY: batched writes and multi-key reads (Fabric 3.1)."""

    use_write_batch: Flag = _core(True, "chaincode.runtimeParams.useWriteBatch")
    max_size_write_batch: KeysPerBatch = _core(1000, "chaincode.runtimeParams.maxSizeWriteBatch")
    use_get_multiple_keys: Flag = _core(True, "chaincode.runtimeParams.useGetMultipleKeys")
    max_size_get_multiple_keys: KeysPerBatch = _core(1000, "chaincode.runtimeParams.maxSizeGetMultipleKeys")


def _core_yaml_values(model: BaseModel) -> dict[str, object]:
    out = {}
    for name, info in type(model).model_fields.items():
        out[info.json_schema_extra["core_yaml"]] = getattr(model, name)
    return out


class Tuning(_Model):
    ordering: OrderingTuning = Field(default_factory=OrderingTuning)
    peer: PeerTuning = Field(default_factory=PeerTuning)
    chaincode_runtime: ChaincodeRuntimeTuning = Field(default_factory=ChaincodeRuntimeTuning)

    def peer_core_yaml(self) -> dict[str, object]:
        """Dotted core.yaml key -> value, for every peer setting here."""
        return {**_core_yaml_values(self.peer), **_core_yaml_values(self.chaincode_runtime)}

    def in_effect(self) -> dict:
        """The settings as plain data (sizes as configtx writes them): what reports record."""
        return self.model_dump(mode="json")


def core_env_name(key: str) -> str:
    """The environment variable that overrides a core.yaml key (Fabric: CORE_ + key, dots as _)."""
    return "CORE_" + key.replace(".", "_").upper()


def env_value(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)
