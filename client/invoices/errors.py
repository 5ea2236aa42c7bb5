"""Errors raised by ``client.invoices``.

The family, as a tree::

    InvoiceError                  base of everything raised here
    ├── MalformedInput            a file cannot be read into the model (names file and field)
    │   └── UnsupportedFormat     the file is none of the formats this package reads
    ├── MissingDependency         an OS tool or Python package needed for this call is absent
    │                             (e.g. the ``tesseract`` binary, ``pypdf``)
    ├── SourceUnavailable         a data source could not be asked (its provider raised: a timeout, a
    │                             service down), so nothing was verified
    └── LedgerAnswerInvalid       the ledger answered a lookup with something not of its documented shape

Findings that fail (a total that does not add up, a wrong check digit) are not
errors: they are reported in a :class:`~client.invoices.model.Report`.
"""

from __future__ import annotations

from client.user_files import on_one_line


class InvoiceError(Exception):
    """Base of every error raised by ``client.invoices``."""


class MalformedInput(InvoiceError):
    """A file cannot be read into the model.

    ``source`` names the file (or ``<memory>``), ``field`` the element or column
    that was missing or wrong (``None`` when the whole file is unreadable).
    """

    def __init__(self, source: str, field: str | None, problem: str) -> None:
        self.source = source
        self.field = field
        self.problem = problem
        # the file as on_one_line names it: the error line is trimmed, and a space the name begins with was lost
        named = on_one_line(source)
        where = f"{named}: {field}" if field else named
        super().__init__(f"{where}: {problem}")


class UnsupportedFormat(MalformedInput):
    """The file is none of the formats this package reads."""


class MissingDependency(InvoiceError):
    """An OS tool or optional Python package needed for this call is absent."""

    def __init__(self, what: str, how_to_install: str) -> None:
        self.what = what
        self.how_to_install = how_to_install
        super().__init__(f"{what} is not available; {how_to_install}")


class SourceUnavailable(InvoiceError):
    """A data source could not be asked: its provider raised (a timeout, a service down, a refusal) where it answers
    with a record, or ``None`` for a source that holds none. ``source`` names it, ``question`` what it was asked;
    the provider's error is the ``__cause__``. No verification is made: a source that did not answer did not say
    the invoice is unknown."""

    def __init__(self, source: str, question: str, cause: Exception) -> None:
        self.source = source
        self.question = question
        super().__init__(f"{source} could not be asked {question}: {type(cause).__name__}: {cause}; nothing was "
                         "verified: ask it again once it answers (a source that does not answer says nothing of the "
                         "invoice)")


class LedgerAnswerInvalid(InvoiceError):
    """The ledger's answer to a lookup is not of the documented shape (wrong contract or version?)."""
