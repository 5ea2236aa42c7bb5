"""Reading the files people hand the tools: ERP exports, bank settings, invoices, histories.

One place decides what an unreadable file is called and what the person is told to do,
so an export the invoice matcher refuses reads the same as a pricing file the CLI refuses.
Each caller turns :class:`UnreadableFile` into its own error type (``problem`` has no path,
for errors that add the path themselves).
"""
from __future__ import annotations

import errno
import os
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path

# Files from Windows tools in China are often GBK; Excel's "CSV UTF-8" and iconv both fix that.
UTF8_ADVICE = "save it as UTF-8 (Excel: Save As, CSV UTF-8; or iconv -f GBK -t UTF-8)"
# Excel's "Unicode Text" and Notepad's "Unicode" save UTF-16 with its byte-order mark first; converting that as
# GBK would give other characters, so such a file is told its own conversion.
UTF16_ADVICE = "it is UTF-16 text: save it as UTF-8 (Excel: Save As, CSV UTF-8; or iconv -f UTF-16 -t UTF-8)"
_UTF16_BYTE_ORDER_MARKS = (b"\xff\xfe", b"\xfe\xff")
# UTF-32's marks are looked for first: the little-endian one begins with UTF-16's (FF FE 00 00).
_UTF32_BYTE_ORDER_MARKS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
UTF32_ADVICE = "it is UTF-32 text: save it as UTF-8 (Excel: Save As, CSV UTF-8; or iconv -f UTF-32 -t UTF-8)"


def shown_as_is(char: str) -> bool:
    """Whether a character prints as itself on one line, as the one-line messages judge it (on_one_line here,
    network.errors.shell_word for the commands a message says to run)."""
    # Python's printable characters, and every space (Zs): a full-width space (U+3000) or a no-break space, common
    # in Chinese names and pasted text, breaks no line. Everything else that does not print is escaped: control
    # characters and line separators would start a line of their own; format characters (a right-to-left
    # override, a zero-width space) would reorder the rest of the line or make two names look alike.
    return char.isprintable() or unicodedata.category(char) == "Zs"


def on_one_line(text: str) -> str:
    """``text`` as it is, or as repr() writes it when it holds a character that does not print as itself, or begins
    or ends with a space of any kind. Text from a file or the ledger (a quoted YAML key, a party's name) may hold a
    line break, which would start what reads as a line of its own, even a second ``Error:``; unquoted, "no history
    of X, only of X" would not show that one of them ends with a full-width or no-break space. This is for text a
    line prints as itself (a name, a path); a value a message says is wrong is shown by
    :func:`client.shown.shown_value`, quoted always, cut short, and as JSON spells it when it is no text."""
    return text if all(shown_as_is(c) for c in text) and text == text.strip() else repr(text)


class UnreadableFile(ValueError):
    """A file that cannot be opened, or is not UTF-8 text; ``str()`` is ``PATH: problem``, the path as
    :func:`on_one_line` names it (a message made one line is trimmed: a space the name begins with would be lost)."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{on_one_line(self.path)}: {problem}")


# Far above any file a person hands the tools (a 400-page scanned PDF is a few hundred MB at most), and a bound on
# what one mistaken path can make the process hold in memory.
MAX_USER_FILE_BYTES = 1024 * 1024 * 1024


class SpecialFile(OSError):
    """A path naming a device, a FIFO or a socket, which no file the tools read is; ``kind`` says which."""

    def __init__(self, path: str | Path, kind: str) -> None:
        self.kind = kind
        super().__init__(f"{path} is {kind}")


def special_kind(mode: int) -> str:
    """What a file of ``mode`` that is neither a regular file nor a folder is, as errors name it: "a FIFO", ..."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file"


def not_a_file(kind: str) -> str:
    """What a person is told of a path that is ``kind`` (special_kind) where a file is to be read."""
    return f"{kind}, not a file: give the path of the file itself"


def too_large(limit: int = MAX_USER_FILE_BYTES) -> str:
    """What a person is told of a file over ``limit`` bytes where a file they hand the tools is to be read."""
    shown = f"{limit // 1024 ** 3} GiB" if limit % 1024 ** 3 == 0 else f"{limit // 1024 ** 2} MiB"
    return f"over {shown}, far larger than such a file could be: is it the right file?"


def blank_path(value: str, what: str, variable: str | None = None) -> str | None:
    """Why ``value``, a path given (by the environment variable ``variable``, where one gave it), names nothing, or
    None: spaces alone where nothing of that name is (a file named so is a file all the same). Read, the reader's
    error would trim the spaces away and name no file; written, they would name a file or folder a listing shows as
    nothing; taken as no path, a mistyped variable would go unsaid. ``what`` says what to give ("a file"); where a
    variable gave the value, it is the variable that is to be mended."""
    if not value or value.strip() or os.path.lexists(value):
        return None
    blank = f"{value!r} is blank: give the path of {what}"
    return f"{variable}={blank}, or unset {variable}" if variable else blank


_READ_CHUNK_BYTES = 64 * 1024


def read_regular_file(path: str | Path, limit: int) -> bytes:
    """Up to ``limit`` + 1 bytes of the regular file at ``path`` (more than ``limit`` tells the caller it is too
    large). A device such as /dev/zero would be read until memory ran out, and a FIFO would wait for a writer: both
    raise :class:`SpecialFile`; a folder raises IsADirectoryError, and open's own OSErrors pass through."""
    # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer; regular files ignore it
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise SpecialFile(path, special_kind(mode))
        return read_up_to(lambda size: os.read(fd, size), limit)
    finally:
        os.close(fd)


def read_up_to(read: Callable[[int], bytes], limit: int) -> bytes:
    """Up to ``limit`` + 1 bytes from ``read`` (a file's or a stream's: called with the most bytes to give, it gives
    none at the end), so that more than ``limit`` tells the caller the input is too large. In chunks, not one
    read(limit + 1): the kernel's /proc/sys files refuse a read that large (ENOMEM), and a pipe from /dev/zero
    would otherwise take that much memory before anything could be refused."""
    chunks, held = [], 0
    while held <= limit:
        chunk = read(min(_READ_CHUNK_BYTES, limit + 1 - held))
        if not chunk:
            break
        chunks.append(chunk)
        held += len(chunk)
    return b"".join(chunks)


def read_user_bytes(path: str | Path, limit: int = MAX_USER_FILE_BYTES) -> bytes:
    """The file's bytes; one over ``limit`` bytes is refused, having read no more than that."""
    try:
        data = read_regular_file(path, limit)
    except SpecialFile as exc:
        raise UnreadableFile(path, f"it is {not_a_file(exc.kind)}") from None
    except OSError as exc:
        raise cannot_read(path, exc) from None
    if len(data) > limit:
        raise UnreadableFile(path, too_large(limit))
    return data


def cannot_read(path: str | Path, exc: OSError) -> UnreadableFile:
    """What a person is told of a file that open or read refused (no such file, no permission, a folder)."""
    return UnreadableFile(path, f"cannot read file: {exc.strerror or exc}")


def user_text(path: str | Path, data: bytes) -> str:
    """data, read from the file at path, as UTF-8 text without the byte-order mark Excel and Notepad put first."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        advice = (UTF32_ADVICE if data.startswith(_UTF32_BYTE_ORDER_MARKS)
                  else UTF16_ADVICE if data.startswith(_UTF16_BYTE_ORDER_MARKS) else UTF8_ADVICE)
        raise UnreadableFile(path, f"not UTF-8 text: {advice}") from None


def read_user_text(path: str | Path, limit: int = MAX_USER_FILE_BYTES) -> str:
    """The file as UTF-8 text, without the byte-order mark Excel and Notepad put first (read_user_bytes)."""
    return user_text(path, read_user_bytes(path, limit))
