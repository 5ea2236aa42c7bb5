"""Is a port free on the listen host? Checked for every node before anything starts."""
from __future__ import annotations

import errno
import socket
from collections.abc import Iterable

from .errors import NetworkError, PortInUseError


def port_in_use(host: str, port: int) -> bool:
    """True when binding host:port fails because something already holds it.

    A host this machine cannot bind at all (a name that does not resolve, an address of no interface here) is no
    answer about the port: NetworkError naming the host, as the topology's listen_host, and what to change."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except socket.gaierror as exc:
            raise _unbindable(host, port, f"the name {host} does not resolve to an IPv4 address ({exc.strerror})") \
                from None
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            if exc.errno == errno.EADDRNOTAVAIL:
                raise _unbindable(host, port, f"{host} is not an address of this machine") from None
            raise
    return False


def _unbindable(host: str, port: int, why: str) -> NetworkError:
    return NetworkError(f"cannot listen on listen_host {host}, port {port}: {why}. "
                        f"The native runtime binds every node and chaincode server on listen_host: set listen_host in "
                        f"topology.yaml to an address of this machine (127.0.0.1, or one `ip -4 addr` lists) or a "
                        f"name that resolves to one")


def busy_ports(host: str, owned: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """The (owner, port name, port) triples whose port is taken on host."""
    return [(owner, key, port) for owner, key, port in owned if port_in_use(host, port)]


def ensure_free(host: str, owned: Iterable[tuple[str, str, int]]) -> None:
    """Raise PortInUseError naming each node and port already taken (NetworkError when host cannot be bound)."""
    busy = busy_ports(host, owned)
    if busy:
        listed = ", ".join(f"{owner} {key} {host}:{port}" for owner, key, port in busy)
        raise PortInUseError(
            f"port{'s' if len(busy) > 1 else ''} already in use: {listed}; stop what holds "
            f"{'them' if len(busy) > 1 else 'it'} (e.g. `ss -ltnp | grep {busy[0][2]}`) or change network/topology.yaml"
        )
