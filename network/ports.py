"""Is a port free on the listen host? Checked for every node before anything starts."""
from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

from .ccservers import SERVER_PID_FILE
from .errors import NetworkError, PortInUseError, shell_word
from .nodeconfig import node_dirs
from .supervisor import Supervisor, tag_of

# Where the holder of a port is looked up (a test points it at a folder laid out as procfs).
PROC = Path("/proc")
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
    where = f"{owner} {host}:{port}" if owner else f"{host}:{port}"
    if port >= start or os.geteuid() == 0:
        # not the privileged-port rule: something else refuses the bind (an SELinux or cgroup bind hook, say)
        return NetworkError(f"cannot listen on {where}: binding it was refused "
                            f"(EACCES) though uid {os.geteuid()} may bind port {port} by the privileged-port rule "
                            f"(below {start}): a security policy of this machine forbids it; pick another port in "
                            f"network/topology.yaml, or allow this one")
    return NetworkError(f"cannot listen on {where}: port {port} is privileged "
                        f"(below net.ipv4.ip_unprivileged_port_start, {start}) and uid {os.geteuid()} may not bind it, "
                        f"whether or not anything holds it: pick a port of {start} or above in network/topology.yaml, "
                        f"or run as root")


def busy_ports(host: str, owned: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """The (owner, port name, port) triples whose port is taken on host."""
    return [(owner, key, port) for owner, key, port in owned if port_in_use(host, port, f"{owner} {key}")]


def ensure_free(host: str, owned: Iterable[tuple[str, str, int]],
                left_running_by: Callable[[str], Collection[int]] | None = None) -> list[str]:
    """Raise PortInUseError naming each node and port already taken, and what holds it as far as this user can see
    (NetworkError when host cannot be bound, or a port is privileged).

    left_running_by(owner), when given: the processes the owner's exited process left running, which starting the
    owner stops first (Supervisor.start). A port whose every socket they hold, and nothing else seen, is not refused.
    Returns the owners passed over so: the caller stops what they left running (Supervisor.stop_left_behind) before
    its first step, so one that cannot be stopped fails it before anything has started."""
    busy = busy_ports(host, owned)
    passed: list[str] = []
    if busy and left_running_by is not None:
        sockets = _socket_ports({port for _, _, port in busy})
        held, _ = _processes_with_sockets(sockets)
        refused = [(owner, key, port) for owner, key, port in busy
                   if not _held_only_by(port, sockets, held.get(port, []), left_running_by(owner))]
        passed = sorted({owner for owner, _, _ in busy} - {owner for owner, _, _ in refused})
        busy = refused
    if busy:
        holders = port_holders(port for _, _, port in busy)
        listed = ", ".join(f"{owner} {key} {host}:{port} ({holders[port]})" for owner, key, port in busy)
        raise PortInUseError(
            f"port{'s' if len(busy) > 1 else ''} already in use: {listed}; stop what holds "
            f"{'them' if len(busy) > 1 else 'it'} (e.g. `{_ss(busy[0][2])}`) or change network/topology.yaml"
        )
    return passed


def _held_only_by(port: int, sockets: dict[str, int], holders: list[int], left: Collection[int]) -> bool:
    """Whether the processes left hold every socket on port and are all that is seen holding one: a socket whose
    holder cannot be seen (another user's process) is not theirs to free."""
    on_port = {socket_ for socket_, its_port in sockets.items() if its_port == port}
    return bool(on_port and holders) and set(holders) <= set(left) and on_port <= _sockets_of(left)


def _sockets_of(pids: Iterable[int]) -> set[str]:
    """The sockets the processes have open, as their fds link to them (socket:[inode])."""
    links: set[str] = set()
    for pid in pids:
        try:
            fds = list((PROC / str(pid) / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                links.add(os.readlink(fd))
            except OSError:
                continue
    return links


def _ss(port: int) -> str:
    """The ss command that lists every TCP socket on port, in any state, with its process."""
    return f"ss -tanp 'sport = :{port}'"


def port_holders(ports: Iterable[int]) -> dict[int, str]:
    """What holds each TCP port, as procfs shows it to this user: each process with a socket on it (listening, or a
    connection's local end), by pid and program, and the data folder whose network started it (its
    RECFIN_PID_FILE tag). /proc is read once for all the ports. A port no process is found holding is said to be
    another user's only when some process's open files could not be read."""
    ports = set(ports)
    holders, unreadable = _processes_with_sockets(_socket_ports(ports))
    return {port: _holders_text(port, holders.get(port, []), unreadable) for port in ports}


def _holders_text(port: int, pids: list[int], unreadable: bool) -> str:
    if pids:
        return "held by " + "; ".join(_describe(pid) for pid in pids)
    if unreadable:
        return (f"what holds it could not be seen: another user's process, whose open files this user may not read "
                f"(`sudo {_ss(port)}` names it)")
    # a socket only bound (neither listening nor connected) is in no table of procfs, nor in what ss lists
    return (f"no process found holding it: `{_ss(port)}` lists its sockets with their processes, unless it is a socket "
            f"only bound, neither listening nor connected, which neither shows")


def _socket_ports(ports: set[int]) -> dict[str, int]:
    """The sockets on any of ports in any state procfs lists (a connection's local end holds its port as a listener
    does), from /proc/net/tcp and tcp6 (IPv4 and IPv6, any address): as their fds link to them (socket:[inode]), to
    the port."""
    sockets = {}
    for table in ("tcp", "tcp6"):
        try:
            rows = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            # sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            if len(fields) > 9 and fields[9] != "0":        # 0: a socket no process has (TIME_WAIT)
                port = int(fields[1].rsplit(":", 1)[1], 16)
                if port in ports:
                    sockets[f"socket:[{fields[9]}]"] = port
    return sockets


def _processes_with_sockets(sockets: dict[str, int]) -> tuple[dict[int, list[int]], bool]:
    """The pids with an open fd on each socket's port (of the sockets named as fds link to them), and whether some
    process's open files were not readable (another user's: it may be the holder)."""
    holders: dict[int, list[int]] = {}
    unreadable = False
    if not sockets:
        return holders, unreadable
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except PermissionError:
            unreadable = True
            continue
        except OSError:         # gone
            continue
        held = set()
        for fd in fds:
            try:
                port = sockets.get(os.readlink(fd))
            except PermissionError:
                unreadable = True
                break
            except OSError:
                continue
            if port is not None:
                held.add(port)
        for port in held:
            holders.setdefault(port, []).append(int(entry.name))
    return {port: sorted(pids) for port, pids in holders.items()}, unreadable


def _describe(pid: int) -> str:
    """A holder of a port as an error names it: pid, program, and, when one of our networks started it, which."""
    try:
        # any process may name itself in bytes that are no UTF-8: read as the file system's names are
        program = shell_word(os.fsdecode((PROC / str(pid) / "comm").read_bytes()).strip())
    except OSError:
        program = "?"
    tag = tag_of(pid)
    if tag is None:
        return f"pid {pid} ({program})"
    pid_file = Path(tag)
    root = data_folder_of(pid_file)
    supervisor = Supervisor()
    found = supervisor.find(pid_file)
    try:
        group = os.getpgid(pid)
    except OSError:
        group = pid
    if found.alive and found.pid in (pid, group):
        return (f"pid {pid} ({program}), of the network in {root} ({pid_file} records it): `recfin network down` "
                f"on that data folder stops it")
    if found.alive:
        # One that left the recorded process's group: `down` finds it by its tag (Supervisor.stop).
        return (f"pid {pid} ({program}), started by the network in {root} for {pid_file}'s process: `recfin network "
                f"down` on that data folder stops it")
    if pid in supervisor.left_behind(pid_file):
        # What the recorded process left running when it exited: `down` stops it, and so does a start of that node or
        # server, whose own port check passes over what holds only its own ports.
        again = ("`recfin chaincode restart`, or `recfin chaincode deploy` for a deployment not yet committed"
                 if pid_file.name == SERVER_PID_FILE else "`recfin network up`")
        return (f"pid {pid} ({program}), left running in the network in {root} by {found.name}'s exited process "
                f"(pid {found.pid}, {pid_file}): `recfin network down` on that data folder stops it, as starting "
                f"{found.name} there again does ({again})")
    # A group is signalled whole only when its leader carries the same tag, as `down` does: else it is another's.
    leader_tag = tag_of(group)
    kill = f"kill -- -{group}" if leader_tag is not None and leader_tag == tag else f"kill {pid}"
    return f"pid {pid} ({program}), started by the network in {root}, but no pid file there records it: stop it " \
           f"with `{kill}`"


def data_folder_of(pid_file: Path) -> Path:
    """The data folder a pid file is in, as node_dirs (<root>/nodes/<node>/node.pid) and ccservers
    (<root>/chaincode/<name>/<org>/server.pid) lay them out; another pid file's own folder."""
    depth = {node_dirs(Path(), "node").pid.name: 2, SERVER_PID_FILE: 3}.get(pid_file.name, 0)
    return pid_file.parents[depth] if depth < len(pid_file.parents) else pid_file.parent
