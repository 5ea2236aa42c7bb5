"""Is a port free on the listen host? Checked for every node before anything starts."""
from __future__ import annotations

import errno
import os
import socket
from collections.abc import Iterable
from pathlib import Path

from .ccservers import SERVER_PID_FILE
from .errors import NetworkError, PortInUseError
from .nodeconfig import node_dirs
from .supervisor import Supervisor, _environ, _tag_in

# Where the holder of a port is looked up (a test points it at a folder laid out as procfs).
PROC = Path("/proc")
_LISTEN = "0A"      # /proc/net/tcp's state of a listening socket
_UNPRIVILEGED_PORT_START = "sys/net/ipv4/ip_unprivileged_port_start"


def port_in_use(host: str, port: int, owner: str = "") -> bool:
    """True when binding host:port fails because something already holds it.

    A host this machine cannot bind at all (a name that does not resolve, an address of no interface here) is no
    answer about the port: NetworkError naming the host, as the topology's listen_host, and what to change. So is a
    privileged port this user may not bind (nothing need hold it): NetworkError naming ``owner``'s port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except socket.gaierror as exc:
            raise _unbindable(host, port, f"the name {host} does not resolve to an IPv4 address ({exc.strerror})") \
                from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            if exc.errno == errno.EACCES:
                raise _privileged(host, port, owner) from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise _unbindable(host, port, f"{host} is not an address of this machine") from None
            raise
    return False


def _unbindable(host: str, port: int, why: str) -> NetworkError:
    return NetworkError(f"cannot listen on listen_host {host}, port {port}: {why}. "
                        f"The native runtime binds every node and chaincode server on listen_host: set listen_host in "
                        f"topology.yaml to an address of this machine (127.0.0.1, or one `ip -4 addr` lists) or a "
                        f"name that resolves to one")


def _privileged(host: str, port: int, owner: str) -> NetworkError:
    try:
        start = int((PROC / _UNPRIVILEGED_PORT_START).read_text())
    except (OSError, ValueError):
        start = 1024
    return NetworkError(f"cannot listen on {f'{owner} ' if owner else ''}{host}:{port}: port {port} is privileged "
                        f"(below net.ipv4.ip_unprivileged_port_start, {start}) and uid {os.geteuid()} may not bind it, "
                        f"whether or not anything holds it: pick a port of {start} or above in network/topology.yaml, "
                        f"or run as root")


def busy_ports(host: str, owned: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """The (owner, port name, port) triples whose port is taken on host."""
    return [(owner, key, port) for owner, key, port in owned if port_in_use(host, port, f"{owner} {key}")]


def ensure_free(host: str, owned: Iterable[tuple[str, str, int]]) -> None:
    """Raise PortInUseError naming each node and port already taken, and what holds it as far as this user can see
    (NetworkError when host cannot be bound, or a port is privileged)."""
    busy = busy_ports(host, owned)
    if busy:
        listed = ", ".join(f"{owner} {key} {host}:{port} ({port_holders(port)})" for owner, key, port in busy)
        raise PortInUseError(
            f"port{'s' if len(busy) > 1 else ''} already in use: {listed}; stop what holds "
            f"{'them' if len(busy) > 1 else 'it'} (e.g. `ss -ltnp 'sport = :{busy[0][2]}'`) or change "
            f"network/topology.yaml"
        )


def port_holders(port: int) -> str:
    """What holds a TCP port, as procfs shows it to this user: each listening process's pid and program, and the data
    folder whose network started it (its RECFIN_PID_FILE tag). Another user's process, whose open files are not
    readable, is said to be unseen."""
    inodes = _listening_inodes(port)
    holders = _processes_with_sockets(inodes) if inodes else []
    if not holders:
        return (f"what holds it could not be seen: another user's process, whose open files this user may not read "
                f"(`sudo ss -ltnp 'sport = :{port}'` names it)")
    return "held by " + "; ".join(_describe(pid) for pid in holders)


def _listening_inodes(port: int) -> set[str]:
    """The socket inodes listening on port, from /proc/net/tcp and tcp6 (IPv4 and IPv6, any address)."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        try:
            rows = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            # sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            if len(fields) > 9 and fields[3] == _LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    inodes.discard("0")
    return inodes


def _processes_with_sockets(inodes: set[str]) -> list[int]:
    """The pids whose open files include one of the socket inodes (those whose fd folder this user may read)."""
    wanted = {f"socket:[{inode}]" for inode in inodes}
    holders = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:         # another user's, or gone
            continue
        for fd in fds:
            try:
                if os.readlink(fd) in wanted:
                    holders.append(int(entry.name))
                    break
            except OSError:
                continue
    return sorted(holders)


def _describe(pid: int) -> str:
    """A holder of a port as an error names it: pid, program, and, when one of our networks started it, which."""
    try:
        program = (PROC / str(pid) / "comm").read_text().strip()
    except OSError:
        program = "?"
    environ = _environ(pid)
    tag = _tag_in(environ) if environ is not None else None
    if tag is None:
        return f"pid {pid} ({program})"
    pid_file = Path(tag)
    root = _data_folder_of(pid_file)
    found = Supervisor().find(pid_file)
    try:
        group = os.getpgid(pid)
    except OSError:
        group = pid
    if found.alive and found.pid in (pid, group):
        return (f"pid {pid} ({program}), of the network in {root} ({pid_file} records it): `recfin network down` "
                f"on that data folder stops it")
    return (f"pid {pid} ({program}), started by the network in {root}, but no pid file there records it: stop it "
            f"with `kill -- -{group}`")


def _data_folder_of(pid_file: Path) -> Path:
    """The data folder a pid file is in, as node_dirs (<root>/nodes/<node>/node.pid) and ccservers
    (<root>/chaincode/<name>/<org>/server.pid) lay them out; another pid file's own folder."""
    depth = {node_dirs(Path(), "node").pid.name: 2, SERVER_PID_FILE: 3}.get(pid_file.name, 0)
    return pid_file.parents[depth] if depth < len(pid_file.parents) else pid_file.parent
