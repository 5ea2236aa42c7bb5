"""Namespaces as `ip` finds them half-made: a `netns up` stopped between its steps, or a slot's links still
held by the namespace of an org no longer in the channel. Run against a scripted `ip` (no root needed):
`status` must not call an org connected whose namespace end is down or has no address, and `up` must
refuse, before making anything, to give an org a slot whose link another namespace holds."""
import subprocess

import pytest

from network import namespaces
from network.errors import NamespaceError

PREFIX = "rfh"
SUBNET = "10.214.250.0/24"


class ScriptedIp:
    """The links of the root namespace (None) and of each named one: name -> (up, IPv4 address or None). Every
    call that would change something is recorded in `changes` and does nothing."""

    def __init__(self):
        self.links: dict[str | None, dict[str, tuple[bool, str | None]]] = {None: {}}
        self.changes: list[tuple[str, ...]] = []

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        netns = None
        if args[:1] == ("-n",):
            netns, args = args[1], args[2:]
        links = self.links.get(netns)
        if netns is not None and links is None:
            return self._answer("", 1)      # `ip -n` of a namespace that does not exist
        if args == ("netns", "list"):
            return self._answer("".join(f"{name}\n" for name in self.links if name is not None))
        if args[:2] == ("netns", "pids"):
            return self._answer("")
        if args[:3] in (("link", "show", "dev"), ("-o", "link", "show")) and links is not None:
            name = args[-1]
            if name not in links:
                return self._answer("", 1)
            flags = "<BROADCAST,MULTICAST,UP,LOWER_UP>" if links[name][0] else "<BROADCAST,MULTICAST>"
            return self._answer(f"7: {name}@if8: {flags} mtu 1500\n")
        if args[:4] == ("-o", "-4", "addr", "show") and links is not None:
            name = args[5]
            up, address = links.get(name, (False, None))
            if name not in links:
                return self._answer("", 1)
            shown = address is not None and (up or "up" not in args[6:])
            return self._answer(f"7: {name}    inet {address}/24 scope global {name}\n" if shown else "")
        self.changes.append(((f"-n {netns}",) if netns else ()) + args)
        return self._answer("")

    @staticmethod
    def _answer(stdout: str, returncode: int = 0) -> subprocess.CompletedProcess:
        return subprocess.CompletedProcess([], returncode, stdout, "")


@pytest.fixture
def scripted(monkeypatch):
    ip = ScriptedIp()
    monkeypatch.setattr(namespaces, "ip", ip)
    monkeypatch.setattr(namespaces, "_check_subnet", lambda layout: None)
    return ip


def made_whole(ip: ScriptedIp, layout: namespaces.Layout) -> None:
    ip.links[None][layout.bridge] = (True, layout.gateway)
    for org in layout.orgs:
        ip.links[None][org.host_link] = (True, None)
        ip.links[org.netns] = {"lo": (True, "127.0.0.1"), org.ns_link: (True, org.address)}


def placed_as_netns_up_writes(topology, prefix: str, subnet: str, folder, monkeypatch):
    """``topology`` as `netns up` writes it, its data in <folder>/network, with a scripted `ip` made whole:
    (the scripted ip, the layout, the placed topology)."""
    ip = ScriptedIp()
    monkeypatch.setattr(namespaces, "ip", ip)
    layout = namespaces.plan(topology, prefix, subnet)
    made_whole(ip, layout)
    placed = topology.in_namespaces(layout.namespaces(), data_root=namespaces.data_root_in(folder))
    return ip, layout, placed


def connected(layout: namespaces.Layout) -> dict[str, bool]:
    return {state.org: state.connected for state in namespaces.status(layout)}


def test_an_org_whose_namespace_end_is_down_or_has_no_address_is_not_connected(scripted):
    layout = namespaces.plan_orgs(["orderer", "bank", "supplier"], PREFIX, SUBNET)
    made_whole(scripted, layout)
    bank, supplier = layout.org("bank"), layout.org("supplier")
    scripted.links[bank.netns][bank.ns_link] = (True, None)          # stopped before its address was given
    scripted.links[supplier.netns][supplier.ns_link] = (False, supplier.address)     # before it was set up
    assert connected(layout) == {"orderer": True, "bank": False, "supplier": False}


def test_an_org_whose_links_slot_another_namespace_holds_is_refused_before_anything_is_made(scripted):
    # The regulator org was renamed in topology.yaml: its namespace still holds .12 and the links rfh-h2/rfh-n2,
    # and the layout now gives that slot to a new org.
    before = namespaces.plan_orgs(["orderer", "bank", "regulator"], PREFIX, SUBNET)
    made_whole(scripted, before)
    layout = namespaces.plan_orgs(["orderer", "bank", "auditor"], PREFIX, SUBNET)
    auditor = layout.org("auditor")
    assert (auditor.host_link, auditor.address) == (before.org("regulator").host_link, "10.214.250.12")
    with pytest.raises(NamespaceError) as refused:
        namespaces.up(layout)
    assert str(refused.value).startswith(f"auditor's link {PREFIX}-h2 (address 10.214.250.12) is held by the "
                                         f"namespace {PREFIX}-regulator, which no org of the channel has any more")
    assert f"`ip netns delete {PREFIX}-regulator`" in str(refused.value)
    assert scripted.changes == []
    with pytest.raises(NamespaceError, match=f"held by the namespace {PREFIX}-regulator"):
        namespaces.add_org(layout, "auditor")
    assert scripted.changes == []
    assert connected(layout)["auditor"] is False


def test_up_again_over_a_whole_layout_is_not_refused(scripted):
    layout = namespaces.plan_orgs(["orderer", "bank"], PREFIX, SUBNET)
    made_whole(scripted, layout)
    namespaces.up(layout)
    assert all(connected(layout).values())
