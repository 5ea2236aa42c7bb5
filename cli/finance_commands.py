"""`recfin finance quote|compare`: a bank's quote for a receivable; every offer on it compared.

The lifecycle commands of the same group (request, offer, accept ...) are in receivable_commands.py.

The commands are thin: they parse options, call ``client.pricing`` (and
``client.risk`` for the debtor's grade) and render. By default they read the
ledger through ``client.receivables`` (``cli.connection``): ``quote`` the
receivable, its live financing request, the debtor's payment record and the
bank's own exposure to the debtor, and on confirmation submits the offer;
``compare`` the open bank offers and the debtor's open early-payment offers on
the receivable. Without a network they take the same inputs from options and
files (``quote --face --due``, ``compare --offers FILE``).

Amounts are shown in yuan (fen in --json) of the currency each output names;
rates as percentages (decimal fractions in --json). A bank's pricing is in one
currency (its configuration's ``currency``, CNY unless it names another), and
``quote`` refuses a claim in another.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from pydantic import ValidationError

from client.money import percent, yuan
from client.pricing import (
    PricingConfigError,
    ReceivableTerms,
    bank_config_path,
    load_bank_config,
    quote as price_quote,
    rank_proposals,
    validation_problems,
)
from client.pricing.ledger import ProposalInputs, proposal_inputs_from_ledger
from client.receivables import FinancingTerms
from client.risk import DEFAULT_MODEL, LatePaymentModel, grade_for, history_from_ledger, ledger_as_of, score_debtor
from client.business_dates import business_today

from . import connection
from .amounts import FenType, money
from .output import as_typed, emit, one_line, read_json_file, table
from .receivable_commands import finance
from .risk_commands import calendar_date, history_as_of, load_history, load_model, note_thin_record, offline_hint


def _probability(text: str) -> Decimal:
    try:
        p = Decimal(text)
    except InvalidOperation:
        raise click.BadParameter(f"{text!r} is not a number", param_hint="--probability") from None
    if not p.is_finite() or not (0 <= p <= 1):
        raise click.BadParameter("must be between 0 and 1", param_hint="--probability")
    return p


def _score(model: LatePaymentModel, history, day) -> tuple[Decimal, str]:
    scored = score_debtor(model, history, day)
    note_thin_record(scored)
    return scored.probability_late, scored.grade


def _scoring_model(model_path: Path | None) -> LatePaymentModel:
    """--model (the shipped model by default), or one line saying why it cannot score, as `risk score` says it."""
    return load_model(model_path or DEFAULT_MODEL)


def _given_risk(grade: str | None, probability: str | None, history_file: Path | None, debtor: str | None,
                day: date, model_path: Path | None) -> tuple[Decimal | None, str] | None:
    """The debtor's risk from the options, or None when none was given (then the ledger's history is scored).

    A history file is a snapshot: it is scored as of its last event's date
    (``day``, the disbursement date, if that is earlier). As of a later date every
    claim open in it and due since would count as unpaid.
    """
    if sum(x is not None for x in (grade, probability, history_file)) > 1:
        raise click.UsageError("give at most one of --grade, --probability, --history (the debtor's risk)")
    if model_path is not None and (grade is not None or probability is not None):
        raise click.UsageError("--model scores the debtor from its history; with --grade or --probability nothing "
                               "is scored: drop --model")
    if probability is not None:
        p = _probability(probability)
        return p, grade_for(p)
    if history_file is not None:
        if not debtor:
            raise click.UsageError("--history needs --debtor")
        history = load_history(history_file, debtor)
        known = history_as_of(history, history_file, not_after=day, instead="pass --grade or --probability instead") \
            if history.events else day
        if known < day:
            click.echo(f"note: the debtor is scored as of {known}, the date of the last event in "
                       f"{as_typed(history_file)} (it records nothing later); the offer is priced for disbursement "
                       f"on {day}", err=True)
        return _score(_scoring_model(model_path), history, known)
    if grade is not None:
        return None, grade
    return None


def _quote_rows(result, receivable: str, day) -> dict:
    rows = {"bank": result.bank, "receivable": receivable, "currency": result.currency, "on": day.isoformat(),
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
    return rows


def _config(config_path: Path | None, name: str):
    path = config_path or bank_config_path(name)
    if config_path is None and not os.path.isfile(path):   # False too for a name the file system refuses
        raise click.ClickException(f"no pricing configuration for {as_typed(name)} at {as_typed(path)}: pass "
                                   f"--config YAML (e.g. --config {bank_config_path('example-bank')})")
    try:
        return load_bank_config(path)
    except PricingConfigError as exc:   # a YAML error spans lines: where, then what
        raise click.ClickException(one_line(exc)) from None


@finance.command()
@click.argument("receivable")
@click.option("--as", "as_", required=True, metavar="ORG[/USER] | BANK",
              help="On the ledger: the bank's org (and user) that quotes and offers; its pricing is "
                   "client/pricing/banks/ORG.yaml unless --config. With --face/--due: the bank's name, pricing "
                   "client/pricing/banks/BANK.yaml.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The bank's pricing YAML instead of the shipped one.")
@click.option("--face", type=FenType(minimum=1),
              help="Without the ledger: the receivable's outstanding face, fen of the bank's currency (its "
                   "configuration's currency, CNY unless it names another).")
@click.option("--due", type=click.DateTime(["%Y-%m-%d"]), help="Without the ledger: the receivable's due date.")
@click.option("--grade", type=click.Choice(["A", "B", "C", "D", "E"]), help="The debtor's risk grade.")
@click.option("--probability", help="The debtor's probability of late payment (a fraction); sets the grade.")
@click.option("--history", "history_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The debtor's history file: score it with the model to get the grade, as of its last event's "
                   "date (--on, if earlier).")
@click.option("--debtor", help="The debtor's id in --history (without the ledger, only with --history); on the "
                               "ledger it must be the receivable's debtor, with or without --history.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The late-payment model artefact that scores the debtor's history (on the ledger or --history) "
                   f"[default: the shipped client/risk/models/{DEFAULT_MODEL.name}].")
@click.option("--exposure", type=FenType(),
              help="What the bank already lends against this debtor, fen [default: on the ledger, the bank's own "
                   "outstanding financed principal on the debtor in the claim's currency (GetFinancierExposure); "
                   "without it, 0].")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), callback=calendar_date,
              help="Disbursement date (default: today in China Standard Time, the ledger's business date). From "
                   "1900-01-01 to 2999-12-31.")
@click.option("--yes", is_flag=True, help="On the ledger: make the offer without asking.")
@click.option("--data-root", type=click.Path(file_okay=False, path_type=Path),
              help="Network data folder holding profiles/ (default: the topology's).")
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON. On the ledger without --yes, only quotes (no prompt, no offer).")
def quote(receivable: str, as_: str, config_path: Path | None, face: int | None, due: datetime | None,
          grade: str | None, probability: str | None, history_file: Path | None, debtor: str | None,
          model_path: Path | None, exposure: int | None, on: date | None, yes: bool, data_root: Path | None,
          as_json: bool) -> None:
    """The offer a bank would make for RECEIVABLE: rate, advance, fees, net cash, APR, limit; then make it.

    On the ledger (the default) the bank reads the receivable and its live
    financing request, scores the debtor from its payment record as of the
    date (the ledger's today, if --on is later: it knows nothing after it)
    (or from --grade, --probability, --history), takes its own exposure
    to the debtor off its limit (or --exposure), prices with its configuration
    and, once confirmed, submits MakeFinancingOffer with the terms as
    transient data. An offer the contract would refuse now (the receivable
    is frozen by the regulator, or not confirmed) is quoted but not made,
    and the quote says why (with --yes, as an error). With --face and --due
    it only quotes, offline (the second to fourth examples, from the
    repository root; the fourth names the model artefact to score with:
    the shipped one here, or one of your own, as `recfin risk train --out
    DIR` writes). The configuration's
    fees and limits are in one currency (CNY unless it names another): a
    claim in another currency is refused, not priced with them.

    \b
    Example:
      recfin finance quote R-7f3a9c0d1e2b4a5c --as bank/officer1 --config client/pricing/banks/example-bank.yaml --yes
      recfin finance quote RCV-1 --as example-bank --face 100000000 --due 2027-03-01 --grade B --on 2026-12-01 --json
      recfin finance quote RCV-1 --as example-bank --face 100000000 --due 2026-03-31 --on 2025-12-30 \\
        --history client/risk/samples/history.json --debtor SYN-DEBTOR-0007
      recfin finance quote RCV-1 --as example-bank --face 100000000 --due 2026-03-31 --on 2025-12-30 \\
        --history client/risk/samples/history.json --debtor SYN-DEBTOR-0007 --model client/risk/models/late_payment-v4.json
    """
    if face is not None or due is not None:
        if face is None or due is None:
            raise click.UsageError("quoting without the ledger needs both --face FEN and --due YYYY-MM-DD")
        if yes:
            raise click.UsageError("--yes makes the offer on the ledger; with --face and --due there is no "
                                   "financing request to offer on, only a quote (drop --yes)")
        if debtor is not None and history_file is None:
            raise click.UsageError("--debtor names the debtor in --history; without the ledger there is no "
                                   "receivable to check it against: drop --debtor, or give --history FILE")
        day = on or business_today()
        risk = _given_risk(grade, probability, history_file, debtor, day, model_path)
        if risk is None:
            raise click.UsageError("give one of --grade, --probability, --history (the debtor's risk)")
        p, grade = risk
        config = _config(config_path, as_)
        terms = ReceivableTerms(receivable_id=receivable, face_amount=face, due_date=due.date(),
                                currency=config.currency)
        result = price_quote(config, terms, grade=grade, on=day, exposure=exposure or 0, probability_late=p)
        if as_json:
            emit(result.model_dump(mode="json"), as_json=True)
        else:
            emit(_quote_rows(result, receivable, day), as_json=False)
        return
    _quote_on_the_ledger(receivable, as_, config_path, grade, probability, history_file, debtor, model_path, exposure,
                         on, yes, data_root, as_json)


@connection.reports_ledger_errors
def _quote_on_the_ledger(receivable, as_, config_path, grade, probability, history_file, debtor, model_path, exposure,
                         on, yes, data_root, as_json) -> None:
    org, user = connection.parse_as(as_)
    day = on or business_today()
    risk = _given_risk(grade, probability, history_file, debtor, day, model_path)
    model = _scoring_model(model_path) if risk is None else None   # refused before connecting, not after
    config = _config(config_path, org)
    with offline_hint("pass --face FEN --due YYYY-MM-DD and the debtor's risk to quote"), \
            connection.open_session(org, user, data_root) as session:
        r = session.client.get_receivable(receivable)
        if (refusal := config.currency_refusal(r.currency)) is not None:   # before scoring: nothing would be offered
            raise click.ClickException(f"{r.id}: {refusal}")
        if r.financing_id is None:
            raise click.ClickException(f"{r.id} has no live financing request: its holder asks first "
                                       f"(recfin finance request {r.id})")
        if debtor is not None and debtor != r.debtor:   # with --history the grade would be another debtor's
            fix = (f"pass that debtor's history (--history FILE --debtor {r.debtor}), or drop --history to score it "
                   f"from the ledger" if history_file is not None else
                   f"drop --debtor (the ledger says whose claim it is) or pass --debtor {r.debtor}")
            raise click.ClickException(f"--debtor {as_typed(debtor)} is not the debtor of {r.id}, which "
                                       f"{as_typed(r.debtor)} owes: {fix}")
        if risk is None:
            # priced for disbursement on ``day``, but scored as of what the ledger knows: features as of a later
            # date would count every open claim due before it as unpaid
            known = ledger_as_of(session.client, r.debtor, day)
            if known < day:
                click.echo(f"note: the debtor is scored as of the ledger's today, {known} (the ledger knows nothing "
                           f"later); the offer is priced for disbursement on {day}", err=True)
            risk = _score(model, history_from_ledger(session.client, r.debtor, known, currency=r.currency), known)
        if exposure is None:
            exposure = session.client.financier_exposure(r.debtor).exposure_in(r.currency)
        p, grade = risk
        terms = ReceivableTerms(receivable_id=r.id, face_amount=r.outstanding, due_date=r.due_date,
                                currency=r.currency, status=r.status,
                                frozen_by=r.frozen.order_reference if r.frozen else None)
        result = price_quote(config, terms, grade=grade, on=day, exposure=exposure, probability_late=p)
        if not as_json:
            rows = _quote_rows(result, r.id, day)
            rows.update({"debtor": r.debtor, "financing": r.financing_id})
            emit(rows, as_json=False)
        # priced, but the contract would refuse to take it now (a freeze order, a claim not confirmed): not offered
        refused = result.priced.why if result.offer is not None and not result.priced.takeable_now else None
        if refused is not None and yes:
            raise click.ClickException(f"no offer made on {r.financing_id}: {refused}")
        if refused is not None and not as_json:
            click.echo(f"no offer made on {r.financing_id}: {refused}")
        made = None
        if result.offer is not None and refused is None and (yes or (not as_json and click.confirm(
                f"make this offer on {r.financing_id}?", default=False))):
            o = result.offer
            made = session.client.make_offer(r.financing_id, FinancingTerms(
                advance_rate=o.advance_rate, discount_rate=o.discount_rate, fees=o.fees, recourse=o.recourse,
                day_count=o.day_count, expires_on=o.expires_on))
        if as_json:
            emit({**result.model_dump(mode="json"), "debtor": r.debtor, "financing_id": r.financing_id,
                  "made_offer": None if made is None else made.model_dump(mode="json")}, as_json=True)
        elif made is not None:
            click.echo(f"offered {made.id} on {r.financing_id} (terms hash {made.terms_hash}, expires {made.expires_on})")
        elif result.offer is not None and refused is None:
            click.echo("no offer made")


OffersFile = ProposalInputs  # the --offers file has the shape the ledger reader returns


def _read_offers(path: Path) -> OffersFile:
    data = read_json_file(path, "a receivable and the offers on it")
    try:
        return OffersFile.model_validate(data)
    except ValidationError as exc:
        raise click.ClickException(f"{as_typed(path)}: {validation_problems(exc)}") from None


def _only_discount_offer(data: OffersFile, offer_id: str, path: Path) -> OffersFile:
    """The file's bank offers and, of its early-payment offers, only ``offer_id`` (as the ledger reads just the one
    named); an id the file does not hold is refused rather than compared as nothing."""
    named = [o for o in data.early_payments if o.offer_id == offer_id]
    if not named:
        held = ", ".join(as_typed(o.offer_id) for o in data.early_payments)
        fix = f"it has {held}: give one of those, or drop --discount-offer" if held else \
            "it has none: drop --discount-offer"
        raise click.ClickException(f"--discount-offer {as_typed(offer_id)}: {as_typed(path)} has no early-payment "
                                   f"offer of that id; {fix}")
    return data.model_copy(update={"early_payments": named})


@connection.reports_ledger_errors
def _offers_on_the_ledger(receivable: str, as_: str, discount_offer: str | None, data_root: Path | None) -> OffersFile:
    org, user = connection.parse_as(as_)
    with offline_hint("pass --offers FILE"), connection.open_session(org, user, data_root) as session:
        return proposal_inputs_from_ledger(session.client, receivable, discount_offer_id=discount_offer)


@finance.command()
@click.argument("receivable")
@click.option("--as", "as_", default="supplier", show_default=True, metavar="ORG[/USER]",
              help="Who reads the offers: the receivable's holder (or the regulator), who may read the banks' "
                   "private terms.")
@click.option("--discount-offer", metavar="ID",
              help="Compare only this early-payment offer of the debtor [default: every open one that covers "
                   "RECEIVABLE, as ListDiscountOffers gives them; with --offers, every one in the file]. With "
                   "--offers it must be one in the file.")
@click.option("--offers", "offers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Without the ledger: a JSON file with the receivable (its live financing_id, required with "
                   "bank offers, and frozen_by, if any; currency, CNY, and status, CONFIRMED, unless given), the "
                   "bank offers and the early-payment offers.")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), callback=calendar_date,
              help="Date the cash would be taken (default: today in China Standard Time, the ledger's business date). "
                   "From 1900-01-01 to 2999-12-31.")
@click.option("--by", type=click.Choice(["cost", "cash"]), default="cost", show_default=True,
              help="Order by effective annual cost or by net cash now.")
@click.option("--data-root", type=click.Path(file_okay=False, path_type=Path),
              help="Network data folder holding profiles/ (default: the topology's).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def compare(receivable: str, as_: str, discount_offer: str | None, offers_file: Path | None, on: date | None,
            by: str, data_root: Path | None, as_json: bool) -> None:
    """Every live offer on RECEIVABLE ranked by net cash and by effective annual cost, with why.

    On the ledger (the default): the open bank offers on the receivable's live
    financing request, with their private terms, and the debtor's open
    early-payment offers that cover the receivable (or only the one named by
    --discount-offer). With --offers FILE: the same from a file (the third
    and fourth examples read the shipped one from the repository root).

    An offer the contract would refuse today is priced but not ranked, and
    marked not takeable now with what would make it so: every offer while the
    receivable is frozen (until the regulator unfreezes it) or not confirmed
    (a registered one until its debtor confirms it), and an
    early-payment offer while it has a live financing (withdraw the request,
    and its bank offers lapse then; cancel an accepted financing before
    disbursement; a disbursed one ends only with the claim settled). A
    receivable with nothing outstanding (settled or split) is refused: nothing
    is left to finance.

    \b
    Example:
      recfin finance compare R-7f3a9c0d1e2b4a5c --as supplier/supplier1 --by cash
      recfin finance compare R-7f3a9c0d1e2b4a5c --as supplier/supplier1 --discount-offer D-5e6f7a8b9c0d1e2f
      recfin finance compare RCV-1 --offers client/pricing/samples/offers.json --on 2026-12-01 --json
      recfin finance compare RCV-1 --offers client/pricing/samples/offers.json --on 2026-12-01 --discount-offer DD-1
    """
    if offers_file is not None:
        data = _read_offers(offers_file)
        if data.receivable.receivable_id != receivable:
            raise click.ClickException(f"{as_typed(offers_file)} is about {as_typed(data.receivable.receivable_id)}, "
                                       f"not {as_typed(receivable)}")
        if discount_offer is not None:
            data = _only_discount_offer(data, discount_offer, offers_file)
    else:
        data = _offers_on_the_ledger(receivable, as_, discount_offer, data_root)
    day = on or business_today()
    try:
        ranked = rank_proposals(data.receivable, day, data.bank_offers, data.early_payments, by=by)
    except ValueError as exc:
        raise click.ClickException(f"{as_typed(offers_file)}: {exc}" if offers_file else str(exc)) from None
    if as_json:
        emit({"receivable": data.receivable.model_dump(mode="json"), "on": day.isoformat(), "by": by,
              "proposals": [p.model_dump(mode="json") for p in ranked]}, as_json=True)
        return
    claim = data.receivable
    early = (claim.due_date - day).days
    timing = f"{early} days early" if early >= 0 else f"{-early} days after the due date"
    click.echo(f"{receivable}: {claim.status.lower()}, face {money(claim.face_amount, claim.currency)} due "
               f"{claim.due_date}; cash taken on {day} ({timing}); ordered by {by}")
    if not ranked:
        click.echo("no open offers on it")
        return
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
