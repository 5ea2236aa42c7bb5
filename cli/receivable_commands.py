"""`recfin party|receivable|financing|discount ...`: the receivables contract's business operations.

Thin: parse options, call ``client.receivables`` through ``cli.connection``, render
with ``cli.output``. Every command takes ``--org`` (a default fitting who usually
acts: the supplier registers, the core enterprise confirms, the bank offers...),
``--user`` (default: the org's first client user in its connection profile, or
its admin for party commands), ``--data-root`` and ``--json``.

Amounts are integer fen; with ``--yuan`` they are yuan (exact to the fen).
"""
from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from client.receivables import (
    STATUSES,
    DiscountOfferRequest,
    FinancingTerms,
    InvoiceInput,
    ReceivableRegistration,
    to_fen,
    to_yuan,
)

from . import connection
from .output import emit

RECEIVABLE_COLUMNS = ["id", "status", "holder", "debtor", "face_amount", "outstanding", "due_date", "financing_id"]
FINANCING_COLUMNS = ["id", "receivable_id", "status", "holder", "financier", "accepted_offer_id", "notice_id"]


# ------------------------------------------------------------------ shared options and helpers

def acting(default_org: str, *, admin: bool = False):
    """--org/--user/--data-root/--json, opening a session passed to the command as ``session``."""
    def decorate(fn):
        def wrapper(org: str, user: str | None, data_root: Path | None, as_json: bool, **kwargs):
            with connection.open_session(org, user, data_root, admin=admin) as session:
                return fn(session=session, as_json=as_json, **kwargs)
        wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
        wrapper = connection.reports_ledger_errors(wrapper)
        for option in reversed([
            click.option("--org", default=default_org, show_default=True, help="Org name or MSP ID of the caller."),
            click.option("--user", help=f"User of the org (default: its {'admin' if admin else 'first client user'})."),
            click.option("--data-root", type=click.Path(file_okay=False, path_type=Path),
                         help="Network data folder holding profiles/ (default: the topology's)."),
            click.option("--json", "as_json", is_flag=True, help="Print the contract's JSON document."),
        ]):
            wrapper = option(wrapper)
        return wrapper
    return decorate


def parse_amount(text: str, yuan: bool) -> int:
    """Fen from the command line: digits (fen), or with --yuan a decimal exact to the fen."""
    if yuan:
        try:
            return to_fen(Decimal(text))
        except (InvalidOperation, ValueError) as exc:
            raise click.BadParameter(f"{text!r}: give yuan with at most two decimals ({exc})") from None
    if not text.isdigit():
        raise click.BadParameter(f"{text!r}: give integer fen (or pass --yuan for yuan)")
    return int(text)


yuan_flag = click.option("--yuan", is_flag=True, help="Amounts are yuan (e.g. 1234.56), not fen.")


def show(doc: Any, as_json: bool, columns: list[str]) -> None:
    data = doc.to_json()
    emit(data, as_json=as_json, columns=None if as_json else columns)
    if not as_json and getattr(doc, "last", None) is not None:
        click.echo(f"tx: {doc.last.tx_id}")


def show_money(fen: int) -> str:
    return f"{to_yuan(fen)} yuan"


# ------------------------------------------------------------------ parties

@click.group()
def party() -> None:
    """Enterprises on the ledger and the identities that act for them (org admins)."""


@party.command("register")
@click.option("--uscc", required=True, help="Unified social credit code of the enterprise.")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["core_enterprise", "supplier", "financier", "regulator"]))
@click.option("--client", "clients", multiple=True,
              help="A user of this org who acts for the party (repeatable); its certificate's id is bound.")
@click.option("--client-id", "client_ids", multiple=True, help="A client identity id x509::<subject>::<issuer> (repeatable).")
@acting("supplier", admin=True)
def register_party(session, as_json, uscc, name, role, clients, client_ids) -> None:
    """An org admin registers an enterprise of its org."""
    ids = [connection.client_id_of(session.profile.user(u).cert) for u in clients] + list(client_ids)
    if not ids:
        raise click.UsageError("name at least one --client USER or --client-id ID")
    p = session.client.register_party(uscc, name, role, session.profile.msp_id, ids)
    show(p, as_json, ["uscc", "name", "role", "msp_id", "client_ids"])


@party.command("bind")
@click.argument("uscc")
@click.option("--client", "client_user", help="A user of this org to bind.")
@click.option("--client-id", help="A client identity id to bind.")
@acting("supplier", admin=True)
def bind_party(session, as_json, uscc, client_user, client_id) -> None:
    """An org admin lets one more identity act for party USCC."""
    if (client_user is None) == (client_id is None):
        raise click.UsageError("give exactly one of --client USER or --client-id ID")
    ident = client_id or connection.client_id_of(session.profile.user(client_user).cert)
    show(session.client.bind_party_identity(uscc, ident), as_json, ["uscc", "name", "client_ids"])


@party.command("get")
@click.argument("uscc")
@acting("supplier")
def get_party(session, as_json, uscc) -> None:
    """A party by credit code."""
    show(session.client.get_party(uscc), as_json, ["uscc", "name", "role", "msp_id", "client_ids"])


@party.command("whoami")
@acting("supplier")
def whoami(session, as_json) -> None:
    """The party the calling user acts for."""
    show(session.client.who_am_i(), as_json, ["uscc", "name", "role", "msp_id"])


# ------------------------------------------------------------------ receivables

@click.group()
def receivable() -> None:
    """Register, confirm, transfer, pay and look up receivables (应收账款)."""


@receivable.command("register")
@click.option("--debtor", required=True, help="Credit code of the core enterprise that owes.")
@click.option("--face", required=True, help="Face amount (fen, or yuan with --yuan).")
@click.option("--issue", "issue_date", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--due", "due_date", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--invoice", "invoices", multiple=True, required=True, metavar="NUMBER,DATE,AMOUNT,TAX[,CODE]",
              help="An invoice from you to the debtor: number, date, amount excluding tax, tax, and the "
                   "invoice code of an older 8-digit-number invoice (repeatable).")
@click.option("--contract-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The trade contract; its SHA-256 is recorded.")
@click.option("--contract-hash", help="SHA-256 hex of the trade contract.")
@click.option("--currency", default="CNY", show_default=True)
@yuan_flag
@acting("supplier")
def register_receivable(session, as_json, debtor, face, issue_date, due_date, invoices, contract_file, contract_hash,
                        currency, yuan) -> None:
    """The holder registers a receivable backed by invoices; you become creditor and holder."""
    if (contract_file is None) == (contract_hash is None):
        raise click.UsageError("give exactly one of --contract-file or --contract-hash")
    digest = contract_hash or hashlib.sha256(contract_file.read_bytes()).hexdigest()
    me = session.client.who_am_i().uscc
    parsed = []
    for text in invoices:
        parts = [p.strip() for p in text.split(",")]
        if len(parts) not in (4, 5):
            raise click.BadParameter(f"{text!r}: write NUMBER,DATE,AMOUNT,TAX[,CODE]", param_hint="--invoice")
        number, day, amount, tax, code = (parts + [""])[:5]
        parsed.append(InvoiceInput(number=number, code=code, date=date.fromisoformat(day),
                                   amount=parse_amount(amount, yuan),
                                   tax=parse_amount(tax, yuan), seller_tax_id=me, buyer_tax_id=debtor))
    registration = ReceivableRegistration(debtor=debtor, face_amount=parse_amount(face, yuan), currency=currency,
                                          issue_date=issue_date.date(), due_date=due_date.date(), invoices=parsed,
                                          contract_hash=digest)
    show(session.client.register_receivable(registration), as_json, RECEIVABLE_COLUMNS)


@receivable.command("confirm")
@click.argument("receivable_id")
@acting("coreenterprise")
def confirm(session, as_json, receivable_id) -> None:
    """The debtor confirms (确权) RECEIVABLE_ID."""
    show(session.client.confirm(receivable_id), as_json, RECEIVABLE_COLUMNS + ["confirmed_on"])


@receivable.command("reject")
@click.argument("receivable_id")
@click.option("--reason", required=True)
@acting("coreenterprise")
def reject(session, as_json, receivable_id, reason) -> None:
    """The debtor rejects RECEIVABLE_ID; its invoices are released."""
    show(session.client.reject(receivable_id, reason), as_json, RECEIVABLE_COLUMNS + ["rejection_reason"])


@receivable.command("transfer")
@click.argument("receivable_id")
@click.option("--to", "recipient", required=True, help="Credit code of the supplier receiving it.")
@click.option("--amount", required=True, help="How much to pass on; less than outstanding splits the claim.")
@yuan_flag
@acting("supplier")
def transfer(session, as_json, receivable_id, recipient, amount, yuan) -> None:
    """The holder transfers all or part (a split) of RECEIVABLE_ID."""
    result = session.client.transfer(receivable_id, recipient, parse_amount(amount, yuan))
    show(result, as_json, RECEIVABLE_COLUMNS + ["children"])


@receivable.command("pay")
@click.argument("receivable_id")
@click.option("--amount", required=True)
@yuan_flag
@acting("coreenterprise")
def pay(session, as_json, receivable_id, amount, yuan) -> None:
    """The debtor records a payment on RECEIVABLE_ID (pro rata over a split claim's leaves)."""
    result = session.client.record_payment(receivable_id, parse_amount(amount, yuan))
    show(result, as_json, RECEIVABLE_COLUMNS)
    if not as_json:
        emit([a.to_json() for a in result.allocations], as_json=False,
             columns=["receivable_id", "amount", "payee", "outstanding"])


@receivable.command("overdue")
@click.argument("receivable_id")
@acting("supplier")
def overdue(session, as_json, receivable_id) -> None:
    """Record that RECEIVABLE_ID is unpaid past its due date."""
    show(session.client.record_overdue(receivable_id), as_json, RECEIVABLE_COLUMNS + ["overdue_since"])


@receivable.command("freeze")
@click.argument("receivable_id")
@click.option("--order", "order_reference", required=True, help="The freeze order's reference.")
@acting("regulator")
def freeze(session, as_json, receivable_id, order_reference) -> None:
    """The regulator freezes RECEIVABLE_ID under an order."""
    show(session.client.freeze(receivable_id, order_reference), as_json, RECEIVABLE_COLUMNS + ["frozen"])


@receivable.command("unfreeze")
@click.argument("receivable_id")
@click.option("--order", "order_reference", required=True, help="The order lifting the freeze.")
@acting("regulator")
def unfreeze(session, as_json, receivable_id, order_reference) -> None:
    """The regulator lifts the freeze on RECEIVABLE_ID."""
    show(session.client.unfreeze(receivable_id, order_reference), as_json, RECEIVABLE_COLUMNS + ["frozen"])


@receivable.command("get")
@click.argument("receivable_id")
@acting("supplier")
def get_receivable(session, as_json, receivable_id) -> None:
    """One receivable."""
    show(session.client.get_receivable(receivable_id), as_json,
         RECEIVABLE_COLUMNS + ["creditor", "parent_id", "children", "notice_id", "financier", "frozen"])


@receivable.command("history")
@click.argument("receivable_id")
@acting("supplier")
def history(session, as_json, receivable_id) -> None:
    """Every change of RECEIVABLE_ID, oldest first."""
    rows = [h.to_json() for h in session.client.history(receivable_id)]
    emit(rows, as_json=as_json, columns=["timestamp", "action", "by", "status", "holder", "outstanding", "tx_id"])


@receivable.command("provenance")
@click.argument("receivable_id")
@acting("supplier")
def provenance(session, as_json, receivable_id) -> None:
    """Ancestors and the tree of splits of RECEIVABLE_ID."""
    p = session.client.provenance(receivable_id)
    if as_json:
        emit(p.to_json(), as_json=True)
        return
    for a in reversed(p.ancestors):
        click.echo(f"^ {a.id}  {a.status}  {a.holder}  {show_money(a.face_amount)}")

    def walk(node, depth):
        click.echo(f"{'  ' * depth}- {node.id}  {node.status}  {node.holder}  outstanding {show_money(node.outstanding)}")
        for child in node.children:
            walk(child, depth + 1)
    walk(p.tree, 0)


@receivable.command("find-invoice")
@click.argument("fingerprint")
@acting("supplier")
def find_invoice(session, as_json, fingerprint) -> None:
    """Whether the invoice with FINGERPRINT already backs a receivable (anti double-financing registry)."""
    emit(session.client.find_invoice(fingerprint).to_json(), as_json=as_json)


@receivable.command("list")
@click.option("--holder", help="Credit code of the holder.")
@click.option("--debtor", help="Credit code of the debtor.")
@click.option("--status", type=click.Choice(STATUSES), help="A status (the regulator).")
@click.option("--page-size", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option("--bookmark", default="", help="The bookmark printed with the previous page.")
@click.option("--all", "all_pages", is_flag=True, help="Follow bookmarks to the last page.")
@acting("supplier")
def list_receivables(session, as_json, holder, debtor, status, page_size, bookmark, all_pages) -> None:
    """A page of receivables by holder, debtor or status (default: the caller's holdings)."""
    given = [(k, v) for k, v in (("holder", holder), ("debtor", debtor), ("status", status)) if v]
    if len(given) > 1:
        raise click.UsageError("give at most one of --holder, --debtor, --status")
    by, value = given[0] if given else ("holder", session.client.who_am_i().uscc)
    if all_pages:
        rows = [r.to_json() for r in session.client.iter_receivables(by, value, page_size=page_size)]
        emit(rows, as_json=as_json, columns=RECEIVABLE_COLUMNS)
        return
    lister = {"holder": session.client.list_by_holder, "debtor": session.client.list_by_debtor,
              "status": session.client.list_by_status}[by]
    page = lister(value, page_size=page_size, bookmark=bookmark)
    if as_json:
        emit(page.to_json(), as_json=True)
        return
    emit([r.to_json() for r in page.records], as_json=False, columns=RECEIVABLE_COLUMNS)
    if page.bookmark:
        click.echo(f"next page: --bookmark {page.bookmark}")


@receivable.command("stats")
@acting("regulator")
def stats(session, as_json) -> None:
    """The regulator's statistics: exposure, financed share, overdue per debtor."""
    s = session.client.statistics()
    if as_json:
        emit(s.to_json(), as_json=True)
        return
    rows = [{"debtor": d, **e.to_json()} for d, e in s.per_debtor.items()] + [{"debtor": "TOTAL", **s.total.to_json()}]
    emit(rows, as_json=False, columns=["debtor", "receivables", "exposure", "financed", "overdue", "financed_share"])
    click.echo("by status: " + ", ".join(f"{k} {v}" for k, v in s.count_by_status.items() if v))


@receivable.command("events")
@click.option("--start-block", type=click.IntRange(min=0), help="Replay from this block (default: new events only).")
@click.option("--limit", type=click.IntRange(min=1), help="Stop after this many events.")
@acting("regulator")
def events(session, as_json, start_block, limit) -> None:
    """Follow the contract's events (Ctrl-C to stop)."""
    count = 0
    with session.client.events(start_block=start_block) as stream:
        for event in stream:
            if as_json:
                click.echo(json.dumps({"block": event.block_number, **event.payload()}, sort_keys=True))
            else:
                click.echo(f"block {event.block_number}  {event.name}  {event.receivable_id or '-'}  tx {event.tx_id}  "
                           + json.dumps(event.details, sort_keys=True, ensure_ascii=False))
            count += 1
            if limit and count >= limit:
                return


# ------------------------------------------------------------------ financing

@click.group()
def financing() -> None:
    """Financing of a confirmed receivable: request, offers, acceptance, disbursement, repayment (保理)."""


@financing.command("request")
@click.argument("receivable_id")
@acting("supplier")
def request_financing(session, as_json, receivable_id) -> None:
    """The holder asks banks to finance RECEIVABLE_ID."""
    show(session.client.request_financing(receivable_id), as_json, FINANCING_COLUMNS)


@financing.command("withdraw")
@click.argument("financing_id")
@acting("supplier")
def withdraw(session, as_json, financing_id) -> None:
    """The holder withdraws a request it has not accepted an offer on."""
    show(session.client.withdraw_financing(financing_id), as_json, FINANCING_COLUMNS)


@financing.command("offer")
@click.argument("financing_id")
@click.option("--advance-rate", required=True, help="Share of face advanced, a decimal fraction (0.9).")
@click.option("--discount-rate", required=True, help="Annual discount rate, a decimal fraction (0.036).")
@click.option("--fees", default="0", show_default=True, help="Fees (fen, or yuan with --yuan).")
@click.option("--recourse/--no-recourse", default=False, show_default=True)
@click.option("--day-count", type=click.Choice(["ACT/360", "ACT/365"]), default="ACT/360", show_default=True)
@click.option("--expires", "expires_on", type=click.DateTime(["%Y-%m-%d"]), required=True)
@yuan_flag
@acting("bank")
def offer(session, as_json, financing_id, advance_rate, discount_rate, fees, recourse, day_count, expires_on,
          yuan) -> None:
    """A bank offers terms on FINANCING_ID (sent as private transient data; the ledger keeps their hash)."""
    terms = FinancingTerms(advance_rate=advance_rate, discount_rate=discount_rate, fees=parse_amount(fees, yuan),
                           recourse=recourse, day_count=day_count, expires_on=expires_on.date())
    show(session.client.make_offer(financing_id, terms), as_json,
         ["id", "financing_id", "receivable_id", "financier", "status", "expires_on", "terms_hash"])


@financing.command("accept")
@click.argument("offer_id")
@acting("supplier")
def accept(session, as_json, offer_id) -> None:
    """The holder accepts OFFER_ID; the receivable becomes FINANCED."""
    show(session.client.accept_offer(offer_id), as_json, FINANCING_COLUMNS)


@financing.command("disburse")
@click.argument("financing_id")
@acting("bank")
def disburse(session, as_json, financing_id) -> None:
    """The bank records the advance (the accepted terms are read back from private data) and notifies the debtor."""
    show(session.client.record_disbursement(financing_id), as_json, FINANCING_COLUMNS + ["disbursed_on"])


@financing.command("acknowledge")
@click.argument("notice_id")
@acting("coreenterprise")
def acknowledge(session, as_json, notice_id) -> None:
    """The debtor acknowledges the assignment notice (债权转让通知) NOTICE_ID."""
    show(session.client.acknowledge_assignment(notice_id), as_json,
         ["id", "receivable_id", "financier", "status", "acknowledged_on", "text"])


@financing.command("repay")
@click.argument("financing_id")
@acting("bank")
def repay(session, as_json, financing_id) -> None:
    """The bank records repayment; the financing closes."""
    show(session.client.record_repayment(financing_id), as_json, FINANCING_COLUMNS + ["repaid_on"])


@financing.command("get")
@click.argument("financing_id")
@acting("supplier")
def get_financing(session, as_json, financing_id) -> None:
    """A financing and its offers."""
    f = session.client.get_financing(financing_id)
    show(f, as_json, FINANCING_COLUMNS + ["disbursed_on", "repaid_on"])
    if not as_json and f.offers:
        emit([o.to_json() for o in f.offers], as_json=False, columns=["id", "financier", "status", "expires_on"])


@financing.command("terms")
@click.argument("offer_id")
@acting("bank")
def terms(session, as_json, offer_id) -> None:
    """An offer's private terms (the holder, the bank, the regulator)."""
    emit(session.client.get_offer_terms(offer_id).to_json(), as_json=as_json)


@financing.command("notice")
@click.argument("notice_id")
@acting("coreenterprise")
def notice(session, as_json, notice_id) -> None:
    """An assignment notice."""
    show(session.client.get_assignment_notice(notice_id), as_json,
         ["id", "receivable_id", "debtor", "financier", "status", "text"])


# ------------------------------------------------------------------ dynamic discounting

@click.group()
def discount() -> None:
    """Dynamic discounting (动态折扣): the debtor offers early payment, the holder takes it."""


@discount.command("publish")
@click.option("--apr", help="A flat annual rate (0.05).")
@click.option("--tier", "tiers", multiple=True, metavar="DAYS:APR",
              help="A sliding-scale tier: at least DAYS early, rate APR (repeatable).")
@click.option("--expires", "expires_on", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--receivable", "receivable_ids", multiple=True, help="Limit to these receivables (default: all).")
@click.option("--day-count", type=click.Choice(["ACT/360", "ACT/365"]), default="ACT/360", show_default=True)
@acting("coreenterprise")
def publish(session, as_json, apr, tiers, expires_on, receivable_ids, day_count) -> None:
    """The debtor publishes an early-payment offer: --apr or --tier (not both)."""
    scale = None
    if tiers:
        try:
            scale = [{"min_days_early": int(t.split(":")[0]), "apr": t.split(":")[1]} for t in tiers]
        except (ValueError, IndexError):
            raise click.BadParameter("write DAYS:APR, e.g. 30:0.04", param_hint="--tier") from None
    request = DiscountOfferRequest(apr=apr, scale=scale, day_count=day_count, expires_on=expires_on.date(),
                                   receivable_ids=list(receivable_ids))
    show(session.client.publish_discount_offer(request), as_json,
         ["id", "debtor", "apr", "scale", "expires_on", "receivable_ids", "status"])


@discount.command("accept")
@click.argument("offer_id")
@click.argument("receivable_id")
@acting("supplier")
def accept_discount(session, as_json, offer_id, receivable_id) -> None:
    """The holder takes early payment on RECEIVABLE_ID under OFFER_ID; the claim settles."""
    r = session.client.accept_discount_offer(offer_id, receivable_id)
    show(r, as_json, RECEIVABLE_COLUMNS)
    if not as_json and r.payments:
        p = r.payments[-1]
        click.echo(f"paid {show_money(p.amount)}, discount {show_money(p.discount)}")


@discount.command("get")
@click.argument("offer_id")
@acting("supplier")
def get_discount(session, as_json, offer_id) -> None:
    """A discount offer."""
    show(session.client.get_discount_offer(offer_id), as_json,
         ["id", "debtor", "apr", "scale", "expires_on", "receivable_ids", "status"])


COMMANDS = [party, receivable, financing, discount]
"""The groups to register on ``recfin``: ``for c in COMMANDS: main.add_command(c)``."""

__all__ = ["party", "receivable", "financing", "discount", "COMMANDS", "parse_amount"]
