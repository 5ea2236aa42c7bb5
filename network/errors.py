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
from os import PathLike, fsdecode

from client.user_files import shown_as_is


def first_few(items: Sequence[str], limit: int = 5) -> str:
    """How an error names a list that may be long: its first ``limit`` items, then ", ..." if there are more."""
    return ", ".join(items[:limit]) + (", ..." if len(items) > limit else "")


def shell_word(word: str | bytes | PathLike) -> str:
    """How a message names a path, or a word of a command it says to run: as a shell would need it pasted, so a
    space or a quote in it cannot split it. A word holding a character that does not print as itself (a line break,
    an escape, a right-to-left override, a byte of a file name that is not UTF-8) is written in ANSI-C quotes,
    ``$'a\\nb'``, which bash, zsh and ksh read back to the same word: written as it is, it would break the message's
    line, or drive the terminal that shows it."""
    text = fsdecode(word)
    if all(shown_as_is(char) for char in text):
        return shlex.quote(text)
    return "$'" + "".join(ansi_c_escaped(char) for char in text) + "'"


def shell_words(words: Sequence[str | PathLike]) -> str:
    """A command's words as a shell would need them pasted (``shlex.join``, each word as :func:`shell_word` writes
    it)."""
    return " ".join(shell_word(word) for word in words)


_ANSI_C_NAMED = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def ansi_c_escaped(char: str) -> str:
    """``char`` as it reads inside $'...': itself if it prints, else an escape."""
    if char in _ANSI_C_NAMED:
        return _ANSI_C_NAMED[char]
    if shown_as_is(char):
        return char
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:   # a byte of a name that is not UTF-8, as os.fsdecode keeps it: the byte itself
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


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
