"""`netns down` refused while processes run in the namespaces names the command that stops them: the
`recfin network down --topology` of the namespaced topology their nodes were started from (found through the pid
file each started process carries in its environment), and, for a process no `network up` started (a shell from
`netns exec`), its pid and name to stop by hand. It named a placeholder, `<the namespaced topology>`, before."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from network import namespaces
from network.errors import NamespaceError
from network.supervisor import PID_FILE_ENV

PREFIX = "rfh"


@pytest.fixture
def sleeper():
    started = []

    def start(env: dict[str, str] | None = None) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], env=env)
        started.append(proc)
        # the kernel shows no environment until the exec is done: read before it, a node would look untagged
        while not open(f"/proc/{proc.pid}/cmdline", "rb").read():
            time.sleep(0.01)
        return proc
    yield start
    for proc in started:
        proc.kill()
        proc.wait()


def _ip_with_pids(monkeypatch, pids: dict[str, list[int]]) -> None:
    def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        if args == ("netns", "list"):
            return subprocess.CompletedProcess([], 0, "".join(f"{ns}\n" for ns in pids), "")
        if args[:2] == ("netns", "pids"):
            return subprocess.CompletedProcess([], 0, "".join(f"{p}\n" for p in pids[args[2]]), "")
        raise AssertionError(f"nothing is removed while processes run, yet `ip {' '.join(args)}` was run")
    monkeypatch.setattr(namespaces, "ip", ip)


def test_a_node_started_from_the_namespaced_topology_is_refused_naming_its_network_down(monkeypatch, tmp_path,
                                                                                        sleeper):
    folder = tmp_path / "netns"
    (folder / "network" / "nodes" / "peer0.bank").mkdir(parents=True)
    (folder / namespaces.TOPOLOGY_FILE).write_text("# written by netns up\n")
    node = sleeper({PID_FILE_ENV: str(folder / "network" / "nodes" / "peer0.bank" / "node.pid")})
    _ip_with_pids(monkeypatch, {f"{PREFIX}-bank": [node.pid]})
    with pytest.raises(NamespaceError) as refused:
        namespaces.down(PREFIX)
    message = str(refused.value)
    assert f"{PREFIX}-bank: pids {node.pid}" in message
    assert f"stop them first: `recfin network down --topology {folder / namespaces.TOPOLOGY_FILE}`" in message
    assert "<the namespaced topology>" not in message and "or pass --kill" in message


def test_a_process_no_network_up_started_is_refused_naming_it_to_stop_by_hand(monkeypatch, sleeper):
    shell = sleeper({})
    _ip_with_pids(monkeypatch, {f"{PREFIX}-bank": [shell.pid]})
    with pytest.raises(NamespaceError) as refused:
        namespaces.down(PREFIX)
    message = str(refused.value)
    assert f"stop them first: pid {shell.pid} (python" in message and "no `recfin network up` started" in message
    assert "<the namespaced topology>" not in message and "or pass --kill" in message
