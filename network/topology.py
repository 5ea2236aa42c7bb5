"""The network topology: `topology.yaml` loaded into validated pydantic models.

Every other module derives what it needs (crypto, configtx, per-node config, profiles)
from a `Topology`. `Topology.nodes()` flattens orderers and peers into `Node`s, the one
shape the supervisor, the port check and `status` work with.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, ip_address
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator,
                      model_serializer, model_validator)

from chaincode.receivables.config import ROLES, ContractSettings, Role
from client.shown import shown_value
from client.user_files import on_one_line
from client.yaml_files import (MAX_LISTED_PROBLEMS, YamlProblem, more_problems, read_yaml_bytes, read_yaml_mapping,
                               unknown_key_note)

from .errors import NodeNotFoundError, TopologyError
from .fabric_bin import REPO_ROOT
from .roles import ORG_ADD_ROLES
from .tuning import Tuning

DEFAULT_TOPOLOGY = Path(__file__).resolve().parent / "topology.yaml"


PORT_RULE = "give a whole number from 1 to 65535"


def _not_a_flag(value: object) -> object:
    # YAML reads true, yes and on as a flag, which pydantic's int would take as port 1 unsaid
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a port number: {PORT_RULE}")
    return value


def _in_port_range(value: int) -> int:
    # pydantic's own bound says "greater than or equal to 1" and leaves the upper one unsaid
    if not 1 <= value <= 65535:
        raise ValueError(f"{value} is not a port number: {PORT_RULE}")
    return value


Port = Annotated[int, BeforeValidator(_not_a_flag), Field(strict=False), AfterValidator(_in_port_range)]

NAME_PATTERN = r"^[a-z][a-z0-9-]*$"
# NAME_PATTERN in words, for a refusal the person who typed the name can act on.
NAME_RULE = "lower-case letters, digits and '-', starting with a letter"
Name = Annotated[str, Field(pattern=NAME_PATTERN)]
# An org's name names its folders and files (crypto/<org>, profiles/<org>.json, chaincode/<name>/<org>) and, on
# separate hosts, its bundle and compose project: held to a DNS label's 63 characters (RFC 1035), which every file
# system takes as a file name with room for the suffixes added to it. Checked where a name comes in
# (org_name_too_long), not by the model, which also reads the orgs membership.yaml records.
MAX_ORG_NAME = 63
MSP_ID_PATTERN = r"^[A-Za-z][A-Za-z0-9]*MSP$"
# An org's MSP ID names its group in the channel's config (configtx.py), and Fabric holds a group's name to 249
# characters (common/configtx validateConfigID); one longer is refused only deep in configtxgen or the ordering
# service, after an `org add` has made the org's keys. Checked by the model: no channel can hold such an org, so no
# membership.yaml record of one can be lost to it.
MAX_MSP_ID = 249


def _msp_id_length(value: str) -> str:
    if len(value) > MAX_MSP_ID:
        raise ValueError(f"an MSP ID of {len(value)} characters is over the {MAX_MSP_ID} Fabric allows (it names "
                         f"the org's group in the channel's config): shorten it by {len(value) - MAX_MSP_ID} or more")
    return value


MspId = Annotated[str, Field(pattern=MSP_ID_PATTERN), AfterValidator(_msp_id_length)]


def _dns_name(value: str) -> str:
    # the pattern alone lets through an empty label (supplier..recfin.local) and one starting or ending with a hyphen
    # (supplier.-recfin-.local), which compose would then write as hostnames no resolver takes
    if not _DNS_NAME.match(value):
        raise ValueError(f"{value!r} is not a DNS name: give labels of letters, digits and inner hyphens, each 1 to "
                         f"63 characters, joined by single dots, the last not all digits (an IP address is no "
                         f"domain or hostname here), e.g. supplier.recfin.local")
    return value


DOMAIN_PATTERN = r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$"
Domain = Annotated[str, Field(pattern=DOMAIN_PATTERN), AfterValidator(_dns_name)]


def _dns_label(value: str) -> str:
    # the node's name is the first label of its default hostname (<name>.<org domain>) and a SAN of its TLS
    # certificate, where a trailing hyphen makes a name no resolver takes, which `hostname:` itself refuses
    if value.endswith("-"):
        raise ValueError(f"{value!r} ends in a hyphen: a node's name is the first label of its hostname "
                         f"(<name>.<org domain>), and a DNS label ends in a letter or digit: drop the hyphen")
    return value


NodeName = Annotated[Name, AfterValidator(_dns_label)]
# A chaincode name _lifecycle accepts that is also a DNS label (it names the chaincode servers' hosts).
CHAINCODE_NAME_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ChaincodeName = Annotated[str, Field(pattern=CHAINCODE_NAME_PATTERN)]
# A native chaincode server serves /healthz and /metrics this many ports above its gRPC port
# (network/ccservers.py). gRPC ports sit at chaincode_server_port + 10 per further chaincode
# name (ccservers.port_offset_for), so the two ranges meet only past a hundred names; validation
# keeps the first operations port clear of every node's port.
OPERATIONS_PORT_SHIFT = 1000
# Fabric's rule for a channel name (common/configtx ValidateChannelID): [a-z][a-z0-9.-]*, shorter than 250 characters.
MAX_CHANNEL_NAME = 249
CHANNEL_NAME_PATTERN = r"^[a-z][a-z0-9.-]*$"
ChannelName = Annotated[str, Field(pattern=CHANNEL_NAME_PATTERN, max_length=MAX_CHANNEL_NAME)]
CONTRACT_PATTERN = r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$"
VERSION_PATTERN = r"^[A-Za-z0-9_.-]+$"
# Each pattern above in words, said after pydantic's "String should match pattern '...'", which only a
# reader of regular expressions can act on.
_PATTERN_RULES = {
    NAME_PATTERN: f"use {NAME_RULE}, e.g. bank2",
    MSP_ID_PATTERN: "use letters and digits, starting with a letter and ending in MSP, e.g. Bank2MSP",
    DOMAIN_PATTERN: ("use lower-case letters, digits, '.' and '-', starting and ending with a letter or "
                     "digit, e.g. supplier.recfin.local"),
    CHAINCODE_NAME_PATTERN: ("use lower-case letters and digits, in groups joined by single '-', "
                             "e.g. receivables"),
    CHANNEL_NAME_PATTERN: ("use lower-case letters, digits, '.' and '-', starting with a letter (Fabric's "
                           "rule for a channel name), e.g. receivables"),
    CONTRACT_PATTERN: ("give the contract class as module:Class, "
                       "e.g. chaincode.receivables:ReceivablesContract"),
    VERSION_PATTERN: "use letters, digits, '.', '_' and '-', e.g. 1.0",
}
# X.509 allows a common name of at most 64 characters (RFC 5280 ub-common-name); the generator names
# certificates after the orgs' domains and names (network/crypto.py), so those are held to it here.
MAX_COMMON_NAME = 64


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Addressed(_Model):
    """A spec with an optional `address:`: the IP address of the host that runs it (a node's, or an org's for all
    of its nodes), for the name resolution of separate hosts (network.bundle). Left out, it is left out of every
    dump too, so org definitions, membership records and bundles of a topology without addresses stay as they were
    (and readable by a recfin that has no such key)."""

    @model_serializer(mode="wrap")
    def _without_unset_address(self, handler):
        data = handler(self)
        if isinstance(data, dict) and getattr(self, "address", None) is None:
            data.pop("address", None)
        return data


def _address_problem(address: str) -> str | None:
    """Why `address` cannot name a host on separate hosts, None when it can."""
    try:
        ip = ip_address(address)
    except ValueError:
        return "is not an IP address"
    if getattr(ip, "scope_id", None):
        # Docker's --add-host and glibc's /etc/hosts both refuse a zone (fe80::1%eth0): it names an interface
        # of one host, not a place other hosts reach
        return "has a zone (%...), which /etc/hosts and Docker's extra_hosts do not take"
    seen = getattr(ip, "ipv4_mapped", None) or ip   # ::ffff:127.0.0.1 is 127.0.0.1 (3.11 does not look inside)
    for kind, is_kind in (("a loopback", seen.is_loopback), ("an unspecified", seen.is_unspecified),
                          ("a multicast", seen.is_multicast), ("a link-local", seen.is_link_local),
                          ("a broadcast", str(seen) == "255.255.255.255")):
        if is_kind:
            return f"is {kind} address, not one that other hosts and containers reach a node at"
    return None


# A DNS name (RFC 1123): labels of letters, digits and inner hyphens, 63 characters at most, 253 in all; the last
# label not all digits, which would make a mistyped IPv4 address ("10.0.0") a name.
_DNS_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# \Z, not "$", which matches before a final newline too.
_DNS_NAME = re.compile(rf"^(?=.{{1,253}}\Z)(?:{_DNS_LABEL}\.)*(?=[0-9-]*[A-Za-z-])(?:{_DNS_LABEL})\Z")


def listen_host_problem(host: str) -> str | None:
    """Why `host` cannot be the native network's listen_host, None when it can. The native runtime binds every node
    and chaincode server to listen_host and dials them at it too: it is what the anchor peers in the channel config,
    the connection profiles and the nodes' TLS certificates name. So it must be an address a process can dial:
    an IPv4 address of this host or a DNS name, never 0.0.0.0 (every interface, no host). IPv6 is refused: the
    network writes its addresses host:port, without the brackets an IPv6 address needs there."""
    try:
        ip = ip_address(host)
    except ValueError:
        if _DNS_NAME.match(host):
            return None
        return ("is neither an IPv4 address nor a DNS name (labels of letters, digits and hyphens joined by dots, "
                "no spaces or slashes)")
    if ip.version == 6:
        return ("is an IPv6 address: the network writes its addresses host:port without the brackets IPv6 needs "
                "there; give an IPv4 address or a DNS name of this host")
    if ip.is_unspecified:
        return ("is no host's address: nodes listen on listen_host and are dialled at it too (anchor peers, "
                "connection profiles, TLS certificates name it), so give the address they are reached at, e.g. "
                "127.0.0.1 or this host's LAN address. Nodes that listen on every interface are those addressed by "
                "their hostnames (compose, separate hosts), which bind 0.0.0.0 themselves")
    if ip.is_multicast or str(ip) == "255.255.255.255":
        return "is a multicast or broadcast address, which no TCP connection reaches: give this host's address"
    return None


def address_refusal(owner: str, address: str, given_as: str = "`address:`") -> str | None:
    """Why `address` of ``owner`` ("org bank2", "node peer0.bank") is refused, with what to give instead; None when
    it names a host. ``given_as``: where the address came from, to leave out (the topology key, or an option)."""
    problem = _address_problem(address)
    if problem is None:
        return None
    return (f"{owner}: address {address!r} {problem}: give the IPv4 or IPv6 address other hosts reach it at (e.g. "
            f"192.0.2.10), or leave {given_as} out and resolve the name by DNS")


def _check_addresses(org_name: str, org_address: str | None, nodes: list["OrdererSpec | PeerSpec"], *,
                     one_host: bool = False) -> None:
    """Every `address:` of an org and its nodes names a host, else a ValueError naming the org or node. With
    ``one_host`` (a peer org: its bundle's one docker-compose.yaml starts all its peers together) they must all
    name the same host."""
    given = [(f"org {org_name}", org_address)] + [(f"node {n.name}.{org_name}", n.address) for n in nodes]
    for owner, address in given:
        refusal = None if address is None else address_refusal(owner, address)
        if refusal:
            raise ValueError(refusal)
    hosts = [(owner, ip_address(address)) for owner, address in given if address is not None]
    if one_host and len({ip for _, ip in hosts}) > 1:
        (first, first_ip), (other, other_ip) = hosts[0], next(h for h in hosts if h[1] != hosts[0][1])
        raise ValueError(f"{other}: address {str(other_ip)!r} is not {first}'s {str(first_ip)!r}: an org's peers "
                         f"run on its one host (its bundle's docker-compose.yaml starts them together), so give "
                         f"the host's address once, on the org")


def org_identifier_clash(orgs: Iterable[tuple[str, str]], joining: tuple[str, str] | None = None) -> str | None:
    """Which org, of (name, MSP ID) pairs, has a name or MSP ID that another's name or MSP ID equals ignoring case;
    None when none does. Commands find an org by either, in any case when no org has it exactly (Topology.org), so
    a lookup in another case would fit both; and Fabric tells MSP IDs apart by case, people do not.

    Checked where a name comes in (load, membership.new_org_spec, org_change.plan_add_defined), not by Topology
    validation, which also validates the channel's orgs as membership.yaml records them: those may hold an org
    added before the check, whose MSP ID the channel keeps for good. joining: an org coming in beside orgs, which
    are in the channel already; only its own clash is reported."""
    seen: dict[str, tuple[str, str, str]] = {}       # lowercased identifier -> (org name, "name"/"MSP ID", as given)
    for name, msp_id in [*orgs] if joining is None else [*orgs, joining]:
        for what, identifier in (("name", name), ("MSP ID", msp_id)):
            other = seen.get(identifier.lower())
            if other is not None and other[0] != name and (joining is None or name == joining[0]):
                other_name, other_what, other_identifier = other
                return (f"org {name}'s {what} {identifier} is, ignoring case, org {other_name}'s {other_what} "
                        f"{other_identifier}, so either could be taken for the other")
            seen.setdefault(identifier.lower(), (name, what, identifier))
    return None


def org_name_too_long(name: str) -> str | None:
    """Why an org named name may not come in for its length (MAX_ORG_NAME), None when it may.

    Checked where a name comes in (load, membership.new_org_spec, org_change.plan_add_defined), not by the model,
    which also validates the channel's orgs as membership.yaml records them: those may hold an org added before the
    limit, and an org in the channel keeps its name, which names its crypto folders and files."""
    if len(name) <= MAX_ORG_NAME:
        return None
    return (f"{name} has {len(name)} characters, over the {MAX_ORG_NAME} of a DNS label an org's name is held to "
            f"(it names the org's folders and files and, on separate hosts, its bundle)")


def org_name_ends_in_hyphen(name: str) -> str | None:
    """Why an org named name may not come in for its last character, None when it may: its name is the last
    label of its nodes' names (<node>.<org>, peer0.bank), which their TLS certificates carry as DNS names
    (network.crypto._node_sans), and a DNS label ends in a letter or digit. Checked where a name comes in, as
    org_name_too_long is: an org membership.yaml records keeps the name it joined the channel with."""
    if not name.endswith("-"):
        return None
    return (f"{name!r} ends in a hyphen: an org's name is the last label of its nodes' names "
            f"(<node>.{name}), which their TLS certificates carry as DNS names, and a DNS label ends in a "
            f"letter or digit")


def _at_least(minimum: int, why: str, what_to_add: str) -> AfterValidator:
    """A list's refusal when it holds fewer than minimum items, saying why it needs them and what to add:
    pydantic's own ("List should have at least 1 item after validation, not 0") says neither."""
    def check(items: list) -> list:
        if len(items) < minimum:
            raise ValueError(f"{len(items) or 'none'} given, at least {minimum} needed: {why}: "
                             f"add {what_to_add}")
        return items
    return AfterValidator(check)


class OrdererSpec(_Addressed):
    name: NodeName
    # The name other hosts dial and the certificates carry; default <name>.<org domain>.
    hostname: Domain | None = None
    # The IP address of the host that runs it (default: its org's `address:`); see network.bundle.
    address: str | None = None
    port: Port
    admin_port: Port
    operations_port: Port


class PeerSpec(_Addressed):
    name: NodeName
    hostname: Domain | None = None      # default <name>.<org domain>
    address: str | None = None          # its host's IP address, default its org's `address:`
    port: Port
    chaincode_port: Port
    operations_port: Port


class UserSpec(_Model):
    name: Name
    attrs: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _attributes_named(self) -> "UserSpec":
        # an attribute of no name (`"": x`) would be asked of the CA for the user's certificate, which no reader of
        # the certificate could ask for by name
        unnamed = [value for attr, value in self.attrs.items() if not attr.strip()]
        if unnamed:
            raise ValueError(f"user {self.name}'s attrs hold an attribute of no name ({shown_value(unnamed[0])}): "
                             f"write its name before the colon, or remove it")
        return self


# The recfin.role attribute of an org's users -> the contract role of the org's parties.
USER_ROLE_TO_CONTRACT_ROLE = {"debtor": "core_enterprise", "creditor": "supplier", "financier": "financier",
                              "regulator": "regulator"}
DERIVED = "derived"      # chaincode.collections_config / endorsement_policy: derived from the orgs' roles
# What the receivables contract cannot do while no org of the channel holds the role.
_WITHOUT_ROLE = {
    "core_enterprise": "no claim could have a debtor",
    "supplier": "no receivable could be registered",
    "financier": "no claim could be financed",
    "regulator": "no claim could be frozen, `recfin chaincode upgrade-ledger` could not run (only the regulator "
                 "org's admin may), and a claim whose debtor and holder are parties of one org would be refused",
}


def missing_roles_refusal(topology: "Topology") -> str | None:
    """Why the receivables contract cannot run with the topology's orgs: a role none of them holds; None when each
    role has an org. The rule `recfin org remove` applies to the last org of a role, checked where the contract's
    configuration is derived (network.contract_config) rather than by the model: topologies of a moment (an org's
    departure as another host recorded it, say) are built without a role, and `recfin org add` must load a network
    that lacks one to give it one."""
    held = {org.role for org in topology.orgs}
    missing = [role for role in ROLES if role not in held]
    if not missing:
        return None
    return "; ".join(f"no org of the network holds the role {role}, which the receivables contract needs "
                     f"({_WITHOUT_ROLE[role]}): add one with `recfin org add NAME --role {ORG_ADD_ROLES[role]}` "
                     f"(a network not yet up: give an org of topology.yaml `role: {role}`)" for role in missing)


def peer_client_name(server_host: str) -> str:
    """The subject CN of the client pair an org's peers present to its chaincode server at ``server_host``
    (crypto.generate issues it; the server accepts that name alone, CHAINCODE_TLS_CLIENT_NAMES)."""
    return f"peer-client.{server_host}"


def _role_attr_of(user: object) -> str | None:
    """A user's recfin.role attribute as written ("" when it gives none); None when the user, its attrs or that
    attribute are not of UserSpec's shape. Its other attributes are left to the field validation."""
    if isinstance(user, UserSpec):
        return user.attrs.get("recfin.role", "")
    if not isinstance(user, dict):
        return None
    attrs = {} if user.get("attrs") is None else user["attrs"]
    if not isinstance(attrs, dict):
        return None
    role = attrs.get("recfin.role", "")
    return role if isinstance(role, str) else None


class OrdererOrgSpec(_Addressed):
    name: Name
    msp_id: MspId
    domain: Domain
    # The IP address of the host that runs its orderers, where an orderer gives none of its own.
    address: str | None = None
    admin: Name = "admin"
    orderers: Annotated[list[OrdererSpec], _at_least(
        1, "the orderers order the channel's transactions into blocks",
        "one, e.g. {name: orderer0, port: 7050, admin_port: 7053, operations_port: 9443} (three let Raft "
        "go on with one of them down)")]

    @model_validator(mode="after")
    def _addresses_name_hosts(self) -> "OrdererOrgSpec":
        _check_addresses(self.name, self.address, self.orderers)
        return self


class PeerOrgSpec(_Addressed):
    name: Name
    msp_id: MspId
    domain: Domain
    # The IP address of the company's host, which runs its peers (where a peer gives none of its own) and
    # chaincode server. Used only on separate hosts, to resolve hostnames without DNS (network.bundle).
    address: str | None = None
    # What the org's parties may be in the receivables contract. Unset: read from its users'
    # recfin.role attribute (debtor -> core_enterprise, creditor -> supplier, ...).
    role: Role
    admin: Name = "admin"
    chaincode_server_port: Port
    # Where the org's peer dials its chaincode server when nodes are addressed by hostname
    # (compose, separate hosts); default <chaincode name>.<org domain>.
    chaincode_server_host: Domain | None = None
    peers: Annotated[list[PeerSpec], _at_least(
        1, "an org's peer endorses its transactions and holds its copy of the ledger (the first is its "
        "anchor peer)",
        "one, e.g. {name: peer0, port: 11051, chaincode_port: 11052, operations_port: 9644}, on ports no "
        "other node uses")]
    users: Annotated[list[UserSpec], _at_least(
        2, "an org's parties act through its users' identities: with two, one who leaves or loses a key "
        "can be revoked (`recfin org user revoke`) while the other goes on acting for them, as the contract "
        "keeps a party's last identity",
        "users of names of their own, each with the attrs the org's other users carry (recfin.role, "
        "recfin.enterprise)")]

    @model_validator(mode="before")
    @classmethod
    def _role_from_users(cls, data: object) -> object:
        if not isinstance(data, dict) or data.get("role") is not None:
            return data
        users = data.get("users") or []
        role_attrs = [_role_attr_of(u) for u in users] if isinstance(users, list) else [None]
        if None in role_attrs:      # users of another shape: left to the field validation, which names the field
            return data
        roles = {USER_ROLE_TO_CONTRACT_ROLE.get(attr) for attr in role_attrs} - {None}
        if len(roles) != 1:
            found = f"name {', '.join(sorted(roles))}" if roles else "name none"
            raise ValueError(f"role: give what the org's parties are ({', '.join(ROLES)}); its users' "
                             f"recfin.role attributes {found}")
        return {**data, "role": roles.pop()}

    @model_validator(mode="after")
    def _addresses_name_hosts(self) -> "PeerOrgSpec":
        _check_addresses(self.name, self.address, self.peers, one_host=True)
        return self

    @model_validator(mode="after")
    def _users_agree_with_role(self) -> "PeerOrgSpec":
        for user in self.users:
            attr = user.attrs.get("recfin.role")
            if attr in USER_ROLE_TO_CONTRACT_ROLE and USER_ROLE_TO_CONTRACT_ROLE[attr] != self.role:
                raise ValueError(f"role is {self.role}, but user {user.name}'s recfin.role {attr} belongs to a "
                                 f"{USER_ROLE_TO_CONTRACT_ROLE[attr]} org: make them agree")
        return self

    @model_validator(mode="after")
    def _one_identity_per_name(self) -> "PeerOrgSpec":
        # Crypto, profiles and `--as ORG/USER` keep one identity per name: a user named like the admin, or
        # twice, would share one folder, the admin's certificate (or the other's) under a client's profile.
        seen = set()
        for user in self.users:
            if user.name == self.admin:
                raise ValueError(f"org {self.name}: user {user.name} has the name of the org's admin "
                                 f"(admin: {self.admin}): give the user another name")
            if user.name in seen:
                raise ValueError(f"org {self.name}: user {user.name} is listed twice: each user needs a name of "
                                 f"its own")
            seen.add(user.name)
        return self

    @property
    def anchor_peer(self) -> PeerSpec:
        return self.peers[0]


class ChaincodeSpec(_Model):
    name: ChaincodeName = "receivables"
    contract: str = Field(pattern=CONTRACT_PATTERN)
    version: str = Field(default="1.0", pattern=VERSION_PATTERN)   # "+cfg.<digest>" is added at deploy
    # A signature policy, or "derived": any two of the channel's peer orgs, as they are now.
    endorsement_policy: str | None = None
    # The chaincode's private data collections (Fabric's --collections-config JSON): a file
    # relative to the repository, or "derived" from the orgs' roles at deploy time
    # (network/contract_config.py); part of the definition every org approves.
    collections_config: Literal["derived"] | Path | None = None

    @field_validator("endorsement_policy")
    @classmethod
    def _needs_two_orgs_peers(cls, policy: str | None) -> str | None:
        """A fixed policy one org could meet alone voids the contract's guarantee that no single org writes alone
        (config_policy.one_org_endorses_alone): refused where the file is read, before anything runs, including
        the deploys `recfin org add|remove` make. A chaincode that must run with such a policy is deployed with
        `recfin chaincode deploy --signature-policy POLICY --allow-one-org-policy`."""
        if policy is None or policy == DERIVED:
            return policy
        from .config_policy import one_org_endorses_alone      # it reads the policy language; imported late to
        from .org_definition import PolicySyntaxError          # keep this module the first one network/ loads
        try:
            reason = one_org_endorses_alone(policy)
        except PolicySyntaxError as exc:
            raise ValueError(f"{exc}; or write `derived` (any two orgs' peers)") from None
        if reason is not None:
            raise ValueError(f"{policy}: {reason}. With it one org running altered chaincode on its own peer could "
                             f"write every new key and every key without a key-level policy, which the contract "
                             f"relies on two orgs' peers to endorse: write `derived` (any two orgs' peers) or a "
                             f"policy every way of meeting which takes the peers of two orgs, e.g. "
                             f"\"AND('BankMSP.peer', 'SupplierMSP.peer')\"")
        return policy

    @property
    def derives_collections(self) -> bool:
        return self.collections_config == DERIVED

    def resolved_collections_config(self) -> Path | None:
        """The fixed collections file (None when there is none, or when it is derived)."""
        if self.collections_config is None or self.derives_collections:
            return None
        path = Path(self.collections_config)
        return path if path.is_absolute() else REPO_ROOT / path


class OrgNamespace(_Model):
    """Where one org's processes run when each org has a Linux network namespace of its own
    (written by `recfin network netns up`; see network.namespaces)."""

    netns: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    address: IPv4Address


NodeKind = Literal["orderer", "peer"]


@dataclass(frozen=True)
class Node:
    """One Fabric process: where it listens and which org it belongs to."""

    name: str            # short unique id, e.g. "peer0.supplier", "orderer1.orderer"
    kind: NodeKind
    org_name: str
    msp_id: str
    hostname: str        # the name in its certificates, e.g. "peer0.supplier.recfin.local"
    host: str            # the host others dial it at: listen_host, or its hostname on separate hosts
    ports: dict[str, int] = field(default_factory=dict)
    bind_host: str | None = None   # the interface it listens on when that is not `host` (e.g. 0.0.0.0)
    netns: str | None = None       # the network namespace it runs in (None: the current one)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.ports['port']}"

    def listen(self, port_key: str = "port") -> str:
        """host:port the process binds (the advertised address unless bind_host says otherwise)."""
        return f"{self.bind_host or self.host}:{self.ports[port_key]}"

    @property
    def operations_address(self) -> str:
        return f"{self.host}:{self.ports['operations_port']}"

    @property
    def admin_address(self) -> str:
        return f"{self.host}:{self.ports['admin_port']}"


Addressing = Literal["listen_host", "hostnames"]
ANY_INTERFACE = "0.0.0.0"


class Topology(_Model):
    name: Name = "recfin"
    listen_host: str = "127.0.0.1"
    # How nodes are addressed: "listen_host" (the native runtime: everything on listen_host)
    # or "hostnames" (compose, separate hosts: each node is dialled at its hostname and
    # binds 0.0.0.0). `on_hosts()` gives the "hostnames" view of a topology.
    addressing: Addressing = "listen_host"
    data_root: Path | None = None
    channel: ChannelName = "receivables"
    # The benchmark's knobs: ordering batch, peer limits and Gateway timeouts, chaincode runtime
    # parameters (network/tuning.py). Left out: what the network has always run with.
    tuning: Tuning = Field(default_factory=Tuning)
    orderer_org: OrdererOrgSpec
    orgs: Annotated[list[PeerOrgSpec], _at_least(
        1, "the peer orgs hold the ledger and their parties are the receivables contract's",
        "one org of each role the contract needs (core_enterprise, supplier, financier, regulator), as "
        "network/topology.yaml has them")]
    chaincode: ChaincodeSpec
    # The receivables contract's settings; with the orgs' roles they make the configuration
    # every chaincode server runs with (network/contract_config.py).
    contract: ContractSettings = Field(default_factory=ContractSettings)
    # Org name -> its network namespace and address: every node and chaincode server of the org
    # runs in that namespace and is dialled at that address (empty: everything on listen_host).
    namespaces: dict[str, OrgNamespace] = Field(default_factory=dict)

    @field_validator("listen_host")
    @classmethod
    def _listen_host_is_dialable(cls, host: str) -> str:
        if (problem := listen_host_problem(host)) is not None:
            raise ValueError(f"{host!r} {problem}")
        return host

    @model_validator(mode="before")
    @classmethod
    def _batch_timeout_into_tuning(cls, data: object) -> object:
        """A top-level batch_timeout (older topology files) is tuning.ordering.batch_timeout."""
        if not isinstance(data, dict) or "batch_timeout" not in data:
            return data
        tuning = data.get("tuning") or {}
        ordering = tuning.get("ordering") or {} if isinstance(tuning, dict) else None
        if not isinstance(ordering, dict):
            return data                   # a malformed tuning block is reported as it is
        data, tuning, ordering = dict(data), dict(tuning), dict(ordering)
        legacy = data.pop("batch_timeout")
        if "batch_timeout" in ordering and ordering["batch_timeout"] != legacy:
            raise ValueError(f"batch_timeout ({legacy}) and tuning.ordering.batch_timeout "
                             f"({ordering['batch_timeout']}) disagree: keep only tuning.ordering.batch_timeout")
        ordering["batch_timeout"] = legacy
        tuning["ordering"] = ordering
        data["tuning"] = tuning
        return data

    @property
    def batch_timeout(self) -> str:
        return self.tuning.ordering.batch_timeout

    @model_validator(mode="after")
    def _namespaces_cover_every_org(self) -> "Topology":
        if not self.namespaces:
            return self
        orgs = [self.orderer_org.name, *(o.name for o in self.orgs)]
        missing, unknown = set(orgs) - set(self.namespaces), set(self.namespaces) - set(orgs)
        if missing or unknown:
            raise ValueError(f"namespaces must name every org exactly: missing {sorted(missing)}, "
                             f"unknown {sorted(unknown)}")
        for what in ("netns", "address"):
            values = [getattr(ns, what) for ns in self.namespaces.values()]
            if len(set(values)) != len(values):
                raise ValueError(f"namespaces: two orgs share one {what}")
        return self

    @model_validator(mode="after")
    def _certificate_names_fit(self) -> "Topology":
        named = self._certificate_names()
        org, cn, shorten = max(named, key=lambda n: len(n[1]))
        if len(cn) > MAX_COMMON_NAME:
            raise ValueError(f"org {org}: a certificate of it would be named {cn!r}, {len(cn)} characters, over the "
                             f"{MAX_COMMON_NAME} a certificate's common name may have: shorten {shorten} by "
                             f"{len(cn) - MAX_COMMON_NAME} or more")
        return self

    def _certificate_names(self) -> list[tuple[str, str, str]]:
        """(org, common name, what to shorten) of every certificate the generator issues for the topology: the
        CAs, each node, the admin and users (<name>@<domain>), each chaincode server and its peers' client pair."""
        oo = self.orderer_org
        domain_of = {oo.name: oo.domain, **{o.name: o.domain for o in self.orgs}}
        out = []
        for org, admin, users in [(oo.name, oo.admin, []), *((o.name, o.admin, o.users) for o in self.orgs)]:
            domain = f"the org's domain {domain_of[org]}"
            out += [(org, f"{ca}.{domain_of[org]}", domain) for ca in ("ca", "tlsca")]
            out += [(org, f"{user}@{domain_of[org]}", f"{domain} or the name of its user {user}")
                    for user in [admin, *(u.name for u in users)]]
        for org in self.orgs:
            host = self.chaincode_server_host(org)
            shorten = (f"its chaincode_server_host {host}" if org.chaincode_server_host else
                       f"the org's domain {org.domain} or the chaincode's name {self.chaincode.name}")
            out += [(org.name, host, shorten), (org.name, peer_client_name(host), shorten)]
        for org, nodes in [(oo.name, oo.orderers), *((o.name, o.peers) for o in self.orgs)]:
            for node in nodes:           # named as nodes() names them: its hostname, else <name>.<org domain>
                out.append((org, node.hostname, f"{node.name}'s hostname {node.hostname}") if node.hostname else
                           (org, f"{node.name}.{domain_of[org]}",
                            f"the org's domain {domain_of[org]} or the node's name {node.name}"))
        return out

    @model_validator(mode="after")
    def _unique(self) -> "Topology":
        seen: dict[str, str] = {}
        for owner in [self.orderer_org.msp_id, *(o.msp_id for o in self.orgs)]:
            if owner in seen:
                raise ValueError(f"MSP ID {owner} is used by two orgs")
            seen[owner] = owner
        names = [self.orderer_org.name, *(o.name for o in self.orgs)]
        if len(set(names)) != len(names):
            raise ValueError(f"org names must be unique, got {names}")
        hosts: dict[str, str] = {}
        named = [(n.name, n.hostname) for n in self.nodes()]
        named += [(f"chaincode server of {o.name}", self.chaincode_server_host(o)) for o in self.orgs]
        for owner, host in named:
            if host in hosts:
                raise ValueError(f"hostname {host} is used twice: by {hosts[host]} and by {owner}")
            hosts[host] = owner
        used: dict[int, str] = {}
        for owner, port in self._all_ports():
            if port > 65535:
                raise ValueError(f"port {port} of {owner} is above 65535: lower the org's chaincode_server_port")
            if port in used:
                raise ValueError(f"port {port} is used twice: by {used[port]} and by {owner}")
            used[port] = owner
        return self

    def ports_in_use(self) -> set[int]:
        """Every port the topology's nodes and chaincode servers (their operations endpoints too) take."""
        return {port for _owner, port in self._all_ports()}

    def _all_ports(self) -> list[tuple[str, int]]:
        out = []
        for node in self.nodes():
            out += [(f"{node.name} {key}", port) for key, port in node.ports.items()]
        for o in self.orgs:
            out.append((f"chaincode server of {o.name} chaincode_server_port", o.chaincode_server_port))
            out.append((f"the operations endpoint of {o.name}'s chaincode server "
                         f"(chaincode_server_port {o.chaincode_server_port} + {OPERATIONS_PORT_SHIFT})",
                         o.chaincode_server_port + OPERATIONS_PORT_SHIFT))
        return out

    # ---- derived views -------------------------------------------------
    def on_hosts(self) -> "Topology":
        """This topology with every node addressed by its hostname (compose, one host per org)."""
        return self.model_copy(update={"addressing": "hostnames"})

    def _node(self, name: str, kind: NodeKind, org_name: str, msp_id: str, hostname: str,
              ports: dict[str, int]) -> Node:
        if self.addressing == "hostnames":
            return Node(name, kind, org_name, msp_id, hostname, hostname, ports, bind_host=ANY_INTERFACE)
        return Node(name, kind, org_name, msp_id, hostname, self.org_host(org_name), ports,
                    netns=self.netns_of(org_name))

    def nodes(self) -> list[Node]:
        """Orderers first, then peers, in file order (the order `up` starts them)."""
        oo = self.orderer_org
        out = [
            self._node(f"{o.name}.{oo.name}", "orderer", oo.name, oo.msp_id, o.hostname or f"{o.name}.{oo.domain}",
                       {"port": o.port, "admin_port": o.admin_port, "operations_port": o.operations_port})
            for o in oo.orderers
        ]
        for org in self.orgs:
            out += [
                self._node(f"{p.name}.{org.name}", "peer", org.name, org.msp_id, p.hostname or f"{p.name}.{org.domain}",
                           {"port": p.port, "chaincode_port": p.chaincode_port, "operations_port": p.operations_port})
                for p in org.peers
            ]
        return out

    def host_addresses(self) -> dict[str, str]:
        """Hostname -> IP address of each node whose host the topology names (the node's `address:`, else its
        org's), in nodes() order. A node it names none for is left out: DNS, or its operator, resolves it.
        Only name resolution on separate hosts uses these; no node is dialled or bound at them."""
        specs = [(self.orderer_org, o) for o in self.orderer_org.orderers]
        specs += [(org, p) for org in self.orgs for p in org.peers]
        return {node.hostname: str(ip_address(spec.address or org.address))
                for node, (org, spec) in zip(self.nodes(), specs, strict=True) if spec.address or org.address}

    def chaincode_server_host(self, org: PeerOrgSpec) -> str:
        """The hostname of an org's chaincode server (used when addressing by hostnames)."""
        return org.chaincode_server_host or f"{self.chaincode.name}.{org.domain}"

    def chaincode_server_address(self, org: PeerOrgSpec, port_offset: int = 0) -> str:
        """Where the org's peer dials its chaincode server: what connection.json names."""
        host = self.chaincode_server_host(org) if self.addressing == "hostnames" else self.org_host(org.name)
        return f"{host}:{org.chaincode_server_port + port_offset}"

    def chaincode_server_listen(self, org: PeerOrgSpec, port_offset: int = 0) -> str:
        """The address the org's chaincode server binds (CHAINCODE_SERVER_ADDRESS)."""
        host = ANY_INTERFACE if self.addressing == "hostnames" else self.org_host(org.name)
        return f"{host}:{org.chaincode_server_port + port_offset}"

    def org_host(self, org_name: str) -> str:
        """The address an org's processes listen on and are dialled at (native runtime)."""
        ns = self.namespaces.get(org_name)
        return str(ns.address) if ns else self.listen_host

    def netns_of(self, org_name: str) -> str | None:
        """The network namespace an org's processes run in, None for the current one."""
        ns = self.namespaces.get(org_name)
        return ns.netns if ns else None

    def in_namespaces(self, namespaces: dict[str, "OrgNamespace"], data_root: Path | None = None) -> "Topology":
        """This topology with each org in its own network namespace (validated like a loaded file)."""
        data = self.model_dump(mode="json", exclude_none=True)
        data["namespaces"] = {org: ns.model_dump(mode="json") for org, ns in namespaces.items()}
        if data_root is not None:
            data["data_root"] = str(data_root)
        return parse(data, "namespaced topology")

    def orderers(self) -> list[Node]:
        return [n for n in self.nodes() if n.kind == "orderer"]

    def peers(self, org: str | None = None) -> list[Node]:
        return [n for n in self.nodes() if n.kind == "peer" and (org is None or org in (n.org_name, n.msp_id))]

    def node(self, name: str) -> Node:
        """A node by short name ("peer0.supplier") or hostname ("peer0.supplier.recfin.local")."""
        for n in self.nodes():
            if name in (n.name, n.hostname):
                return n
        raise NodeNotFoundError(f"no node named {name!r}: choose one of {', '.join(n.name for n in self.nodes())}")

    def org(self, name: str) -> PeerOrgSpec:
        """A peer org by name ("supplier") or MSP ID ("SupplierMSP"): the org whose name is name exactly, else the one
        whose MSP ID is; else the org whose name or MSP ID is name ignoring case. The channel may hold two orgs that
        differ only in case (`org add bankmsp` beside BankMSP, accepted before org_identifier_clash was checked):
        each is found by its exact name or MSP ID, and a lookup that matches neither exactly but both ignoring case
        is refused naming them, rather than acting on either."""
        for exact in (o for key in ("name", "msp_id") for o in self.orgs if getattr(o, key) == name):
            return exact
        loose = [(o, what, identifier) for o in self.orgs
                 for what, identifier in (("name", o.name), ("MSP ID", o.msp_id)) if identifier.lower() == name.lower()]
        if len({o.name for o, _what, _identifier in loose}) > 1:
            matches = " and ".join(f"org {o.name}'s {what} {identifier}" for o, what, identifier in loose)
            raise NodeNotFoundError(f"{name!r} matches, ignoring case, {matches}: give the one meant in its exact case")
        if loose:
            return loose[0][0]
        raise NodeNotFoundError(f"no peer org named {name!r}: choose one of {', '.join(o.name for o in self.orgs)}")

    def resolved_data_root(self, env: dict[str, str] | None = None) -> Path:
        """topology data_root (relative to the repo), else $RECFIN_HOME/network, else <repo>/.recfin/network."""
        env = os.environ if env is None else env
        if self.data_root is not None:
            return self.data_root if self.data_root.is_absolute() else REPO_ROOT / self.data_root
        if env.get("RECFIN_HOME"):
            return Path(env["RECFIN_HOME"]) / "network"
        return REPO_ROOT / ".recfin" / "network"


# The models whose keys a refusal names (format_validation_error), by the name a ValidationError gives them.
_MODELS = {model.__name__: model for model in (Topology, OrdererOrgSpec, PeerOrgSpec, OrdererSpec, PeerSpec,
                                               UserSpec, ChaincodeSpec, OrgNamespace)}


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not re.fullmatch(r"[\w.-]+", str(part)) or part in ("function-after", "function-before"):
            continue  # pydantic's internal validator steps are no field names
        else:
            out += ("." if out else "") + str(part)
    return out


# The text a key has in the file, given the block (a ValidationError's loc) and the key YAML read from it; None where
# it is not found there.
KeyText = Callable[[tuple, object], "str | None"]


def format_validation_error(source: str, exc: ValidationError, key_text: KeyText | None = None, *,
                            written_in: Literal["YAML", "JSON"] = "YAML") -> str:
    """One line per problem: "<file>: <field path>: <message>"; past MAX_LISTED_PROBLEMS, one line that counts the
    rest. A key YAML read as no text is named by key_text, the file's own spelling of it (``0x1F``, not 31), where
    that is given and finds it; else as YAML read it (shown_value). A key no block takes is named in the words of
    the document ``written_in`` (unknown_key_note): a YAML file's block, a JSON document's object (an org
    definition)."""
    lines = []
    for err in exc.errors()[:MAX_LISTED_PROBLEMS]:
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "string_pattern_mismatch" and (rule := _PATTERN_RULES.get(err["ctx"]["pattern"])):
            msg = f"{msg}: {rule}"
        # most often a misspelt key, which pydantic names without the keys its block does take
        if err["type"] == "extra_forbidden" and exc.title in _MODELS and \
                (note := unknown_key_note(_MODELS[exc.title], err["loc"], written_in=written_in)):
            msg = f"{msg}: {note}"
        loc = err["loc"]
        if err["type"] == "invalid_key":        # a model's block
            loc = loc[:-1]
            msg = _key_read_as_no_text(exc.title, loc, _key_spelled(key_text, loc, err["input"]))
        elif err["type"] == "string_type" and loc[-1:] == ("[key]",):     # a block of names
            loc = loc[:-2]
            msg = _key_read_as_no_text(None, loc, _key_spelled(key_text, loc, err["input"]))
        where = _loc(loc)
        lines.append(f"{source}: {where}: {msg}" if where else f"{source}: {msg}")
    unlisted = exc.error_count() - len(lines)
    if unlisted:
        lines.append(f"{source}: {more_problems(unlisted)}")
    return "\n".join(lines)


def _key_spelled(key_text: KeyText | None, block: tuple, key: object) -> str:
    """A key YAML read as no text, for a message: as the file spells it where key_text finds it, else as YAML read
    it."""
    written = key_text(block, key) if key_text is not None else None
    return on_one_line(written) if written else shown_value(key)


def _same_key(a: object, b: object) -> bool:
    # Python holds 1 == 1.0 == true as one; a key read twice must be the same value of the same type
    return type(a) is type(b) and (a == b or repr(a) == repr(b))


def key_text_in(text: str) -> KeyText:
    """key_text for a YAML document's text: the key's own text in the block at a ValidationError's loc, found by
    walking the document's nodes, which keep what each scalar is written as (``0x1F``, ``Yes``, ``1_000``); None
    where the loc leads to no mapping or to no key, or to more than one, YAML reads as that value."""
    def key_text(block: tuple, key: object) -> str | None:
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except (yaml.YAMLError, RecursionError):
            return None
        builder = yaml.SafeLoader("")
        for part in block:
            if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            elif isinstance(node, yaml.MappingNode):     # a part that names no key is a validator step of pydantic's
                node = next((value for name, value in node.value if isinstance(name, yaml.ScalarNode)
                             and name.tag == "tag:yaml.org,2002:str" and name.value == part), node)
        if not isinstance(node, yaml.MappingNode):
            return None
        try:
            written = [name.value for name, _value in node.value if isinstance(name, yaml.ScalarNode)
                       and name.tag != "tag:yaml.org,2002:str" and _same_key(builder.construct_object(name), key)]
        except (yaml.YAMLError, ValueError):
            return None
        return written[0] if len(written) == 1 else None
    return key_text


def _key_read_as_no_text(model: str | None, block: tuple, spelled: str) -> str:
    """What to say of a key YAML read as no text (``1:``, ``true:``, ``0x1F:``, a date), ``spelled`` as the file
    spells it (_key_spelled), in the block at ``block``: pydantic said "Keys should be strings" under a loc of
    Python's spelling
    ("None", "datetime.date(...)"), or "Input should be a valid string" under ``[1]``, read as a list's index. In a
    model's block, in the words any other key no block takes is named in (unknown_key_note); in a block of names
    (users' attrs, namespaces), what to do with it."""
    if model in _MODELS and (note := unknown_key_note(_MODELS[model], (*block, spelled))):
        return f"{note} (YAML reads it as no text)"
    return f"{spelled} is a key read as no text: quote it if it is meant as a key, or remove it"


def parse(data: object, source: str = "topology.yaml", key_text: KeyText | None = None) -> Topology:
    """data as a Topology, else TopologyError naming each problem; key_text is format_validation_error's."""
    if not isinstance(data, dict):
        raise TopologyError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        return Topology.model_validate(data)
    except ValidationError as exc:
        raise TopologyError(format_validation_error(source, exc, key_text)) from None


def _key_text_in_file(path: Path) -> KeyText:
    """key_text_in for the file at path, read again only when a key read as no text is to be named: a file that
    cannot be read again (changed meanwhile) names the key as YAML read it."""
    def key_text(block: tuple, key: object) -> str | None:
        try:
            text = read_yaml_bytes(path, "a topology").decode("utf-8-sig")
        except (OSError, YamlProblem, UnicodeDecodeError):
            return None
        return key_text_in(text)(block, key)
    return key_text


def load(path: str | Path | None = None) -> Topology:
    """Load and validate a topology file (default: the packaged network/topology.yaml), refusing an org whose name or
    MSP ID another's equals ignoring case (org_identifier_clash) and one whose name is too long
    (org_name_too_long) or ends in a hyphen (org_name_ends_in_hyphen): the file is where its orgs' names come
    in."""
    path = Path(path) if path else DEFAULT_TOPOLOGY
    # quoted with escapes where an edge space or a line break would hide it, as every message names a path: the
    # error line is trimmed, and ' topology.yaml' was named 'topology.yaml', a file of another name
    name = on_one_line(path.name)
    data = read_yaml_mapping(path, "a topology", lambda problem: TopologyError(f"{name}: {problem}"),
                             cannot_read=lambda exc: TopologyError(
                                 f"cannot read topology {on_one_line(str(path))}: {exc.strerror}"),
                             hint="copy network/topology.yaml and edit that")
    topology = parse(data, name, _key_text_in_file(path))
    if clash := org_identifier_clash((o.name, o.msp_id) for o in [topology.orderer_org, *topology.orgs]):
        raise TopologyError(f"{name}: {clash}: give one of them another name or MSP ID")
    named = [("orderer_org", topology.orderer_org), *((f"orgs[{i}]", o) for i, o in enumerate(topology.orgs))]
    refused = [f"{name}: {where}.name: {problem}: {what_to_do}" for where, org in named
               for check, what_to_do in ((org_name_too_long, "give it a shorter name"),
                                         (org_name_ends_in_hyphen, "drop the hyphen"))
               if (problem := check(org.name))]
    if refused:
        raise TopologyError("\n".join(refused))
    return topology
