"""`recfin finance ...`: a bank's quote for a receivable; every offer on it compared.

The commands are thin: they parse options, call ``client.pricing`` (and
``client.risk`` for the debtor's grade) and render. Without the network they
take their inputs from options and files: ``quote`` the receivable's face and
due date (``--face``, ``--due``) and the debtor's grade or history; ``compare``
the live offers (``--offers FILE``). Reading them from the ledger through
``client.receivables`` is not wired yet (see docs/risk-and-pricing.md).

Amounts are shown in yuan (fen in --json); rates as percentages (decimal
fractions in --json).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from pydantic import ValidationError

from client.pricing import (
    BankOffer,
    EarlyPaymentOffer,
    PricingConfigError,
    ReceivableTerms,
    bank_config_path,
    load_bank_config,
    quote as price_quote,
    rank_proposals,
)
from client.pricing.ledger import ProposalInputs
from client.pricing.money import percent, yuan
from client.risk import DEFAULT_MODEL, grade_for

from .output import emit, table

NEEDS_LEDGER = ("reading {what} from the ledger is not wired into the CLI yet: {hint} "
                "(see docs/risk-and-pricing.md)")


def _today() -> datetime:
    return datetime.now(timezone.utc)


@click.group()
def finance() -> None:
    """Price financing for a receivable and compare the offers on it."""


@finance.command()
@click.argument("receivable")
@click.option("--as", "bank", required=True, help="The bank quoting: its configuration is client/pricing/banks/BANK.yaml.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The bank's pricing YAML instead of the shipped one.")
@click.option("--face", type=click.IntRange(min=1), help="The receivable's outstanding face amount, fen.")
@click.option("--due", type=click.DateTime(["%Y-%m-%d"]), help="The receivable's due date.")
@click.option("--grade", type=click.Choice(["A", "B", "C", "D", "E"]), help="The debtor's risk grade.")
@click.option("--probability", help="The debtor's probability of late payment (a fraction); sets the grade.")
@click.option("--history", "history_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The debtor's history file: score it with the model to get the grade.")
@click.option("--debtor", help="The debtor's id in --history.")
@click.option("--exposure", type=click.IntRange(min=0), default=0, show_default=True,
              help="What the bank already lends against this debtor, fen.")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="Disbursement date (default today UTC).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def quote(receivable: str, bank: str, config_path: Path | None, face: int | None, due: datetime | None,
          grade: str | None, probability: str | None, history_file: Path | None, debtor: str | None,
          exposure: int, on: datetime | None, as_json: bool) -> None:
    """The offer BANK would make for RECEIVABLE: rate, advance, fees, net cash, APR, limit."""
    if face is None or due is None:
        raise click.ClickException(NEEDS_LEDGER.format(what="the receivable", hint="pass --face FEN --due YYYY-MM-DD"))
    if sum(x is not None for x in (grade, probability, history_file)) != 1:
        raise click.UsageError("give exactly one of --grade, --probability, --history (the debtor's risk)")
    try:
        config = load_bank_config(config_path or bank_config_path(bank))
    except PricingConfigError as exc:
        raise click.ClickException(str(exc)) from None
    day = (on or _today()).date()
    p: Decimal | None = None
    if probability is not None:
        try:
            p = Decimal(probability)
        except InvalidOperation:
            raise click.BadParameter(f"{probability!r} is not a number", param_hint="--probability") from None
        if not (0 <= p <= 1):
            raise click.BadParameter("must be between 0 and 1", param_hint="--probability")
        grade = grade_for(p)
    elif history_file is not None:
        from client.risk import LatePaymentModel, score_debtor
        from .risk_commands import load_history
        if not debtor:
            raise click.UsageError("--history needs --debtor")
        scored = score_debtor(LatePaymentModel.load(DEFAULT_MODEL), load_history(history_file, debtor), day)
        p, grade = scored.probability_late, scored.grade
    terms = ReceivableTerms(receivable_id=receivable, face_amount=face, due_date=due.date())
    result = price_quote(config, terms, grade=grade, on=day, exposure=exposure, probability_late=p)
    if as_json:
        emit(result.model_dump(mode="json"), as_json=True)
        return
    rows = {"bank": result.bank, "receivable": receivable, "on": day.isoformat(),
            "debtor_grade": result.debtor_grade,
            "probability_late": None if result.probability_late is None else str(result.probability_late),
            "debtor_limit": yuan(result.debtor_limit), "exposure": yuan(result.exposure),
            "available": yuan(result.available)}
    if result.declined:
        rows["declined"] = result.declined
    else:
        o, pr = result.offer, result.priced
        rows.update({"annual_discount_rate": percent(o.discount_rate), "advance_rate": percent(o.advance_rate, 2),
                     "day_count": o.day_count, "days": pr.days, "advance": yuan(pr.advance),
                     "interest": yuan(pr.interest), "fees": yuan(pr.fees), "net_cash": yuan(pr.net_cash),
                     "remainder_at_maturity": yuan(pr.remainder_at_maturity), "apr_incl_fees": percent(pr.apr),
                     "recourse": o.recourse, "expires_on": o.expires_on.isoformat()})
    emit(rows, as_json=False)


OffersFile = ProposalInputs  # the --offers file has the shape the ledger reader returns


def _read_offers(path: Path) -> OffersFile:
    try:
        return OffersFile.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        if isinstance(exc, ValidationError):
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
                                 for e in exc.errors())
            raise click.ClickException(f"{path}: {problems}") from None
        raise click.ClickException(f"{path} is not JSON: {exc}") from None


@finance.command()
@click.argument("receivable")
@click.option("--offers", "offers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON file with the receivable, the bank offers and the debtor's early-payment offer.")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="Date the cash would be taken (default today UTC).")
@click.option("--by", type=click.Choice(["cost", "cash"]), default="cost", show_default=True,
              help="Order by effective annual cost or by net cash now.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def compare(receivable: str, offers_file: Path | None, on: datetime | None, by: str, as_json: bool) -> None:
    """Every live offer on RECEIVABLE ranked by net cash and by effective annual cost, with why."""
    if offers_file is None:
        raise click.ClickException(NEEDS_LEDGER.format(what="the offers", hint="pass --offers FILE"))
    data = _read_offers(offers_file)
    if data.receivable.receivable_id != receivable:
        raise click.ClickException(f"{offers_file} is about {data.receivable.receivable_id}, not {receivable}")
    day = (on or _today()).date()
    try:
        ranked = rank_proposals(data.receivable, day, data.bank_offers, data.early_payment, by=by)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        emit({"receivable": data.receivable.model_dump(mode="json"), "on": day.isoformat(), "by": by,
              "proposals": [p.model_dump(mode="json") for p in ranked]}, as_json=True)
        return
    click.echo(f"{receivable}: face {yuan(data.receivable.face_amount)} due {data.receivable.due_date}; "
               f"cash taken on {day} ({(data.receivable.due_date - day).days} days early); ordered by {by}")
    rows = [{"cost#": p.rank_by_cost, "cash#": p.rank_by_cash, "offer": p.offer_id, "from": p.counterparty,
             "kind": p.source, "rate": None if p.annual_rate is None else percent(p.annual_rate, 2),
             "basis": p.day_count, "net_cash": yuan(p.net_cash) if p.eligible else None,
             "interest+fees": yuan(p.interest + p.fees) if p.eligible else None,
             "apr_incl_fees": percent(p.apr, 2) if p.apr is not None else None, "recourse": p.recourse}
            for p in ranked]
    click.echo(table(rows, ["cost#", "cash#", "offer", "from", "kind", "rate", "basis", "net_cash",
                            "interest+fees", "apr_incl_fees", "recourse"]))
    click.echo("")
    for p in ranked:
        click.echo(f"{p.offer_id}: {p.why}")
