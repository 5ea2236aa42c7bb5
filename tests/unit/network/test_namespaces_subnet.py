"""The subnet a namespaced network runs on: `netns up` keeps the live bridge's and refuses another, refuses one
something else here uses, and the checks before it make nothing an org could be named after.

Real namespaces and bridges, made with this process's own prefixes and subnets (netns_fixtures) and removed
after each test, on failure too; they need root (CAP_NET_ADMIN) and skip elsewhere.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from network import namespaces
from network.errors import NamespaceError

from .netns_fixtures import free_subnet, remove_leftovers_of_dead_runs, unique_prefix

PREFIX = unique_prefix("rfs")
OTHER_PREFIX = unique_prefix("rft")


def addresses_of(bridge: str) -> list[str]:
    return namespaces._bridge_addresses(bridge)


@pytest.fixture
def live(topology):
    """The topology's orgs in namespaces on a bridge of PREFIX, on a free subnet; everything named with either
    prefix removed after the test."""
    reason = namespaces.unavailable_reason(PREFIX)
    if reason:
        pytest.skip(f"network namespaces cannot be made here: {reason}")
    remove_leftovers_of_dead_runs()
    try:
        yield namespaces.up(namespaces.plan(topology, PREFIX, free_subnet()))
    finally:
        for prefix in (PREFIX, OTHER_PREFIX):
            namespaces.down(prefix, kill=True)
            assert namespaces.existing_namespaces(prefix) == [] and namespaces.existing_links(prefix) == []


def test_up_on_another_subnet_than_the_live_bridges_is_refused_and_changes_nothing(live, topology, tmp_path):
    other = free_subnet(avoid=(str(live.subnet),))
    gateway = f"{live.gateway}/{live.subnet.prefixlen}"
    with pytest.raises(NamespaceError, match=rf"{live.bridge} is up on {live.subnet}, not {other}: .*"
                                             rf"--subnet {live.subnet}.*netns down --prefix {PREFIX}"):
        namespaces.up(namespaces.plan(topology, PREFIX, other))
    assert addresses_of(live.bridge) == [gateway]
    assert namespaces.bridge_subnet(PREFIX) == live.subnet
    assert namespaces.up(live) == live                       # the same subnet again: idempotent
    assert addresses_of(live.bridge) == [gateway]

    result = CliRunner().invoke(_network(), ["netns", "up", "--prefix", PREFIX, "--subnet", other,
                                             "--folder", str(tmp_path)])
    assert result.exit_code == 1 and f"is up on {live.subnet}" in result.output
    assert not (tmp_path / "topology.yaml").exists() and addresses_of(live.bridge) == [gateway]


@pytest.mark.parametrize("command", [["status"], ["cut", "supplier"], ["restore", "supplier"],
                                     ["exec", "supplier", "--", "true"]])
def test_a_command_on_another_subnet_than_the_live_bridges_is_refused_and_changes_nothing(live, tmp_path, command):
    # the addresses an org has are the live bridge's subnet's: read on another, status called every org
    # disconnected at addresses it does not have, and restore said so of the org it had just put back
    other = free_subnet(avoid=(str(live.subnet),))
    namespaces.cut(live, "supplier")
    result = CliRunner().invoke(_network(), ["netns", command[0], "--prefix", PREFIX, "--subnet", other,
                                             "--folder", str(tmp_path), *command[1:]])
    assert result.exit_code == 1, result.output
    assert f"{live.bridge} is up on {live.subnet}, not {other}" in result.output
    assert f"give --subnet {live.subnet}" in result.output
    states = {state.org: state for state in namespaces.status(live)}
    assert not states["supplier"].connected and states["bank"].connected     # the cut org is still cut

    result = CliRunner().invoke(_network(), ["netns", "restore", "supplier", "--prefix", PREFIX,
                                             "--subnet", str(live.subnet), "--folder", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert '"connected": true' in result.output and f'"address": "{live.org("supplier").address}"' in result.output


def test_a_bridge_with_two_addresses_gives_no_subnet_to_place_an_org_in(live, topology):
    stray = free_subnet(avoid=(str(live.subnet),))
    namespaces.ip("addr", "add", f"{stray.rsplit('.', 1)[0]}.1/24", "dev", live.bridge)
    placed = topology.in_namespaces(live.namespaces())
    with pytest.raises(NamespaceError, match=f"{live.bridge} has several addresses"):
        namespaces.bridge_subnet(PREFIX)
    with pytest.raises(NamespaceError, match="several addresses"):
        namespaces.place_new_org(placed, "bank2")
    with pytest.raises(NamespaceError, match="several addresses"):
        namespaces.up(live)


def test_a_subnet_another_bridge_uses_is_refused(live, topology):
    with pytest.raises(NamespaceError, match=rf"subnet {live.subnet} is in use here already \(address "
                                             rf"{live.gateway}/24 on {live.bridge}.*choose another with --subnet"):
        namespaces.up(namespaces.plan(topology, OTHER_PREFIX, str(live.subnet)))
    assert namespaces.existing_links(OTHER_PREFIX) == [] and namespaces.existing_namespaces(OTHER_PREFIX) == []
    wider = str(live.subnet.supernet(new_prefix=16))           # overlapping counts, not only the same network
    with pytest.raises(NamespaceError, match="is in use here already"):
        namespaces.up(namespaces.plan(topology, OTHER_PREFIX, wider))
    assert namespaces.existing_links(OTHER_PREFIX) == []


def test_the_permission_probe_leaves_an_org_named_probe_alone(live):
    org_probe = f"{PREFIX}-probe"                # the namespace an org named `probe` has
    namespaces.ip("netns", "add", org_probe)
    assert namespaces.unavailable_reason(PREFIX) is None
    assert org_probe in namespaces.existing_namespaces(PREFIX)
    assert [n for n in namespaces.existing_namespaces(PREFIX) if "_probe" in n] == []     # its own is gone


def _network():
    from cli.network_commands import network
    return network
