"""Each org in its own Linux network namespace, joined by one bridge: real network boundaries on one host.

    root namespace                      <prefix>-<org> (one per org, the orderer org too)
    <prefix>-br  gateway .1/24  ──┬── <prefix>-h<i> ═ veth ═ <prefix>-n<i>  address .(10+i)/24
                                  └── ...

The root namespace keeps the bridge's gateway address, so the operator's tools there (the
Fabric CLIs, health probes, SDK clients) reach every org, and orgs reach each other only
through the bridge. Cutting an org's link (its veth end on the bridge set down) isolates
that org from everyone; restoring it sets the end up again.

Every name starts with the prefix ("recfin" by default, at most 8 characters so that link
names stay within Linux's 15), so `down(prefix)` finds and removes leftovers even after a
crash. Everything is done with `ip` (iproute2) and needs CAP_NET_ADMIN (root);
`unavailable_reason()` says why namespaces cannot be made here, or None.

A topology put into the namespaces (`Topology.in_namespaces(layout.namespaces())`) runs each
org's nodes and chaincode server inside its namespace (supervisor.ProcessSpec.netns) at the
org's address; `write_topology` saves that topology for `recfin network up --topology`.
"""
from __future__ import annotations

import ipaddress
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import NamespaceError
from .topology import OrgNamespace, Topology

DEFAULT_PREFIX = "recfin"
# A /24 from the private range; the addresses exist only inside namespaces made here.
DEFAULT_SUBNET = "10.213.7.0/24"
FIRST_ORG_HOST = 10
PREFIX_RE = re.compile(r"^[a-z][a-z0-9]{0,7}$")


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


def plan(topology: Topology, prefix: str = DEFAULT_PREFIX, subnet: str = DEFAULT_SUBNET) -> Layout:
    """Names and addresses for every org of the topology (pure): the orderer org first, then the peer orgs."""
    if not PREFIX_RE.match(prefix):
        raise NamespaceError(f"namespace prefix {prefix!r} is not valid: 1-8 lower-case letters and digits, "
                             f"starting with a letter")
    try:
        net = ipaddress.IPv4Network(subnet)
    except ValueError as exc:
        raise NamespaceError(f"subnet {subnet!r} is not an IPv4 network: {exc}") from None
    names = [topology.orderer_org.name, *(o.name for o in topology.orgs)]
    hosts = list(net.hosts())
    if len(hosts) < FIRST_ORG_HOST + len(names):
        raise NamespaceError(f"subnet {subnet} is too small for {len(names)} orgs: use a /24 or larger")
    orgs = tuple(OrgLink(org=name, netns=f"{prefix}-{name}", address=str(hosts[FIRST_ORG_HOST - 1 + i]),
                         host_link=f"{prefix}-h{i}", ns_link=f"{prefix}-n{i}")
                 for i, name in enumerate(names))
    return Layout(prefix, net, f"{prefix}-br", str(hosts[0]), orgs)


# ---- ip ------------------------------------------------------------------------------
def _ip_binary() -> str:
    found = shutil.which("ip") or next((p for p in ("/usr/sbin/ip", "/sbin/ip") if Path(p).is_file()), None)
    if found is None:
        raise NamespaceError("the `ip` command (iproute2) is not installed: apt-get install iproute2")
    return found


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


def existing_links(prefix: str) -> list[str]:
    out = ip("-o", "link", "show", check=False).stdout
    names = [line.split(":")[1].strip().split("@")[0] for line in out.splitlines() if line.count(":") >= 2]
    return sorted(n for n in names if n.startswith(prefix + "-"))


def _link_exists(name: str, netns: str | None = None) -> bool:
    return ip(*(["-n", netns] if netns else []), "link", "show", "dev", name, check=False).returncode == 0


def unavailable_reason(prefix: str = DEFAULT_PREFIX) -> str | None:
    """Why network namespaces cannot be made here (not root, no CAP_NET_ADMIN, no iproute2), or None."""
    try:
        probe = f"{prefix}-probe"
        made = ip("netns", "add", probe, check=False)
    except NamespaceError as exc:
        return str(exc)
    if made.returncode != 0:
        return f"`ip netns add` failed: {made.stderr.strip()} (needs root or CAP_NET_ADMIN)"
    ip("netns", "delete", probe, check=False)
    return None


# ---- up, down, cut, restore ------------------------------------------------------------
def up(layout: Layout) -> Layout:
    """Create the bridge, one namespace per org and its veth pair, with addresses (idempotent)."""
    length = layout.subnet.prefixlen
    if not _link_exists(layout.bridge):
        ip("link", "add", "name", layout.bridge, "type", "bridge")
    ip("addr", "replace", f"{layout.gateway}/{length}", "dev", layout.bridge)
    ip("link", "set", layout.bridge, "up")
    present = set(existing_namespaces(layout.prefix))
    for org in layout.orgs:
        if org.netns not in present:
            ip("netns", "add", org.netns)
        ip("-n", org.netns, "link", "set", "lo", "up")
        if not _link_exists(org.host_link):
            ip("link", "add", org.host_link, "type", "veth", "peer", "name", org.ns_link, "netns", org.netns)
        ip("link", "set", org.host_link, "master", layout.bridge)
        ip("link", "set", org.host_link, "up")
        ip("-n", org.netns, "addr", "replace", f"{org.address}/{length}", "dev", org.ns_link)
        ip("-n", org.netns, "link", "set", org.ns_link, "up")
    return layout


def pids_in(netns: str) -> list[int]:
    """Processes running in a namespace (as `ip netns pids` sees them)."""
    done = ip("netns", "pids", netns, check=False)
    return sorted(int(p) for p in done.stdout.split() if p.isdigit())


def down(prefix: str = DEFAULT_PREFIX, *, kill: bool = False) -> list[str]:
    """Remove every namespace and link whose name starts with the prefix; returns what was removed.

    Processes still running in one of them are an error naming them, unless kill: then they
    are sent SIGKILL first (they can only be processes started in these namespaces)."""
    namespaces = existing_namespaces(prefix)
    busy = {ns: pids_in(ns) for ns in namespaces}
    busy = {ns: pids for ns, pids in busy.items() if pids}
    if busy and not kill:
        listed = "; ".join(f"{ns}: pids {', '.join(map(str, pids))}" for ns, pids in busy.items())
        raise NamespaceError(f"processes still run in the namespaces ({listed}): stop them first "
                             f"(`recfin network down --topology <the namespaced topology>`), or pass --kill")
    for pids in busy.values():
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    removed = []
    for ns in namespaces:
        ip("netns", "delete", ns, check=False)
        removed.append(ns)
    for link in existing_links(prefix):      # the bridge, and any veth end left without its namespace
        if ip("link", "delete", link, check=False).returncode == 0:
            removed.append(link)
    return removed


def cut(layout: Layout, org: str) -> OrgLink:
    """Disconnect an org: its veth end on the bridge goes down, so nothing reaches it and it reaches nothing."""
    link = layout.org(org)
    ip("link", "set", link.host_link, "down")
    return link


def restore(layout: Layout, org: str) -> OrgLink:
    link = layout.org(org)
    ip("link", "set", link.host_link, "up")
    return link


@dataclass
class OrgState:
    org: str
    netns: str
    address: str
    link: str
    exists: bool
    connected: bool     # the org's end on the bridge is up
    processes: int


def status(layout: Layout) -> list[OrgState]:
    present = set(existing_namespaces(layout.prefix))
    out = []
    for org in layout.orgs:
        shown = ip("-o", "link", "show", "dev", org.host_link, check=False)
        connected = shown.returncode == 0 and re.search(r"<[^>]*\bUP\b[^>]*>", shown.stdout) is not None
        exists = org.netns in present
        out.append(OrgState(org.org, org.netns, org.address, org.host_link, exists, connected,
                            len(pids_in(org.netns)) if exists else 0))
    return out


def command_in(netns: str, argv: list[str]) -> list[str]:
    """argv run inside netns (what supervisor.ProcessSpec.netns runs too)."""
    return [_ip_binary(), "netns", "exec", netns, *argv]


def run_in(netns: str, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command inside a namespace and wait for it (kwargs as for subprocess.run)."""
    if netns not in _all_namespaces():
        raise NamespaceError(f"no network namespace {netns}: run `recfin network netns up` first")
    return subprocess.run(command_in(netns, argv), **kwargs)


# ---- the namespaced topology -------------------------------------------------------------
def default_folder(topology: Topology) -> Path:
    """Where `recfin network netns up` writes: next to the native data folder."""
    return topology.resolved_data_root().parent / "netns"


def write_topology(topology: Topology, layout: Layout, folder: Path) -> Path:
    """Write <folder>/topology.yaml: the topology with each org in its namespace, data in <folder>/network.

    The data folder is separate from the loopback network's, because TLS certificates name the
    addresses nodes are dialled at."""
    placed = topology.in_namespaces(layout.namespaces(), data_root=(folder / "network").resolve())
    path = folder / "topology.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    header = (f"# Written by `recfin network netns up`: {topology.name} with each org in its own network namespace\n"
              f"# ({layout.prefix}-<org>, bridge {layout.bridge}, {layout.subnet}). Use it with\n"
              f"# `recfin network up --topology {path}`; docs/network.md, \"Across network namespaces\".\n")
    path.write_text(header + yaml.safe_dump(placed.model_dump(mode="json", exclude_none=True), sort_keys=False))
    return path
