"""`netns down` where `ip` cannot remove what it finds (run without root: `ip netns delete` cannot unmount the
namespace, `ip link delete` is not permitted), against a scripted `ip`: it must fail naming what is left,
never list it as removed; where `ip` removes everything, a veth end gone with its namespace is no failure."""
import subprocess

import pytest

from network import namespaces
from network.errors import NamespaceError

PREFIX = "rfd"


class ScriptedIp:
    """Two orgs' namespaces, their veth ends on the bridge and the bridge; each removal refused unless allowed."""

    def __init__(self, allowed: bool):
        self.allowed = allowed
        self.namespaces = {f"{PREFIX}-orderer": f"{PREFIX}-h0", f"{PREFIX}-bank": f"{PREFIX}-h1"}
        self.links = {"lo", "eth0", f"{PREFIX}-br", f"{PREFIX}-h0", f"{PREFIX}-h1"}

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        if args == ("netns", "list"):
            return self._answer("".join(f"{name} (id: {i})\n" for i, name in enumerate(self.namespaces)))
        if args[:2] == ("netns", "pids"):
            return self._answer("")
        if args == ("-o", "link", "show"):
            return self._answer("".join(f"{i}: {name}: <UP> mtu 1500\n" for i, name in enumerate(sorted(self.links))))
        if args[:3] == ("link", "show", "dev"):
            return self._answer("", 0 if args[3] in self.links else 1)
        if args[:2] == ("netns", "delete"):
            if not self.allowed:
                return self._answer("", 1, f'Cannot remove namespace file "/run/netns/{args[2]}": Operation '
                                           f'not permitted')
            self.links.discard(self.namespaces.pop(args[2]))       # its veth pair goes with it
            return self._answer("")
        if args[:2] == ("link", "delete"):
            if args[2] not in self.links:
                return self._answer("", 1, f'Cannot find device "{args[2]}"')
            if not self.allowed:
                return self._answer("", 2, "RTNETLINK answers: Operation not permitted")
            self.links.discard(args[2])
            return self._answer("")
        raise AssertionError(f"unexpected `ip {' '.join(args)}`")

    @staticmethod
    def _answer(stdout: str, returncode: int = 0, stderr: str = "") -> subprocess.CompletedProcess:
        return subprocess.CompletedProcess([], returncode, stdout, stderr)


def test_what_ip_cannot_remove_fails_down_naming_it_and_is_not_said_removed(monkeypatch):
    ip = ScriptedIp(allowed=False)
    monkeypatch.setattr(namespaces, "ip", ip)
    with pytest.raises(NamespaceError) as refused:
        namespaces.down(PREFIX)
    message = str(refused.value)
    assert message.startswith(f'could not remove {PREFIX}-bank (Cannot remove namespace file "/run/netns/'
                              f'{PREFIX}-bank": Operation not permitted); {PREFIX}-orderer (')
    assert f"{PREFIX}-br (RTNETLINK answers: Operation not permitted)" in message
    assert "(nothing removed)" in message and f"`recfin network netns down --prefix {PREFIX}` again as root" in message
    assert len(ip.namespaces) == 2 and f"{PREFIX}-br" in ip.links


def test_where_ip_removes_everything_the_veth_ends_gone_with_their_namespaces_are_no_failure(monkeypatch):
    ip = ScriptedIp(allowed=True)
    monkeypatch.setattr(namespaces, "ip", ip)
    assert namespaces.down(PREFIX) == [f"{PREFIX}-bank", f"{PREFIX}-orderer", f"{PREFIX}-br"]
    assert ip.namespaces == {} and ip.links == {"lo", "eth0"}
    assert namespaces.down(PREFIX) == []
