"""Rendering (tables or --json) and error reporting for every command, in one place."""
from __future__ import annotations

import dataclasses
import functools
import json
import os
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from client.user_files import UnreadableFile, read_user_text
from network.errors import NetworkError


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def key_values(record: dict) -> str:
    """A record on one line: ``key=value`` pairs, comma-joined, each value as :func:`inline` writes it (and each
    key as :func:`on_one_line` does)."""
    return ", ".join(f"{on_one_line(k)}={inline(v)}" for k, v in record.items())


def inline(value: Any) -> str:
    """A value on one line: nested records as ``{key=value, ...}`` and lists as ``[a, b]``, not as Python reprs;
    text that would break the line quoted with escapes (:func:`on_one_line`)."""
    if isinstance(value, dict):
        return "{" + key_values(value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(inline(v) for v in value) + "]"
    return on_one_line(value)


def _shown_as_is(char: str) -> bool:
    # Python's printable characters, and every space (Zs): a full-width space (U+3000) or a no-break space, common
    # in Chinese names and pasted text, breaks no line. Everything else that does not print is escaped: control
    # characters and line separators would start a line of their own; format characters (a right-to-left
    # override, a zero-width space) would reorder the rest of the line or make two names look alike.
    return char.isprintable() or unicodedata.category(char) == "Zs"


def on_one_line(value: object) -> str:
    """``value`` as text, quoted with escapes when it holds a character that does not print as itself (a ledger
    value may hold one, and so may a value the user gave, a path included: it would otherwise start a line that
    reads as output of its own, even as a second ``Error:``, or read reversed), else as it is. A path or bytes
    are shown as the file system names them (``os.fsdecode``), not as ``PosixPath('...')`` or ``b'...'``.
    Quoted too when it begins or ends with a space of any kind: unquoted, "no history of X, only of X" would not
    show that one of them ends with a full-width or no-break space."""
    text = os.fsdecode(value) if isinstance(value, (str, bytes, os.PathLike)) else str(value)
    return text if all(_shown_as_is(c) for c in text) and text == text.strip() else repr(text)


as_typed = on_one_line
"""A value the user gave, for a message: the name the commands' messages know :func:`on_one_line` by."""


def display_width(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for a wide or full-width character (East Asian width W or F:
    Chinese, Japanese and Korean characters, full-width forms), none for a combining mark, one for the rest."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return inline(value)


def table(rows: Sequence[dict], columns: Sequence[str]) -> str:
    """Left-aligned columns with an upper-case header; None shows as "-", booleans as yes/no, lists and records
    as :func:`inline` writes them."""
    cells = [[c.upper() for c in columns]] + [[_cell(r.get(c)) for c in columns] for r in rows]
    # by the columns a cell takes on screen, not its characters: a Chinese name would push the rest of its row right
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(columns))]
    return "\n".join("  ".join(v + " " * (w - display_width(v)) for v, w in zip(row, widths)).rstrip()
                     for row in cells)


def emit(data: Any, *, as_json: bool, columns: Sequence[str] | None = None) -> None:
    """Print data as JSON, or as a table (list of records) / key: value lines (one record)."""
    plain = _plain(data)
    if as_json:
        click.echo(json.dumps(plain, indent=2, sort_keys=True))
    elif isinstance(plain, list):
        click.echo(table(plain, columns or (list(plain[0]) if plain else [])))
    elif isinstance(plain, dict):
        for k in columns or plain:
            click.echo(f"{k}: {_cell(plain.get(k))}")
    else:
        click.echo(_cell(plain))


def progress(as_json: bool) -> Callable[[str], None]:
    """Step lines go to stdout, or to stderr when stdout carries --json."""
    return lambda line: click.echo(line, err=as_json)


def one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:   # "PATH: No such file or directory", not "[Errno 2] ..."
        return f"{as_typed(exc.filename)}: {exc.strerror}" if exc.filename is not None else exc.strerror
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return "; ".join(lines) or type(exc).__name__


def read_json_file(path: Path, what: str) -> Any:
    """The JSON in a file the user named (``what`` it should hold, for the message), or one line on what is wrong."""
    try:
        text = read_user_text(path)
    except UnreadableFile as exc:
        raise click.ClickException(str(exc)) from None
    if not text.strip():
        raise click.ClickException(f"{as_typed(path)} is empty: expected {what} as JSON")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise click.ClickException(f"{as_typed(path)} is not JSON ({exc}): expected {what}") from None
    except RecursionError:
        raise click.ClickException(f"{as_typed(path)} is nested too deeply to be {what}") from None


def reports_errors(fn: Callable) -> Callable:
    """Turn the library's NetworkError into a ClickException carrying its one actionable line, and so an
    OSError on a path the command was given (a file name too long, a folder where a file goes, no permission)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (NetworkError, OSError) as exc:
            raise click.ClickException(one_line(exc)) from exc
    return wrapper


def show(doc: Any, as_json: bool, columns: Sequence[str]) -> None:
    """A contract document (a client.receivables model): its JSON, or its columns with amounts as money
    (``CNY 12,345.67``) and the tx id that wrote it: its last change's, or for a party a write returned (whose
    record keeps its registration only) that write's, which its JSON carries as ``tx_id``."""
    from .amounts import with_money

    data = doc.to_json()
    write_tx = getattr(doc, "write_tx_id", None)
    if as_json:
        emit(data if write_tx is None else {**data, "tx_id": write_tx}, as_json=True)
        return
    emit(with_money(data), as_json=False, columns=columns)
    if getattr(doc, "last", None) is not None:
        click.echo(f"tx: {doc.last.tx_id}")
    elif write_tx is not None:
        click.echo(f"tx: {write_tx}")
