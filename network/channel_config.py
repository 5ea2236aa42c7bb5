"""A channel's configuration: read it from a config block, change it, and compute the ConfigUpdate.

`config_from_block` decodes the `common.Config` a config block carries (`peer channel
fetch config` writes one). `with_org` / `without_org` give the desired Config with an
application org added or removed. `compute_update(current, desired)` is the delta the
ordering service accepts: the same rules Fabric's configtxlator applies, so no binary is
needed for it.

How a ConfigUpdate is versioned (what the orderer checks):
- every element (group, value, policy) carries a version; an element in the write set
  whose version differs from the read set's is a change, and must be exactly current+1
  (or 0 for a new element);
- a group whose own members change (an element added or removed, or its mod_policy
  changed) is bumped, and its read and write sets then list every remaining member at
  its current version, so the orderer sees the whole membership it is replacing;
- a group whose members only change below it is carried at its current version, listing
  just the changed subtrees; untouched siblings are left out.
The orderer authorises each bumped element by its *current* mod_policy (see config_policy).
"""
from __future__ import annotations

from fabric_protos.common import common_pb2, configtx_pb2
from fabric_protos.common import configuration_pb2 as common_config_pb2
from fabric_protos.orderer import configuration_pb2 as orderer_config_pb2
from fabric_protos.orderer.etcdraft import configuration_pb2 as etcdraft_config_pb2
from google.protobuf.message import DecodeError

from .errors import NetworkError

APPLICATION = "Application"
ORDERER = "Orderer"
CONSENSUS_TYPE = "ConsensusType"       # the Orderer group's value: the consensus, and for etcdraft its consenters
ENDPOINTS = "Endpoints"                # an orderer org's value: the addresses its orderers serve the channel at


class ConfigUpdateError(NetworkError):
    pass


# ---- reading ---------------------------------------------------------------------------
def config_envelope_from_block(block: common_pb2.Block | bytes) -> configtx_pb2.ConfigEnvelope:
    try:
        return _config_envelope_from_block(block)
    except DecodeError as exc:
        raise ConfigUpdateError(f"not a Fabric config block ({exc}): fetch one with "
                                f"`peer channel fetch config`") from None


def _config_envelope_from_block(block: common_pb2.Block | bytes) -> configtx_pb2.ConfigEnvelope:
    if isinstance(block, (bytes, bytearray)):
        block = common_pb2.Block.FromString(bytes(block))
    if len(block.data.data) != 1:
        raise ConfigUpdateError(f"block {block.header.number} holds {len(block.data.data)} transactions: "
                                f"a config block holds exactly one")
    envelope = common_pb2.Envelope.FromString(block.data.data[0])
    payload = common_pb2.Payload.FromString(envelope.payload)
    header = common_pb2.ChannelHeader.FromString(payload.header.channel_header)
    if header.type != common_pb2.CONFIG:
        raise ConfigUpdateError(f"block {block.header.number} is not a config block (its transaction is of type "
                                f"{common_pb2.HeaderType.Name(header.type)}): "
                                f"fetch it with `peer channel fetch config`")
    return configtx_pb2.ConfigEnvelope.FromString(payload.data)


def config_from_block(block: common_pb2.Block | bytes) -> configtx_pb2.Config:
    """The channel configuration a config block carries."""
    return config_envelope_from_block(block).config


def channel_id_of_block(block: common_pb2.Block | bytes) -> str:
    if isinstance(block, (bytes, bytearray)):
        block = common_pb2.Block.FromString(bytes(block))
    envelope = common_pb2.Envelope.FromString(block.data.data[0])
    payload = common_pb2.Payload.FromString(envelope.payload)
    return common_pb2.ChannelHeader.FromString(payload.header.channel_header).channel_id


def application_orgs(config: configtx_pb2.Config) -> list[str]:
    """The MSP IDs (group names) of the channel's application orgs, sorted."""
    return sorted(config.channel_group.groups[APPLICATION].groups)


def orderer_orgs(config: configtx_pb2.Config) -> list[str]:
    """The MSP IDs (group names) of the channel's ordering orgs, sorted."""
    orderer = config.channel_group.groups.get(ORDERER)
    return [] if orderer is None else sorted(orderer.groups)


def raft_consenters(config: configtx_pb2.Config) -> list[etcdraft_config_pb2.Consenter]:
    """The channel's Raft consenter set (each one's host, port and TLS certificates); empty when its ordering
    service is not etcdraft."""
    orderer = config.channel_group.groups.get(ORDERER)
    if orderer is None or CONSENSUS_TYPE not in orderer.values:
        return []
    consensus = orderer_config_pb2.ConsensusType.FromString(orderer.values[CONSENSUS_TYPE].value)
    if consensus.type != "etcdraft":
        return []
    return list(etcdraft_config_pb2.ConfigMetadata.FromString(consensus.metadata).consenters)


def orderer_endpoints(config: configtx_pb2.Config) -> list[str]:
    """The addresses (host:port) the channel gives peers and clients for its ordering service: every orderer
    org's Endpoints, where configtx.yaml's OrdererEndpoints go."""
    orderer = config.channel_group.groups.get(ORDERER)
    groups = [] if orderer is None else [orderer.groups[name] for name in sorted(orderer.groups)]
    return [address for group in groups if ENDPOINTS in group.values
            for address in common_config_pb2.OrdererAddresses.FromString(group.values[ENDPOINTS].value).addresses]


# ---- changing ---------------------------------------------------------------------------
def with_org(config: configtx_pb2.Config, msp_id: str, group: configtx_pb2.ConfigGroup) -> configtx_pb2.Config:
    """A copy of config with the application org `msp_id` added (ConfigUpdateError if already there)."""
    if msp_id in application_orgs(config):
        raise ConfigUpdateError(f"{msp_id} is already an org of the channel: choose another MSP ID, "
                                f"or remove it first with `recfin org remove`")
    desired = configtx_pb2.Config()
    desired.CopyFrom(config)
    desired.channel_group.groups[APPLICATION].groups[msp_id].CopyFrom(group)
    return desired


def without_org(config: configtx_pb2.Config, msp_id: str) -> configtx_pb2.Config:
    """A copy of config without the application org `msp_id` (ConfigUpdateError if absent)."""
    orgs = application_orgs(config)
    if msp_id not in orgs:
        raise ConfigUpdateError(f"{msp_id} is not an org of the channel: its orgs are {', '.join(orgs)}")
    desired = configtx_pb2.Config()
    desired.CopyFrom(config)
    del desired.channel_group.groups[APPLICATION].groups[msp_id]
    return desired


# ---- the delta ------------------------------------------------------------------------------
def _leaf_delta(kind, original, updated):
    """(write set, unchanged set, membership changed) for a map of values or policies.

    Leaves carry no read set of their own: their group's read set lists them by version
    only when the group's membership changes.
    """
    write, same, members_changed = {}, {}, False
    for name, old in original.items():
        if name not in updated:
            members_changed = True
            continue
        new = updated[name]
        if old == new:
            same[name] = kind(version=old.version)
        else:
            changed = kind()
            changed.CopyFrom(new)
            changed.version = old.version + 1
            write[name] = changed
    for name, new in updated.items():
        if name not in original:
            members_changed = True
            added = kind()
            added.CopyFrom(new)
            added.version = 0
            write[name] = added
    return write, same, members_changed


def _new_group(updated: configtx_pb2.ConfigGroup) -> configtx_pb2.ConfigGroup:
    """A group absent from the current config: everything in it at version 0."""
    _, write, _ = _group_delta(configtx_pb2.ConfigGroup(), updated)
    write.version = 0
    write.mod_policy = updated.mod_policy
    return write


def _groups_delta(original, updated):
    read, write, same, members_changed = {}, {}, {}, False
    for name, old in original.items():
        if name not in updated:
            members_changed = True
            continue
        group_read, group_write, changed = _group_delta(old, updated[name])
        if changed:
            read[name], write[name] = group_read, group_write
        else:
            same[name] = group_read
    for name, new in updated.items():
        if name not in original:
            members_changed = True
            write[name] = _new_group(new)
    return read, write, same, members_changed


def _fill(group: configtx_pb2.ConfigGroup, groups: dict, values: dict, policies: dict) -> None:
    for name, g in groups.items():
        group.groups[name].CopyFrom(g)
    for name, v in values.items():
        group.values[name].CopyFrom(v)
    for name, p in policies.items():
        group.policies[name].CopyFrom(p)


def _group_delta(original: configtx_pb2.ConfigGroup, updated: configtx_pb2.ConfigGroup):
    """(read set, write set, changed) of one group and everything below it."""
    write_values, same_values, values_changed = _leaf_delta(configtx_pb2.ConfigValue, original.values, updated.values)
    write_policies, same_policies, policies_changed = _leaf_delta(configtx_pb2.ConfigPolicy, original.policies,
                                                                  updated.policies)
    read_groups, write_groups, same_groups, groups_changed = _groups_delta(original.groups, updated.groups)
    read = configtx_pb2.ConfigGroup(version=original.version)
    write = configtx_pb2.ConfigGroup(version=original.version)
    if not (values_changed or policies_changed or groups_changed or original.mod_policy != updated.mod_policy):
        # The group itself stays: it is carried at its version, holding only what changed below it.
        if not (write_values or write_policies or read_groups or write_groups):
            return read, write, False
        _fill(read, read_groups, {}, {})
        _fill(write, write_groups, write_values, write_policies)
        return read, write, True
    # The group's membership changes: bump it, and list every member it keeps at its version.
    _fill(read, {**read_groups, **same_groups}, same_values, same_policies)
    _fill(write, {**write_groups, **same_groups}, {**write_values, **same_values},
          {**write_policies, **same_policies})
    write.version = original.version + 1
    write.mod_policy = updated.mod_policy
    return read, write, True


def compute_update(channel_id: str, current: configtx_pb2.Config,
                   desired: configtx_pb2.Config) -> configtx_pb2.ConfigUpdate:
    """The ConfigUpdate that turns `current` into `desired` (ConfigUpdateError when they are the same)."""
    read, write, changed = _group_delta(current.channel_group, desired.channel_group)
    if not changed:
        raise ConfigUpdateError("the desired channel configuration is the same as the current one: nothing to update")
    return configtx_pb2.ConfigUpdate(channel_id=channel_id, read_set=read, write_set=write)


# ---- walking an update -----------------------------------------------------------------------
def changed_elements(update: configtx_pb2.ConfigUpdate, current: configtx_pb2.Config | None = None
                     ) -> list[tuple[tuple[str, ...], str, object, object]]:
    """Every element the update changes: (group path, kind, element before or None, write-set element).

    kind is "group", "value" or "policy"; the path of a value or policy is its group's path
    plus its own name. An element is changed when its write-set version differs from the
    read set's, or it is not in the read set at all (a new element, version 0, or one changed
    in a group that is not itself bumped, which reads no leaf). The element before is the read
    set's; where the read set lacks it, current's (the channel config the update applies to,
    when given), so a changed element that exists shows its version rather than passing for new.
    """
    out: list = []

    def walk(path: tuple[str, ...], read: configtx_pb2.ConfigGroup | None, write: configtx_pb2.ConfigGroup,
             now: configtx_pb2.ConfigGroup | None):
        if read is None or read.version != write.version:
            out.append((path, "group", read if read is not None else now, write))
        for kind, read_map, write_map, now_map in (
                ("value", read.values if read else {}, write.values, now.values if now else {}),
                ("policy", read.policies if read else {}, write.policies, now.policies if now else {})):
            for name, element in sorted(write_map.items()):
                before = read_map[name] if name in read_map else None
                if before is None or before.version != element.version:
                    out.append((path + (name,), kind, before if before is not None else now_map.get(name), element))
        for name, child in sorted(write.groups.items()):
            walk(path + (name,), read.groups[name] if read is not None and name in read.groups else None, child,
                 now.groups[name] if now is not None and name in now.groups else None)

    walk(("Channel",), update.read_set, update.write_set, current.channel_group if current is not None else None)
    return out


def stale_reads(current: configtx_pb2.Config, update: configtx_pb2.ConfigUpdate) -> list[str]:
    """Elements the update read at a version the current config no longer has (or no longer has at all).

    The ordering service rejects such an update: it was computed against an older config, so
    its signatures are for a change that can no longer apply. An empty list means it still fits.
    """
    out: list[str] = []

    def walk(path: tuple[str, ...], read: configtx_pb2.ConfigGroup, now: configtx_pb2.ConfigGroup | None):
        where = "/" + "/".join(path)
        if now is None or now.version != read.version:
            out.append(f"group {where} (read at version {read.version}, now "
                       f"{'gone' if now is None else now.version})")
            return
        for kind, read_map, now_map in (("value", read.values, now.values), ("policy", read.policies, now.policies)):
            for name, element in sorted(read_map.items()):
                if name not in now_map or now_map[name].version != element.version:
                    out.append(f"{kind} {where}/{name} (read at version {element.version})")
        for name, child in sorted(read.groups.items()):
            walk(path + (name,), child, now.groups[name] if name in now.groups else None)

    walk(("Channel",), update.read_set, current.channel_group)
    return out


def org_membership_change(current: configtx_pb2.Config, update: configtx_pb2.ConfigUpdate) -> tuple[str, str]:
    """("add" | "remove", MSP ID) of an update that adds or drops one application org and changes nothing else.

    ConfigUpdateError for any other update: only org changes are carried through this way, and an admin
    signing one is shown the org it adds or removes. So the update must be exactly the one computed from
    current with that org added (its group as the update writes it) or dropped; anything else it reads or
    writes is named. isolated_data is not compared: it enters no config.
    """
    action, msp_id = _org_added_or_dropped(current, update)
    if action == "add":
        desired = with_org(current, msp_id, update.write_set.groups[APPLICATION].groups[msp_id])
    else:
        desired = without_org(current, msp_id)
    expected = compute_update(update.channel_id, current, desired)
    extra = update_differences(expected, update)
    if extra:
        doing = f"{'adding' if action == 'add' else 'removing'} {msp_id}"
        raise ConfigUpdateError(f"the update {action}s {msp_id}, but also does what {doing} does not: "
                                f"{'; '.join(extra)}. Refused: its signers would be shown only the org. Write "
                                f"the update again with `recfin org add|remove --update-out` and have the admins "
                                f"sign that one; a change of anything else is its own update (`peer channel update`)")
    return action, msp_id


def _org_added_or_dropped(current: configtx_pb2.Config, update: configtx_pb2.ConfigUpdate) -> tuple[str, str]:
    members = set(application_orgs(current))
    write = update.write_set.groups[APPLICATION] if APPLICATION in update.write_set.groups else None
    if write is not None and write.version != current.channel_group.groups[APPLICATION].version:
        added, dropped = set(write.groups) - members, members - set(write.groups)
        if len(added) == 1 and not dropped:
            return "add", added.pop()
        if len(dropped) == 1 and not added:
            return "remove", dropped.pop()
    raise ConfigUpdateError("the update neither adds nor removes exactly one org of the channel: "
                            "submit it with `peer channel update` instead")


def update_differences(expected: configtx_pb2.ConfigUpdate, actual: configtx_pb2.ConfigUpdate) -> list[str]:
    """Where actual's read and write sets differ from expected's, one phrase each ("writes policy
    /Channel/Application/Endorsement at version 1, mod_policy Admins, where expected at version 0 as it is");
    empty when they are the same."""
    out: list[str] = []

    def describe(element) -> str:
        if element == type(element)(version=element.version):      # listed by version only: kept as it is
            return f"at version {element.version} as it is"
        return f"at version {element.version}" + (f", mod_policy {element.mod_policy}" if element.mod_policy else "")

    def compare(verb: str, kind: str, where: str, wanted, found) -> bool:
        """One phrase when the element differs; whether both have it (to look below a group)."""
        if found is None:
            out.append(f"does not {verb} {kind} {where}, expected {describe(wanted)}")
        elif wanted is None:
            out.append(f"{verb}s {kind} {where} {describe(found)}")
        elif (kind == "group" and (wanted.version, wanted.mod_policy) != (found.version, found.mod_policy)) or \
                (kind != "group" and wanted != found):
            out.append(f"{verb}s {kind} {where} {describe(found)}"
                       f"{'' if describe(found) != describe(wanted) else ' with other content'}, "
                       f"where expected {describe(wanted)}")
        return found is not None and wanted is not None

    def walk(verb: str, path: tuple[str, ...], wanted: configtx_pb2.ConfigGroup, found: configtx_pb2.ConfigGroup):
        where = "/" + "/".join(path)
        for kind, wanted_map, found_map in (("value", wanted.values, found.values),
                                            ("policy", wanted.policies, found.policies)):
            for name in sorted(set(wanted_map) | set(found_map)):
                compare(verb, kind, f"{where}/{name}", wanted_map.get(name), found_map.get(name))
        for name in sorted(set(wanted.groups) | set(found.groups)):
            child_wanted, child_found = wanted.groups.get(name), found.groups.get(name)
            if compare(verb, "group", f"{where}/{name}", child_wanted, child_found):
                walk(verb, path + (name,), child_wanted, child_found)

    for verb, wanted, found in (("read", expected.read_set, actual.read_set),
                                ("write", expected.write_set, actual.write_set)):
        if compare(verb, "group", "/Channel", wanted, found):
            walk(verb, ("Channel",), wanted, found)
    return out
