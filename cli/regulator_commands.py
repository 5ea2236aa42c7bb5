"""`recfin regulator ...`: what the regulator does on the ledger: freeze and unfreeze claims under an order,
read the statistics, list claims by status.

The regulator reads everything and changes nothing but freeze state (docs/receivables.md).
Every command acts as the regulator org by default (``--as regulator[/USER]``).
``recfin receivable freeze|unfreeze|stats`` are aliases of these commands.
"""
from __future__ import annotations

import base64
import functools
import inspect
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import click

from chaincode.receivables.limits import STATUSES
from client.money import percent
from network.errors import shell_word

from .amounts import with_money
from .connection import acting, with_options
from .options import WholeNumberRange, names_a_record, names_an_order
from .output import as_typed, as_typed_cut_short, emit, inline, quoted_cut_short, show

COLUMNS = ["id", "status", "holder", "debtor", "face_amount", "outstanding", "due_date", "frozen"]
LIST_COLUMNS = ["id", "status", "holder", "debtor", "face_amount", "outstanding", "due_date", "financing_id",
                "frozen"]
"""A listing of claims: ``frozen`` shows the reference of the order that freezes a claim and "+N" for the orders
queued behind it, "-" for one not frozen."""
EXPOSURE_COLUMNS = ["debtor", "currency", "receivables", "exposure", "financed", "overdue", "financed_share"]

LEDGER_EXIT_CODES = (
    "Amounts are yuan in tables (CNY 12,345.67) and integer fen with --json. Exit codes: 0 done; "
    "1 refused, by the contract (the line names its RULE) or by the command before sending (the line "
    "says why), the ledger not reached, or an answer lost after the call was sent (the line says "
    "whether it may have committed and how to find out); 2 a usage error, nothing written; "
    "130 stopped by Ctrl-C (143 SIGTERM, 129 SIGHUP).")
"""What the ledger commands of `recfin party|receivable|finance|discount|request|regulator` print
amounts in, and how they exit (docs/sdk-receivables.md, "CLI"): said once, in each group's --help
(:func:`ledger_exit_codes`)."""


def ledger_exit_codes(more: str = "") -> Callable:
    """Put :data:`LEDGER_EXIT_CODES` (and ``more``: how the group's other commands exit) in a group's
    --help, before its example. Applied under ``click.group``, which reads the docstring it leaves."""
    def decorate(fn: Callable) -> Callable:
        description, example, rest = inspect.cleandoc(fn.__doc__).partition("\n\b\nExample:")
        fn.__doc__ = f"{description.rstrip()}\n\n{LEDGER_EXIT_CODES}{more}\n{example}{rest}"
        return fn
    return decorate


def checked_before_connecting(check: Callable[..., None]) -> Callable:
    """Run ``check`` on a ledger command's parameters (all of them, by name) before ``acting`` opens its
    session: options that cannot go together, which the command tells from its input alone, are then a usage
    error (exit 2) with the network down too, not the error of a connection that was never needed. Put it
    above ``@acting`` (or ``@prints_document``), as the command's outermost own decorator."""
    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def checked(*args: Any, **kwargs: Any) -> Any:
            check(**kwargs)
            return command(*args, **kwargs)
        return checked
    return decorate


@click.group()
@ledger_exit_codes()
def regulator() -> None:
    """The regulator (监管机构): freeze and unfreeze claims under an order, statistics, claims by status.

    \b
    Example:
      recfin regulator statistics --as regulator/inspector1
      recfin regulator freeze R-0123456789abcdef.2 --order "(2026) Hu 0101 Bao 123" --as regulator/inspector1
    """


@regulator.command("freeze")
@click.argument("receivable_id", callback=names_a_record)
@click.option("--order", "order_reference", required=True, callback=names_an_order,
              help="The freeze order's reference (one line, up to 200 characters).")
@acting("regulator")
def freeze(session, as_json, receivable_id, order_reference) -> None:
    """Freeze RECEIVABLE_ID under an order: every change to it is refused until unfrozen.

    On a claim another order froze already, the order is queued behind it (轮候冻结) and takes
    effect when the orders before it are lifted; the same order again is refused (already-frozen).
    A payment over a split tree that holds it is refused too. Only a claim that is not split
    (registered, confirmed, financed or overdue) can be frozen: a split one is refused
    (invalid-state) naming its parts that can be frozen, so freeze those the order names.

    \b
    Example:
      recfin regulator freeze R-0123456789abcdef.2 --order "(2026) Hu 0101 Bao 123" --as regulator/inspector1
    """
    show_freeze_orders(session.client.freeze(receivable_id, order_reference), as_json)


def _refuse_a_blank_lifts(lifts: str | None, **_: Any) -> None:
    if lifts is not None and not lifts.strip():
        # an empty variable, say: taken as the order in effect, it would lift the order with priority
        raise click.UsageError("--lifts is blank: name the freeze order lifted, or leave --lifts out to lift "
                               "the order in effect")


@regulator.command("unfreeze")
@click.argument("receivable_id", callback=names_a_record)
@click.option("--order", "order_reference", required=True, callback=names_an_order,
              help="The order lifting the freeze (one line, up to 200 characters).")
@click.option("--lifts", "lifts", default=None, metavar="FREEZE_ORDER", callback=names_an_order,
              help="The freeze order lifted, in effect or queued (default: the one in effect).")
@checked_before_connecting(_refuse_a_blank_lifts)
@acting("regulator")
def unfreeze(session, as_json, receivable_id, order_reference, lifts) -> None:
    """Lift a freeze order of RECEIVABLE_ID: the one in effect, or the one --lifts names. The
    claim keeps this order and the one it lifted (`last_unfreeze` in `receivable get --json`),
    which a line under the table names ("lifted: freeze order ..., by order ...");
    `receivable history` shows each freeze order and lifting order.

    A claim another order froze already holds the later order queued (轮候冻结): lifting the
    order in effect puts the first queued one in effect, and the claim stays frozen until
    the last order is lifted. A --lifts that binds no order of the claim is refused
    (freeze-order-not-found) naming those that do; a blank --lifts is refused before
    anything is sent. Without --lifts, an --order that made the claim's last lifting is
    refused while another order binds the claim (exit 1, nothing sent): run again, as after
    a lost answer, it would lift that order too; name it with --lifts if the order lifts it
    as well.

    An order is lifted only by a regulator of the org that recorded it (any of that org's),
    not by another regulator org (not-the-ordering-regulator); once the configuration no longer
    lets that org be a regulator, or its party is not registered, any regulator lifts it.

    \b
    Example:
      recfin regulator unfreeze R-0123456789abcdef.2 --order "(2026) Hu 0101 Jie 7" --as regulator
      recfin regulator unfreeze R-0123456789abcdef.2 --order "(2026) Hu 0101 Jie 8" \\
          --lifts "(2026) Hu 0102 Bao 9" --as regulator
    """
    if lifts is None:
        _refuse_a_lifting_sent_again(session, receivable_id, order_reference)
    show_freeze_orders(session.client.unfreeze(receivable_id, order_reference, lifts=lifts), as_json, lifting=True)


def _refuse_a_lifting_sent_again(session, receivable_id: str, order_reference: str) -> None:
    """Refuse (exit 1, nothing sent) an unfreeze without --lifts citing the order that made the claim's
    last lifting: sent again (a retry after a lost answer, a command run twice), "the order in effect" is
    by then the order queued behind the one it lifted, which it would lift too, freeing a claim another
    order still binds. The contract takes it, as a lifting order may lift several freeze orders; naming
    the order with --lifts says that is meant. The orders are compared as the contract compares them
    (``order_key``). A claim the caller may not read, or one no order binds now, is left to the
    contract."""
    from chaincode.receivables.model import order_key
    from client.receivables import unless_refused_the_read

    claim = unless_refused_the_read(lambda: session.client.get_receivable(receivable_id))
    last = claim.last_unfreeze if claim is not None else None
    # the contract's comparison of order references (full-width, spaces, case): a retry typed otherwise is one
    if last is None or order_key(last.order_reference) != order_key(order_reference) or claim.frozen is None:
        return
    in_effect = claim.frozen.order_reference
    lifts_option = f"--lifts {shell_word(in_effect)}"   # as a shell takes it
    raise click.ClickException(
        f"not sent: order {as_typed(order_reference)} already lifted freeze order {as_typed(last.lifted)} of "
        f"{claim.id} (transaction {last.tx_id}, {last.date}), and sent again it would lift the order in "
        f"effect now, {as_typed(in_effect)}, too. If it lifts that order as well, name it: {lifts_option}; "
        f"`recfin receivable history {claim.id}` shows each order and its lifting")


def show_freeze_orders(claim, as_json: bool, columns: list[str] = COLUMNS, *, lifting: bool = False) -> None:
    """The claim a freeze, an unfreeze or `receivable get` answered, its FROZEN column the order in effect, and
    under the table "+N" and every order queued behind it, which the table leaves out (--json has them as
    "queued_freezes"): one lifting does not free a claim orders are queued on.

    ``lifting`` (an unfreeze's answer): first a line naming the freeze order lifted and the order that lifted it
    (``last_unfreeze``; --json has it so): without --lifts the contract chose the order, and the table shows only
    what binds the claim after."""
    show(claim, as_json, columns)
    if not as_json and lifting and claim.last_unfreeze is not None:
        click.echo(f"lifted: freeze order {inline(claim.last_unfreeze.lifted)}, "
                   f"by order {inline(claim.last_unfreeze.order_reference)}")
    if not as_json and claim.queued_freezes:
        click.echo(f"+{len(claim.queued_freezes)} queued behind it: "
                   + ", ".join(inline(o.order_reference) for o in claim.queued_freezes))


def statistics_rows(stats) -> list[dict]:
    """A row per debtor and currency, then a TOTAL row per currency, amounts as money in their own currency
    (amounts of two currencies are never added): the table of `regulator statistics` (also the demo's ending)."""
    rows = [{"debtor": d, "currency": c, **e.to_json()} for d, by_currency in stats.per_debtor.items()
            for c, e in by_currency.items()]
    rows += [{"debtor": "TOTAL", "currency": c, **e.to_json()} for c, e in stats.total.items()]
    # the share is a ratio (the contract's "0.7860"): shown as a percentage, as the demo's steps show it
    return [with_money({**r, "financed_share": percent(Decimal(r["financed_share"]), 2)}) for r in rows]


@regulator.command("statistics")
@acting("regulator")
def statistics(session, as_json) -> None:
    """Exposure, financed share and overdue amounts per debtor and currency, totals per currency, claims per status.

    A claim the peer cannot read (a newer contract version's, or one no version wrote) is in no figure: a
    warning line after the table names it, and --json lists the keys in newer_version and unreadable.

    \b
    Example:
      recfin regulator statistics --as regulator/inspector1
      recfin regulator statistics --json
    """
    s = session.client.statistics()
    if as_json:
        emit(s.to_json(), as_json=True)
        return
    emit(statistics_rows(s), as_json=False, columns=EXPOSURE_COLUMNS)
    click.echo("by status: " + (", ".join(f"{k} {v}" for k, v in s.count_by_status.items() if v) or "none"))
    note_passed_over(s.unreadable, s.newer_version, "in no figure above")


def note_passed_over(unreadable: list[str], newer_version: list[str], where: str, *, err: bool = False) -> None:
    """A warning line naming the records an answer passed over (``unreadable``: written outside the contract, or
    unreadable to the peer; ``newer_version``: a newer contract version's), none of which ``where`` counts; nothing
    for a whole answer. Without it a table, or a sum of its rows, reads as whole where it is not. ``err``: on
    stderr, beside --json on stdout."""
    if not (unreadable or newer_version):
        return
    told = []
    if newer_version:
        told.append(f"{len(newer_version)} a newer contract version wrote ({_first_keys(newer_version)}): the peer "
                    "runs an older version than the channel's, so install the channel's version there (`recfin "
                    "chaincode config --committed` names it) or ask another peer")
    if unreadable:
        told.append(f"{len(unreadable)} no contract version wrote ({_first_keys(unreadable)}): report the keys to "
                    "the network's operators, whose peers' history of each names the transaction that wrote it")
    count = len(unreadable) + len(newer_version)
    # No "the peer cannot read it" here: a forged record the peer reads well (an attestation dated after its
    # attester's latest, a part no split wrote) is passed over too, and each reason below says why.
    click.echo(f"warning: {count} {'record' if count == 1 else 'records'} passed over, {where}: "
               f"{'; '.join(told)}; --json lists the keys (newer_version, unreadable)", err=err)


def _first_keys(ledger_keys: list[str]) -> str:
    """The first five of ``ledger_keys`` as type and id, and how many more: a warning line stays one line."""
    from client.receivables.ledger_keys import split_key

    shown = [" ".join([parts[0], *parts[1]]) if (parts := split_key(k)) else k for k in ledger_keys[:5]]
    more = len(ledger_keys) - 5
    return as_typed(", ".join(shown)) + (f" and {more} more" if more > 0 else "")


def bookmark_token(bookmark: str) -> str:
    """A page bookmark as a shell can carry it: base64url (RFC 4648, section 5) of its UTF-8, without padding.

    The contract's bookmarks are composite keys, which hold NUL bytes that no command-line argument can carry;
    ``""`` (no next page) stays ``""``.
    """
    return base64.urlsafe_b64encode(bookmark.encode("utf-8")).rstrip(b"=").decode("ascii")


_TOKEN = re.compile(r"[A-Za-z0-9_-]*")


class BookmarkTokenType(click.ParamType):
    """``--bookmark``: the token a page printed (:func:`bookmark_token`), read back into the contract's bookmark;
    anything else is a usage error naming the option and ``printed_after``, where the command prints its tokens."""

    name = "TOKEN"

    def __init__(self, printed_after: str = "'next page: --bookmark' (or the page's bookmark_token with --json)"):
        self.printed_after = printed_after

    def convert(self, value: Any, param, ctx) -> str:
        text = str(value)
        try:
            if not _TOKEN.fullmatch(text):
                raise ValueError("not base64url")
            return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")
        except ValueError:   # binascii.Error and UnicodeDecodeError are ValueErrors
            # named as a token that decodes but names no page is (emit_listing): whole at the length a page prints,
            # so that the character mistyped in it can be found
            self.fail(f"{quoted_cut_short(text)} is not a bookmark token: pass the token printed after "
                      f"{self.printed_after}, or leave --bookmark out for the first page", param, ctx)


def emit_listing(session, as_json: bool, by: str, value: str, page_size: int, bookmark: str, all_pages: bool,
                 columns: list[str], *, debtor: str | None = None) -> None:
    """One page (with the next page's bookmark token) or, with ``all_pages``, every record of a listing of
    receivables from that page on; ``debtor`` narrows a listing by financier to that debtor's claims."""
    client = session.client
    lister = {"holder": client.list_by_holder, "debtor": client.list_by_debtor, "status": client.list_by_status,
              "financier": functools.partial(client.list_by_financier, debtor=debtor)}[by]
    emit_pages(functools.partial(lister, value), as_json, page_size, bookmark, all_pages, columns,
               row=listed_receivable)


def listed_receivable(record: dict) -> dict:
    """A claim's row in a table: amounts as money, and ``frozen`` as the reference of the order that freezes it,
    with "+N" for the N orders queued behind it (None, shown "-", when none does): the whole orders (by, date,
    tx_id) are `receivable get`'s and --json's."""
    frozen, queued = record.get("frozen"), len(record.get("queued_freezes") or ())
    shown = f"{frozen['order_reference']} +{queued}" if frozen and queued else frozen and frozen["order_reference"]
    return with_money({**record, "frozen": shown or None})


def emit_pages(list_page: Callable[..., Any], as_json: bool, page_size: int, bookmark: str, all_pages: bool,
               columns: list[str], *, row: Callable[[dict], dict] = with_money) -> None:
    """One page of a listing (with the next page's bookmark token) or, with ``all_pages``, every record from that
    page on. ``list_page(page_size=, bookmark=)`` asks for a page; ``row`` turns a record's JSON into its table
    row (amounts as money, by default).

    ``bookmark`` is the contract's (decoded from ``--bookmark``; ``""``: the first page). A page's --json keeps
    the contract's ``bookmark`` and adds ``bookmark_token``, the same as ``--bookmark`` takes it. The records a
    page passed over as the peer cannot read them (``unreadable``, ``newer_version``) are in its --json, and
    said by a warning line after the table (``note_passed_over``); with ``all_pages``, after the table, or on
    stderr beside --json's list of records.
    """
    list_page = _given_bookmark_named(list_page, bookmark)
    if all_pages:
        unreadable: list[str] = []
        newer_version: list[str] = []
        plain = [r.to_json() for r in _pages_from(list_page, page_size, bookmark, unreadable, newer_version)]
        emit(plain if as_json else [row(r) for r in plain], as_json=as_json, columns=columns)
        note_passed_over(unreadable, newer_version, "in no row of the list", err=as_json)
        return
    page = list_page(page_size=page_size, bookmark=bookmark)
    if as_json:
        emit({**page.to_json(), "bookmark_token": bookmark_token(page.bookmark)}, as_json=True)
        return
    emit([row(r.to_json()) for r in page.records], as_json=False, columns=columns)
    note_passed_over(page.unreadable, page.newer_version, "in no row of this page")
    if page.bookmark:
        click.echo(f"next page: --bookmark {bookmark_token(page.bookmark)}")


def _given_bookmark_named(list_page: Callable[..., Any], given: str) -> Callable[..., Any]:
    """``list_page``, its refusal of the ``--bookmark`` page (``bookmark-invalid``: a token another listing printed)
    said with the option and the token as given. The contract's own words name the decoded key, NUL bytes and all,
    and advise sending "" for the first page, which is leaving the option out here."""
    from client.receivables import RefusedBeforeSending, RuleViolation

    def asked(*, page_size: int, bookmark: str) -> Any:
        try:
            return list_page(page_size=page_size, bookmark=bookmark)
        except (RuleViolation, RefusedBeforeSending) as refused:
            if refused.rule != "bookmark-invalid" or not given or bookmark != given:
                raise
            said = (f"--bookmark {as_typed_cut_short(bookmark_token(given))} names no page of this list (a token "
                    "another listing printed?): pass the token this listing printed after 'next page:', or leave "
                    "--bookmark out for the first page")
            if isinstance(refused, RefusedBeforeSending):   # the SDK's own check of it: nothing was sent
                raise RefusedBeforeSending(refused.transaction, refused.rule, said) from None
            raise RuleViolation(refused.rule, said, transaction=refused.transaction,
                                gateway_error=refused.gateway_error) from refused.gateway_error
    return asked


def _pages_from(list_page: Callable[..., Any], page_size: int, bookmark: str, unreadable: list[str] | None = None,
                newer_version: list[str] | None = None) -> Iterator[Any]:
    """The records of the page at ``bookmark`` and of every page after it; the keys each page passed over added
    to ``unreadable`` and ``newer_version``, where given (the SDK's walks, which start from the first page, yield
    the records alone)."""
    from client.receivables import next_bookmark

    sent = {bookmark}
    while True:
        page = list_page(page_size=page_size, bookmark=bookmark)
        yield from page.records
        for found, named in ((unreadable, page.unreadable), (newer_version, page.newer_version)):
            if found is not None:
                found.extend(k for k in named if k not in found)
        if not (bookmark := next_bookmark(page, sent)):
            return


page_options = [
    click.option("--page-size", type=WholeNumberRange(1, 100), default=20, show_default=True,
                 help="Records per page (1 to 100)."),
    click.option("--bookmark", type=BookmarkTokenType(), default="",
                 help="The token printed after 'next page:' with the previous page (bookmark_token in its --json)."),
    click.option("--all", "all_pages", is_flag=True,
                 help="Follow bookmarks to the last page (from the --bookmark page, if given)."),
]


class StatusChoice(click.Choice):
    """A claim's status as `regulator list STATUS` and `receivable list --status` take it: the ledger's upper-case
    name, typed in any case (the value passed on is the ledger's). Its refusal names the statuses as the ledger
    writes them, where click's own would print them folded to lower case. The statuses are the contract's, from
    the module that holds them apart from its models (which load pydantic and cryptography)."""

    def __init__(self) -> None:
        super().__init__(STATUSES, case_sensitive=False)

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        # FROZEN is what a regulator after its frozen claims types: a freeze leaves the status as it was
        frozen = (": a frozen claim keeps its status, and a listing of that status shows the order in its FROZEN "
                  "column" if str(value).strip().upper() == "FROZEN" else "")
        # a long value cut short as every choice's refusal cuts it (options.ChoiceCutShort)
        return (f"{quoted_cut_short(str(value))} is not a claim status{frozen}: give one of {', '.join(self.choices)} "
                "(in any case)")

    def get_missing_message(self, param: click.Parameter, ctx: click.Context | None) -> str:
        # on the error's one line, as the ledger writes them: click's own lists them a line each, folded to lower case
        return f"Give one of {', '.join(self.choices)} (in any case)."


STATUS = StatusChoice()     # give it metavar="STATUS": its usage line stays one word


def with_page_options(fn):
    return with_options(fn, page_options)


@regulator.command("list")
@click.argument("status", type=STATUS, metavar="STATUS")
@with_page_options
@acting("regulator")
def list_by_status(session, as_json, status, page_size, bookmark, all_pages) -> None:
    """Claims in STATUS, a page at a time (or --all).

    STATUS is one of REGISTERED, CONFIRMED, REJECTED, WITHDRAWN, SPLIT, FINANCED, OVERDUE, SETTLED, in any case.
    The FROZEN column shows the reference of the order that freezes a claim, and "+N" for the N
    orders queued behind it ("-": not frozen); --json gives the whole order (order_reference, by,
    date, tx_id) as "frozen", the queued ones as "queued_freezes".

    \b
    Example:
      recfin regulator list FINANCED --all
      recfin regulator list OVERDUE --page-size 50 --json
      recfin regulator list OVERDUE --page-size 50 \
--bookmark AHJlY2Zpbi5ieS1zdGF0dXMAT1ZFUkRVRQBSLTAxMjM0NTY3ODlhYmNkZWYA
    """
    emit_listing(session, as_json, "status", status, page_size, bookmark, all_pages, LIST_COLUMNS)


COMMANDS = [regulator]

__all__ = ["regulator", "freeze", "unfreeze", "statistics", "list_by_status", "emit_listing", "emit_pages",
           "note_passed_over", "statistics_rows", "bookmark_token", "listed_receivable", "BookmarkTokenType", "STATUS",
           "COMMANDS", "checked_before_connecting"]
