"""`recfin events`: follow the receivables contract's chaincode events, resumable with a checkpoint file.

Uses the SDK's typed events (``ReceivablesClient.events``, read as ``ReceivablesEvent``) over the Gateway's
chaincode event stream; ``--checkpoint FILE`` is a ``client.gateway.FileCheckpointer``,
written after each event is printed, so a restarted follower continues after the
last event it printed (never skipping one; a Ctrl-C between printing and recording still
records, and only a process killed outright in between prints that one event again: at least once).
An event whose payload does not read as the contract's, or whose line cannot be made, is reported, recorded and
passed over: left before it, the checkpoint would stop every restart on the same event.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import os
import stat
import sys
from pathlib import Path

import click

from client.atomic_file import check_output_file
from client.block_numbers import MAX_BLOCK_NUMBER

from .amounts import with_money
from .connection import acting, describe
from .options import PathType, WholeNumberRange
from .output import as_typed, as_typed_cut_short, file_refused, json_for_stdout, key_values, on_one_line, one_line

if TYPE_CHECKING:
    from client.gateway import ChaincodeEvent, FileCheckpointer, GatewayError, NotACheckpointFile
    from client.receivables import ReceivablesEvent


def _json_line(record: dict) -> str:
    """One event's JSON on one line, written as every command's --json is (a line break in a reason escaped, so it
    cannot split the line for a reader that splits at U+2028 too; all beyond ASCII on a stdout not in UTF-8)."""
    return json_for_stdout(record)


def _line(event: ReceivablesEvent, as_json: bool) -> str:
    """One event on one line. Its block and transaction are the ledger's, never a payload field of that name; in
    the text line every value that holds a character that does not print (a line break in a reason the contract
    took before it refused them) is quoted with escapes, so it cannot pass for a line of its own."""
    if as_json:
        return _json_line({**event.payload(), "block": event.block_number, "tx_id": event.tx_id})
    # An event that names its currency shows it with each amount (nested ones too); one that does not is printed
    # without a code rather than as CNY on a USD claim.
    details = key_values(with_money(event.details, event.details.get("currency", "")))
    return (f"block {event.block_number}  {on_one_line(event.name)}  {on_one_line(event.receivable_id or '-')}  "
            f"tx {on_one_line(event.tx_id)}  {details}").rstrip()


def _event_line(raw: ChaincodeEvent, as_json: bool) -> str:
    """The line of one of the gateway's events. ValueError, naming the event, for one that does not read as the
    contract's (``ReceivablesEvent.from_chaincode_event``) or whose text line cannot be made: the text line is made
    with --json too, so both show the same events.

    Such a line, raised, would end the follower before the checkpoint passed the event, and so every restart at the
    same event; reported as unreadable, the event is recorded and passed over. Any other failure is a fault of this
    code, left to stop the follower with the checkpoint before the event."""
    from client.receivables import ReceivablesEvent

    event = ReceivablesEvent.from_chaincode_event(raw)
    try:
        text = _line(event, as_json=False)
        return _line(event, as_json=True) if as_json else text
    except RecursionError as problem:
        # values nested deeper than the line's recursive rendering reaches, which the SDK let through (a newer SDK
        # bound, or none)
        raise _cannot_be_shown(raw, f"{type(problem).__name__}: {one_line(problem)}") from None


def _cannot_be_shown(raw: ChaincodeEvent, reason: str) -> ValueError:
    return ValueError(f"event {raw.event_name!r} in block {raw.block_number} tx {raw.transaction_id} cannot be "
                      f"shown ({reason})")


def _unreadable_line(raw: ChaincodeEvent, problem: ValueError, as_json: bool) -> str:
    """The report of an event that does not read as the contract's: what the ledger says of it, and why."""
    if as_json:
        return _json_line({"block": raw.block_number, "tx_id": raw.transaction_id, "event": raw.event_name or None,
                           "unreadable": str(problem)})
    return f"skipped an unreadable event: {as_typed(str(problem))}"


def _checkpoint_path(_ctx: click.Context, _param: click.Parameter, path: Path | None) -> Path | None:
    """--checkpoint, checked before anything connects: a file its folder lets this user write (each event's record
    is written there, and the first would otherwise fail once events were being printed), that holds a checkpoint
    if it holds anything, and that no other follower holds."""
    if path is None:
        return None
    from client.gateway import FileCheckpointer, NotACheckpointFile

    try:
        folder = path.parent.is_dir()
    except OSError as exc:   # one the system will not look up (a name too long for it): a traceback, not a line
        raise click.BadParameter(f"{as_typed_cut_short(path)}: {exc.strerror}: check the path") from None
    if not folder:
        # the checkpointer would create it, and a mistyped folder would start a follower from scratch unnoticed
        raise click.BadParameter(f"{as_typed_cut_short(path)}: there is no folder {as_typed_cut_short(path.parent)}: "
                                 "create it first, or check the path")
    if (problem := check_output_file(path)) is not None:
        raise click.BadParameter(f"cannot record events in {as_typed_cut_short(path)}: {problem}")
    # what the file holds, read here as the command reads it, so that one holding no checkpoint, or held by another
    # follower, is said with the network down too, not after a connection (or the want of one) was reported first
    try:
        FileCheckpointer(path).close()
    except BlockingIOError:
        raise _held_elsewhere(path) from None
    except NotACheckpointFile as exc:
        raise click.BadParameter(_not_a_checkpoint(exc)) from None
    except ValueError as exc:   # the SDK names the file and what is wrong with it
        raise click.BadParameter(str(exc)) from None
    return path


@click.command("events")
@click.option("--start-block", type=WholeNumberRange(min=0, max=MAX_BLOCK_NUMBER),
              help="Replay from this block (default: only new events; a --checkpoint FILE with progress wins).")
@click.option("--checkpoint", "checkpoint_file", type=PathType(dir_okay=False, path_type=Path),
              callback=_checkpoint_path,
              help="Resume after the last event recorded in FILE, and record each event printed there (its folder "
                   "must exist; one command per FILE at a time). A FILE that holds no checkpoint, or the "
                   "checkpoint of another channel or chaincode than the profile's, is a usage error "
                   "(exit 2); one the peer's ledger says cannot be resumed from is refused (exit 1), naming the "
                   "--start-block to run again with: its last transaction not held (another ledger's), committed "
                   "as invalid or of no event (the stream would print nothing, ever), or in another block than the "
                   "file says.")
@click.option("--limit", type=WholeNumberRange(min=1),
              help="Stop after this many events, unreadable ones not counted (default: follow until Ctrl-C).")
@acting("regulator", json_help="One JSON object per line: the contract's event payload with the ledger's block and "
                               "tx_id; an event that does not read, as a line with \"unreadable\" and why.")
def events(session, as_json, start_block, checkpoint_file, limit) -> None:
    """Follow the receivables contract's events: one line per event, in ledger order.

    Any org may listen; by default the regulator does. Stop with Ctrl-C, SIGTERM or SIGHUP (a
    service manager's stop, a dropped ssh session: exit 0, the checkpoint past the last event
    printed, as at Ctrl-C) or --limit. A stream the peer ends before --limit events, or
    with no --limit, exits 1 naming where to resume, so a service manager restarts it.
    Amounts show as money (integer fen with --json), nested ones too, with the event's
    currency where the event names one. An event that does not read as the contract's, or
    whose line cannot be made (values nested too deep, an amount of too many digits), is
    reported (on stderr; with --json as a line with "unreadable") and passed over.

    \b
    Example:
      recfin events --start-block 0 --limit 20
      recfin events --checkpoint events.checkpoint --json >> events.jsonl
    """
    from client.gateway import FileCheckpointer, GatewayError, NotACheckpointFile, holds_position

    try:
        checkpointer = FileCheckpointer(checkpoint_file) if checkpoint_file else None
    except BlockingIOError:
        raise _held_elsewhere(checkpoint_file) from None
    except NotACheckpointFile as exc:
        raise file_refused("--checkpoint", _not_a_checkpoint(exc)) from None
    except ValueError as exc:   # the SDK names the file and what is wrong with it
        raise file_refused("--checkpoint", str(exc)) from None
    if checkpointer is not None:
        # its lock on the file is released when the command ends, not left to the garbage collector
        click.get_current_context().call_on_close(checkpointer.close)
        _refuse_a_checkpoint_of_another_listener(checkpointer, session)
        _refuse_a_checkpoint_this_ledger_cannot_resume(checkpointer, checkpoint_file, session)
    # As the gateway decides: a file at block 0 with no transaction yet holds no position, so --start-block counts.
    resume = checkpointer if holds_position(checkpointer) else None
    count = 0
    try:
        # given even with no position (start_block then counts): the gateway records in the file the channel and
        # chaincode it is of (a file written for another was refused above)
        with session.client.events(start_block=None if resume else start_block, checkpoint=checkpointer) as stream:
            if resume is not None:
                click.echo(f"resuming at block {resume.block_number} after tx {resume.transaction_id or '-'} "
                           f"({checkpoint_file})", err=True)
            # the gateway's events, each read here: one that does not read as the contract's is reported and
            # recorded like a printed one, and the stream goes on, where raised it would end every restart there
            last: ChaincodeEvent | None = None   # the last event handled: a stream that breaks names it
            try:
                for raw in stream.raw:
                    try:
                        line = _event_line(raw, as_json)
                    except ValueError as problem:
                        _print_and_record(_unreadable_line(raw, problem, as_json), raw, checkpointer,
                                          err=not as_json)
                        last = raw
                        continue
                    count += 1   # counted before it is written: a Ctrl-C during the write leaves it printed
                    _print_and_record(line, raw, checkpointer)
                    last = raw
                    if limit and count >= limit:
                        return
            except GatewayError as broken:
                if last is None:   # refused at its first read, or broke before any event: the gateway's words
                    raise
                raise _stream_broke(broken, last, checkpoint_file) from broken
            # the peer ended the stream as done (gRPC status OK): a follower has no end of its own, and exit 0 here
            # would read as finished to a service manager that restarts only what fails
            raise _stream_ended(count, last, checkpoint_file)
    except KeyboardInterrupt:
        click.echo(f"stopped after {count} event(s)", err=True)


def _stream_broke(broken: GatewayError, last: ChaincodeEvent,
                  checkpoint_file: Path | None) -> click.ClickException:
    """The report of a stream that broke after events were handled: the last one and how to go on from it. The
    gateway's words alone say neither, and a follower restarted without them (no --start-block) would begin at
    the next commit, never showing the events committed meanwhile."""
    where = (f"the event stream broke after the event of block {last.block_number} tx "
             f"{on_one_line(last.transaction_id)}")
    if checkpoint_file is not None:
        return click.ClickException(
            f"{where}: {describe(broken)}. {checkpoint_file} records that event: run the same command "
            "again to resume after it")
    return click.ClickException(
        f"{where}: {describe(broken)}. Run again with --start-block {last.block_number} to go on from "
        "that block (its events up to that tx come again), or with --checkpoint FILE to resume after the "
        "last event printed")


def _not_a_checkpoint(refusal: NotACheckpointFile) -> str:
    """The refusal of a --checkpoint FILE holding something else, with what the SDK found wrong in it when it says
    (a transactionId not in Fabric's form: without it the user is left to guess which field to look at), and the
    way to go on that loses no event: removed alone, the file would have the follower start at the next commit,
    past every event committed since the last good checkpoint."""
    from client.gateway import CHECKPOINT_FILE_FORM

    found = f" ({on_one_line(refusal.problem)})" if refusal.problem else ""
    return (f"{as_typed(refusal.path)} is not a checkpoint file{found} ({CHECKPOINT_FILE_FORM}): give another file; "
            "or, to go on without missing an event, remove it and run again with --start-block N, N the block of the "
            "last event already handled (the last line of your output: \"block\" with --json, else \"block N\" at "
            "its start; that block's events up to it come again, a consumer keyed by tx_id takes them once). "
            "Removed alone, the follower starts at the next commit and never shows the events committed since its "
            "last good checkpoint")


def _stream_ended(count: int, last: ChaincodeEvent | None, checkpoint_file: Path | None) -> click.ClickException:
    """The report of a stream the peer ended (status OK) before --limit, or with none: what happened, and how to go
    on without missing the events committed meanwhile."""
    after = (f" after the event of block {last.block_number} tx {on_one_line(last.transaction_id)}"
             if last is not None else "")
    ended = f"the peer ended the event stream{after}, {count} event(s) printed (a follower never ends on its own)"
    if checkpoint_file is not None:
        return click.ClickException(f"{ended}: {checkpoint_file} holds the position: run the same command again to "
                                    "resume there")
    if last is not None:
        return click.ClickException(f"{ended}: run again with --start-block {last.block_number} to go on from that "
                                    "block (its events up to that tx come again), or with --checkpoint FILE to "
                                    "resume after the last event printed")
    return click.ClickException(f"{ended}: run it again (with --checkpoint FILE a restart resumes where it stopped; "
                                "without, it starts at the next commit unless --start-block says where)")


def _refuse_a_checkpoint_of_another_listener(checkpointer: FileCheckpointer, session) -> None:
    """A --checkpoint FILE written for another channel or chaincode than this command's (the file names
    them) is refused before the event stream is asked for, as a usage error naming --checkpoint (exit 2):
    the wrong file was given, which a script must tell from what the gateway answers (exit 1). The gateway
    would refuse it too, when the request is made: the same check, made here against the profile's channel and
    chaincode, which the session's network and contract are."""
    try:
        # the gateway's own check, which records no listener: the gateway does once the stream has opened
        checkpointer.refuse_another_listener(session.profile.channel, session.profile.chaincode)
    except ValueError as exc:   # the SDK names the file, the listener it is of and this one
        raise file_refused("--checkpoint", str(exc)) from None


def _refuse_a_checkpoint_this_ledger_cannot_resume(checkpointer: FileCheckpointer, checkpoint_file: Path,
                                                   session) -> None:
    """A --checkpoint FILE the follower could not resume from as the peer's ledger holds its last event's
    transaction is refused before the stream is asked for (the SDK's ``check_checkpoint``): the Gateway passes over
    every event until it meets that transaction, so resumed from a checkpoint of another ledger (a network set up
    anew, another network's), or of a transaction that committed as invalid or emitted no event, the follower would
    print nothing, ever, without a word; one whose transaction the ledger holds in another block would skip or
    replay the events between. Only the peer's answer says so: a read refused or not answered says nothing of the
    file, and the stream asked next meets the same peer and says what it meets. An answer that is no block is
    refused too, in CLI words naming the file: the check was not made. A file that names no transaction (one before
    its first event) the SDK asks nothing of."""
    from client.gateway import GatewayError
    from client.ledger.qscc import LedgerReadError
    from client.receivables import CheckpointNotResumable, CheckpointOfAnotherLedger

    try:
        session.client.check_checkpoint(checkpointer, msp_id=session.profile.msp_id)
    except CheckpointOfAnotherLedger as other:
        raise click.ClickException(
            f"{checkpoint_file} resumes after transaction {other.transaction_id} of block {other.block_number}, "
            f"which the peer's ledger of channel {other.channel} does not hold: the file is the checkpoint of "
            "another ledger (a network set up anew, or another network's), or this peer is behind the one that "
            "gave that event; the gateway, which passes over every event until it meets that transaction, would "
            "print none. To read this ledger's events, move the file away and run again with --start-block 0 "
            "(every event) or without it (new events only)") from None
    except CheckpointNotResumable as unresumable:
        # the SDK's words name its own parameters (start_block=, a new checkpointer); the user's are the options
        raise click.ClickException(
            f"{checkpoint_file} resumes after transaction {unresumable.transaction_id} of block "
            f"{unresumable.block_number}, which cannot be resumed from on channel {unresumable.channel}: "
            f"{on_one_line(unresumable.reason)}. To go on, move the file away and run again with --start-block "
            f"{unresumable.resume_block} --checkpoint {checkpoint_file} (the events of block "
            f"{unresumable.resume_block} come again: a consumer keyed by tx_id takes them once)") from None
    except LedgerReadError as unreadable:
        raise click.ClickException(
            f"{checkpoint_file} could not be checked against the peer's ledger before resuming: "
            f"{on_one_line(unreadable)}. Nothing was followed or recorded: run the same command again, and if the "
            "peer answers so again, have its operator check it (or what relays its answers)") from None
    except GatewayError:
        pass   # an answer, not the one that it holds no such transaction: the stream says what it meets


def _print_and_record(line: str, raw: ChaincodeEvent, checkpointer: FileCheckpointer | None, *,
                      err: bool = False) -> None:
    """Print an event's line, then record the checkpoint past the event. A Ctrl-C during the write (while blocked
    on a full pipe, say) still records it: the write had begun, and a resume printing it again would be the
    duplicate the checkpoint is for."""
    try:
        _write_line(line, err)
    except KeyboardInterrupt:
        if checkpointer is not None:
            _record(checkpointer, raw)
        raise
    if checkpointer is not None:
        _record(checkpointer, raw)


def _write_line(line: str, err: bool) -> None:
    """Print a line, on disk before it returns when the stream is a regular file (`>> events.jsonl`): the
    checkpoint recorded next is, and after a power loss the file must not lack a line the checkpoint counts
    as printed. A pipe or a terminal is only flushed: there is nothing on disk to sync."""
    click.echo(line, err=err)
    stream = sys.stderr if err else sys.stdout
    stream.flush()
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):   # a stream with no file under it (a test runner's buffer)
        return
    if stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.fsync(descriptor)


def _record(checkpointer: FileCheckpointer, raw: ChaincodeEvent) -> None:
    """The checkpoint after an event just printed. A Ctrl-C during the write still records it (the write is a
    whole-file replace, safe to do again): left at the event before, a resume would print this one twice."""
    try:
        try:
            checkpointer.checkpoint_chaincode_event(raw)
        except KeyboardInterrupt:
            checkpointer.checkpoint_chaincode_event(raw)
            raise
    except BlockingIOError:
        # a file that did not exist at start, created meanwhile by another follower, which holds it now
        raise _held_elsewhere(checkpointer.path) from None


def _held_elsewhere(checkpoint_file: Path) -> click.ClickException:
    return click.ClickException(
        f"another recfin events, or another program, holds {checkpoint_file}: one follower per checkpoint file, "
        "or each would skip the events the other has not printed yet; stop the other, or give this one its own "
        "--checkpoint FILE")


follow = events

COMMANDS = [events]

__all__ = ["events", "follow", "COMMANDS"]
