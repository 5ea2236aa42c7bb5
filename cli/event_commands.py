"""`recfin events`: follow the receivables contract's chaincode events, resumable with a checkpoint file.

Uses the SDK's typed iterator (``ReceivablesClient.events``) over the Gateway's
chaincode event stream; ``--checkpoint FILE`` is a ``client.gateway.FileCheckpointer``,
written after each event is printed, so a restarted follower continues after the
last event it printed (never skipping one; a Ctrl-C between printing and recording still
records, and only a process killed outright in between prints that one event again).
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from client.gateway import FileCheckpointer, holds_position

from .amounts import with_money
from .connection import acting
from .output import key_values


def _line(event, as_json: bool) -> str:
    if as_json:
        return json.dumps({"block": event.block_number, **event.payload()}, sort_keys=True, ensure_ascii=False)
    # An event that names its currency shows it with each amount (nested ones too); one that does not is printed
    # without a code rather than as CNY on a USD claim.
    details = key_values(with_money(event.details, event.details.get("currency", "")))
    return f"block {event.block_number}  {event.name}  {event.receivable_id or '-'}  tx {event.tx_id}  {details}".rstrip()


@click.command("events")
@click.option("--start-block", type=click.IntRange(min=0),
              help="Replay from this block (default: only new events; a --checkpoint FILE with progress wins).")
@click.option("--checkpoint", "checkpoint_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Resume after the last event recorded in FILE, and record each event printed there.")
@click.option("--limit", type=click.IntRange(min=1), help="Stop after this many events (default: follow until Ctrl-C).")
@acting("regulator", json_help="One JSON object per line: the contract's event payload and its block.")
def events(session, as_json, start_block, checkpoint_file, limit) -> None:
    """Follow the receivables contract's events: one line per event, in ledger order.

    Any org may listen; by default the regulator does. Stop with Ctrl-C or --limit.
    Amounts show as money (integer fen with --json), nested ones too, with the event's
    currency where the event names one.

    \b
    Example:
      recfin events --start-block 0 --limit 20
      recfin events --checkpoint ~/.recfin/events.checkpoint --json >> events.jsonl
    """
    checkpointer = FileCheckpointer(checkpoint_file) if checkpoint_file else None
    # As the gateway decides: a file at block 0 with no transaction yet holds no position, so --start-block counts.
    resume = checkpointer if holds_position(checkpointer) else None
    if resume is not None:
        click.echo(f"resuming at block {resume.block_number} after tx {resume.transaction_id or '-'} "
                   f"({checkpoint_file})", err=True)
    count = 0
    try:
        with session.client.events(start_block=None if resume else start_block, checkpoint=resume) as stream:
            for event in stream:
                line = _line(event, as_json)
                try:
                    click.echo(line)
                except KeyboardInterrupt:
                    # the write had begun (a Ctrl-C while blocked on a full pipe, say): counted and recorded as
                    # printed, since a resume printing it again would be the duplicate the checkpoint is for
                    count += 1
                    if checkpointer is not None:
                        _record(checkpointer, stream.last_raw)
                    raise
                count += 1
                if checkpointer is not None:
                    _record(checkpointer, stream.last_raw)
                if limit and count >= limit:
                    return
    except KeyboardInterrupt:
        click.echo(f"stopped after {count} event(s)", err=True)


def _record(checkpointer: FileCheckpointer, raw) -> None:
    """The checkpoint after an event just printed. A Ctrl-C during the write still records it (the write is a
    whole-file replace, safe to do again): left at the event before, a resume would print this one twice."""
    try:
        checkpointer.checkpoint_chaincode_event(raw)
    except KeyboardInterrupt:
        checkpointer.checkpoint_chaincode_event(raw)
        raise


follow = events

COMMANDS = [events]

__all__ = ["events", "follow", "COMMANDS"]
