"""The errors the network package raises, one family so the CLI can report them alike.

    NetworkError                  anything the operator can act on; str() is one actionable line
    ├── TopologyError             topology.yaml is malformed or inconsistent
    ├── PortInUseError            a node's port is taken on 127.0.0.1 before anything starts
    ├── MissingBinariesError      the Fabric tools or base config are not installed
    ├── ToolError                 a Fabric CLI call (peer, osnadmin, configtxgen) failed
    ├── NodeTimeoutError          a node did not become healthy / reach a height in time
    ├── NodeNotFoundError         a node name that is not in the topology
    ├── ChaincodeError            a chaincode deploy / restart could not proceed
    ├── NamespaceError            a network namespace, bridge or link could not be made or changed
    └── DataRootNotWritable       the data folder cannot be written (read-only, another user's, a full disk)
"""
from __future__ import annotations

import shlex
from collections.abc import Sequence
from os import PathLike


def first_few(items: Sequence[str], limit: int = 5) -> str:
    """How an error names a list that may be long: its first ``limit`` items, then ", ..." if there are more."""
    return ", ".join(items[:limit]) + (", ..." if len(items) > limit else "")


def shell_word(path: str | PathLike[str]) -> str:
    """How a message names a path: as a shell would need it pasted, so a space or a quote in it cannot split it."""
    return shlex.quote(str(path))


class NetworkError(Exception):
    """Base of every error the network package raises on purpose."""


class TopologyError(NetworkError):
    pass


class PortInUseError(NetworkError):
    pass


class ProcessesNotStoppedError(NetworkError):
    """`down` stopped what it could, and these it could not (another user's, one outliving SIGKILL)."""


class MissingBinariesError(NetworkError):
    pass


class ToolError(NetworkError):
    def __init__(self, message: str, *, stdout: str = "", stderr: str = "", returncode: int | None = None):
        super().__init__(message)
        self.stdout = stdout
        self.stderr = stderr
        self.returncode = returncode

    def about(self, what: str) -> ToolError:
        """The same failure, its message led by ``what`` it was (which node, which step), its output kept."""
        return ToolError(f"{what}: {self}", stdout=self.stdout, stderr=self.stderr, returncode=self.returncode)


class NodeTimeoutError(NetworkError):
    pass


class NodeNotFoundError(NetworkError):
    pass


class ChaincodeError(NetworkError):
    pass


class NamespaceError(NetworkError):
    pass


class DataRootNotWritable(NetworkError):
    """A command could not write in the data folder: its OSError (cause) says which file and why."""

    def __init__(self, message: str, cause: OSError):
        super().__init__(message)
        self.cause = cause
