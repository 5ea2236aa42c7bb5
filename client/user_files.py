"""Reading the files people hand the tools: ERP exports, bank settings, invoices, histories.

One place decides what an unreadable file is called and what the person is told to do,
so an export the invoice matcher refuses reads the same as a pricing file the CLI refuses.
Each caller turns :class:`UnreadableFile` into its own error type (``problem`` has no path,
for errors that add the path themselves).
"""
from __future__ import annotations

from pathlib import Path

# Files from Windows tools in China are often GBK; Excel's "CSV UTF-8" and iconv both fix that.
UTF8_ADVICE = "save it as UTF-8 (Excel: Save As, CSV UTF-8; or iconv -f GBK -t UTF-8)"


class UnreadableFile(ValueError):
    """A file that cannot be opened, or is not UTF-8 text; ``str()`` is ``PATH: problem``."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


def read_user_bytes(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UnreadableFile(path, f"cannot read file: {exc.strerror or exc}") from None


def read_user_text(path: str | Path) -> str:
    """The file as UTF-8 text, without the byte-order mark Excel and Notepad put first."""
    data = read_user_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(path, f"not UTF-8 text: {UTF8_ADVICE}") from None
