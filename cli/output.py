"""Rendering (tables or --json) and error reporting for every command, in one place."""
from __future__ import annotations

import codecs
import dataclasses
import functools
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from client.user_files import (MAX_USER_FILE_BYTES, UnreadableFile, read_up_to, read_user_bytes, shown_as_is,
                               too_large, user_text)
from client.user_files import on_one_line as text_on_one_line
from network.errors import NetworkError, ansi_c_escaped

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

# pydantic and the invoice reader are imported where a file is read: --help loads neither
M = TypeVar("M", bound="BaseModel")


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
    None as ``-`` and booleans as yes/no, as tables show them (an event line or a nested record printed
    ``frozen_by=None``, ``queued=False``); text that would break the line quoted with escapes (:func:`on_one_line`)."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "{" + key_values(value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(inline(v) for v in value) + "]"
    return on_one_line(value)


def on_one_line(value: object) -> str:
    """``value`` as text, quoted with escapes when it holds a character that does not print as itself (a ledger
    value may hold one, and so may a value the user gave, a path included: it would otherwise start a line that
    reads as output of its own, even as a second ``Error:``, or read reversed), else as it is. A path or bytes
    are shown as the file system names them (``os.fsdecode``), not as ``PosixPath('...')`` or ``b'...'``.
    Quoted too when it begins or ends with a space of any kind (``client.user_files.on_one_line`` decides)."""
    return text_on_one_line(os.fsdecode(value) if isinstance(value, (str, bytes, os.PathLike)) else str(value))


as_typed = on_one_line
"""A value the user gave, for a message: the name the commands' messages know :func:`on_one_line` by."""

# the longest a value the user gave is named whole by :func:`as_typed_cut_short`: a deep path or a bookmark token
# fits, a paste gone wrong does not
TYPED_WHOLE_UP_TO = 300


def as_typed_cut_short(value: object, whole_up_to: int = TYPED_WHOLE_UP_TO) -> str:
    """:func:`as_typed`, but past ``whole_up_to`` characters cut as ``client.shown.shown_value`` cuts a value (its
    start and end, quoted, and its length): a 10,000-character path or token is not echoed whole into an error
    line as long."""
    from client.shown import shown_value

    text = os.fsdecode(value) if isinstance(value, (str, bytes, os.PathLike)) else str(value)
    return as_typed(text) if len(text) <= whole_up_to else shown_value(text)


def quoted_cut_short(value: str, whole_up_to: int = TYPED_WHOLE_UP_TO) -> str:
    """``value`` quoted as ``repr()`` quotes it, whole up to ``whole_up_to`` characters (an invoice line with its
    paper identity, a client id, a hash with a typo: a refusal names where it is wrong), past it cut as
    ``client.shown.shown_value`` cuts it."""
    from client.shown import shown_value

    return repr(value) if len(value) <= whole_up_to else shown_value(value)


def paper_identity_text(invoice: Any) -> str:
    """The paper form's code and number of an invoice delivered on paper (数电纸质发票), as a line names the invoice
    by both its identities, worded alike wherever the CLI names one (``recfin invoice verify``, ``invoice
    register``, ``receivable get``); nothing for an invoice without a paper code. ``invoice``: the SDK's ``Invoice``
    of either kind (read from a file, or a claim's on the ledger), both with ``paper_code`` and ``paper_number``."""
    if not invoice.paper_code:
        return ""
    return f" (on paper: code {on_one_line(invoice.paper_code)} number {on_one_line(invoice.paper_number)})"


def display_width(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for a wide or full-width character (East Asian width W or F:
    Chinese, Japanese and Korean characters, full-width forms), none for a combining mark, one for the rest."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows: Sequence[dict], columns: Sequence[str]) -> str:
    """Left-aligned columns with an upper-case header; None shows as "-", booleans as yes/no, lists and records
    as :func:`inline` writes them."""
    cells = [[c.upper() for c in columns]] + [[inline(r.get(c)) for c in columns] for r in rows]
    # by the columns a cell takes on screen, not its characters: a Chinese name would push the rest of its row right
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(columns))]
    return "\n".join("  ".join(v + " " * (w - display_width(v)) for v, w in zip(row, widths)).rstrip()
                     for row in cells)


# Of the text beyond ASCII, json_text escapes what does not print as itself (client.user_files.shown_as_is, as the
# one-line messages judge it), which JSON leaves raw (it escapes only what is below U+0020): DEL and the C1 controls
# (U+009B starts a terminal's control sequence as ESC [ does), U+0085 and the line and paragraph separators (Python's
# str.splitlines breaks a line there), format characters (a right-to-left override reorders the rest of the line, a
# zero-width space makes two names look alike), and an unpaired surrogate (valid JSON as "\ud800", which a payload may
# hold, but no UTF-8 stream takes it). Escaped, the text reads back as it was.
_BEYOND_ASCII = re.compile("[^\x00-\x7e]+")


def _json_escape(char: str) -> str:
    """``char`` as a JSON escape: one \\uXXXX, or the surrogate pair of a character beyond U+FFFF."""
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _escaped_where_not_shown_as_is(found: re.Match) -> str:
    run = found.group()
    if run.isprintable():   # Chinese text, ¥: the common case, judged at once
        return run
    return "".join(char if shown_as_is(char) else _json_escape(char) for char in run)


def json_text(data: Any, *, indent: int | None = None) -> str:
    """Every command's --json text: keys sorted, text beyond ASCII (Chinese names, ¥) written as itself in UTF-8,
    not as \\uXXXX escapes, but for the characters that do not print as themselves (above). ``indent`` None: one
    line."""
    text = json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=False)
    return _BEYOND_ASCII.sub(_escaped_where_not_shown_as_is, text)


def json_for_stdout(data: Any, *, indent: int | None = None) -> str:
    """:func:`json_text` for a UTF-8 stdout; for one in another encoding (a GBK or ISO-8859-1 locale,
    PYTHONIOENCODING=latin-1), the same document with every character beyond ASCII escaped: --json stays UTF-8 (ASCII
    is), where the text written raw would be GBK bytes, or a traceback for a character the encoding lacks."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"     # click.echo writes in sys.stdout's encoding
    if codecs.lookup(encoding).name == "utf-8":
        return json_text(data, indent=indent)
    return json.dumps(data, indent=indent, sort_keys=True)


def emit(data: Any, *, as_json: bool, columns: Sequence[str] | None = None) -> None:
    """Print data as JSON (:func:`json_for_stdout`), or as a table (list of records) / key: value lines (one
    record)."""
    plain = _plain(data)
    if as_json:
        click.echo(json_for_stdout(plain, indent=2))
    elif isinstance(plain, list):
        click.echo(table(plain, columns or (list(plain[0]) if plain else [])))
    elif isinstance(plain, dict):
        for k in columns or plain:
            click.echo(f"{k}: {inline(plain.get(k))}")
    else:
        click.echo(inline(plain))


def emit_report(report: Any, text_lines: Callable[[Any], Sequence[str]], *, as_json: bool) -> None:
    """Print a report as JSON (as ``emit`` does), or as the lines ``text_lines`` makes of it (called only then)."""
    if as_json:
        emit(report, as_json=True)
        return
    for line in text_lines(report):
        click.echo(line)


def progress(as_json: bool) -> Callable[[str], None]:
    """Step lines go to stdout, or to stderr when stdout carries --json."""
    return lambda line: click.echo(line, err=as_json)


def one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:   # "PATH: No such file or directory", not "[Errno 2] ..."
        return f"{as_typed(exc.filename)}: {exc.strerror}" if exc.filename is not None else exc.strerror
    return joined_lines(str(exc)) or type(exc).__name__


def joined_lines(text: str) -> str:
    """The lines of ``text`` that hold anything, trimmed and joined by "; ": a message of several lines (an
    error's details, its advice) as the one line a command prints. A line that ends a sentence (".", "!", "?") is
    followed by a space alone: the next line is a sentence of its own, and ".;" reads as a typo. A character that
    does not print as itself is escaped (:func:`escaped_unless_shown`)."""
    lines = [escaped_unless_shown(line.strip()) for line in text.splitlines() if line.strip()]
    return "".join(line + ("" if at == len(lines) - 1 else " " if line.endswith(SENTENCE_ENDS) else "; ")
                   for at, line in enumerate(lines))


def escaped_unless_shown(line: str) -> str:
    """``line`` with each character that does not print as itself written as its escape (``\\x1b``): a message may
    name a path or value as it was given, and an ESC in it drives the terminal the error line is shown on (clears
    it, retitles it), a right-to-left override reorders the line. Text already escaped is left as it is."""
    return "".join(char if shown_as_is(char) else ansi_c_escaped(char) for char in line)


SENTENCE_ENDS = (".", "!", "?")


class _KeyRepeated(dict):
    """A JSON object in which ``key`` is given more than once with copies that differ, kept (as the others are) until
    the whole document is read, when :func:`_first_repeated_key` finds where it lies."""

    key: str


def _same_as_read(first: Any, second: Any) -> bool:
    """Whether two copies of a decoded JSON value are the same in kind and value, as the invoice reader compares
    them, each as it is read: Python holds ``True == 1`` and ``1 == 1.0``, which the file tells apart, and so do
    its readers (an offer's fees of ``50000.0`` are refused, ``50000`` read). Objects are compared key by key, in
    any order. A copy holding an object with a key repeated differently is of another kind than one without, so it
    is never taken for a clean copy. Walked without recursion, and only as far as the first difference: copies may
    be nested as deep as json.loads reads."""
    pending = [(first, second)]
    while pending:
        a, b = pending.pop()
        if type(a) is not type(b):
            return False
        if isinstance(a, dict):
            if a.keys() != b.keys():
                return False
            pending.extend((a[key], b[key]) for key in a)
        elif isinstance(a, list):
            if len(a) != len(b):
                return False
            pending.extend(zip(a, b))
        elif a != b and repr(a) != repr(b):     # NaN is not equal to itself, and is one value all the same
            return False
    return True


def _once_each(pairs: list[tuple[str, Any]], marked: list[_KeyRepeated]) -> dict[str, Any]:
    """A JSON object's pairs as a dict, marked :class:`_KeyRepeated` (and added to ``marked``) when a key is given
    more than once with copies that differ: json.loads keeps the last and drops the first unsaid (``"fees": 50000,
    "fees": 0`` would be read as no fees). Copies that say the same are read, as the invoice reader reads them."""
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    first_copy: dict[str, Any] = {}
    for key, value in pairs:
        if key not in first_copy:
            first_copy[key] = value
        elif not _same_as_read(first_copy[key], value):
            repeated = _KeyRepeated(obj)
            repeated.key = key
            marked.append(repeated)
            return repeated
    return obj


def _plain_key(key: str) -> bool:
    """Whether a key reads unquoted in the place an object lies: not empty, and with nothing that would misread the
    place (``.``, ``[``, ``]``, a space: the key ``a.b`` would read as ``b`` inside ``a``) or not print as itself."""
    return bool(key) and all(c.isprintable() and c not in ".[] " for c in key)


def _key_path(where: str | None, key: str) -> str:
    """The place of the value under key in the object at where (None for the document itself): ``where.key``, or
    ``where["a.b"]`` for a key that is not plain (json.dumps escapes every character outside ASCII: all of it
    prints)."""
    if _plain_key(key):
        return key if where is None else f"{where}.{key}"
    return f"{where or ''}[{json.dumps(key)}]"


def _first_repeated_key(doc: Any) -> tuple[str | None, str] | None:
    """Where the first object with a key given more than once with copies that differ lies in doc (``bank_offers[0]``;
    None for the document itself), and the key, or None when there is none. Walked without recursion: json.loads
    reads nesting deeper than Python's stack would take; and only for a document that has one, since naming every
    place in it costs as much again as reading it."""
    pending: list[tuple[str | None, Any]] = [(None, doc)]
    while pending:
        where, value = pending.pop()
        if isinstance(value, _KeyRepeated):
            return where, value.key
        if isinstance(value, dict):
            inside = [(_key_path(where, key), item) for key, item in value.items()]
        elif isinstance(value, list):
            inside = [(f"{where or ''}[{i}]", item) for i, item in enumerate(value)]
        else:
            continue
        pending.extend(reversed(inside))     # in the order they are written
    return None


def file_refused(option: str | None, message: str) -> click.ClickException:
    """The error for a file that cannot be read as what it should hold, or that reads but holds a wrong or
    missing field (``message`` names the file, and the field): a usage error (exit 2) naming the option that
    named it, so that a script tells a wrong file from what the command itself answers (a declined quote
    exits 1); one line (exit 1) for a file no option named (the shipped model, read by default), where no
    option is at fault."""
    if option is None:
        return click.ClickException(message)
    return click.BadParameter(message, param_hint=repr(option))


def validated(model: type[M], document: Any, option: str | None,
              refusal: Callable[[ValidationError], str]) -> M:
    """``document``, read from the file ``option`` names, as ``model``; a wrong or missing field refused as
    :func:`file_refused` refuses a file that cannot be read: a usage error (exit 2) naming the option, with
    ``refusal``'s words on the error, which name the file and the field. The file given is wrong, which a
    script must tell from what the command itself answers (a declined quote, a contract's refusal: exit 1)."""
    from pydantic import ValidationError

    try:
        return model.model_validate(document)
    except ValidationError as exc:
        raise file_refused(option, refusal(exc)) from None


def read_option_file(path: Path, option: str | None, what: str) -> bytes:
    """The bytes of the file an option names, or a usage error naming the option: a FIFO or a device (read with
    ``Path.read_bytes`` it would wait for a writer, or fill memory from /dev/zero), a file that cannot be read, one
    larger than any such file could be, and an empty one (``what`` it should hold, for what to give instead).
    ``option`` None: a file no option named, refused as :func:`file_refused` says."""
    try:
        content = read_user_bytes(path)
    except UnreadableFile as exc:
        raise file_refused(option, f"{as_typed(path)}: {exc.problem}") from None
    if not content:
        raise file_refused(option, f"{as_typed(path)} is empty: give {what}")
    return content


def read_json_file(path: Path, option: str | None, what: str,
                   check: Callable[[bytes], None] | None = None) -> Any:
    """The JSON in the file ``option`` names (``what`` it should hold, for the message), or a usage error
    naming the option on what is wrong (as :func:`read_option_file` refuses a file, and as :func:`json_read`
    refuses what it reads: one that is not JSON, or has a key given twice in one object with copies that
    differ). ``option`` None: a file no option named, refused as :func:`file_refused` says. ``check``, given,
    is called with the file's bytes before they are read as JSON (raising to refuse them): the file is read
    once, so the bytes read as JSON are those it passed, even if the file is replaced meanwhile."""
    content = read_option_file(path, option, f"{what} as JSON")
    return json_read(content, as_typed(path), option, what, check)


def read_json_stdin(option: str, what: str, check: Callable[[bytes], None] | None = None) -> Any:
    """The JSON on stdin, for ``option`` given as ``-``: read as :func:`read_json_file` reads a file (a key
    given twice with copies that differ refused, not the last one taken), and refused as it refuses one, as
    "stdin", when it is over the bound on such a file, empty, not UTF-8 or not JSON."""
    content = read_up_to(sys.stdin.buffer.read, MAX_USER_FILE_BYTES)
    if len(content) > MAX_USER_FILE_BYTES:
        raise file_refused(option, f"stdin: {too_large(MAX_USER_FILE_BYTES)}")
    return json_read(content, "stdin", option, what, check)


def json_read(content: bytes, source: str, option: str | None, what: str,
              check: Callable[[bytes], None] | None = None) -> Any:
    """``content``, read from ``source`` (a file's path as messages show it, or "stdin") for ``option``, as
    JSON; refused (:func:`file_refused`) when ``check`` refuses it, or it is not UTF-8, empty, not JSON,
    nested too deeply, holds an unpaired surrogate escape (``"\\ud800"``, no character, named where it lies), or
    has a key given twice in one object with copies that differ, since which one is meant cannot be told (copies
    that say the same are read): json.loads would keep the last, unsaid."""
    try:
        if check is not None:
            check(content)
        text = user_text(source, content)
    except UnreadableFile as exc:
        raise file_refused(option, f"{source}: {exc.problem}") from None
    if not text.strip():
        raise file_refused(option, f"{source} is empty: give {what} as JSON")
    try:
        marked: list[_KeyRepeated] = []
        doc = json.loads(text, object_pairs_hook=lambda pairs: _once_each(pairs, marked))
    except json.JSONDecodeError as exc:
        raise file_refused(option, f"{source} is not JSON ({exc}): give {what}") from None
    except ValueError:   # the only other: an integer longer than Python converts (sys.get_int_max_str_digits())
        raise file_refused(option, f"{source}: a JSON number of more than {sys.get_int_max_str_digits()} digits, "
                                   f"which no field of {what} holds: check the file") from None
    except RecursionError:
        raise file_refused(option, f"{source} is nested too deeply to be {what}") from None
    if marked and (repeated := _first_repeated_key(doc)) is not None:
        where, key = repeated
        inside = f"the object at {as_typed(where)}" if where is not None else "the top-level object"
        shown_key = key if _plain_key(key) else json.dumps(key)
        raise file_refused(option, f"{source}: the key {shown_key} is given more than once in "
                                   f"{inside}: keep one (which of them is meant cannot be told)")
    from client.invoices.parse import UNPAIRED_SURROGATE, unpaired_surrogate_in

    # "\ud800" alone reads as half of a surrogate pair, no character: taken, it failed where the text was printed
    # or sent as UTF-8 (a traceback), or was refused in words about parsing "raw data"; UTF-8 text holds none raw
    if "\\u" in text and (where := unpaired_surrogate_in(doc)) is not None:
        raise file_refused(option, f"{source}: {f'{where}: ' if where else ''}{UNPAIRED_SURROGATE}")
    return doc


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


def show(doc: Any, as_json: bool, columns: Sequence[str], *, request_id: str | None = None) -> None:
    """A contract document (a client.receivables model): its JSON, or its columns with amounts as money
    (``CNY 12,345.67``) and the tx id that wrote it: its last change's, or for a party a write returned (whose
    record keeps its registration only) that write's, which its JSON carries as ``tx_id``. ``request_id``, the
    business request id the write was sent with, is added to the JSON as ``request_id``."""
    from .amounts import with_money

    data = doc.to_json()
    write_tx = getattr(doc, "write_tx_id", None)
    if as_json:
        named = {**({} if write_tx is None else {"tx_id": write_tx}),
                 **({} if request_id is None else {"request_id": request_id})}
        emit({**data, **named}, as_json=True)
        return
    emit(with_money(data), as_json=False, columns=columns)
    if getattr(doc, "last", None) is not None:
        click.echo(f"tx: {doc.last.tx_id}")
    elif write_tx is not None:
        click.echo(f"tx: {write_tx}")
