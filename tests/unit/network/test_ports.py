import errno
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from network import ports
from network.errors import NetworkError, PortInUseError
from network.ports import ensure_free, port_in_use
from network.supervisor import PID_FILE_ENV, ProcessSpec, Supervisor


@pytest.fixture
def held_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    yield sock.getsockname()[1]
    sock.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_listening_port_is_in_use(held_port):
    assert port_in_use("127.0.0.1", held_port)


def test_a_free_port_is_not_in_use():
    assert not port_in_use("127.0.0.1", free_port())


def test_ensure_free_names_the_node_and_port(held_port):
    owned = [("peer0.bank", "operations_port", held_port), ("peer0.bank", "port", free_port())]
    with pytest.raises(PortInUseError) as err:
        ensure_free("127.0.0.1", owned)
    assert f"peer0.bank operations_port 127.0.0.1:{held_port}" in str(err.value)
    assert "port " in str(err.value) and f":{owned[1][2]}" not in str(err.value)      # a pid named may hold its digits


def test_ensure_free_passes_when_all_are_free():
    ensure_free("127.0.0.1", [("orderer0.orderer", "port", free_port())])


@pytest.mark.parametrize("host, why", [
    ("192.0.2.10", r"192\.0\.2\.10 is not an address of this machine"),        # TEST-NET-1: no interface holds it
    ("recfin-host.invalid", r"the name recfin-host\.invalid does not resolve"),  # .invalid never resolves
])
def test_a_listen_host_this_machine_cannot_bind_is_named_with_what_to_change(host, why):
    with pytest.raises(NetworkError, match=rf"^cannot listen on listen_host {host.replace('.', '[.]')}, port 7050: "
                                           rf"{why}.*set listen_host in topology\.yaml to an address of this machine"):
        ensure_free(host, [("orderer0.orderer", "port", 7050)])


def test_up_on_a_listen_host_of_another_machine_stops_before_anything(topology, tmp_path, fake_fabric):
    from network.control import Network
    from network.fabric_bin import FabricInstall
    far = topology.model_copy(update={"listen_host": "192.0.2.10"})
    with pytest.raises(NetworkError, match=r"cannot listen on listen_host 192\.0\.2\.10, port \d+"):
        Network(far, data_root=tmp_path / "net", fabric=FabricInstall.locate()).up()
    assert not (tmp_path / "net").exists()


# A stand-in for a node: listens on a port of its own choosing, says which, and waits.
LISTENER = ("import socket, time\nsock = socket.socket()\nsock.bind(('127.0.0.1', 0))\nsock.listen(1)\n"
            "print('listening on', sock.getsockname()[1], flush=True)\nwhile True: time.sleep(0.05)\n")


def _program(pid):
    return Path(f"/proc/{pid}/comm").read_text().strip()


def _listening_node(tmp_path, sup, name="peer0.bank"):
    """LISTENER started as the node `name` of the network in tmp_path/data (its pid file there); its pid and port."""
    data = tmp_path / "data"
    sp = ProcessSpec(name, [sys.executable, "-c", LISTENER], dict(os.environ), data / "nodes" / name / "node.log",
                     data / "nodes" / name / "node.pid")
    pid, _ = sup.start(sp)
    said = re.compile(r"^listening on (\d+)$", re.M)
    sup.wait_until(lambda: said.search(sp.log.read_text()), what="its port", name=name, log=sp.log, timeout=10)
    return pid, int(said.search(sp.log.read_text())[1]), sp.pid_file


def test_a_port_held_by_a_node_of_a_network_names_its_pid_program_and_data_folder(tmp_path):
    sup = Supervisor(grace=0.5, poll_interval=0.02)
    pid, port, pid_file = _listening_node(tmp_path, sup)
    try:
        program = _program(pid)
        with pytest.raises(PortInUseError) as err:
            ensure_free("127.0.0.1", [("peer0.bank", "port", port)])
    finally:
        sup.stop(pid_file)
    message = str(err.value)
    assert f"peer0.bank port 127.0.0.1:{port} (held by pid {pid} ({program}), " in message
    assert f"of the network in {tmp_path / 'data'} ({pid_file} records it): `recfin network down`" in message
    # ss's own filter: `grep PORT` also matched a port with PORT in it (17050 for 7050)
    assert f"`ss -tanp 'sport = :{port}'`" in message and "| grep" not in message


def test_a_port_held_by_a_process_no_pid_file_records_says_how_to_stop_its_group(tmp_path):
    data = tmp_path / "data"
    pid_file = data / "nodes" / "peer0.bank" / "node.pid"        # never written: the process is an orphan
    orphan = subprocess.Popen([sys.executable, "-c", LISTENER], stdout=subprocess.PIPE, text=True,
                              env=os.environ | {PID_FILE_ENV: str(pid_file)}, start_new_session=True)
    try:
        port = int(orphan.stdout.readline().split()[-1])
        program = _program(orphan.pid)
        with pytest.raises(PortInUseError) as err:
            ensure_free("127.0.0.1", [("peer0.bank", "port", port)])
    finally:
        orphan.kill()
        orphan.wait()
    assert (f"held by pid {orphan.pid} ({program}), started by the network in {data}, but no pid file there "
            f"records it: stop it with `kill -- -{orphan.pid}`") in str(err.value)


def test_a_port_held_by_a_plain_process_names_its_pid_and_program(held_port):
    with pytest.raises(PortInUseError) as err:
        ensure_free("127.0.0.1", [("orderer0.orderer", "port", held_port)])
    assert f"orderer0.orderer port 127.0.0.1:{held_port} (held by pid {os.getpid()} ({_program(os.getpid())}))" \
        in str(err.value)


def _procfs_with_a_socket_no_process_shows(tmp_path, monkeypatch, port, state="0A"):
    """procfs as a socket on port (in state) shows it when no process's open files this user reads name it."""
    proc = tmp_path / "proc"
    (proc / "net").mkdir(parents=True)
    (proc / "net" / "tcp").write_text(
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        f"   0: 0100007F:{port:04X} 00000000:0000 {state} 00000000:00000000 00:00000000 00000000     0        0 "
        "4242 1 0000000000000000 100 0 0 10 0\n")
    (proc / "4242" / "fd").mkdir(parents=True)      # a process with no socket open
    monkeypatch.setattr(ports, "PROC", proc)
    return proc


def test_a_holder_this_user_cannot_see_is_said_to_be_unseen(held_port, tmp_path, monkeypatch):
    # another user's listener: its socket in /proc/net/tcp, its fd folder not readable (as procfs refuses a non-root
    # user; made to refuse here, as root reads every one)
    proc = _procfs_with_a_socket_no_process_shows(tmp_path, monkeypatch, held_port)
    (proc / "4343" / "fd").mkdir(parents=True)
    read = Path.iterdir

    def refused(folder):
        if folder == proc / "4343" / "fd":
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        return read(folder)
    monkeypatch.setattr(Path, "iterdir", refused)
    with pytest.raises(PortInUseError, match=rf"127\.0\.0\.1:{held_port} \(what holds it could not be seen: another "
                                             rf"user's process.*`sudo ss -tanp 'sport = :{held_port}'` names it\)"):
        ensure_free("127.0.0.1", [("orderer0.orderer", "port", held_port)])


@pytest.mark.parametrize("state", ["0A", "01"])      # listening; a connection's local end
def test_a_holder_no_process_shows_is_not_said_to_be_another_users_when_every_process_was_read(
        held_port, tmp_path, monkeypatch, state):
    """Every fd folder read (as root), no holder found: that was said to be "another user's process"."""
    _procfs_with_a_socket_no_process_shows(tmp_path, monkeypatch, held_port, state)
    with pytest.raises(PortInUseError) as err:
        ensure_free("127.0.0.1", [("orderer0.orderer", "port", held_port)])
    message = str(err.value)
    assert f"127.0.0.1:{held_port} (no process found holding it: `ss -tanp 'sport = :{held_port}'` lists" in message
    assert "another user's" not in message


def test_a_port_held_by_a_connections_local_end_names_its_process():
    """Only listening sockets were looked at: a client's connection from the port left its holder unseen."""
    with socket.socket() as server, socket.socket() as client:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        client.bind(("127.0.0.1", 0))
        client.connect(server.getsockname())
        accepted, _ = server.accept()
        with accepted:
            port = client.getsockname()[1]
            with pytest.raises(PortInUseError) as err:
                ensure_free("127.0.0.1", [("orderer0.orderer", "port", port)])
    assert f"orderer0.orderer port 127.0.0.1:{port} (held by pid {os.getpid()} ({_program(os.getpid())}))" \
        in str(err.value)


def test_the_processes_are_read_once_for_every_busy_port(monkeypatch):
    """Each busy port read every process's fds again: 20 ports with 1,500 processes running took seconds."""
    socks = []
    for _ in range(3):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        socks.append(sock)
    read = Path.iterdir
    scans = []

    def counted(folder):
        if folder == ports.PROC:
            scans.append(folder)
        return read(folder)
    monkeypatch.setattr(Path, "iterdir", counted)
    owned = [("peer0.bank", f"port {n}", sock.getsockname()[1]) for n, sock in enumerate(socks)]
    try:
        with pytest.raises(PortInUseError) as err:
            ensure_free("127.0.0.1", owned)
    finally:
        for sock in socks:
            sock.close()
    assert len(scans) == 1
    assert all(f"127.0.0.1:{port} (held by pid {os.getpid()} " in str(err.value) for _, _, port in owned)


def test_a_privileged_port_is_not_reported_as_in_use(monkeypatch):
    """As a non-root user, binding a port below net.ipv4.ip_unprivileged_port_start fails with EACCES though nothing
    listens there: that was reported as "port already in use"."""
    def refused(sock, address):
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(socket.socket, "bind", refused)
    monkeypatch.setattr(ports.os, "geteuid", lambda: 1000)
    with pytest.raises(NetworkError) as err:
        ensure_free("127.0.0.1", [("peer0.bank", "port", 443)])
    assert not isinstance(err.value, PortInUseError)
    assert re.match(r"cannot listen on peer0\.bank port 127\.0\.0\.1:443: port 443 is privileged \(below "
                    r"net\.ipv4\.ip_unprivileged_port_start, \d+\).*pick a port of \d+ or above in "
                    r"network/topology\.yaml, or run as root$", str(err.value))


@pytest.mark.parametrize("port, euid", [(8443, 1000), (443, 0)], ids=["unprivileged port", "root"])
def test_a_bind_refused_outside_the_privileged_port_rule_is_not_called_privileged(monkeypatch, port, euid):
    """EACCES on a port the rule lets this user bind (a port above the limit, or any port for root) comes from a
    security policy: saying the port is privileged, and to run as root, would contradict itself."""
    def refused(sock, address):
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(socket.socket, "bind", refused)
    monkeypatch.setattr(ports.os, "geteuid", lambda: euid)
    with pytest.raises(NetworkError) as err:
        ensure_free("127.0.0.1", [("peer0.bank", "port", port)])
    message = str(err.value)
    assert "is privileged" not in message and "run as root" not in message
    assert f"binding it was refused (EACCES) though uid {euid} may bind port {port}" in message
    assert "a security policy of this machine forbids it" in message
