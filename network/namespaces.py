"""Each org in its own Linux network namespace, joined by one bridge: real network boundaries on one host.

    root namespace                      <prefix>-<org> (one per org, the orderer org too)
    <prefix>-br  gateway .1/24  ──┬── <prefix>-h<i> ═ veth ═ <prefix>-n<i>  address .(10+i)/24
                                  └── ...

The root namespace keeps the bridge's gateway address, so the operator's tools there (the
Fabric CLIs, health probes, SDK clients) reach every org, and orgs reach each other only
through the bridge. Cutting an org's link (its veth end on the bridge set down) isolates
that org from everyone; restoring it sets the end up again.

Every name starts with the prefix ("recfin" by default, at most 8 characters), so
`down(prefix)` finds and removes leftovers even after a crash. Link names must stay within
Linux's 15 characters: a layout whose slots are too long for its prefix is refused, naming
the prefix length that fits (`_check_link_names`). Everything is done with `ip` (iproute2)
and needs CAP_NET_ADMIN (root); `unavailable_reason()` says why namespaces cannot be made
here, or None.

A topology put into the namespaces (`Topology.in_namespaces(layout.namespaces())`) runs each
org's nodes and chaincode server inside its namespace (supervisor.ProcessSpec.netns) at the
org's address; `write_topology` saves that topology for `recfin network up --topology`.

The namespaces follow the channel's orgs as the namespaced data folder records them
(membership.yaml, written by `recfin org add|remove`): `channel_layout` places those orgs,
keeping every address given out before (an org's address fixes its link names too, so
nothing is renumbered when orgs come and go). An org that `recfin org add` brings to a
namespaced network gets the next free address (`place_new_org`) and a namespace of its own
(`add_org`); `recfin org remove` takes it away again (`remove_org`).
"""
from __future__ import annotations

import ipaddress
import os
import re
import signal
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from client.atomic_file import write_atomically

from . import membership, ports, supervisor
from .errors import NamespaceError, shell_word, shell_words
from .namespace_defaults import DEFAULT_PREFIX, DEFAULT_SUBNET, PREFIX_RE
from .supervisor import command_in, ip_binary as _ip_binary
from .topology import OrgNamespace, Topology
from .topology import load as load_topology

FIRST_ORG_HOST = 10
LINK_NAME_MAX = 15      # Linux's longest interface name (IFNAMSIZ 16, less the terminating NUL)


@dataclass(frozen=True)
class OrgLink:
    org: str
    netns: str          # the namespace the org's processes run in
    address: str        # the org's address inside it
    host_link: str      # the veth end on the bridge, in the root namespace (cut here)
    ns_link: str        # the veth end inside the org's namespace


@dataclass(frozen=True)
class Layout:
    prefix: str
    subnet: ipaddress.IPv4Network
    bridge: str
    gateway: str        # the bridge's address in the root namespace
    orgs: tuple[OrgLink, ...]

    def org(self, name: str) -> OrgLink:
        for link in self.orgs:
            if link.org == name.lower():
                return link
        raise NamespaceError(f"no org named {name!r} in the namespaces: choose one of "
                             f"{', '.join(o.org for o in self.orgs)}")

    def namespaces(self) -> dict[str, OrgNamespace]:
        """What Topology.in_namespaces takes: org -> its namespace and address."""
        return {o.org: OrgNamespace(netns=o.netns, address=o.address) for o in self.orgs}


def org_names(topology: Topology) -> list[str]:
    """Every org that gets a namespace: the orderer org first, then the peer orgs."""
    return [topology.orderer_org.name, *(o.name for o in topology.orgs)]


def plan(topology: Topology, prefix: str = DEFAULT_PREFIX, subnet: str = DEFAULT_SUBNET,
         placed: Mapping[str, OrgNamespace] | None = None) -> Layout:
    """Names and addresses for every org of the topology (pure); see plan_orgs."""
    return plan_orgs(org_names(topology), prefix, subnet, placed)


def plan_orgs(names: list[str], prefix: str = DEFAULT_PREFIX, subnet: str = DEFAULT_SUBNET,
              placed: Mapping[str, OrgNamespace] | None = None) -> Layout:
    """Names and addresses for these orgs (pure). Without placed: .10, .11, ... in order.

    placed holds addresses given out before (org -> namespace): an org named there keeps its
    address when it lies in the subnet and no earlier entry took it; one placed in another subnet
    keeps its slot, the same host number in this one (so a subnet change renumbers no one);
    entries for orgs not in names hold their slot (so a new org never takes a placed one); every
    other org gets the lowest free address. Link names follow the slot (<prefix>-h<i> for
    .(10+i)), so an org that keeps its slot keeps its links."""
    if not PREFIX_RE.match(prefix):
        raise NamespaceError(f"namespace prefix {prefix!r} is not valid: 1-8 lower-case letters and digits, "
                             f"starting with a letter")
    try:
        net = ipaddress.IPv4Network(subnet)
    except ValueError as exc:
        raise NamespaceError(f"subnet {subnet!r} is not an IPv4 network: {exc}") from None
    # The host addresses by number, never listed: a /8 has 16 million, which listed took minutes and gigabytes
    first, count = (int(net.network_address), net.num_addresses) if net.prefixlen >= 31 else \
        (int(net.network_address) + 1, net.num_addresses - 2)
    if count < FIRST_ORG_HOST + len(names):
        raise NamespaceError(f"subnet {subnet} is too small for {len(names)} orgs: use a /24 or larger")
    first_org, slots = first + FIRST_ORG_HOST - 1, count - (FIRST_ORG_HOST - 1)     # slot i is .(10+i)

    def slot_at(address: ipaddress.IPv4Address) -> int | None:
        slot = int(address) - first_org
        return slot if 0 <= slot < slots else None

    taken: set[int] = set()
    slot_of: dict[str, int] = {}
    # addresses in the subnet first: they are what runs now; then those of another subnet, by host number
    in_subnet = {name: ns for name, ns in (placed or {}).items() if ipaddress.ip_address(ns.address) in net}
    elsewhere = {name: ns for name, ns in (placed or {}).items() if name not in in_subnet}
    for name, ns in [*in_subnet.items(), *elsewhere.items()]:
        slot = slot_at(_same_host_in(net, ipaddress.ip_address(ns.address)))
        if slot is not None and slot not in taken:
            taken.add(slot)
            if name in names:
                slot_of[name] = slot
    free = (i for i in range(slots) if i not in taken)
    for name in names:
        if name not in slot_of:
            slot_of[name] = next(free, None)
            if slot_of[name] is None:
                raise NamespaceError(f"subnet {subnet} has no free address left for {name}: use a larger one")
    orgs = tuple(OrgLink(org=name, netns=f"{prefix}-{name}",
                         address=str(ipaddress.IPv4Address(first_org + slot_of[name])),
                         host_link=f"{prefix}-h{slot_of[name]}", ns_link=f"{prefix}-n{slot_of[name]}")
                 for name in names)
    _check_link_names(prefix, subnet, orgs)
    return Layout(prefix, net, f"{prefix}-br", str(ipaddress.IPv4Address(first)), orgs)


def _check_link_names(prefix: str, subnet: str, orgs: tuple[OrgLink, ...]) -> None:
    """Refuse link names longer than Linux takes, before anything is made: `ip link add` would refuse the first
    one with the bridge and the orgs before it made. An 8-character prefix leaves 5 digits for the slot, which
    an org keeping its host number on a larger subnet passes (10.213.7.13 on 10.0.0.0/8 is slot 13960963)."""
    too_long = [o for o in orgs if len(o.host_link) > LINK_NAME_MAX]
    if not too_long:
        return
    longest = max(too_long, key=lambda o: len(o.host_link))
    fitting = LINK_NAME_MAX - (len(longest.host_link) - len(prefix))
    listed = ", ".join(f"{o.host_link} ({o.org}, at {o.address})" for o in too_long)
    raise NamespaceError(f"on subnet {subnet} the link names {listed} are longer than the {LINK_NAME_MAX} characters "
                         f"Linux allows an interface name (<prefix>-h<slot>, the slot from the org's host number, "
                         f"which it keeps on another subnet): give a --prefix of at most {fitting} characters "
                         f"instead of {prefix!r}, or a smaller --subnet. Nothing was made")


def _same_host_in(net: ipaddress.IPv4Network, address: ipaddress.IPv4Address) -> ipaddress.IPv4Address:
    """The address with address's host number in net (address itself when it lies in net)."""
    return net.network_address + (int(address) & int(net.hostmask))


# ---- ip ------------------------------------------------------------------------------
def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([_ip_binary(), *args], capture_output=True, text=True, timeout=30)
    if check and done.returncode != 0:
        raise NamespaceError(f"`ip {' '.join(args)}` failed: {done.stderr.strip() or done.stdout.strip()}")
    return done


def _all_namespaces() -> list[str]:
    listed = ip("netns", "list", check=False).stdout.split("\n")
    return [line.split()[0] for line in listed if line.strip()]


def existing_namespaces(prefix: str) -> list[str]:
    return sorted(n for n in _all_namespaces() if n.startswith(prefix + "-"))


def _links(netns: str | None = None) -> list[str]:
    out = ip(*(["-n", netns] if netns else []), "-o", "link", "show", check=False).stdout
    return [line.split(":")[1].strip().split("@")[0] for line in out.splitlines() if line.count(":") >= 2]


def existing_links(prefix: str) -> list[str]:
    """The links plan_orgs names (<prefix>-br, -h<i>, -n<i>) that exist here. Only those shapes: another
    tool's links may share the prefix (Docker names its bridges br-<id>), and `down` removes what this lists."""
    ours = re.compile(rf"{re.escape(prefix)}-(br|h\d+|n\d+)")
    return sorted(n for n in _links() if ours.fullmatch(n))


def _link_exists(name: str, netns: str | None = None) -> bool:
    return ip(*(["-n", netns] if netns else []), "link", "show", "dev", name, check=False).returncode == 0


def unavailable_reason(prefix: str = DEFAULT_PREFIX) -> str | None:
    """Why network namespaces cannot be made here (not root, no CAP_NET_ADMIN, no iproute2), or None."""
    try:
        # No org can be named so ('_' is not in an org name), and `down(prefix)` finds it after a crash.
        probe = f"{prefix}-_probe{os.getpid()}"
        made = ip("netns", "add", probe, check=False)
    except NamespaceError as exc:
        return str(exc)
    if made.returncode != 0:
        return f"`ip netns add` failed: {made.stderr.strip()} (needs root or CAP_NET_ADMIN)"
    ip("netns", "delete", probe, check=False)
    return None


# ---- the subnets in use here -------------------------------------------------------------
def used_networks(leave_out_dev: str | None = None) -> list[tuple[ipaddress.IPv4Network, str]]:
    """Every IPv4 network this namespace has an address in or a route to, with what holds it
    ("address 10.1.2.3/24 on eth0", "route 10.9.0.0/16 via eth1"), but those of leave_out_dev."""
    out = []
    for line in ip("-o", "-4", "addr", "show", check=False).stdout.splitlines():
        found = re.match(r"^\d+:\s+(\S+)\s+inet (\S+)", line)
        if found and found.group(1) != leave_out_dev:
            out.append((ipaddress.IPv4Network(found.group(2), strict=False),
                        f"address {found.group(2)} on {found.group(1)}"))
    for line in ip("-4", "route", "show", check=False).stdout.splitlines():
        words = line.split()
        if not words or not re.match(r"^\d+\.\d+\.\d+\.\d+(/\d+)?$", words[0]):
            continue            # the default route overlaps everything and takes nothing
        dev = words[words.index("dev") + 1] if "dev" in words[:-1] else None
        if dev is None or dev != leave_out_dev:
            out.append((ipaddress.IPv4Network(words[0], strict=False), f"route {words[0]} via {dev or '?'}"))
    return out


def subnet_conflicts(subnet: ipaddress.IPv4Network, bridge: str) -> list[str]:
    """What already uses addresses of subnet here, other than the bridge of this prefix itself."""
    return [what for network, what in used_networks(leave_out_dev=bridge) if network.overlaps(subnet)]


FREE_SUBNET_POOL = ipaddress.IPv4Network("10.213.0.0/16")


def free_subnet(pool: ipaddress.IPv4Network = FREE_SUBNET_POOL, avoid: tuple[str, ...] = (),
                start: int = 0) -> str | None:
    """A /24 of pool that no address or route here overlaps (nor avoid), searched from the start-th on;
    None when every one is used."""
    used = [network for network, _what in used_networks()] + [ipaddress.IPv4Network(a) for a in avoid]
    candidates = list(pool.subnets(new_prefix=24))
    start %= len(candidates)
    return next((str(candidate) for candidate in candidates[start:] + candidates[:start]
                 if not any(candidate.overlaps(u) for u in used)), None)


def check_live_subnet(layout: Layout, or_else: str = " (or set RECFIN_NETNS_SUBNET to it)") -> None:
    """Refuse a layout on another subnet than the live bridge of its prefix: the orgs' namespaces have that
    subnet's addresses, so a layout of another names addresses they do not have (its status would call every
    org disconnected). Nothing where the bridge is not there. or_else: what else the refusal offers."""
    if _link_exists(layout.bridge) and _bridge_addresses(layout.bridge):
        live = bridge_subnet(layout.prefix)
        if live != layout.subnet:
            raise NamespaceError(f"the bridge {layout.bridge} is up on {live}, not {layout.subnet}: its namespaces "
                                 f"have addresses of {live}; give --subnet {live}{or_else}")


def _check_subnet(layout: Layout) -> None:
    """Refused before anything is made: a live bridge of this prefix on another subnet (its orgs' namespaces,
    and the topology written for them, have its addresses), or a subnet something else here uses already
    (two routes to it, and neither side knows which way a packet goes)."""
    check_live_subnet(layout, f", or move the network: stop it (`recfin network down --topology <the namespaced "
                              f"topology>`), then `recfin network netns down --prefix {layout.prefix}` and "
                              f"`netns up` again")
    conflicts = subnet_conflicts(layout.subnet, layout.bridge)
    if conflicts:
        suggestion = free_subnet()
        raise NamespaceError(f"subnet {layout.subnet} is in use here already ({'; '.join(conflicts)}): choose "
                             f"another with --subnet" + (f", e.g. {suggestion}" if suggestion else ""))


# ---- up, down, cut, restore ------------------------------------------------------------
def up(layout: Layout) -> Layout:
    """Create the bridge, one namespace per org and its veth pair, with addresses (idempotent).
    Refused, nothing made, when the subnet is not the live bridge's or something else here uses it,
    or when another namespace holds an org's links (_refuse_links_held_elsewhere)."""
    _check_subnet(layout)
    _refuse_links_held_elsewhere(layout, layout.orgs)
    if not _link_exists(layout.bridge):
        ip("link", "add", "name", layout.bridge, "type", "bridge")
    ip("addr", "replace", f"{layout.gateway}/{layout.subnet.prefixlen}", "dev", layout.bridge)
    ip("link", "set", layout.bridge, "up")
    for org in layout.orgs:
        _make_org(layout, org)
    return layout


def _refuse_links_held_elsewhere(layout: Layout, orgs: tuple[OrgLink, ...]) -> None:
    """Refused before anything is made when an org's link <prefix>-h<i> is on the bridge already but its
    other end is not in the org's namespace: a namespace left by an org no longer in the layout (renamed
    or taken out of topology.yaml by hand) still holds that slot's links and address, and giving them to
    this org would fail half-way or put one address on the bridge twice."""
    for org in orgs:
        if not _link_exists(org.host_link) or _link_exists(org.ns_link, org.netns):
            continue
        holder = next((netns for netns in existing_namespaces(layout.prefix)
                       if netns != org.netns and _link_exists(org.ns_link, netns)), None)
        if holder is not None:
            raise NamespaceError(
                f"{org.org}'s link {org.host_link} (address {org.address}) is held by the namespace "
                f"{holder}, which no org of the channel has any more: stop what runs there (`ip netns "
                f"pids {holder}`), then remove it with `ip netns delete {holder}` and run this again; or "
                f"stop the network and run `recfin network netns down --prefix {layout.prefix}` first "
                f"(every org keeps its address)")
        raise NamespaceError(
            f"{org.org}'s link {org.host_link} is on the bridge but its other end {org.ns_link} is in "
            f"no namespace named {layout.prefix}-*: a namespace deleted while processes still ran in it "
            f"holds it. Stop those processes, or remove the link with `ip link delete {org.host_link}`, "
            f"then run this again")


def _make_org(layout: Layout, org: OrgLink) -> None:
    if org.netns not in _all_namespaces():
        ip("netns", "add", org.netns)
    ip("-n", org.netns, "link", "set", "lo", "up")
    if not _link_exists(org.host_link):
        ip("link", "add", org.host_link, "type", "veth", "peer", "name", org.ns_link, "netns", org.netns)
    ip("link", "set", org.host_link, "master", layout.bridge)
    ip("link", "set", org.host_link, "up")
    ip("-n", org.netns, "addr", "replace", f"{org.address}/{layout.subnet.prefixlen}", "dev", org.ns_link)
    ip("-n", org.netns, "link", "set", org.ns_link, "up")


def add_org(layout: Layout, org: str) -> OrgLink:
    """Make one org's namespace and link on the layout's bridge, leaving the other orgs as they are
    (a cut org stays cut, unlike with `up`)."""
    if not _link_exists(layout.bridge):
        raise NamespaceError(f"no bridge {layout.bridge}: run `recfin network netns up --prefix {layout.prefix}` first")
    link = layout.org(org)
    _refuse_links_held_elsewhere(layout, (link,))
    _make_org(layout, link)
    return link


def remove_org(netns: str) -> bool:
    """Remove one org's namespace and its veth pair; False when there was none. Its processes must be stopped."""
    if netns not in _all_namespaces():
        return False
    running = pids_in(netns)
    if running:
        raise NamespaceError(f"processes still run in {netns} (pids {', '.join(map(str, running))}): stop them first")
    for link in _links(netns):
        if link != "lo":     # deleting a veth end takes its peer on the bridge with it, at once
            ip("-n", netns, "link", "delete", link, check=False)
    ip("netns", "delete", netns)
    return True


def pids_in(netns: str) -> list[int]:
    """Processes running in a namespace (as `ip netns pids` sees them)."""
    done = ip("netns", "pids", netns, check=False)
    return sorted(int(p) for p in done.stdout.split() if p.isdigit())


def down(prefix: str = DEFAULT_PREFIX, *, kill: bool = False) -> list[str]:
    """Remove every namespace and link whose name starts with the prefix; returns what was removed.

    Processes still running in one of them are an error naming them, unless kill: then they
    are sent SIGKILL first (they can only be processes started in these namespaces). A namespace
    or link `ip` could not remove (not root) is an error naming it, never said removed."""
    namespaces = existing_namespaces(prefix)
    busy = {ns: pids_in(ns) for ns in namespaces}
    busy = {ns: pids for ns, pids in busy.items() if pids}
    if busy and not kill:
        listed = "; ".join(f"{ns}: pids {', '.join(map(str, pids))}" for ns, pids in busy.items())
        raise NamespaceError(f"processes still run in the namespaces ({listed}): stop them first: "
                             f"{_how_to_stop([pid for pids in busy.values() for pid in pids])}; or pass --kill")
    for pids in busy.values():
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    removed: list[str] = []
    kept: list[str] = []        # what `ip` could not remove (no CAP_SYS_ADMIN or CAP_NET_ADMIN, a busy file)
    for ns in namespaces:
        done = ip("netns", "delete", ns, check=False)
        if done.returncode == 0 or ns not in _all_namespaces():
            removed.append(ns)
        else:
            kept.append(f"{ns} ({done.stderr.strip() or done.stdout.strip()})")
    for link in existing_links(prefix):      # the bridge, and any veth end left without its namespace
        done = ip("link", "delete", link, check=False)
        if done.returncode == 0:
            removed.append(link)
        elif _link_exists(link):             # a veth end goes with its namespace: gone meanwhile is removed
            kept.append(f"{link} ({done.stderr.strip() or done.stdout.strip()})")
    if kept:
        raise NamespaceError(f"could not remove {'; '.join(kept)}"
                             + (f" (removed: {', '.join(removed)})" if removed else " (nothing removed)")
                             + f": removing namespaces and links needs root (CAP_SYS_ADMIN and "
                               f"CAP_NET_ADMIN); run `recfin network netns down --prefix {prefix}` again as root")
    return removed


def _how_to_stop(pids: list[int]) -> str:
    """What stops these processes: the `recfin network down` of each namespaced topology whose nodes or chaincode
    servers they are (their pid file lies in its data folder, data_root_in), and each other pid with its name."""
    downs: list[str] = []
    by_hand: list[str] = []
    for pid in pids:
        tag = supervisor.tag_of(pid)
        topology = _namespaced_topology_of(Path(tag)) if tag else None
        if topology is not None:
            command = f"`{shell_words(['recfin', 'network', 'down', '--topology', topology])}`"
            if command not in downs:
                downs.append(command)
        else:
            by_hand.append(f"pid {pid} ({_process_name(pid)})")
    if by_hand:
        downs.append(f"{', '.join(by_hand)}, which no `recfin network up` started (a shell of `netns exec`?): "
                     f"stop {'it' if len(by_hand) == 1 else 'them'} with `kill`")
    return "; ".join(downs)


def _namespaced_topology_of(pid_file: Path) -> Path | None:
    """The topology `netns up` wrote whose data folder holds a node's or chaincode server's pid_file, None when
    none does."""
    root = ports.data_folder_of(pid_file)
    topology = root.parent / TOPOLOGY_FILE
    return topology if root.resolve() == data_root_in(root.parent) and topology.is_file() else None


def _process_name(pid: int) -> str:
    try:
        # any process may name itself in bytes that are no UTF-8: read as the file system's names are
        return shell_word(os.fsdecode(Path(f"/proc/{pid}/comm").read_bytes()).strip())
    except OSError:
        return "gone meanwhile"


def up_command(prefix: str = DEFAULT_PREFIX, subnet: str = DEFAULT_SUBNET, topology: Path | None = None,
               folder: Path | None = None) -> str:
    """The `recfin network netns up` that makes the namespaces of these options (those not left at their default)."""
    return netns_command(["up"], prefix, subnet, topology, folder)


def netns_command(words: list[str], prefix: str = DEFAULT_PREFIX, subnet: str = DEFAULT_SUBNET,
                  topology: Path | None = None, folder: Path | None = None) -> str:
    """`recfin network netns` with words (its subcommand and arguments) and the options that name the namespaces it
    acts on (those not left at their default), as every netns subcommand takes them."""
    words = ["recfin", "network", "netns", *words]
    if topology is not None:
        words += ["--topology", str(topology)]
    if folder is not None:
        words += ["--folder", str(folder)]
    if prefix != DEFAULT_PREFIX:
        words += ["--prefix", prefix]
    if str(subnet) != DEFAULT_SUBNET:
        words += ["--subnet", str(subnet)]
    return shell_words(words)


def _made_link(layout: Layout, org: str, up: str | None) -> OrgLink:
    """The org's link, refused with what to run when `up` has not made it (rather than `ip`'s own error): up, the
    command that makes it (default: up_command of the layout's prefix)."""
    link = layout.org(org)
    if _link_exists(link.host_link):
        return link
    command = up or up_command(layout.prefix)
    if not _link_exists(layout.bridge):
        raise NamespaceError(f"no namespaces made under prefix {layout.prefix} (no bridge {layout.bridge}): "
                             f"run `{command}` first")
    raise NamespaceError(f"{link.org}'s namespace {link.netns} has no link {link.host_link} on the bridge "
                         f"{layout.bridge}: run `{command}` first, which makes every org's namespace and link")


def cut(layout: Layout, org: str, up: str | None = None) -> OrgLink:
    """Disconnect an org: its veth end on the bridge goes down, so nothing reaches it and it reaches nothing.
    up: the `netns up` command the refusal of an org not made names (up_command of the options given)."""
    link = _made_link(layout, org, up)
    ip("link", "set", link.host_link, "down")
    return link


def restore(layout: Layout, org: str, up: str | None = None) -> OrgLink:
    link = _made_link(layout, org, up)
    ip("link", "set", link.host_link, "up")
    return link


@dataclass
class OrgState:
    org: str
    netns: str
    address: str
    link: str
    exists: bool
    # Its link works at both ends: the end on the bridge is up, and so is the end in its namespace, with its
    # address (a `netns up` stopped half-way, or a slot's link held by another namespace, leaves the bridge
    # end up alone).
    connected: bool
    processes: int


def status(layout: Layout) -> list[OrgState]:
    present = set(existing_namespaces(layout.prefix))
    out = []
    for org in layout.orgs:
        exists = org.netns in present
        connected = _link_up(org.host_link) and exists and _namespace_end_up(org)
        out.append(OrgState(org.org, org.netns, org.address, org.host_link, exists, connected,
                            len(pids_in(org.netns)) if exists else 0))
    return out


def _namespace_end_up(org: OrgLink) -> bool:
    """Whether the org's veth end inside its namespace is up with the org's address (`up` lists no link
    that is down)."""
    shown = ip("-n", org.netns, "-o", "-4", "addr", "show", "dev", org.ns_link, "up", check=False)
    return shown.returncode == 0 and re.search(rf"\binet {re.escape(org.address)}/", shown.stdout) is not None


def run_in(netns: str, argv: list[str], up: str | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run a command inside a namespace and wait for it (kwargs as for subprocess.run). up: the `netns up` command
    the refusal of a namespace not made names (default: up_command's)."""
    if netns not in _all_namespaces():
        raise NamespaceError(f"no network namespace {netns}: run `{up or up_command()}` first")
    return subprocess.run(command_in(netns, argv), **kwargs)


# ---- the namespaced topology -------------------------------------------------------------
TOPOLOGY_FILE = "topology.yaml"


def default_folder(topology: Topology) -> Path:
    """Where `recfin network netns up` writes: next to the native data folder."""
    return topology.resolved_data_root().parent / "netns"


def data_root_in(folder: Path) -> Path:
    """The namespaced network's data folder (its own: TLS certificates name the addresses nodes are dialled at)."""
    return (folder / "network").resolve()


def recorded_placements(folder: Path) -> dict[str, OrgNamespace]:
    """The namespaces and addresses the channel's orgs were given: by an earlier `netns up` (the topology
    written in folder) and by `recfin org add` (the data folder's membership.yaml). Empty before the first."""
    path = folder / TOPOLOGY_FILE
    if not path.is_file():
        return {}
    written = load_topology(path)
    return dict(membership.effective(written, written.resolved_data_root()).namespaces)


def channel_layout(topology: Topology, prefix: str = DEFAULT_PREFIX, subnet: str = DEFAULT_SUBNET,
                   folder: Path | None = None) -> Layout:
    """The layout for the channel's orgs: the topology's, with those `recfin org add|remove` recorded in the
    namespaced data folder added and removed, each keeping the address it was given before."""
    folder = folder or default_folder(topology)
    channel = membership.effective(topology, data_root_in(folder))
    return plan(channel, prefix, subnet, recorded_placements(folder))


def write_topology(topology: Topology, layout: Layout, folder: Path) -> Path:
    """Write <folder>/topology.yaml: the topology with each org in its namespace, data in <folder>/network.

    The layout may follow the channel rather than the file: an org of the file that has left the
    channel is written with a free address (it runs nowhere); an org `recfin org add` brought has
    its placement recorded in the data folder's membership.yaml instead."""
    data_root = data_root_in(folder)
    in_file = plan(topology, layout.prefix, str(layout.subnet), layout.namespaces())
    placed = topology.in_namespaces(in_file.namespaces(), data_root=data_root)
    for org, namespace in layout.namespaces().items():
        if org not in in_file.namespaces():
            membership.record_namespace(data_root, org, namespace)
    path = folder / TOPOLOGY_FILE
    header = (f"# Written by `recfin network netns up`: {topology.name} with each org in its own network namespace\n"
              f"# ({layout.prefix}-<org>, bridge {layout.bridge}, {layout.subnet}). Use it with\n"
              f"# `recfin network up --topology {shell_word(path)}`; docs/network.md, \"Across network namespaces\".\n")
    write_atomically(path, header + yaml.safe_dump(placed.model_dump(mode="json", exclude_none=True), sort_keys=False))
    return path


# ---- an org joining or leaving a namespaced network -----------------------------------------
def prefix_of(topology: Topology) -> str:
    """The prefix a namespaced topology's namespaces were named with (<prefix>-<org>)."""
    org = topology.orderer_org.name
    netns = topology.netns_of(org) or ""
    prefix = netns.removesuffix(f"-{org}")
    if not topology.namespaces or prefix == netns or not PREFIX_RE.match(prefix):
        raise NamespaceError(f"the orderer org's namespace {netns or '(none)'} is not named <prefix>-{org}: "
                             f"use the topology `recfin network netns up` wrote")
    return prefix


def refuse_unreachable(topology: Topology, leaving: str | None = None) -> None:
    """Refused (NamespaceError) before a command that starts nodes or talks to them through the bridge does anything
    (`network up`, `chaincode deploy|restart`, `org add|remove`): an org of a namespaced topology whose namespace is
    gone (refuse_missing_namespaces) or whose link does not work (refuse_orgs_cut_off), naming the `netns` command
    that mends it. Each such command waited its --timeout for an org it could not reach instead. leaving: an org
    `org remove` takes away, whose nodes are stopped, never asked."""
    refuse_missing_namespaces(topology, leaving)
    refuse_orgs_cut_off(topology, leaving)


def refuse_missing_namespaces(topology: Topology, leaving: str | None = None) -> None:
    """NamespaceError naming each org of a namespaced topology whose namespace is not there (a reboot or
    `recfin network netns down` removes them all) and the `netns up` that makes them again; nothing for a
    topology without namespaces. Started in a namespace that is gone, a node fails with only ip's "Cannot open
    network namespace" in its log, and `network up` with it."""
    if not topology.namespaces:
        return
    present = set(_all_namespaces())
    missing = [f"{placed.netns} (org {org})" for org, placed in sorted(topology.namespaces.items())
               if placed.netns not in present and org != leaving]
    if not missing:
        return
    try:
        prefix = prefix_of(topology)
    except NamespaceError:      # named by hand: the command gives no --prefix, the message names them
        prefix = DEFAULT_PREFIX
    # the topology `netns up` wrote keeps its data in <folder>/network (data_root_in)
    command = up_command(prefix, DEFAULT_SUBNET, folder=topology.resolved_data_root().parent)
    raise NamespaceError(
        f"no network namespace {', '.join(missing)}: each org's nodes run in its own, and a reboot or "
        f"`recfin network netns down` removes them; make them again with `{command}` (adding the --topology "
        "and --subnet it was first run with), then run this again")


def refuse_orgs_cut_off(topology: Topology, leaving: str | None = None) -> None:
    """NamespaceError naming each org of a namespaced topology whose link does not work (cut with `netns cut`, or
    left half made by a `netns up` stopped part way) and the `netns restore` or `netns up` that mends it; nothing
    where every org is connected, or where the namespaces' layout cannot be read (refuse_missing_namespaces and the
    nodes' own waits say what is wrong then). The org's nodes and chaincode server are probed from here, through
    the bridge: cut off, a node that runs healthy never answers, and `network up` waited its --timeout for it to
    fail saying only that /healthz did not answer."""
    if not topology.namespaces:
        return
    try:
        layout = layout_of(topology)
    except NamespaceError:
        return
    folder = topology.resolved_data_root().parent
    present = set(existing_namespaces(layout.prefix))
    problems = []
    for org in layout.orgs:
        if org.netns not in present or org.org == leaving:
            continue            # a namespace that is gone is refuse_missing_namespaces's to name
        if not _link_up(org.host_link):
            restore = netns_command(["restore", org.org], layout.prefix, layout.subnet, folder=folder)
            problems.append(f"org {org.org} is cut off the bridge ({org.netns}'s link {org.host_link} is down): "
                            f"put it back with `{restore}`")
        elif not _namespace_end_up(org):
            problems.append(f"org {org.org} is cut off the bridge ({org.netns}'s link {org.ns_link} in its namespace "
                            f"is down or has no address): make it again with "
                            f"`{up_command(layout.prefix, layout.subnet, folder=folder)}`")
    if problems:
        raise NamespaceError("; ".join(problems) + ". The nodes and chaincode servers of an org cut off cannot be "
                                                   "reached from here, so none would be seen to serve: run this "
                                                   "again after that")


def _link_up(name: str) -> bool:
    """Whether the link of the root namespace is there and set up."""
    shown = ip("-o", "link", "show", "dev", name, check=False)
    return shown.returncode == 0 and re.search(r"<[^>]*\bUP\b[^>]*>", shown.stdout) is not None


def _bridge_addresses(bridge: str) -> list[str]:
    """The bridge's IPv4 addresses with their prefix length (none when there is no such bridge)."""
    shown = ip("-o", "-4", "addr", "show", "dev", bridge, check=False)
    return re.findall(r"\binet (\S+)", shown.stdout) if shown.returncode == 0 else []


def bridge_subnet(prefix: str) -> ipaddress.IPv4Network:
    """The subnet of the live bridge <prefix>-br (its gateway address's network)."""
    bridge = f"{prefix}-br"
    found = _bridge_addresses(bridge)
    if not found:
        raise NamespaceError(f"no bridge {bridge} with an address: run `recfin network netns up --prefix {prefix}` "
                             f"first")
    if len(found) > 1:
        raise NamespaceError(f"the bridge {bridge} has several addresses ({', '.join(found)}), so which subnet its "
                             f"orgs are on is unclear: stop the network, run `recfin network netns down --prefix "
                             f"{prefix}`, then `netns up --subnet` the one to keep")
    return ipaddress.IPv4Interface(found[0]).network


def layout_of(topology: Topology, subnet: str | None = None) -> Layout:
    """The layout a namespaced topology runs in, from its own placements (subnet None: the live bridge's)."""
    prefix = prefix_of(topology)
    return plan(topology, prefix, subnet or str(bridge_subnet(prefix)), topology.namespaces)


def place_new_org(topology: Topology, org: str, subnet: str | None = None) -> OrgNamespace:
    """Where an org joining a namespaced network runs: a namespace named like the others' and the
    lowest address of the subnet no org holds (subnet None: the live bridge's). Pure given the subnet."""
    prefix = prefix_of(topology)
    layout = plan_orgs([*org_names(topology), org], prefix, subnet or str(bridge_subnet(prefix)),
                       topology.namespaces)
    return layout.namespaces()[org]
