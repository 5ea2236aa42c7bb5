"""Checkpointers: remember how far event processing got, to resume there.

Record progress after handling each event (``checkpoint_chaincode_event``)
or each block (``checkpoint_block``), and pass the checkpointer as
``checkpoint=`` when reconnecting. Resuming from a chaincode event restarts at
its block and skips the events up to and including that transaction; resuming
from a block restarts at the next block. A checkpointer also records the channel (and
chaincode) of the first listener whose stream opened with it (given back if that stream fails
before its first event: the peer refused it), and refuses another, as its position means
nothing elsewhere; a file checkpoint keeps them in its file. It is of one open stream at a time too: a second
stream opened with it while the first is open is refused (``CheckpointerInUse``); a reconnect, once the first
failed, ended, was closed or dropped, takes it.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import secrets
import stat
import threading
import weakref
from pathlib import Path
from typing import Callable, Protocol, runtime_checkable

from ..atomic_file import errors_named_by, fill, staged_file, sync_folder, written_path
from ..block_numbers import MAX_BLOCK_NUMBER
from ..user_files import not_a_file, special_kind
from ._commit import _TRANSACTION_ID

try:
    import fcntl
except ImportError:  # Windows: no flock; a checkpoint file is then not guarded against a second user
    fcntl = None


@runtime_checkable
class Checkpoint(Protocol):
    """Where to resume: the block to start from and, within it, the last transaction handled."""

    @property
    def block_number(self) -> int | None: ...

    @property
    def transaction_id(self) -> str | None: ...


class InMemoryCheckpointer:
    """A checkpointer for the life of the process (reconnects after a dropped stream), of one listener: the first
    one whose stream opened with it (``check_listener``); and of one open stream at a time: another opened while
    that one is open is refused (``CheckpointerInUse``)."""

    def __init__(self) -> None:
        self._block_number: int | None = None
        self._transaction_id: str | None = None
        self._listener: _Listener | None = None
        """The channel and chaincode (None for block events) the checkpoints are of, once known."""
        self._open_stream: weakref.ref | None = None
        """The ``_StreamHold`` of the event stream open with this checkpointer, held weakly: its iterator holds
        it, so a stream dropped unclosed frees the checkpointer with it."""
        self._streams = threading.Lock()
        """Held while a stream takes the checkpointer: two opened at once in two threads are not both let in."""

    def __getstate__(self) -> dict:
        """Its position and listener, as ``copy`` and ``pickle`` take them (a snapshot of where a listener is, kept
        elsewhere): the lock cannot be copied, and the open stream is the original's, so a copy is held by none."""
        state = self.__dict__.copy()
        del state["_streams"], state["_open_stream"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._open_stream = None
        self._streams = threading.Lock()

    @property
    def block_number(self) -> int | None:
        """The block to resume from, or None when nothing has been checkpointed."""
        return self._block_number

    @property
    def transaction_id(self) -> str | None:
        """The last transaction handled within ``block_number``, if any."""
        return self._transaction_id

    def checkpoint_block(self, block_number: int) -> None:
        """The whole block is handled: resume at the next one (so ``MAX_BLOCK_NUMBER``, which has none, is
        refused)."""
        if _checked_block_number(block_number) == MAX_BLOCK_NUMBER:
            # the position would be one past the largest block number: say so of the number the caller gave
            raise ValueError(f"block number {block_number}: checkpoint_block resumes at the next block, and none "
                             f"follows the largest block number; give a block number from 0 to "
                             f"{MAX_BLOCK_NUMBER - 1} (2**64 - 2)")
        self._set(block_number + 1, None)

    def checkpoint_transaction(self, block_number: int, transaction_id: str) -> None:
        """Handled up to and including this transaction of this block. For chaincode events, name a transaction
        whose event was handled: the Gateway passes over every event until it meets the checkpoint transaction's,
        so one that emitted none (invalid, or its chaincode set none) resumes to no event, ever
        (``client.ledger.event_checkpoints.check_chaincode_events_checkpoint`` tells)."""
        self._set(block_number, transaction_id)

    def checkpoint_chaincode_event(self, event) -> None:
        """Handled this chaincode event (and all before it): the ``ChaincodeEvent`` an iterator gave. An event
        of another chaincode than the listener's this checkpointer is of is refused (ValueError), nothing
        changed."""
        try:
            block_number, transaction_id = event.block_number, event.transaction_id
        except AttributeError:
            # a typed event (ReceivablesEvent names its transaction tx_id), or a last_raw before any event
            given = "None" if event is None else f"a {type(event).__name__}"
            raise TypeError(
                f"{given} is not a chaincode event (no block_number and transaction_id): give the "
                "ChaincodeEvent the gateway's iterator gave (a ReceivablesEvents iterator's last_raw), or "
                "call checkpoint_transaction(block_number, transaction_id)") from None
        self._refuse_event_of_another_chaincode(getattr(event, "chaincode_name", None))
        self.checkpoint_transaction(block_number, transaction_id)

    def _refuse_event_of_another_chaincode(self, chaincode: str | None) -> None:
        """A ValueError when this checkpointer is of one chaincode's events and ``chaincode`` (the event's) is
        another: the Gateway sends a listener its own chaincode's events only, so the event was read by another
        listener, and its position, resumed here, would skip this listener's events up to it without a word."""
        if chaincode is None or self._listener is None:
            return
        listened = self._listener[1]
        if listened is None or chaincode == listened:   # block events: a position in a block replays it whole
            return
        raise ValueError(
            f"{self._called()} is of {_describe(self._listener)}, and this event is of chaincode {chaincode!r}: "
            "checkpointed here, it would have that listener resume at another chaincode's block and "
            "transaction, skipping or replaying its own events. Checkpoint each event with the checkpointer of "
            "the listener that read it")

    def _called(self) -> str:
        """The checkpointer as its errors name it."""
        return "this checkpointer"

    def check_listener(self, channel: str, chaincode: str | None = None) -> None:
        """Refuse, naming both, a listener of another channel or chaincode than the one this checkpointer is of
        (``chaincode`` None: block events): its block and transaction would make that listener skip or replay
        events. The first listener given is recorded. A gateway calls this once a listener's stream has opened
        with the checkpointer; call it yourself when you checkpoint events read without it."""
        if not (_is_name(channel) and (chaincode is None or _is_name(chaincode))):
            # recorded, a file checkpointer would write a listener its restart refuses
            raise ValueError(f"channel {channel!r}, chaincode {chaincode!r}: give the listener's channel name and "
                             "chaincode name (None for block events), each a non-empty str")
        self.refuse_another_listener(channel, chaincode)
        self._listener = (channel, chaincode)

    def refuse_another_listener(self, channel: str, chaincode: str | None = None) -> None:
        """``check_listener`` without recording the listener (ValueError naming both): a gateway calls this when a
        request is made, and records the listener only once its stream has opened, as a request the peer (or the
        SDK) refuses, a mistyped channel say, must not tie the checkpointer to a listener that never read an
        event; a caller checks a checkpoint file against the listener it is about to ask for."""
        listener = (channel, chaincode)
        if self._listener is not None and self._listener != listener:
            raise ValueError(self._of_another_listener(listener))

    def _record_opened_listener(self, channel: str, chaincode: str | None) -> _StreamHold:
        """``check_listener`` for a stream just opened with this checkpointer, which it then holds until the
        stream is over (``_StreamHold``): a second stream opened meanwhile is refused (``CheckpointerInUse``), as
        each would checkpoint its own position into it, and a restart resume at whichever wrote last, skipping the
        events the other had not handled yet or giving again those it had. The hold also forgets the listener
        again if this call recorded it and the stream fails before its first event. A peer refusing a stream (a
        mistyped channel's NOT_FOUND, a Deliver status) says so at its first read, not when the call is made: a
        listener that never read an event must not keep the checkpointer from the request made right."""
        with self._streams:
            self.refuse_another_listener(channel, chaincode)   # of another listener: that is what to say
            self._refuse_if_in_use()
            recorded_before = self._listener is not None
            self.check_listener(channel, chaincode)
            # the checkpointer held weakly, as the request holds it (its iterator keeping a file locked)
            forget = None if recorded_before else functools.partial(
                _forget_unheard_listener, weakref.ref(self), (channel, chaincode), self._position())
            hold = _StreamHold(weakref.ref(self), forget)
            self._open_stream = weakref.ref(hold)
            return hold

    def _refuse_if_in_use(self) -> None:
        """CheckpointerInUse while a stream opened with this checkpointer is open: called as a request is made too
        (``start_position``), so that the blocking and the async client refuse it at the same call, before anything
        is signed, and the position a request starts from is not read while another stream may still move it."""
        if self._open_stream is not None and self._open_stream() is not None:
            raise CheckpointerInUse(self._in_use_message(), getattr(self, "path", None))

    def _stream_over(self, hold: _StreamHold) -> None:
        """The stream of ``hold`` is over (closed, failed, ended): the checkpointer is free for the next."""
        with self._streams:
            if self._open_stream is not None and self._open_stream() is hold:
                self._open_stream = None

    def _in_use_message(self) -> str:
        return (f"{self._called()} is in use by an open event stream ({_describe(self._listener)}): checkpointed "
                "by two streams, its position would be whichever wrote last, and a restart would skip the events "
                "the other had not handled or give again those it had. Close the other stream first (one that "
                "failed, ended or was closed frees it, so a reconnect takes it; one left open when your own code "
                "raised in its loop stays open while anything refers to it, that exception's traceback included: "
                "open each stream in a with block), or give this stream its own "
                f"{self._own()}")

    def _own(self) -> str:
        """What each listener should have of its own, as errors advise it."""
        return "checkpointer"

    def _forget_listener(self, listener: _Listener, position: _Position) -> None:
        """Forget ``listener`` if it is still the one recorded and nothing was checkpointed since."""
        if self._listener == listener and self._position() == position:
            self._listener = None

    def _position(self) -> _Position:
        return self._block_number, self._transaction_id

    def _of_another_listener(self, listener: _Listener) -> str:
        return (f"this checkpointer was given to {_describe(self._listener)}, not to {_describe(listener)}: "
                "resumed there, its position would skip or replay events. Give each listener its own checkpointer")

    def _set(self, block_number: int, transaction_id: str | None) -> None:
        self._block_number, self._transaction_id = _checked_position(block_number, transaction_id)


class FileCheckpointer(InMemoryCheckpointer):
    """A checkpointer that survives restarts: state in a small JSON file, replaced atomically.

    The file holds ``{"blockNumber": N, "transactionId": "..."}`` and is
    created on the first checkpoint; an existing file is read at start. Once a listener's stream has opened
    with the checkpointer, the file also holds (from the next checkpoint) the listener's ``"channel"`` and,
    for chaincode events, its ``"chaincode"``:
    a listener of another channel or chaincode is refused (``check_listener``). A file without them (as
    earlier versions and the official clients write it) is taken by any listener and gets them at its next
    checkpoint.

    One checkpointer per file: from start (or its first checkpoint, for a new file) until ``close()``,
    the end of a ``with`` block or the checkpointer being dropped, it holds an exclusive ``flock`` on the
    file. A second one on the same file, in this process or another, raises BlockingIOError naming it:
    it would resume at the other's position, and each would skip the events the other has not handled
    yet. Each checkpoint's new file is locked before it replaces the old one, so the lock passes with the
    file, and no lock file is made beside it. The new file a writer killed mid-checkpoint left staged beside it
    is removed when a checkpointer opens the file, its lock held.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        super().__init__()
        _refuse_unusable_path(path)
        # absolute now: a relative path would name another file once the process changed its folder (os.chdir)
        self.path = Path(path).absolute()
        self._writing = threading.RLock()
        """Held while a checkpoint is written, and by close(): checkpoints made from several threads at once (an
        ``asyncio.to_thread`` checkpoint given up on by a timeout still writing as the next begins) are written
        one after the other, each staged under the checkpointer's one staging name and handing on its lock."""
        self._closed = False
        self._held: int | None = None
        """The descriptor of the checkpoint file, flocked (-1 where there is no flock); None before it exists."""
        self._listener_in_file = False
        """Whether the file names ``_listener`` (read from it, or written since), not only this process."""
        self._staging_token = secrets.token_hex(4)
        """Every checkpoint is staged under one temporary name (``staged_file``'s staging_token), this
        checkpointer's own: a new name per checkpoint would grow the process on Python 3.12.0 to 3.12.5."""
        self._held = _lock_existing(self.path)
        if self._held is None:
            return
        try:
            block_number, transaction_id, self._listener = _read_state(self.path)
        except BaseException:
            self.close()
            raise
        self._listener_in_file = self._listener is not None
        if block_number is not None:
            super()._set(block_number, transaction_id)
        if self._held >= 0:
            _remove_stale_staging(self.path)

    def _of_another_listener(self, listener: _Listener) -> str:
        if not self._listener_in_file:
            # the first listener given, not yet in the file: the file is good, and removing it no remedy
            return (f"the checkpointer of {self.path} was given to {_describe(self._listener)}, not to "
                    f"{_describe(listener)}: resumed there, its position would skip or replay events. "
                    "Give this listener its own file")
        return (f"{self.path} is the checkpoint of {_describe(self._listener)}, not of {_describe(listener)}: "
                "resumed there, its position would skip or replay events. Give this listener its own file, or "
                f"remove {self.path} to start it afresh")

    def _called(self) -> str:
        return f"the checkpointer of {self.path}"

    def _own(self) -> str:
        return "FileCheckpointer, of a file of its own"

    def _forget_listener(self, listener: _Listener, position: _Position) -> None:
        if not self._listener_in_file:   # a listener the file names is its own, whatever this process did
            super()._forget_listener(listener, position)

    def _set(self, block_number: int, transaction_id: str | None) -> None:
        with self._writing:
            self._write(block_number, transaction_id)

    def _write(self, block_number: int, transaction_id: str | None) -> None:
        if self._closed:
            raise ValueError(f"the checkpointer of {self.path} is closed: make a new FileCheckpointer to go on")
        block_number, transaction_id = _checked_position(block_number, transaction_id)
        state = {"blockNumber": block_number, "transactionId": transaction_id or ""}
        if self._listener is not None:
            channel, chaincode = self._listener
            state["channel"] = channel
            if chaincode is not None:
                state["chaincode"] = chaincode
        self._replace(json.dumps(state).encode("utf-8"))
        # Moved only once the file holds it: a caller that catches a failed write (a full disk) and goes on in
        # this process resumes where the file says, and would skip the events after it from a position ahead.
        # (Where only the folder's flush failed, the file holds the new position already: this process
        # replays from the old one, as a restart may, rather than skip.)
        super()._set(block_number, transaction_id)
        self._listener_in_file = self._listener is not None

    def _replace(self, content: bytes) -> None:
        """Write the file as write_atomically(durable=True) does, locking the new file before it takes the name."""
        created, locked = self._held is None, None
        try:
            # A file this checkpointer did not find at start is created, not replaced: if another made it
            # meanwhile, that one holds it. A symlink there names where the file is to be: that file is
            # created (the link kept), and just as well refused when another made it first.
            target = written_path(self.path) if created else self.path
            with errors_named_by(self.path), staged_file(target, replace=not created,
                                                          staging_token=self._staging_token) as temporary:
                fill(temporary, content, durable=True)
                locked = _lock_new(temporary)
        except BaseException as error:
            if locked is not None and locked >= 0:
                os.close(locked)
            if created and isinstance(error, FileExistsError):
                raise _in_use(errno.EEXIST, f"has created {self.path} since this one started") from None
            raise
        # The new file has the name now: its lock is held (and close() releases it) even if the sync fails.
        previous, self._held = self._held, locked
        if previous is not None and previous >= 0:
            os.close(previous)  # the old file, renamed over: its lock guards nothing now
        with errors_named_by(self.path):
            sync_folder(written_path(self.path).parent)

    @property
    def closed(self) -> bool:
        """Whether ``close()`` released the file: a checkpoint raises ValueError, and a request refuses it."""
        return self._closed

    def close(self) -> None:
        """Release the file to another checkpointer; a checkpoint after this raises ValueError. Harmless twice."""
        writing = getattr(self, "_writing", None)
        if writing is None:   # __init__ failed before it had one: nothing was written, nothing is held
            self._closed = True
            return
        with writing:   # a checkpoint being written hands on its lock first, which this then releases
            self._closed = True
            held, self._held = getattr(self, "_held", None), None
            if held is not None and held >= 0:
                os.close(held)  # releases the flock

    def __enter__(self) -> "FileCheckpointer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit os may be gone; the process's end frees the lock
            pass


def _refuse_unusable_path(path) -> None:
    """A ValueError for a path no checkpoint file can have, saying so: an empty one (taken as the working folder,
    refused only as "a folder"), one holding a NUL (os's "embedded null byte" names neither the path nor the file),
    and one that starts with ~, which a shell expands and Python does not: taken as a folder named "~" in the working
    folder, made at the first checkpoint, it held a checkpoint that a follower started from another folder never
    found, so that one began at the next commit, past the events committed meanwhile."""
    given = os.fspath(path)
    if not given:
        raise ValueError("the checkpoint file's path is empty: give the path of the file that keeps the listener's "
                         "position, e.g. FileCheckpointer('state/events.json')")
    if ("\0" if isinstance(given, str) else b"\0") in given:
        raise ValueError(f"checkpoint file {given!r:.80} holds a NUL character, which no file name can: give the "
                         "path without it")
    if isinstance(given, str) and given.startswith("~"):
        raise ValueError(f"checkpoint file {given!r} starts with ~, which Python does not expand to a home folder: "
                         "give Path(path).expanduser() (or an absolute path), or ./~ for a folder named ~")


def _lock_existing(path: Path) -> int | None:
    """The descriptor of the checkpoint file at ``path``, exclusively flocked (-1 where there is no flock);
    None when there is no file yet. BlockingIOError when another checkpointer holds it."""
    while True:
        try:
            # O_NONBLOCK: a FIFO given as the file must not hang the open; it is refused once open
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        _refuse_unless_regular(descriptor, path)
        if fcntl is None:
            os.close(descriptor)
            return -1
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(descriptor)
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise _in_use(error.errno, f"holds {path}") from None
        # The holder replaces the file at each checkpoint, the new one locked first: a file opened before a
        # replacement and locked after it is no longer the checkpoint, so the one now at ``path`` is taken instead.
        try:
            if os.path.samestat(os.fstat(descriptor), os.stat(path)):
                return descriptor
        except FileNotFoundError:
            pass
        os.close(descriptor)


_STAGING_TOKEN = re.compile(r"[0-9a-f]{8}")
"""What ``secrets.token_hex(4)`` gives: the token in a staging name ``staged_file`` makes."""


def _remove_stale_staging(path: Path) -> None:
    """Remove the staging files (``.<name>.<token>.tmp``, regular files only) a writer of the checkpoint at
    ``path`` left when it was killed mid-write, one per crash and kept for good otherwise. Called with the file's
    flock held: no checkpointer can be writing it then (one creating it, having found none, fails when it finds
    it made). Where nothing can be looked at or removed, the files stay: the checkpoint is good without that."""
    try:
        target = written_path(path)
        prefix, suffix = f".{target.name}.", ".tmp"
        with os.scandir(target.parent) as entries:
            for entry in entries:
                name = entry.name
                if (name.startswith(prefix) and name.endswith(suffix)
                        and _STAGING_TOKEN.fullmatch(name[len(prefix):-len(suffix)])
                        and entry.is_file(follow_symlinks=False)):
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        pass
    except OSError:
        pass


def _refuse_unless_regular(descriptor: int, path: Path) -> None:
    """Close ``descriptor`` and raise, naming ``path``, unless it is a regular file: a FIFO would block the
    read of its state (opened by name, without O_NONBLOCK) until some writer came, a device give anything."""
    mode = os.fstat(descriptor).st_mode
    if stat.S_ISREG(mode):
        return
    os.close(descriptor)
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file: give the path of the checkpoint file",
                                str(path))
    raise ValueError(f"{path} is {not_a_file(special_kind(mode))}: a checkpoint is kept in a regular file")


def _lock_new(path: Path) -> int:
    """The descriptor of a file just written, not yet named, flocked (no one else can have it); -1 without flock."""
    if fcntl is None:
        return -1
    descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return descriptor


def _in_use(code: int, what: str) -> BlockingIOError:
    return BlockingIOError(
        code, f"another checkpointer, in this process or another, {what}: one checkpointer per file, or each "
        "would resume at the other's position and skip the events that one has not handled; close() the other, or "
        "give this one its own file")


_Listener = tuple[str, str | None]
"""A channel, and the chaincode whose events are listened to (None: the channel's blocks)."""

_Position = tuple[int | None, str | None]
"""A checkpointer's block number and transaction ID."""


class CheckpointerInUse(ValueError):
    """A checkpointer given to an event stream while another stream opened with it is still open (``path``: its
    file, None for an ``InMemoryCheckpointer``). Nothing was read from the refused stream, which is cancelled, and
    the checkpointer is as it was."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class _StreamHold:
    """What an event stream opened with a checkpointer holds while it is open, the checkpointer holding it weakly:
    ``release()`` (the stream closed, failed or ended), or the hold dropped with its iterator, frees the
    checkpointer; ``withdraw()`` (the stream failed before its first event) forgets the listener its opening
    recorded."""

    __slots__ = ("_checkpointer", "_forget", "__weakref__")

    def __init__(self, checkpointer: weakref.ref, forget: Callable[[], None] | None) -> None:
        self._checkpointer = checkpointer
        self._forget = forget

    def withdraw(self) -> None:
        if self._forget is not None:
            self._forget()

    def release(self) -> None:
        held = self._checkpointer()
        if held is not None:
            held._stream_over(self)


def _forget_unheard_listener(checkpointer: weakref.ref, listener: _Listener, position: _Position) -> None:
    held = checkpointer()
    if held is not None:   # one dropped has nothing to forget
        held._forget_listener(listener, position)


def _describe(listener: _Listener) -> str:
    channel, chaincode = listener
    return f"block events of channel {channel!r}" if chaincode is None else (
        f"chaincode {chaincode!r} events of channel {channel!r}")


CHECKPOINT_FILE_FORM = ('{"blockNumber": N, "transactionId": "...", "channel": "...", "chaincode": "..."}, the last '
                        'two optional')
"""What a checkpoint file holds, as the error on one that holds something else shows it."""


class NotACheckpointFile(ValueError):
    """A checkpoint file that holds something else (``path`` names it; ``problem``, when known, what is wrong in it).
    Its advice keeps the events committed since the last good checkpoint: removed alone, the file would have its
    listener start at the next commit, past them."""

    def __init__(self, path: Path, problem: str = "") -> None:
        self.path = path
        self.problem = problem
        said = f" ({problem})" if problem else ""
        super().__init__(f"{path} is not a checkpoint file{said} ({CHECKPOINT_FILE_FORM}): give another file, "
                         "or remove it "
                         "and start the listener with start_block at the block of the last event handled (its "
                         "events up to that one come again): removed alone, the listener starts at the next commit "
                         "and skips every event committed since the last good checkpoint")


def _read_state(path: Path) -> tuple[int | None, str | None, _Listener | None]:
    """The block number, transaction ID and listener (None in a file that names none) in a checkpoint file; a
    NotACheckpointFile naming the file, and what is wrong in it, if it holds something else (resuming from a guess
    could skip events or repeat them)."""
    try:
        # empty too: no one wrote that, so where to resume? A byte order mark (a file rewound by hand in an editor
        # that saves one) is passed over, as in the other files a user gives
        text = path.read_text(encoding="utf-8-sig")
        state = json.loads(text, object_pairs_hook=_without_repeated_keys)
    except _RepeatedKey as repeated:
        # json keeps the last of them: a file merged or edited by hand would resume at a guess between the two
        raise NotACheckpointFile(path, f"it gives {repeated.key!r:.80} twice") from None
    except UnicodeDecodeError:
        raise NotACheckpointFile(path, "it is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        said = "it is empty" if not text.strip() else (
            f"it is not JSON ({error.msg} at line {error.lineno} column {error.colno}: cut short, or damaged)")
        raise NotACheckpointFile(path, said) from None
    except ValueError:
        # json's int() of a number of thousands of digits fails past Python's conversion limit: no block number
        raise NotACheckpointFile(path, "it holds a number of thousands of digits, no block number") from None
    except RecursionError:
        raise NotACheckpointFile(path, "it holds JSON nested too deep to read") from None
    if not isinstance(state, dict):
        raise NotACheckpointFile(path, f"it holds a JSON {_json_kind(state)}, not an object")
    foreign_keys = sorted(set(state) - {"blockNumber", "transactionId", "channel", "chaincode"})
    if foreign_keys:
        # a later format (a version field, a position of another shape) is not guessed at: its position could mean
        # another place in the stream
        raise NotACheckpointFile(path, f"it holds {'keys' if len(foreign_keys) > 1 else 'a key'} "
                                       f"{', '.join(repr(key)[:80] for key in foreign_keys[:3])}"
                                       f"{' and more' if len(foreign_keys) > 3 else ''}, which this version does "
                                       "not read: a file of a newer version or another program")
    block_number = state.get("blockNumber")
    # the Node client writes its BigInt block number as a decimal string; one longer than any uint64 is left as
    # text, refused below naming the file (int() of thousands of digits fails past Python's conversion limit)
    if isinstance(block_number, str) and block_number.isascii() and block_number.isdigit() \
            and len(block_number) <= len(str(MAX_BLOCK_NUMBER)):
        block_number = int(block_number)
    transaction_id = state.get("transactionId")
    channel, chaincode = state.get("channel"), state.get("chaincode")
    if not (block_number is None or _is_block_number(block_number)):
        raise NotACheckpointFile(path, f"its blockNumber {_shown(block_number)} is no block number, a whole number "
                                       "from 0 to 2**64 - 1")
    if not (transaction_id is None or isinstance(transaction_id, str)):
        raise NotACheckpointFile(path, f"its transactionId is a JSON {_json_kind(transaction_id)}, not a string")
    if block_number is None and transaction_id:   # a transaction with no block: where would it resume?
        raise NotACheckpointFile(path, "it gives a transactionId and no blockNumber")
    if not (channel is None and chaincode is None
            or _is_name(channel) and (chaincode is None or _is_name(chaincode))):
        raise NotACheckpointFile(path, "its channel and chaincode are not a channel's name and, for chaincode events, "
                                       "a chaincode's, each a non-empty string (a chaincode needs a channel)")
    if transaction_id and not _is_transaction_id(transaction_id):
        # a hand-edited or damaged ID: the peer finds no such transaction in the block, and resumed from it the
        # listener would skip or replay that block's events without a word
        raise NotACheckpointFile(path, f"its transactionId {transaction_id!r:.80} is no Fabric transaction ID, "
                                       "64 lowercase hex digits")
    return block_number, transaction_id, (channel, chaincode) if channel is not None else None


def _json_kind(value) -> str:
    """What a JSON value is, as an error names it."""
    return {dict: "object", list: "list", str: "string", bool: "true or false", type(None): "null"}.get(
        type(value), "number")


def _shown(value) -> str:
    """A file's value as an error shows it: its JSON, cut to 80 characters (a block number of 5,000 digits too)."""
    shown = json.dumps(value) if not isinstance(value, int) or len(str(abs(value))) < 100 else "(a number of " \
        f"{len(str(abs(value)))} digits)"
    return shown if len(shown) <= 80 else shown[:77] + "..."


class _RepeatedKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _without_repeated_keys(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object's members as a dict, raising _RepeatedKey for a key given twice."""
    state = {}
    for key, value in pairs:
        if key in state:
            raise _RepeatedKey(key)
        state[key] = value
    return state


def _checked_position(block_number, transaction_id) -> _Position:
    """The position to record, checked before anything changes (a ValueError or TypeError naming the value):
    written to a file, one no restart reads would replace a good one. An empty transaction ID is None."""
    _checked_block_number(block_number)
    if not (transaction_id is None or isinstance(transaction_id, str)):
        raise TypeError(f"transaction ID {transaction_id!r}: give the transaction's ID (a str, the event's "
                        "transaction_id) or None")
    if transaction_id and not _is_transaction_id(transaction_id):
        raise ValueError(f"transaction ID {transaction_id!r:.80} is no Fabric transaction ID (64 lowercase hex "
                         "digits): give the event's transaction_id as the iterator gave it, or "
                         "checkpoint_chaincode_event(event)")
    return block_number, transaction_id or None


def _is_transaction_id(value: str) -> bool:
    """Whether ``value`` is a Fabric transaction ID, as peers write them: resuming after any other, the peer finds
    no such transaction in the block."""
    return _TRANSACTION_ID.fullmatch(value) is not None


_NUMBER_OF = {
    "Block": "block.header.number",
    "FilteredBlock": "block.number",
    "BlockAndPrivateData": "block.block.header.number",
    "ChaincodeEvent": "event.block_number, or checkpoint_chaincode_event(event)",
}
"""Where the block number is in what an event iterator gives, by its type's name."""


def _checked_block_number(value) -> int:
    """``value`` if it is a block number (``_is_block_number``), else a ValueError naming it. A block or an event
    given whole is named by its type and where its number is, not shown: a log would hold every transaction of
    the block, and the private data of a BlockAndPrivateData."""
    if _is_block_number(value):
        return value
    where = _NUMBER_OF.get(type(value).__name__)
    if where is not None:
        raise ValueError(f"block number: a {type(value).__name__} was given, not its number: give {where}")
    raise ValueError(f"block number {value!r:.80}: give a whole number from 0 to 2**64 - 1 (the event's "
                     "block_number)")


def _is_block_number(value) -> bool:
    # one beyond uint64 is refused here, naming the file, rather than by the request later, naming none
    return type(value) is int and 0 <= value <= MAX_BLOCK_NUMBER


def _is_name(value) -> bool:
    return isinstance(value, str) and bool(value)
