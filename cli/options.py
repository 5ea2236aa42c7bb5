"""Option checks that commands of several groups share, so that one mistake is refused in one wording."""
from __future__ import annotations

import calendar
import math
import os
import re
import stat
from collections.abc import Callable
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

import click
from click.core import ParameterSource

from client.user_files import (MAX_USER_FILE_BYTES, blank_path, not_a_file, on_one_line, shown_as_is, special_kind,
                               too_large)
from client.shown import shown_value
# the number checks network.ccprobe shares: imported from there, since network/ imports nothing of cli/
from network.option_checks import MAX_TIMEOUT_SECONDS, FiniteFloatRange, ascii_digits_problem
from network.roles import ORG_ADD_ROLES, contract_role_named

from .output import joined_lines, quoted_cut_short

CREDIT_CODE_EXAMPLE = "91310000MA1K000019"


def credit_code_option(left_out_means: str | None = None, *, capitals_read: bool = False
                       ) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    """A click callback for a parameter taking a party's credit code (``--debtor``, ``--to``, ``USCC``...), so that
    a code the contract would refuse is a usage error before anything connects: one that is not a unified social
    credit code (its check digit included, as the contract checks it), and an empty or blank one, as an unset
    shell variable gives. ``left_out_means`` says what leaving an optional one out means ("to mean your own", "to
    skip the check"), which an empty value must not be read as; None for a required one.

    With ``capitals_read`` a code typed in lower case is the code in capitals
    (:func:`client.invoices.credit_code.in_capitals`), and the callback gives the parameter that code: GB
    32100-2015 writes its letters in capitals only, and the contract refuses any other (so no party, claim or offer
    of the ledger is keyed by one), so lower case can only be the same code typed or pasted carelessly, not another
    party."""

    def checked(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        # imported here: the invoice package takes a second to import, and most commands never read a credit code
        from client.invoices.credit_code import credit_code_problem, in_capitals

        if value is None:
            return None
        instead = f", or leave {param.opts[0]} out {left_out_means}" if left_out_means is not None else ""
        if not value.strip():
            raise click.BadParameter(f"empty: give a unified social credit code (18 characters, e.g. "
                                     f"{CREDIT_CODE_EXAMPLE}){instead}")
        code = in_capitals(value) if capitals_read else value
        if (problem := credit_code_problem(code)) is not None:
            raise click.BadParameter(f"{shown_value(value)} is not a unified social credit code ({problem}): give the "
                                     f"party's 18 characters as registered, e.g. {CREDIT_CODE_EXAMPLE}")
        return code

    return checked


class ChoiceCutShort(click.Choice):
    """``click.Choice``, but a value that is none of the choices is shown cut short in the refusal when long, as
    every other refusal names a value the user typed (``cli.output.quoted_cut_short``: whole up to
    ``TYPED_WHOLE_UP_TO`` characters), where click echoes it whole: a 10,000-character paste made a line as long."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return super().get_invalid_choice_message(value, ctx).replace(repr(value), quoted_cut_short(value), 1)


def names_a_record(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback for an argument naming a record (a claim's, financing's, offer's or notice's id): what
    :func:`names_something` refuses, and an id holding a character no id holds (a space inside, as an id retyped
    from print or two words of a line pasted give; an invisible one; ``_``), a usage error (exit 2) naming the id
    and the form of one before anything connects: the contract makes every id of a capital letter, ``-`` and 16
    hex digits (``keys.new_id``), a split's parts adding ``.1`` or ``.2`` (``keys.child_id``), so sent as given
    it could only come back not-found, exit 1, as though the record were not there. Of a repeatable option, each
    value is held to it."""
    names_something(ctx, param, value)
    for given, what in _each_given(param, value):
        from client.receivables import record_id_problem   # once an id is given: the SDK loads gRPC

        if (problem := record_id_problem(given, what)) is not None:   # the SDK's rule, refused before it
            raise click.BadParameter(problem)
    return value


def names_something(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback for an argument naming a record (an id, an invoice fingerprint): an empty or blank one, as
    an unset shell variable gives, names nothing, and is a usage error (exit 2) naming the argument before
    anything connects. The SDK refuses it too, but raised from the command it came out as the command's own
    answer: exit 1, as a refusal, or 3 from `receivable audit`, as an audit that could not be made. So is one
    with spaces around it, as a table's column pasted gives: no id or fingerprint holds a space, so sent as
    given it could only come back not-found, exit 1, as though the record were not there. Of a repeatable
    option, each value is held to it."""
    from chaincode.receivables.keys import spaces_around_id

    for given, what in _each_given(param, value):
        if not given.strip():
            raise click.BadParameter(f"{shown_value(given)} names nothing (an unset shell variable?): give the {what} "
                                     "itself")
        if (padded := spaces_around_id(given, what)) is not None:
            raise click.BadParameter(padded)
    return value


def _each_given(param: click.Parameter, value: str | tuple[str, ...] | None) -> list[tuple[str, str]]:
    """Each value given (one, or each of a repeatable option's) with what it names, in words ("receivable id")."""
    what = (param.name.removesuffix("s") if isinstance(value, tuple) else param.name).replace("_", " ")
    return [(given, what) for given in (value if isinstance(value, tuple) else (value,)) if given is not None]


def each_once(callback: Callable[[click.Context, click.Parameter, Any], Any]
              ) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A repeatable option's ``callback``, then a value given twice refused: a usage error (exit 2) naming the option
    and the value before anything connects, for a list the contract refuses with a repeat in it (argument-invalid,
    "list each ... once"), which came back its refusal once the command had connected. Only values equal as given
    are refused: the contract refuses those whatever it makes of them."""
    def checked(ctx: click.Context, param: click.Parameter, values: Any) -> Any:
        values = callback(ctx, param, values)
        seen: set[str] = set()
        for given in values or ():
            if given in seen:
                raise click.BadParameter(f"{quoted_cut_short(given)} is given twice: give each once")
            seen.add(given)
        return values

    return checked


def said_on_the_record(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """A click callback for text a party writes on a record (``--reason``), held to the contract's own check of it
    (1 to 500 characters once trimmed, on one line: ``argument-invalid``), so that a reason it would refuse, a blank
    one as an unset shell variable gives, is a usage error (exit 2) naming the option before anything connects. The
    SDK refuses it too, but only once the command has connected, and raised from the command it came out as a
    refusal (exit 1). Passed on as given: the contract trims it."""
    from chaincode.receivables.arguments import require_text
    from chaincode.receivables.errors import RuleViolation

    if value is None:
        return None
    try:
        require_text(value, "reason")
    except RuleViolation as refused:
        raise click.BadParameter(f"{refused.detail}; nothing was sent") from None
    return value


def names_an_order(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback for the reference of a court or agency order (``--order`` of a freeze or an unfreeze; the
    freeze order ``--lifts`` names), held to the contract's own check of it, so that a reference it would refuse
    is a usage error (exit 2) naming the option before anything connects, with the network down too: ``--order``
    as ``require_order_reference`` (1 to 200 characters once trimmed, on one line, with a character that shows),
    ``--lifts`` as the contract checks it before it compares it with the claim's orders (the same, but an
    invisible one may name an order an earlier contract version recorded so). A blank ``--lifts`` is left to
    the command, whose refusal says what leaving it out does. Passed on as given: the contract trims it."""
    from chaincode.receivables.arguments import require_order_reference, require_text
    from chaincode.receivables.errors import RuleViolation

    if value is None:
        return None
    option = param.opts[0].lstrip("-")
    try:
        if option == "lifts":
            if value.strip():
                require_text(value, option, 200)
        else:
            require_order_reference(value, option)
    except RuleViolation as refused:
        raise click.BadParameter(f"{refused.detail}; nothing was sent") from None
    return value


def as_the_contract_checks(check: Callable[[str], object]) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback holding each value of a text parameter (repeatable or not) to ``check``, the contract's
    own check of that argument (from ``chaincode.receivables.arguments``, which need no contract runtime): what
    they refuse is a usage error (exit 2) naming the parameter and saying the rule's detail, before anything
    connects, where it came back as the contract's refusal (exit 1) once the command had connected, or was told
    to start a network that was down. The value is passed on as given."""
    def checked(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        from chaincode.receivables.errors import RuleViolation

        for given in (value if isinstance(value, tuple) else (value,)):
            if given is None:
                continue
            try:
                check(given)
            except RuleViolation as refused:
                raise click.BadParameter(f"{refused.detail}; nothing was sent") from None
        return value

    return checked


def names_an_identity(what: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback for an option naming a client identity (``--client USER``, ``--client-id
    ID``, repeatable or not): an empty or blank value, as an unset shell variable gives, is a usage
    error (exit 2) naming the option, before anything connects; taken as given it was looked up as a
    user named '' (or, empty, as no option at all: "no user None"). ``what``: what to give instead."""

    def checked(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        for given in (value if isinstance(value, tuple) else (value,)):
            if given is not None and not given.strip():
                raise click.BadParameter(f"{shown_value(given)} is blank (an unset shell variable?): give {what}")
        return value

    return checked


DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATE_EXAMPLE = "2026-03-02"


def business_today() -> date:
    """Today's business date, the date a transaction sent now carries (``client.business_dates``', whose module
    loads pydantic): each command module that dates a request names it as its own, so that a test sets the date
    one command sees."""
    from client import business_dates

    return business_dates.business_today()


def read_date(text: str) -> date:
    """A date written exactly YYYY-MM-DD, in ASCII digits, that is a day of the calendar; ``ValueError`` with a
    line naming what is wrong otherwise: the form, or the year, month or day.

    Not ``date.fromisoformat`` alone: it also reads ISO week dates and compact forms (``2026W481``,
    ``2026-W48-1``, ``20261130``), so a mistyped date would become another day with nothing said; nor
    ``strptime``, which reads ``2026-3-2`` and full-width digits, and says that ``2027-02-30`` "does not match
    the format" when only its day does not exist."""
    if (problem := ascii_digits_problem(text, "dates as YYYY-MM-DD", DATE_EXAMPLE)) is not None:
        raise ValueError(problem)
    if not DATE_FORM.fullmatch(text):
        raise ValueError(f"{shown_value(text)} is not a date written YYYY-MM-DD: give the year in 4 digits, the month "
                         f"and the day in 2, e.g. {DATE_EXAMPLE}")
    year, month, day = (int(part) for part in text.split("-"))
    if year == 0:
        raise ValueError(f"{text!r}: the calendar has no year 0000; its years are 0001 to 9999")
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r}: there is no month {month:02d}; months are 01 to 12")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(f"{text!r}: {year:04d}-{month:02d} has {days} days, so there is no day {day:02d}")
    return date(year, month, day)


def currency_code(_ctx: click.Context, _param: click.Parameter, code: str) -> str:
    """A ``--currency`` callback: an ISO 4217 code in capitals, checked before anything is sent or read (a
    misspelt code would match no claim, or be refused by the contract only after connecting)."""
    if not (len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()):
        raise click.BadParameter(f"{shown_value(code)}: give a three-letter ISO 4217 code in capitals, e.g. CNY or USD")
    return code


def claim_currency_code(ctx: click.Context, param: click.Parameter, code: str) -> str:
    """A ``--currency`` callback for a claim to register: :func:`currency_code`, and a currency whose minor unit is
    a hundredth, as the contract holds a registration to (``currency-invalid``): every amount is whole fen, so
    ``--face 1000`` in JPY would be sent as JPY 1,000.00, a hundred thousand sen yen do not have. Refused before
    anything connects, as the claim's other input is."""
    # imported here, as credit_code_option's rule is: most commands that read options never register a claim
    from chaincode.receivables.money import hundredths_problem

    code = currency_code(ctx, param, code)
    if (why := hundredths_problem(code)) is not None:
        raise click.BadParameter(f"{code!r}: {why}")
    return code


class DateType(click.DateTime):
    """A date option (``--due``, ``--on``...) read by :func:`read_date`, as a ``datetime.date``; a bad one is a
    usage error (exit 2) naming the option and what is wrong with the date. ``earliest`` .. ``latest`` (both, or
    neither) bound it where the command computes on days around it. A ``click.DateTime`` (of the one format it
    reads), so what
    knows a date option by its type still knows this one."""

    name = "date"

    def __init__(self, earliest: date | None = None, latest: date | None = None) -> None:
        super().__init__(["%Y-%m-%d"])
        self.earliest, self.latest = earliest, latest

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "YYYY-MM-DD"

    def convert(self, value: Any, param, ctx) -> date:
        if isinstance(value, date):
            day = value
        else:
            try:
                day = read_date(str(value))
            except ValueError as exc:
                self.fail(str(exc), param, ctx)
        if (self.earliest is not None and day < self.earliest) or (self.latest is not None and day > self.latest):
            self.fail(f"{day} is outside {self.earliest} .. {self.latest}: give a business date in that range, e.g. "
                      f"2026-11-30", param, ctx)
        return day


DATE = DateType()


WHOLE_NUMBER = re.compile(r"-?[0-9]+")   # [0-9], not \d: \d matches full-width and other digits too


class WholeNumberRange(click.IntRange):
    """``click.IntRange`` in ASCII digits: ``int`` reads full-width ``１００`` as 100, so a number pasted from a
    document would be taken with nothing to show how (amounts and rates refuse such digits too)."""

    name = "whole number"     # IntRange's own name, "integer range", is no word an operator would use

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "INTEGER"

    def convert(self, value: Any, param, ctx) -> int:
        if isinstance(value, str):
            if (problem := ascii_digits_problem(value, "numbers", "100")) is not None:
                self.fail(problem, param, ctx)
            # int() alone also reads "1_000", "+5", " 5" and "5\n": none is in the digits the refusal asks for
            try:
                number = int(value) if WHOLE_NUMBER.fullmatch(value) else None
            except ValueError:   # more digits than int() reads
                number = None
            # "-3" is read, for the range to refuse naming itself; "-0" is not where the range takes no number
            # below 0, as it would take it for 0
            if number is None or (number == 0 and value.startswith("-") and self._lowest() >= 0):
                self.fail(f"{shown_value(value)} is not a whole number: give one in the digits 0-9 with no point or "
                          f"unit, e.g. {self._example()}", param, ctx)
            value = number
        return super().convert(value, param, ctx)

    def _lowest(self) -> float:
        """The lowest number the range takes, -inf for none."""
        return -math.inf if self.min is None else self.min + (1 if self.min_open else 0)

    def _example(self) -> int:
        """A number the range takes, for the refusal's example: 100 when it can."""
        high = math.inf if self.max is None else self.max - (1 if self.max_open else 0)
        return int(min(max(100, self._lowest()), high))


# The one set of role names --help shows (`recfin org add`'s); contract_role_named reads the others too.
ROLE_NAMES = sorted(ORG_ADD_ROLES.values())
ROLE_HELP = ("a bank is the ledger's financier; the names financier and core_enterprise are taken too, in any case, "
             "with '-' or '_'")


class RoleType(click.ParamType):
    """A role option (`recfin org add|keys --role`, `recfin party register --role`): any spelling
    :func:`network.roles.contract_role_named` reads, as the contract's role (``contract_names``) or as `org
    add`'s name, which the org commands key their tables by."""

    name = "role"

    def __init__(self, *, contract_names: bool) -> None:
        self.contract_names = contract_names

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return f"[{'|'.join(ROLE_NAMES)}]"

    def convert(self, value: Any, param, ctx) -> str:
        role = contract_role_named(str(value))
        if role is None:
            self.fail(f"{shown_value(str(value))} is not a role: give one of {', '.join(ROLE_NAMES)} "
                      f"({ROLE_HELP})", param, ctx)
        return role if self.contract_names else ORG_ADD_ROLES[role]

    def shell_complete(self, ctx, param, incomplete: str) -> list:
        from click.shell_completion import CompletionItem
        return [CompletionItem(name) for name in ROLE_NAMES if name.startswith(incomplete.lower())]


def between_0_and_1(number: Decimal, places: int = 20) -> str | None:
    """Why ``number`` is not a fraction from 0 to 1 with at most ``places`` decimal places (zeros after its last
    digit not counted), or None. The places bound a number that is short to write but long to hold: 1E-999999999
    is a fraction of a billion digits."""
    if not number.is_finite() or not 0 <= number <= 1:
        return "must be between 0 and 1"
    if number != number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):
        return f"has more than {places} decimal places: give a fraction from 0 to 1 with at most {places}"
    return None


class FractionType(click.ParamType):
    """A decimal fraction option (``--probability 0.3``, a tolerance) as a ``Decimal``, in ASCII digits (``Decimal``
    reads full-width ``０.３`` as 0.3), held to ``problem`` (:func:`between_0_and_1` unless the command has a rule
    of its own); a bad one is a usage error (exit 2) naming the option."""

    name = "fraction"

    def __init__(self, problem: Callable[[Decimal], str | None] = between_0_and_1, example: str = "0.3") -> None:
        self.problem, self.example = problem, example

    def convert(self, value: Any, param, ctx) -> Decimal:
        if isinstance(value, Decimal):
            return value
        text = str(value)
        if (problem := ascii_digits_problem(text, "numbers", self.example)) is not None:
            self.fail(problem, param, ctx)
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.fail(f"{shown_value(text)} is not a number: give a fraction from 0 to 1, e.g. "
                      f"{self.example}", param, ctx)
        if ctx is not None and ctx.resilient_parsing:
            # a shell completing a word, which drops a refusal anyway: a command's rule (the invoice reader's
            # fraction_problem) loads pydantic
            return number
        if (problem := self.problem(number)) is not None:
            self.fail(f"{shown_value(text)} {problem}", param, ctx)
        return number


FRACTION = FractionType()


def timeout_option(help_text: str, default: float = 60.0) -> Callable:
    """``--timeout SECONDS``: how long a command waits for a node, a server or the channel. More than 0, finite and
    at most MAX_TIMEOUT_SECONDS: with nan or inf a deadline check (``clock() >= deadline``) never holds and a node
    that never gets healthy would be waited for forever; 0 or less would time out before the first look."""
    # given as a person writes seconds, so that --help shows "60" (as the ledger commands' --timeout shows its
    # default), not "60.0": the type still gives the command a float
    written = int(default) if float(default).is_integer() else default
    return click.option("--timeout", type=FiniteFloatRange(min=0, min_open=True, max=MAX_TIMEOUT_SECONDS),
                        metavar="SECONDS", default=written, show_default=True, help=help_text)


def endorsing_org_option(default: str) -> Callable:
    """``--endorsing-org MSP`` (repeatable): the orgs whose peers endorse, instead of the ones the SDK names
    (``default``, said in the help); the command passes them on as ``endorsing_organizations``."""
    # a blank one (an unset shell variable) was sent as given, and the Gateway answered that it found no peer of
    # the org "" to endorse; so was one holding a line break, an escape or another character that does not print
    # (a paste from a terminal or a document), which no channel's MSP ID holds
    blank = names_an_identity("an org's MSP ID, e.g. SupplierMSP, or leave --endorsing-org out for the default")

    def checked(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
        for given in blank(ctx, param, value):
            if unprinted := sorted({c for c in given if not shown_as_is(c)}):
                raise click.BadParameter(
                    f"{shown_value(given)} holds a character that does not print "
                    f"({', '.join(repr(c) for c in unprinted)}), which no MSP ID holds: give the org's MSP ID as the "
                    "channel names it, e.g. SupplierMSP")
        return value

    return click.option("--endorsing-org", "endorsing_orgs", multiple=True, metavar="MSP", callback=checked,
                        help=f"An org (MSP ID) whose peer endorses (repeatable), sent as given; include the org an "
                             f"audit looks for [default: {default}].")


def endorsing_organizations(endorsing_orgs: tuple[str, ...]) -> list[str] | None:
    """What ``endorsing_org_option`` gave, as the SDK's ``endorsing_organizations`` takes it: the orgs named, or None
    when none was, so that the SDK chooses them (it chooses only for None: an empty list would skip its choice)."""
    return list(endorsing_orgs) or None


class ReadWhenShown(click.Option):
    """An option whose help, default or variable is a value kept in a module that defining the command has no need
    of (the SDK's, the contract's, the risk model's, which load gRPC, cryptography and pydantic): ``help``,
    ``default`` and ``envvar`` given as functions of no arguments, called when the help is shown or the value is
    wanted and kept as read, so that a group's --help and the completion of a command's name load none of those
    modules. The help shows the default read, where click would show "(dynamic)" for a function."""

    def __init__(self, *args: Any, help: str | Callable[[], str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, help=None if callable(help) else help, **kwargs)
        self._help_when_shown = help if callable(help) else None

    @property
    def default(self) -> Any:
        if callable(self._default):
            self._default = self._default()
        return self._default

    @default.setter
    def default(self, given: Any) -> None:
        self._default = given

    @property
    def envvar(self) -> str | None:
        if callable(self._envvar):
            self._envvar = self._envvar()
        return self._envvar

    @envvar.setter
    def envvar(self, given: str | Callable[[], str] | None) -> None:
        self._envvar = given

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        if self._help_when_shown is not None:
            self.help, self._help_when_shown = self._help_when_shown(), None
        return super().get_help_record(ctx)


class PathType(click.Path):
    """Every path option and argument of `recfin`: ``click.Path``, that refuses an empty value as a usage error
    naming the option, and a blank one (spaces alone) where nothing of that name is. ``Path("")`` is ``.``, so an
    empty value (as an unset shell variable gives) would otherwise write into the current folder (`--out ""` left
    a model or an org's private keys there) or fail later with a message naming no option ("Error: .: Is a
    directory").

    ``reads=True``, for a file the command reads: a FIFO or a device there is refused, naming the option, before
    anything reads it (a FIFO would wait for a writer forever, /dev/zero fill memory), and so is a file larger than
    ``max_bytes`` (None: no bound, for a file read a piece at a time). ``max_bytes`` and ``too_large_advice`` may
    be functions of no arguments, called when a file is checked: the reader that sets them may be a module that
    defining the command has no need to load."""

    def __init__(self, *args: Any, reads: bool = False,
                 max_bytes: int | None | Callable[[], int] = MAX_USER_FILE_BYTES,
                 too_large_advice: str | Callable[[], str] = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reads = reads
        self.max_bytes = max_bytes
        # what to do with a file over max_bytes, said after the limit
        self.too_large_advice = too_large_advice

    def convert(self, value: Any, param, ctx) -> Any:
        what = "a folder" if not self.file_okay else "a file" if not self.dir_okay else "a file or folder"
        if isinstance(value, (str, bytes)) and not value:
            self.fail(f"'' is empty: give the path of {what} (an unset shell variable gives '')", param, ctx)
        if isinstance(value, (str, bytes)):
            # given by the environment, the option the error names is not on the line: the variable is named
            variable = (_environment_value(param, ctx)[0] if ctx is not None and param is not None and
                        ctx.get_parameter_source(param.name) is ParameterSource.ENVIRONMENT else None)
            if (blank := blank_path(os.fsdecode(value), what, variable)) is not None:
                self.fail(blank, param, ctx)
        path = super().convert(value, param, ctx)
        if self.reads:
            self._refuse_unreadable(path, param, ctx)
        return path

    def _refuse_unreadable(self, path: Any, param, ctx) -> None:
        try:
            mode, size = (found := os.stat(path)).st_mode, found.st_size
        except (OSError, ValueError):
            return  # nothing there, or a path no file has: click.Path's exists=, or the reader, says so
        shown = on_one_line(os.fsdecode(path))
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            self.fail(f"{shown} is {not_a_file(special_kind(mode))}", param, ctx)
        max_bytes = self.max_bytes() if callable(self.max_bytes) else self.max_bytes
        if max_bytes is not None and stat.S_ISREG(mode) and size > max_bytes:
            advice = self.too_large_advice() if callable(self.too_large_advice) else self.too_large_advice
            self.fail(f"{shown} is {too_large(max_bytes)}{f' {advice}' if advice else ''}", param, ctx)


class OutputFileType(PathType):
    """A file a command writes whole (a temporary file beside it, put in its place; over a file already there only
    where the command writes over one): writing needs its folder writable, not the file readable, so click.Path's
    "is not readable" is not said of it. Where the command reads a file already there to tell whether it may be
    written over (``checked_before_replacing``), one this user cannot read is refused saying so, and what to do,
    before anything runs."""

    def __init__(self, *args: Any, checked_before_replacing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, dir_okay=False, readable=False, **kwargs)
        self.checked_before_replacing = checked_before_replacing

    def convert(self, value: Any, param, ctx) -> Any:
        path = super().convert(value, param, ctx)
        if self.checked_before_replacing and os.path.isfile(path) and not os.access(path, os.R_OK):
            self.fail(f"cannot write {on_one_line(os.fsdecode(path))}: a file is there that this user cannot read, "
                      "so whether it may be written over cannot be told; nothing was written: give a new file, or "
                      "make that one readable (chmod u+r) or move it away", param, ctx)
        return path


def holiday_calendar_option() -> Callable:
    """``--holiday-calendar FILE`` (or the file ``RECFIN_HOLIDAY_CALENDAR`` names; the option wins) of every command
    that scores a debtor: the years its calendar file adds to the built-in working-day table count from here on. It
    is read as the line is, so a file that cannot be used is a usage error (exit 2) naming it, the year and the
    entry, and, when the variable named it, the variable, before the command reads or connects to anything. The
    value is not passed to the command: the working-day calendar holds it."""
    # read when the line or the help is: most commands never score, and the risk package loads pydantic and numpy
    def variable() -> str:
        from client.risk.working_days import CALENDAR_ENV

        return CALENDAR_ENV

    def help_text() -> str:
        from client.risk.working_days import HOLIDAY_YEARS

        return ("A calendar file (YAML or JSON) with the public holidays and the weekend days worked in exchange of "
                f"the years the built-in working-day calendar ({HOLIDAY_YEARS[0]} to {HOLIDAY_YEARS[-1]}) lacks: a "
                "claim due on a Saturday, Sunday or public holiday is on time paid on the next working day. "
                f"Default: the file {variable()} names.")

    return click.option("--holiday-calendar", cls=ReadWhenShown, type=PathType(dir_okay=False, reads=True),
                        envvar=variable, callback=_use_holiday_calendar, expose_value=False, metavar="FILE",
                        help=help_text)


def _use_holiday_calendar(ctx: click.Context, param: click.Parameter, path: str | None) -> str | None:
    from client.risk.working_days import CalendarFileError, calendar_years, use_calendar_file, \
        use_calendar_from_environment

    try:
        if ctx.get_parameter_source(param.name) is ParameterSource.ENVIRONMENT:
            # read as the variable names it, so that a refusal says where the file came from: the option that
            # the error line names was not on the line
            use_calendar_from_environment()
            calendar_years()
        else:
            use_calendar_file(path)   # None: the built-in table alone
    except CalendarFileError as exc:
        # said on one line, as every error is (the refusal names the path quoted, its line breaks escaped)
        raise click.BadParameter(joined_lines(str(exc))) from None
    return path


def _given_values(value: Any) -> tuple:
    """What the parser read for one parameter, as a tuple of the words given (a repeated or multi-word one is
    a list or tuple of them)."""
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _takes_bytes_as_given(param: click.Parameter) -> bool:
    """A parameter whose words need not be text: a path (a file named in another encoding is a file all the
    same, opened by its bytes), a program's own arguments (`network netns exec`), or a flag (its value is
    the command's own)."""
    return (isinstance(param.type, click.Path) or param.type is click.UNPROCESSED
            or (isinstance(param, click.Option) and (param.is_flag or param.count)))


def _file_form(command: click.Command, param: click.Parameter) -> click.Parameter | None:
    """The option that gives what ``param`` gives from a file instead (`--contract-file` of
    `--contract-hash`), where the command has one."""
    if not isinstance(param, click.Option):
        return None
    named = f"--{param.opts[0].lstrip('-').split('-')[0]}-file"
    return next((other for other in command.params if other is not param and isinstance(other, click.Option)
                 and named in other.opts), None)


def refuse_text_not_utf8(command: click.Command, ctx: click.Context, args: list[str]) -> None:
    """A usage error (exit 2) naming the option or argument whose word on the command line is not UTF-8 text,
    before the command reads any of its input. A word typed in another encoding (Chinese in a GBK terminal on
    a UTF-8 host) reaches Python as lone surrogates, which no ledger, file or protobuf string can carry: sent,
    the contract refused it as invalid JSON, and the SDK's refusal of it named no option. Paths, a program's
    arguments and flags are not text (:func:`_takes_bytes_as_given`). The line is read with the command's
    own parser, as click reads it next, so each word is refused as the parameter it is given for; a line the
    parser refuses, or one asking for --help, is left to click."""
    if ctx.resilient_parsing:
        return
    try:
        given, _, _ = command.make_parser(ctx).parse_args(args=list(args))
    except click.UsageError:
        return   # click's own parse of the line, which follows, says what is wrong with it
    params = {param.name: param for param in command.get_params(ctx)}
    if any(params[name].is_eager for name in given if name in params):
        return   # --help or --version: nothing of the line is read
    for name, value in given.items():
        param = params.get(name)
        if param is None or _takes_bytes_as_given(param):
            continue
        for word in _given_values(value):
            try:
                word.encode("utf-8") if isinstance(word, str) else None
            except UnicodeEncodeError:
                raise click.BadParameter(_not_utf8(command, param, word), ctx=ctx, param=param) from None
    _refuse_environment_not_utf8(command, ctx, [param for param in params.values()
                                                if param.name not in given and not _takes_bytes_as_given(param)])


def _refuse_environment_not_utf8(command: click.Command, ctx: click.Context, params: list) -> None:
    """The same refusal for the value an option not on the line takes from its environment variable
    (RECFIN_NETNS_SUBNET, RECFIN_NETNS_PREFIX), naming the variable: click reads it after the line, and
    a value exported from a GBK shell reached the command as lone surrogates, refused in words that did
    not say where it came from, or not refused at all."""
    for param in params:
        variable, value = _environment_value(param, ctx)
        try:
            value.encode("utf-8") if value is not None else None
        except UnicodeEncodeError:
            raise click.BadParameter(_not_utf8(command, param, value, variable=variable), ctx=ctx,
                                     param=param) from None


def _environment_value(param: click.Parameter, ctx: click.Context) -> tuple[str | None, str | None]:
    """The environment variable ``param`` takes its value from and that value, as click finds it (the first
    of its ``envvar`` names that is set and not empty, then the context's automatic one); (None, None) when
    none is."""
    names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or ())
    if (isinstance(param, click.Option) and param.allow_from_autoenv and ctx.auto_envvar_prefix is not None
            and param.name):
        names.append(f"{ctx.auto_envvar_prefix}_{param.name.upper()}")
    for name in names:
        if os.environ.get(name):
            return name, os.environ[name]
    return None, None


def _not_utf8(command: click.Command, param: click.Parameter, word: str, *, variable: str | None = None) -> str:
    """The refusal of ``word``, its bytes that are not UTF-8 shown as \\xNN escapes; given by the environment
    ``variable`` when named."""
    as_bytes = word.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    cut = as_bytes if len(as_bytes) <= 60 else as_bytes[:57] + "..."
    shown = f"'{cut}'" if on_one_line(cut) == cut else on_one_line(cut)
    file_form = _file_form(command, param)
    instead = f", or give {file_form.opts[0]} instead" if file_form is not None else ""
    again = "type it again"
    if variable is not None:
        shown, again = f"{variable}={shown}", f"export {variable} again (or unset it)"
        instead = f", or give {param.opts[0]} instead" if param.opts else ""
    return (f"{shown} is not UTF-8 text: it holds bytes of another encoding, as a terminal set to GBK or "
            f"another legacy encoding sends; nothing was sent: set the terminal to UTF-8 (and LANG, e.g. "
            f"LANG=zh_CN.UTF-8) and {again}{instead}")


def names_a_pin_variable(_ctx: click.Context, _param: click.Parameter, pin_env: str) -> str:
    """--pin-env, refused as the option, before a module is loaded or a PIN asked for, and without being shown when
    it is not a variable's name: the value may be the PIN itself."""
    # imported here: the client.gateway package loads gRPC, which commands that take no --pin-env need not wait for
    from client.gateway.hsm_msp import pin_env_problem

    if problem := pin_env_problem(pin_env):
        raise click.BadParameter(problem, param_hint="'--pin-env'")
    return pin_env
