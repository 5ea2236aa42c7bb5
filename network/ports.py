"""Is a port free on the listen host? Checked for every node before anything starts."""
from __future__ import annotations

import errno
import socket
from collections.abc import Iterable

from .errors import PortInUseError


def port_in_use(host: str, port: int) -> bool:
    """True when binding host:port fails because something already holds it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def busy_ports(host: str, owned: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """The (owner, port name, port) triples whose port is taken on host."""
    return [(owner, key, port) for owner, key, port in owned if port_in_use(host, port)]


def ensure_free(host: str, owned: Iterable[tuple[str, str, int]]) -> None:
    """Raise PortInUseError naming each node and port already taken."""
    busy = busy_ports(host, owned)
    if busy:
        listed = ", ".join(f"{owner} {key} {host}:{port}" for owner, key, port in busy)
        raise PortInUseError(
            f"port{'s' if len(busy) > 1 else ''} already in use: {listed}; stop what holds "
            f"{'them' if len(busy) > 1 else 'it'} (e.g. `ss -ltnp | grep {busy[0][2]}`) or change network/topology.yaml"
        )
