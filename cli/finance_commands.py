"""`recfin finance quote|compare`: a bank's quote for a receivable; every offer on it compared.

The lifecycle commands of the same group (request, offer, accept ...) are in receivable_commands.py. The offer a quote
makes inside its turn, and the offers whose outcome is lost, are in quote_turn.py.

The commands are thin: they parse options, call ``client.pricing`` (and
``client.risk`` for the debtor's grade) and render. By default they read the
ledger through ``client.receivables`` (``cli.connection``): ``quote`` the
receivable, its live financing request, the debtor's payment record and the
bank's own exposure and open offers on the debtor, and on confirmation submits the offer;
``compare`` the open bank offers and the debtor's open early-payment offers on
the receivable. Without a network they take the same inputs from options and
files (``quote --face --due``, ``compare --offers FILE``).

Amounts are shown as money with their currency, ``CNY 12,345.67``, as the other
ledger commands show them (fen in --json); rates as percentages (decimal
fractions in --json), an APR rounded once from its exact value. A bank's pricing is in one
currency (its configuration's ``currency``, CNY unless it names another), and
``quote`` refuses a claim in another.

Quotes of one bank on one debtor that may make an offer take turns on a host
(``client.pricing.quote_lock``, a lock file under the user's recfin folder):
from the exposure read until the offer has committed, or was not made, the next
one waits. An offer whose outcome its quote could not learn (the commit status
lost, Ctrl-C) stays noted in the lock file, and the next quote asks for it
before reading the exposure, counting its advance as taken while it is not
known. The offer carries the version of the exposure it was priced on, so the
contract refuses it if another offer of the bank on the debtor came since, from
any host, and the read's uncounted offers (the bank's offers there its figures
left out), which it makes unacceptable. Once its offer is on the ledger a quote
reads the exposure again, and says so (exit 3) if the bank is above its limit
all the same (a contract
before the version, which answers none, so the offer carries none); with
``--withdraw-over-limit`` it then withdraws the offer it made
(WithdrawFinancingOffer) before its turn ends.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import click
from click.core import ParameterSource

from client.money import exact_percent
from network.fabric_bin import REPO_ROOT

from . import connection
from .amounts import AMOUNT, AMOUNT_HELP, Amount, fen_of_option, money
from .options import (DATE, FRACTION, ChoiceCutShort, FiniteFloatRange, PathType, business_today, endorsing_org_option,
                      endorsing_organizations, holiday_calendar_option, names_a_record, ReadWhenShown)
from .output import (as_typed, as_typed_cut_short, emit, escaped_unless_shown, file_refused, joined_lines, one_line,
                     read_json_file, table, validated)
from .quote_turn import ask_pending, offer_in_turn, pending_offers
from .receivable_commands import OFFER_ENDORSERS, finance
from .request_ids import EXIT_INTERRUPTED, AnswerLost, may_have_committed, terminations_raised
from .regulator_commands import note_passed_over
from .risk_commands import (
    BUSINESS_DATE,
    EARLIEST_AS_OF,
    SYNTHETIC_NOTE,
    history_as_of,
    history_debtors,
    load_history,
    load_model,
    note_claims_not_counted,
    note_fewer_than_trained_on,
    note_other_currencies,
    note_what_a_saved_read_left_out,
    note_what_the_score_cannot_tell,
    offline_hint,
    debtor_on_the_ledger,
    score_meaning,
    shipped_model,
    thin_record,
)

if TYPE_CHECKING:
    from client.pricing import LimitStanding, Proposal
    from client.pricing.ledger import ProposalInputs as OffersFile   # the --offers file: what the ledger reader returns
    from client.pricing.ledger import TermsNotOnThisPeer
    from client.pricing.quote_lock import PendingOffer, QuoteTurn
    from client.receivables import PassedOver
    from client.risk import LatePaymentModel


def _owing(_ctx, _param, amount: Amount | None) -> Amount | None:
    if amount is not None and amount.fen == 0:
        raise click.BadParameter(f"{as_typed(amount.text)} is zero: a receivable with nothing outstanding has "
                                 "nothing to finance; give what it still owes")
    return amount



class DebtorRisk(NamedTuple):
    """The debtor's risk a quote is priced on; ``synthetic``: scored from a simulated history, not a real
    debtor's; ``thin_record``: why the model's grade rests on no payment (``risk_commands.thin_record``), None
    when it rests on some or the grade was given (--grade, --probability). ``claims_not_counted`` and
    ``claims_in_other_currencies``: the debtor's claims on the ledger the score is not of, as `risk score --json`
    names them; None where nothing was read of them (a grade or probability given). ``scored_as_of`` and
    ``model``: the date the debtor was scored as of (the ledger's today, or a history file's snapshot, when the
    disbursement date priced for is later) and the model that scored it; None for a grade or probability given.
    ``meaning``: what the model's probability says (``risk_commands.score_meaning``), as `risk score` says it; None
    for a grade or probability given."""

    probability_late: Decimal | None
    grade: str
    synthetic: bool = False
    thin_record: str | None = None
    claims_not_counted: list[str] | None = None
    claims_in_other_currencies: dict[str, int] | None = None
    scored_as_of: date | None = None
    model: str | None = None
    # the currency of the claims scored, where the history names it (one read from the ledger)
    currency: str | None = None
    meaning: str | None = None

    def json_fields(self) -> dict:
        """What the quote's --json says of the score beside the quote's own figures: a bank's system reading it
        alone would otherwise take a score of some of the debtor's claims for one of all."""
        return {"synthetic": self.synthetic, "thin_record": self.thin_record,
                "claims_not_counted": self.claims_not_counted,
                "claims_in_other_currencies": self.claims_in_other_currencies,
                "scored_as_of": None if self.scored_as_of is None else self.scored_as_of.isoformat(),
                "model": self.model, "meaning": self.meaning}


def _score(model: LatePaymentModel, model_path: Path | None, history, day) -> DebtorRisk:
    """The debtor's risk as ``model`` (read from ``model_path``, None for the shipped one) scores ``history`` as of
    ``day``, with the notes `risk score` gives of what the grade rests on (a thin record, a record shorter than
    any the model was trained on, claims that fell due under a freeze) said on stderr as it says them."""
    from client.risk import score_debtor

    scored = score_debtor(model, history, day)
    note_what_the_score_cannot_tell(scored)
    note_fewer_than_trained_on(scored, model_path or shipped_model())
    return DebtorRisk(scored.probability_late, scored.grade, history.synthetic, thin_record(scored),
                      claims_not_counted=history.claims_not_counted,
                      claims_in_other_currencies=history.claims_in_other_currencies,
                      scored_as_of=scored.as_of, model=scored.model, currency=history.currency,
                      meaning=score_meaning(scored.as_of, scored.horizon_days))


def _refuse_history_in_another_currency(risk: DebtorRisk, history_file: Path | None, debtor: str | None,
                                        receivable: str, currency: str, instead: str) -> None:
    """A --history file read from the ledger in another currency than the claim's is refused: its grade is of
    claims in other money (the ledger's own read scores in the claim's currency), and not of the debtor's
    record in the money lent. ``instead``: what else gives the debtor's risk."""
    if history_file is None or risk.currency is None or risk.currency == currency:
        return
    raise click.ClickException(f"{as_typed(history_file)} is a history of {as_typed(debtor)}'s claims in "
                               f"{risk.currency}, and {receivable} is in {currency}: pass a history read in "
                               f"{currency} (history_from_ledger(..., currency=\"{currency}\")), or {instead}; "
                               "nothing was offered")


def _scoring_model(model_path: Path | None) -> LatePaymentModel:
    """--model (the shipped model by default), or why it cannot score, as `risk score` says it."""
    return load_model(model_path or shipped_model(), "--model" if model_path is not None else None)


def _given_risk(grade: str | None, probability: Decimal | None, history_file: Path | None, debtor: str | None,
                day: date, model_path: Path | None) -> DebtorRisk | None:
    """The debtor's risk from the options, or None when none was given (then the ledger's history is scored).

    A history file is a snapshot: it is scored as of the date it was read from the ledger as of (its
    ``read_as_of``), else its last event's date (``day``, the disbursement date, if that is earlier). As of a
    later date every claim open in it and due since would count as unpaid.
    """
    from client.risk import grade_for

    if sum(x is not None for x in (grade, probability, history_file)) > 1:
        raise click.UsageError("give at most one of --grade, --probability, --history (the debtor's risk)")
    if model_path is not None and (grade is not None or probability is not None):
        raise click.UsageError("--model scores the debtor from its history; with --grade or --probability nothing "
                               "is scored: drop --model")
    if (grade is not None or probability is not None) and \
            click.get_current_context().get_parameter_source("holiday_calendar") is ParameterSource.COMMANDLINE:
        raise click.UsageError("--holiday-calendar gives the working days a score of the debtor's history counts; "
                               "with --grade or --probability nothing is scored: drop --holiday-calendar")
    if probability is not None:
        return DebtorRisk(probability, grade_for(probability))
    if history_file is not None:
        if not debtor:
            raise _debtor_needed(history_file)
        history = load_history(history_file, debtor, "--debtor")
        model = _scoring_model(model_path)   # refused before the note on the date, which would be of no quote
        if history.read_as_of is not None:
            # read from the ledger: it tells what the ledger held on its read_as_of, however old its last event, and
            # nothing after (a claim open then may be paid since: as of a later day it would count unpaid)
            known = min(history.read_as_of, day)
            if known < EARLIEST_AS_OF:
                raise file_refused("--history", f"{as_typed(history_file)}: its read_as_of is {known}, before "
                                                f"{EARLIEST_AS_OF}: pass --grade or --probability instead")
            source = f"the date {as_typed(history_file)} was read from the ledger as of (its read_as_of)"
        else:
            known = history_as_of(history, history_file, not_after=day,
                                  instead="pass --grade or --probability instead") if history.events else day
            source = f"the date of the last event in {as_typed(history_file)} (it records nothing later)"
        if known < day:
            click.echo(f"note: the debtor is scored as of {known}, {source}; the offer is priced for disbursement "
                       f"on {day}", err=True)
        note_what_a_saved_read_left_out(debtor, history)
        return _score(model, model_path, history, known)
    if grade is not None:
        return DebtorRisk(None, grade)
    return None


# how many of the debtors a --history file names are listed when --debtor is not given
LISTED_DEBTORS = 5


def _debtor_needed(history_file: Path) -> click.UsageError:
    """--history without --debtor: the debtor id(s) the file names, to copy into --debtor (the file is scored
    only for the debtor the command was told it holds, not for whichever it happens to hold)."""
    held = history_debtors(history_file)
    needs = f"--history needs --debtor, the id of the debtor it holds: {as_typed(history_file)}"
    if len(held) == 1:
        return click.UsageError(f"{needs} holds the history of {as_typed(held[0])}; "
                                f"add --debtor {as_typed(held[0])}")
    if not held:
        return click.UsageError(f"{needs} names no debtor; give the debtor's id with --debtor")
    listed = ", ".join(as_typed(debtor) for debtor in held[:LISTED_DEBTORS])
    more = f" and {len(held) - LISTED_DEBTORS} more" if len(held) > LISTED_DEBTORS else ""
    return click.UsageError(f"{needs} names the debtors {listed}{more}; add --debtor with the one to price")


def _quote_rows(result, receivable: str, day) -> dict:
    """The quote as the table shows it. Each label is the place of the same figure in the quote's --json
    (``offer.discount_rate``: the key discount_rate in the object offer), so a script written from the table finds
    it there; only the form differs: money and percentages here, fen and decimal fractions there."""
    from client.pricing.money import APR_PERCENT_PLACES, percent_of
    from client.pricing.proposals import fixed_point_text

    def shown(fen: int) -> str:
        return money(fen, result.currency)
    rows = {"bank": result.bank, "receivable_id": receivable, "currency": result.currency, "on": day.isoformat(),
            "due_date": result.due_date.isoformat(),
            "debtor_grade": result.debtor_grade,
            # only where the bank's policy for a debtor with no payment on record priced another grade's terms
            **({"priced_grade": result.priced_grade} if result.priced_grade != result.debtor_grade else {}),
            "probability_late": None if result.probability_late is None else fixed_point_text(result.probability_late),
            "debtor_limit": shown(result.debtor_limit), "exposure": shown(result.exposure),
            "open_offers": shown(result.open_offers), "available": shown(result.available)}
    if result.declined:
        rows["declined"] = result.declined
    else:
        o, pr, parts = result.offer, result.priced, result.rate_parts
        # each rate followed by its parts, which add up to it: base rate + the priced grade's spread; the grade's
        # advance rate - what it was cut to fit the limit
        rows.update({"offer.discount_rate": exact_percent(o.discount_rate),
                     "rate_parts.base_rate": exact_percent(parts.base_rate),
                     "rate_parts.spread": exact_percent(parts.spread),
                     "offer.advance_rate": exact_percent(o.advance_rate),
                     "rate_parts.grade_advance_rate": exact_percent(parts.grade_advance_rate),
                     "rate_parts.cut_to_fit": exact_percent(parts.cut_to_fit),
                     "offer.day_count": o.day_count, "offer.recourse": o.recourse,
                     "offer.expires_on": o.expires_on.isoformat(),
                     "priced.days": pr.days, "priced.advance": shown(pr.advance), "priced.interest": shown(pr.interest),
                     "priced.fees": shown(pr.fees), "priced.net_cash": shown(pr.net_cash),
                     "priced.remainder_at_maturity": shown(pr.remainder_at_maturity),
                     # fees included: the cost of the cash taken
                     "priced.apr": percent_of(pr.exact_apr, APR_PERCENT_PLACES),
                     # beside offer.day_count, which is the discount rate's basis, not the APR's
                     "priced.apr_day_count": pr.apr_day_count})
    return rows


def _note_priced_grade(result) -> None:
    """Say so when the quote priced another grade's terms than the debtor's (the bank's thin_record_grade)."""
    if result.priced_grade != result.debtor_grade:
        click.echo(f"note: priced at grade {result.priced_grade}, {result.bank}'s thin_record_grade for a debtor "
                   f"with no payment on record, not at the model's grade {result.debtor_grade}", err=True)


def _print_quote(rows: dict, risk: DebtorRisk) -> None:
    if risk.synthetic:   # as `recfin risk score` says it: the grade priced on describes a simulated debtor
        click.echo(SYNTHETIC_NOTE)
    emit(_with_the_score(rows, risk), as_json=False)


def _with_the_score(rows: dict, risk: DebtorRisk) -> dict:
    """The quote's rows with the as-of date and model of the score it priced on after the probability, what
    that probability means, and why its grade rests on no payment where it does (``thin_record``), labelled as
    --json names them: an officer reading the table can tell which model priced
    it, of which day's record (the ledger's today or a history file's snapshot, not ``on`` when that is later), and
    that the probability is of a claim falling due in the model's horizon being paid late (neither a share of the
    claims paid late so far nor a chance of default). None for a grade or probability given: no score was
    computed."""
    if risk.scored_as_of is None:
        return rows
    score = {"scored_as_of": risk.scored_as_of.isoformat(), "model": risk.model, "meaning": risk.meaning,
             # a grade the model gave for want of any payment (and the thin_record_grade priced on it), as --json
             # says it: the stderr note alone left a table kept in a file with nothing to tell it from an earned one
             **({"thin_record": risk.thin_record} if risk.thin_record is not None else {})}
    shown: dict = {}
    for label, value in rows.items():
        shown[label] = value
        if label == "probability_late":
            shown.update(score)
    return shown


# the offer was made, and with it the bank is above its limit on the debtor (then withdrawn again, with
# --withdraw-over-limit, or not): not a refusal (exit 1)
EXIT_OVER_LIMIT = 3
# the bank declines to price the claim (too far to the due date, a grade it does not finance, no room under its
# limit...): nothing to offer, as with a refusal
EXIT_DECLINED = 1


class OverLimit(click.ClickException):
    """The offer reached the ledger, and with it the bank is above its limit on the debtor: exit 3, whether the offer
    stands or the quote withdrew it again."""

    exit_code = EXIT_OVER_LIMIT


def _quote_locks() -> Path:
    """Where one host's quotes take turns: $RECFIN_HOME/locks/quotes, else <repo>/.recfin/locks/quotes. Beside the
    default network data folder, not in one: `recfin network` holds a data folder to what the network writes."""
    home = os.environ.get("RECFIN_HOME")
    return (Path(home).resolve() if home else REPO_ROOT / ".recfin") / "locks" / "quotes"


def _config(config_path: Path | None, name: str):
    """The bank's pricing: --config, else the shipped file of ``name``, the bank --as names. A bank with no shipped
    file is a usage error naming --as (exit 2, before anything connects), as a --config that cannot be read is one
    naming --config: the command line names a bank the command cannot price for."""
    from client.pricing import PricingConfigError, bank_config_path, load_bank_config

    path = config_path or bank_config_path(name)
    if config_path is None and not os.path.isfile(path):   # False too for a name the file system refuses
        raise click.BadParameter(f"no pricing configuration for {as_typed(name)} at {as_typed(path)}: pass "
                                 f"--config YAML (e.g. --config {bank_config_path('bank')})", param_hint="'--as'")
    try:
        # the shipped file --as chose is named by where it is: "bank2.yaml: base_rate: ..." did not say where to fix it
        return load_bank_config(path, named=None if config_path is not None else str(path))
    # unreadable, or a setting wrong; a YAML error spans lines: where, then what
    except PricingConfigError as exc:
        raise file_refused("--config" if config_path is not None else None, one_line(exc)) from None


@finance.command()
@click.argument("receivable", callback=names_a_record)
@click.option("--as", "as_", metavar="ORG[/USER] | BANK",
              help="On the ledger (required): the bank's org (and user) that quotes and offers; its pricing is "
                   "client/pricing/banks/ORG.yaml unless --config. With --face/--due: the bank whose pricing "
                   "quotes, client/pricing/banks/BANK.yaml; with --config too the file names the bank (its bank:), "
                   "so no profile is needed and --as may be left out, or must be that name (e.g. \"Bank of China\").")
@click.option("--config", "config_path", type=PathType(dir_okay=False, path_type=Path, reads=True),
              help="The bank's pricing YAML instead of the shipped one.")
@click.option("--face", type=AMOUNT, callback=_owing,
              help=f"Without the ledger: what the receivable still owes, {AMOUNT_HELP}, in the bank's currency (its "
                   "configuration's currency, CNY unless it names another): its face, or for a partly paid claim the "
                   "amount still owed, which the advance is on.")
@click.option("--due", type=DATE, help="Without the ledger: the receivable's due date.")
@click.option("--grade", type=ChoiceCutShort(["A", "B", "C", "D", "E"]), help="The debtor's risk grade.")
@click.option("--probability", type=FRACTION,
              help="The debtor's probability of late payment (a fraction from 0 to 1, e.g. 0.3); sets the grade.")
@click.option("--history", "history_file", type=PathType(dir_okay=False, path_type=Path, reads=True),
              help="The debtor's history file: score it with the model to get the grade, as of the date it was "
                   "read from the ledger as of (its read_as_of), else its last event's date; --on, if earlier.")
@click.option("--debtor", metavar="DEBTOR",
              help="The debtor's id in --history (without the ledger, only with --history); on the ledger it must "
                   "be the receivable's debtor, with or without --history: its credit code, read in capitals as "
                   "the ledger keeps it (91310000ma1k000019 is 91310000MA1K000019).")
@click.option("--model", "model_path", type=PathType(dir_okay=False, path_type=Path, reads=True), cls=ReadWhenShown,
              help=lambda: "The late-payment model artefact that scores the debtor's history (on the ledger or "
                           "--history), with the model card training wrote beside it (NAME.card.md for NAME.json; "
                           "refused without it or with another model's card, as `recfin risk score --model` is) "
                           f"[default: the shipped client/risk/models/{shipped_model().name}].")
@holiday_calendar_option()
@click.option("--exposure", type=AMOUNT,
              help=f"Without the ledger (--face, --due): what the bank already lends against this debtor, "
                   f"{AMOUNT_HELP}, in the bank's currency [default: 0]. On the ledger the bank's exposure is read "
                   "from it, and lending outside it is given as --exposure-outside.")
@click.option("--exposure-outside", type=AMOUNT,
              help=f"On the ledger: what the bank lends against this debtor outside the ledger, {AMOUNT_HELP}, in "
                   "the bank's currency, added to its outstanding financed principal on the debtor there "
                   "(GetFinancierExposure), both when the quote is priced and when its offer is checked against the "
                   "limit again [default: 0]. Its open offers on the debtor's other claims count against the limit "
                   "too.")
@click.option("--on", "on", type=BUSINESS_DATE,
              help="Disbursement date (default: today in China Standard Time, the ledger's business date). From "
                   "1900-01-01 to 2999-12-31. The offer is open offer_valid_days from the day it is made (on the "
                   "ledger, its today), whatever this date, or until the day before the claim's due date if sooner: "
                   "a date after it would lapse, or before that day, is declined.")
@click.option("--yes", is_flag=True, help="On the ledger: make the offer without asking.")
@click.option("--lock-timeout", type=FiniteFloatRange(min=0), metavar="SECONDS",
              help="On the ledger, when an offer may be made: how long to wait while another quote of the same bank "
                   "on the same debtor on this host reads, prices and offers, before giving up with nothing offered "
                   "(0: do not wait) [default: as long as it takes].")
@click.option("--withdraw-over-limit", is_flag=True,
              help="On the ledger: when, with its offer made, the bank is above its limit on the debtor, withdraw "
                   "the offer again (exit 3 all the same) [default: the offer stands, and the quote exits 3 naming "
                   "the command that withdraws it].")
@endorsing_org_option(f"{OFFER_ENDORSERS} (on the ledger, for the offer)")
@connection.timeout_data_root_and_json_options(
    "Print the quote as JSON (amounts in integer fen, rates as decimal fractions): recfin's pricing, not a contract "
    "document, each figure under the key the table names it by, with the score it priced on. On the ledger without "
    "--yes, only quotes (no prompt, no offer).")
def quote(receivable: str, as_: str, config_path: Path | None, face: Amount | None, due: date | None,
          grade: str | None, probability: Decimal | None, history_file: Path | None, debtor: str | None,
          model_path: Path | None, exposure: Amount | None, exposure_outside: Amount | None, on: date | None,
          yes: bool, lock_timeout: float | None, data_root: Path | None, as_json: bool, withdraw_over_limit: bool,
          endorsing_orgs: tuple[str, ...]) -> None:
    """The offer a bank would make for RECEIVABLE: rate, advance, fees, net cash, APR, limit; then make it.

    On the ledger (the default) the bank reads the receivable and its live
    financing request, scores the debtor from its payment record (or takes
    --grade, --probability, --history), prices what the claim still owes
    with its configuration, within its limit on the debtor, and once
    confirmed (the prompt, or --yes) submits MakeFinancingOffer. With --json
    and without --yes it only quotes. With --face and --due it only quotes,
    offline (the third and fourth examples, from the repository root).
    A quote the bank declines (a grade it does not finance, a due date too
    far off, no room under its limit, an --on date after its offer would
    lapse) says why (declined, in --json too), offers nothing and exits 1.
    While the bank's own offer on the request is still open (the contract
    takes one per bank and request) it asks nothing and offers nothing, and
    names the `recfin finance withdraw-offer` command that takes that one
    back (in --json as priced.why, priced.takeable_now false).

    Each line of the table is named as its figure is in --json:
    offer.discount_rate is the key discount_rate in the object offer (there
    amounts are in fen and rates decimal fractions). In both, each amount is
    rounded once to whole fen, half up (四舍五入), as the contract rounds them;
    the APR (fees included) once, half up, from its exact value, to 4 places
    in the table. Interest, and a discount, run for the calendar days from --on
    to the claim's due date, one on a Saturday, Sunday or public holiday not
    moved to the next working day, on the offer's day count (ACT/360, or ACT/365
    Fixed: 365 in a leap year too), as the contract counts them.

    \b
    Exit codes:
      0    quoted; and offered, if confirmed
      1    declined, refused or failed (the message says whether an offer
           was made, or may have been, and how to check); or the prompt's
           input ended without an answer (nothing offered)
      2    a usage error, a file --config, --history, --model or
           --holiday-calendar (or RECFIN_HOLIDAY_CALENDAR) names that
           cannot be read or holds a wrong field or entry included
      3    offered, and the bank is then above its limit on the debtor
           (with --withdraw-over-limit, withdrawn again)
      130  Ctrl-C, at the prompt too (once the offer was sent, the
           message says whether it may still commit; once it committed,
           that it stands, and with --withdraw-over-limit whether its
           withdrawal was sent, cannot commit or may have committed)
      143  SIGTERM (129: SIGHUP), which ends it as Ctrl-C does, saying the
           same

    The rest (scoring, the limit, turns among quotes of one bank on one
    debtor, offers whose outcome was lost): see docs/risk-and-pricing.md,
    section "Commands", and "Quotes at the same time" under "Pricing and
    limits".

    \b
    Example:
      recfin finance quote R-7f3a9c0d1e2b4a5c --as bank/officer1 --yes
      recfin finance quote R-7f3a9c0d1e2b4a5c --as supplier/supplier3 --config client/pricing/banks/bank.yaml \\
        --yes --endorsing-org SupplierMSP --endorsing-org RegulatorMSP
      recfin finance quote RCV-1 --as bank --face 1,000,000 --due 2027-03-01 --grade B --on 2026-12-01 --json
      recfin finance quote RCV-1 --as bank --face 1,000,000 --due 2026-03-31 --on 2025-12-30 \\
        --history client/risk/samples/history.json --debtor SYN-DEBTOR-0007
    """
    from client.pricing import ReceivableTerms, quote as price_quote

    offline = face is not None or due is not None
    offline_with_a_file = offline and config_path is not None
    if not offline_with_a_file:   # --as names a profile, or the shipped file of a bank: a name an org can have
        _as_names_an_org(as_, offline)
    if offline:
        if face is None or due is None:
            raise click.UsageError("quoting without the ledger needs both --face AMOUNT and --due YYYY-MM-DD")
        _refuse_the_first_given((
            (yes, "--yes makes the offer on the ledger; with --face and --due there is no financing request to "
                  "offer on, only a quote (drop --yes)"),
            (lock_timeout is not None, "--lock-timeout bounds the wait for another quote's offer on the ledger; with "
                                       "--face and --due nothing is offered and nothing waits (drop --lock-timeout)"),
            (withdraw_over_limit, "--withdraw-over-limit withdraws an offer the quote made on the ledger; with "
                                  "--face and --due nothing is offered (drop --withdraw-over-limit)"),
            (bool(endorsing_orgs), "--endorsing-org names who endorses the offer on the ledger; with --face and "
                                   "--due nothing is offered (drop --endorsing-org)"),
            (exposure_outside is not None, "--exposure-outside is added to the exposure read from the ledger; with "
                                           "--face and --due there is none: give all the bank lends against the "
                                           "debtor as --exposure"),
            (debtor is not None and history_file is None, "--debtor names the debtor in --history; without the "
                                                          "ledger there is no receivable to check it against: drop "
                                                          "--debtor, or give --history FILE"),
            (_given_on_the_command_line("data_root"), "--data-root names the network data folder whose profile a "
                                                      "quote on the ledger reads; with --face and --due nothing is "
                                                      "read from a network (drop --data-root)"),
            # RECFIN_TIMEOUT is set once for every command: only the option given to this one is refused
            (_given_on_the_command_line("timeout"), "--timeout bounds each call a quote on the ledger makes; with "
                                                    "--face and --due nothing is called (drop --timeout)"),
        ))
        day = on or business_today()
        config = _config(config_path, None if offline_with_a_file else connection.parse_as(as_)[0])
        if offline_with_a_file:
            _as_names_the_files_bank(as_, config.bank, config_path)
        risk = _given_risk(grade, probability, history_file, debtor, day, model_path)
        if risk is None:
            raise click.UsageError("give one of --grade, --probability, --history (the debtor's risk)")
        _refuse_history_in_another_currency(risk, history_file, debtor, receivable, config.currency,
                                            "give --grade or --probability")
        terms = ReceivableTerms(receivable_id=receivable, face_amount=fen_of_option(face, config.currency, "--face"),
                                due_date=due, currency=config.currency)
        exposure_fen = 0 if exposure is None else fen_of_option(exposure, config.currency, "--exposure")
        result = price_quote(config, terms, grade=risk.grade, on=day, exposure=exposure_fen,
                             probability_late=risk.probability_late, thin_record=risk.thin_record is not None)
        _note_priced_grade(result)
        if as_json:
            # nothing read from the ledger: null, as no record could be passed over
            emit({**result.model_dump(mode="json"), **risk.json_fields(), "passed_over": None}, as_json=True)
        else:
            _print_quote(_quote_rows(result, receivable, day), risk)
        _exit_if_declined(result)
        return
    offers_nothing = as_json and not yes
    _refuse_the_first_given((
        (lock_timeout is not None and offers_nothing, "--lock-timeout bounds the wait for another quote's offer; "
                                                      "with --json and without --yes nothing is offered and nothing "
                                                      "waits: add --yes, or drop --lock-timeout"),
        (withdraw_over_limit and offers_nothing, "--withdraw-over-limit withdraws an offer the quote made; with --json "
                                                 "and without --yes nothing is offered: add --yes, or drop "
                                                 "--withdraw-over-limit"),
        (bool(endorsing_orgs) and offers_nothing, "--endorsing-org names who endorses the quote's offer; with --json "
                                                  "and without --yes nothing is offered: add --yes, or drop "
                                                  "--endorsing-org"),
        # in place of the ledger's figure it would hide the lending the ledger shows
        (exposure is not None, "--exposure is the whole exposure of a quote without the ledger (--face, --due); on "
                               "the ledger the bank's exposure is read from it: give what the bank lends against the "
                               "debtor outside the ledger as --exposure-outside AMOUNT, which is added to it"),
    ))
    _quote_on_the_ledger(receivable, as_, config_path, grade, probability, history_file, debtor, model_path,
                         exposure_outside, on, yes, lock_timeout, data_root, as_json, withdraw_over_limit,
                         endorsing_organizations(endorsing_orgs))


def _as_names_an_org(as_: str | None, offline: bool) -> None:
    """--as where the quote needs it to name an org: on the ledger the bank's profile, without the ledger
    (``offline``) and without --config the bank whose shipped file prices (client/pricing/banks/BANK.yaml).
    Missing, a usage error saying what it is for; a name no org can have, one naming --as
    (``connection.names_a_caller``), before anything is read or connects; offline, saying that --config takes a
    bank of any name."""
    ctx = click.get_current_context()
    with_a_file = "or give the bank's pricing as --config FILE, which names the bank itself (its bank:)"
    if as_ is None:
        raise click.UsageError("Missing option '--as': " + (f"the bank whose client/pricing/banks/BANK.yaml prices, "
                                                            f"{with_a_file}" if offline else
                                                            "the bank's org (and user) that quotes on the ledger"),
                               ctx)
    try:
        connection.names_a_caller(ctx, next(p for p in ctx.command.params if p.name == "as_"), as_)
    except click.BadParameter as refused:
        if offline:
            refused.message += f"; {with_a_file}"
        raise


def _as_names_the_files_bank(as_: str | None, bank: str, config_path: Path) -> None:
    """Without the ledger the --config file is the pricing of the bank its ``bank:`` names, and the quote is
    labelled with it: --as, which no profile is looked up for there, may be left out, and if given must be that
    name (or ORG/USER of it), since a quote labelled with one bank and priced on another's terms misleads. It was
    checked as an org's name before, which refused a bank's name as an analyst writes it ("Bank of China")."""
    if as_ is None or as_ == bank:
        return
    named, slash, user = as_.partition("/")
    if named.strip() == bank and slash:
        if user.strip() and "/" not in user:
            return
        # "BANK/" or "BANK/a/b", refused as ORG/USER is everywhere else: a user named wrong, not another bank
        raise click.BadParameter(f"{as_typed_cut_short(as_)}: write the bank's name as the file writes it, "
                                 f"{as_typed(bank)}, or {as_typed(bank)}/USER; or drop --as, as the file names the "
                                 "bank", param_hint="'--as'")
    shown = as_typed_cut_short(as_) if as_.strip() else repr(as_)   # an empty --as shown as '' rather than nothing
    raise click.BadParameter(f"{shown} is not the bank {as_typed(config_path)} prices for: it "
                             f"names {as_typed(bank)} (its bank:); drop --as, as the file names the bank, or pass "
                             f"--config with the pricing of {shown}", param_hint="'--as'")


def _given_on_the_command_line(name: str) -> bool:
    """Whether the running command's parameter ``name`` was given on its command line (not by a default, nor by an
    environment variable an operator sets once for every command, as RECFIN_TIMEOUT)."""
    return click.get_current_context().get_parameter_source(name) is ParameterSource.COMMANDLINE


def _refuse_the_first_given(refusals: tuple[tuple[bool, str], ...]) -> None:
    """A usage error saying ``why`` of the first ``(given, why)`` pair whose option was given: an option of a quote
    that means nothing in the way this quote runs (without the ledger, or only quoting), refused before anything is
    read, rather than left unused as if it had been heeded."""
    for given, why in refusals:
        if given:
            raise click.UsageError(why)


def _offer_priced_on(held, session, turn, r, result, as_: str, endorsing_organizations: list[str] | None):
    """The quote's offer, sent with the version of the exposure read ``held`` it was priced on, and the read's
    uncounted offers (those of the bank's offers on the debtor its figures left out, which the offer makes
    unacceptable, so none is lent past the limit priced against): refused by the contract when another offer of the
    bank on the debtor came after that read, from this host or another, or when an endorsing peer is behind the one
    read from; each said as such (nothing was offered; a new quote prices on the new figures).
    ``endorsing_organizations``: --endorsing-org, None for the SDK's choice."""
    from client.receivables import RuleViolation

    try:
        return offer_in_turn(session, turn, r, result, as_, exposure_version=held.version,
                             endorsing_organizations=endorsing_organizations, uncounted_offers=held.uncounted_offers)
    except RuleViolation as exc:
        if exc.rule == "exposure-changed":
            raise click.ClickException(
                f"no offer made on {r.financing_id}: another offer of the bank on {r.debtor} came after this quote "
                f"read the bank's exposure (from this host or another), so its figures are out of date and the "
                f"limit {money(result.debtor_limit, r.currency)} might not hold; run the quote again to price on "
                f"the new figures ({connection.describe(exc)})") from None
        if exc.rule == "exposure-version-ahead":
            raise click.ClickException(
                f"no offer made on {r.financing_id}: a peer that endorses the offer has not yet caught up with the "
                f"one this quote read the exposure from; run the quote again shortly "
                f"({connection.describe(exc)})") from None
        raise


def _ledger_today(session, r) -> date | None:
    """The ledger's today, read where the caller may read the claim's debtor's payment record (a bank, the regulator,
    the debtor), else None."""
    from client.receivables import RuleViolation

    try:
        return session.client.debtor_payment_record(r.debtor, page_size=1).as_of
    except RuleViolation:
        return None


def _why_no_request(r, today: date) -> str:
    """Why a quote on claim ``r``, which has something outstanding and names no financing request, makes no offer,
    and what, if anything, would let one be made: the contract takes a request only on a CONFIRMED claim, before its
    due date, while no freeze order binds it. Said so, rather than advising a step the contract would refuse."""
    if r.status not in ("REGISTERED", "CONFIRMED"):
        return (f"{r.id} is {r.status} and has no financing request, and the contract takes one only on a CONFIRMED "
                f"claim (rule invalid-state): no offer can be made on it")
    # from the due date on the contract takes no request, nor a confirmation
    if r.due_date <= today:
        return (f"{r.id} fell due on {r.due_date} and has no financing request: the contract takes none from a "
                f"claim's due date on (rule past-maturity), so no offer can be made on it")
    if r.frozen is not None:
        orders = [r.frozen, *r.queued_freezes]
        named = ", ".join(as_typed(o.order_reference) for o in orders)
        return (f"{r.id} is frozen (order{'s' * (len(orders) > 1)} {named}) and has no financing request: the "
                f"contract takes none on a frozen claim (rule receivable-frozen), so no offer can be made on it "
                f"while any order binds it")
    if r.status == "REGISTERED":
        return (f"{r.id} is REGISTERED, not yet confirmed by its debtor, and has no financing request: once the "
                f"debtor confirms it (recfin receivable confirm {r.id}), its holder asks first (recfin finance "
                f"request {r.id}), both before its due date {r.due_date}")
    return (f"{r.id} has no live financing request: its holder asks first (recfin finance request {r.id}), before "
            f"its due date {r.due_date}")


def _why_financed(r) -> str:
    """Why a quote on claim ``r``, FINANCED, makes no offer: the financing it names was accepted, so it is no open
    request, and the contract takes offers only on one (MakeFinancingOffer, rule invalid-state). Said before the
    debtor is scored, as for a claim without a request: priced, the quote would show terms no bank can offer on the
    claim, exit 0, its own financing counted in the exposure it was priced against."""
    bank = r.financier or "its bank"
    if r.notice_id is not None:   # the assignment notice is issued when the advance is recorded
        stage, way_out = (f"disbursed by {bank}", f": that financing ends with the claim settled, the debtor "
                                                  f"paying {bank}")
    else:
        stage, way_out = (f"accepted from {bank}, not yet disbursed",
                          f" while that financing lasts: the holder or {bank} may cancel it before it is disbursed "
                          f"(recfin finance cancel {r.financing_id} --reason TEXT), after which the holder may "
                          "request financing again")
    return (f"{r.id} is already financed: financing {r.financing_id} was {stage}, and the contract takes offers only "
            f"on an open financing request (rule invalid-state), so no offer can be made on it{way_out}")


# what a quote's --debtor on the ledger is, after the reason it is refused
_THE_CLAIMS_DEBTOR = ("on the ledger --debtor is the receivable's debtor, named by its credit code (a history file's "
                      "other debtor is priced without the ledger, with --face and --due)")


@connection.reports_ledger_errors
def _quote_on_the_ledger(receivable, as_, config_path, grade, probability, history_file, debtor, model_path,
                         exposure_outside, on, yes, lock_timeout, data_root, as_json, withdraw_over_limit,
                         endorsing_organizations: list[str] | None) -> None:
    from client.gateway import GatewayError
    from client.pricing import LimitStanding, quote as price_quote
    from client.pricing.ledger import receivable_terms
    from client.pricing.proposals import nothing_outstanding
    from client.receivables import ReceivablesError
    from client.risk import history_from_ledger, ledger_as_of

    org, user = connection.parse_as(as_)
    if debtor is not None:   # it must be the claim's debtor, which the ledger names by credit code, in capitals
        debtor = debtor_on_the_ledger(debtor, _THE_CLAIMS_DEBTOR)
    day = on or business_today()
    risk = _given_risk(grade, probability, history_file, debtor, day, model_path)
    model = _scoring_model(model_path) if risk is None else None   # refused before connecting, not after
    config = _config(config_path, org)
    # the claim must be in the configuration's currency (refused below otherwise), so --exposure-outside is in it too
    outside_fen = 0 if exposure_outside is None else fen_of_option(exposure_outside, config.currency,
                                                                   "--exposure-outside")
    # SIGTERM or SIGHUP (timeout(1), a stopped service) is a stop as Ctrl-C is: what became of the offer is said
    with offline_hint("pass --face AMOUNT --due YYYY-MM-DD and the debtor's risk to quote"), terminations_raised(), \
            connection.open_session(org, user, data_root) as session:
        r = session.client.get_receivable(receivable)
        if (refusal := config.currency_refusal(r.currency)) is not None:   # before scoring: nothing would be offered
            raise click.ClickException(f"{r.id}: {refusal}")
        # a claim paid in full (to its holder, or to its bank before the repayment is recorded) has nothing to finance
        if r.outstanding == 0:
            raise click.ClickException(nothing_outstanding(r.id, r.status, r.children))
        # the ledger's today where the caller may read it, else this host's (its clock dates the ledger's queries)
        ledger_today = _ledger_today(session, r)
        today = ledger_today or business_today()
        if r.financing_id is None:
            raise click.ClickException(_why_no_request(r, today))
        if r.status == "FINANCED":   # its financing was accepted: no request is open to offer on
            raise click.ClickException(_why_financed(r))
        if on is None:   # priced and scored as of the ledger's today, as the offer is dated
            day = today
        if debtor is not None and debtor != r.debtor:   # with --history the grade would be another debtor's
            fix = (f"pass that debtor's history (--history FILE --debtor {r.debtor}), or drop --history to score it "
                   f"from the ledger" if history_file is not None else
                   f"drop --debtor (the ledger says whose claim it is) or pass --debtor {r.debtor}")
            raise click.ClickException(f"--debtor {as_typed(debtor)} is not the debtor of {r.id}, which "
                                       f"{as_typed(r.debtor)} owes: {fix}")
        if risk is not None:
            _refuse_history_in_another_currency(risk, history_file, debtor, r.id, r.currency,
                                                "drop --history to score it from the ledger")
        if risk is None:
            # priced for disbursement on ``day``, but scored as of what the ledger knows: features as of a later
            # date would count every open claim due before it as unpaid
            known = ledger_as_of(session.client, r.debtor, day) if ledger_today is None else min(day, ledger_today)
            if known < day:
                click.echo(f"note: the debtor is scored as of the ledger's today, {known} (the ledger knows nothing "
                           f"later); the offer is priced for disbursement on {day}", err=True)
            history = history_from_ledger(session.client, r.debtor, known, currency=r.currency)
            # a read names what it left out (history_from_ledger sets both)
            note_other_currencies(r.debtor, r.currency, history.claims_in_other_currencies, own_command=False)
            note_claims_not_counted(r.debtor, history.claims_not_counted)
            risk = _score(model, model_path, history, known)
        made = standing = unread = turn = withdrawn = unwithdrawn = None
        pending: list[PendingOffer] = []
        with ExitStack() as held_turn:
            if yes or not as_json:   # an offer may be made (--yes, or the prompt): its read and offer take a turn
                turn = _take_turn(held_turn, session.profile.channel, session.profile.msp_id, r, as_, lock_timeout)
                ask_pending(turn, session)   # before the read: an offer that committed since is in it
            held = session.client.financier_exposure(r.debtor)
            # an offer of the bank, or its claim, the peer cannot read counts nothing here: said, as the room
            # priced on is then larger than the bank's figures would leave
            note_passed_over(held.unreadable, held.newer_version, "in none of the bank's figures on the debtor "
                             "this quote holds against its limit", err=True)
            # the bank's lending to the debtor off the ledger takes room under the same limit as its lending on it
            exposure_fen = held.exposure_in(r.currency) + outside_fen
            # each open offer of the bank on the debtor's other claims is one acceptance away from being lent: without
            # them every quote would see the whole limit free. Its own offer on this request, if it made
            # one, is not counted: the quote prices terms in its stead, offered only once the bank
            # withdraws it (the contract takes one per bank and request). Neither is an offer on it whose
            # outcome is not known: the two cannot both commit.
            open_offers = sum(o.advance for o in held.offers
                              if o.currency == r.currency and o.financing_id != r.financing_id)
            if turn is not None:
                pending = pending_offers(turn, session, held, r)
                open_offers += sum(p.advance for p in pending)
            # priced on what the claim still owes, as the contract advances on it: a partly paid claim is worth only
            # that
            terms = receivable_terms(r)
            # the offer is open offer_valid_days from the ledger's today, when it is made, whatever the disbursement
            # date it is priced for: as long as the bank's policy lets an offer bind it and sit on its limit
            ledger_today = session.client.debtor_payment_record(r.debtor, page_size=1).as_of
            if on is None:   # today, as the ledger dates the offer: the turn may have been taken after midnight
                day = ledger_today
            result = price_quote(config, terms, grade=risk.grade, on=day, exposure=exposure_fen,
                                 open_offers=open_offers, probability_late=risk.probability_late,
                                 offered_on=ledger_today, thin_record=risk.thin_record is not None)
            _note_priced_grade(result)
            # the contract would refuse the offer itself while the bank's own offer is open on the request: read
            # when only quoting too, so that --json's priced.takeable_now and why tell what --yes would meet
            own_offer = _own_offer_open(session, held.financier, r) \
                if result.offer is not None and result.priced.takeable_now else None
            if own_offer is not None:
                result = _withheld_by_own_offer(result, own_offer, r.financing_id, as_)
            if not as_json:
                rows = _quote_rows(result, r.id, day)
                rows.update({"debtor": r.debtor, "financing_id": r.financing_id})
                _print_quote(rows, risk)
            # priced, but the contract would refuse to take it now (a freeze order, a claim not confirmed),
            # or refuse the offer itself (the bank's own offer still open on the request): not offered
            refused = _own_offer_refusal(own_offer, "it", as_) if own_offer is not None else \
                result.priced.why if result.offer is not None and not result.priced.takeable_now else None
            if refused is not None and yes:
                raise click.ClickException(f"no offer made on {r.financing_id}: {refused}")
            if refused is not None and not as_json:
                click.echo(f"no offer made on {r.financing_id}: {refused}")
            # the question on stderr, as every prompt: with stdout sent to a file it would go there unseen
            if result.offer is not None and refused is None and (yes or (not as_json and click.confirm(
                    f"make this offer on {r.financing_id}?", default=False, err=True))):
                made = _offer_priced_on(held, session, turn, r, result, as_, endorsing_organizations)
                # read again with the offer on the ledger: more than this offer added means another offer of the bank
                # on the debtor committed after the read above, where this host's turns do not reach
                try:
                    after = session.client.financier_exposure(r.debtor)
                except (ReceivablesError, GatewayError) as exc:   # the offer stands all the same: said below
                    unread = connection.describe(exc)
                except KeyboardInterrupt as stopped:   # Ctrl-C: the offer stands, unchecked
                    raise AnswerLost(_offer_unchecked(
                        made, r, withdraw_over_limit,
                        f"the quote was {connection.describe(stopped)} before it read the bank's exposure to "
                        f"{r.debtor} again to check it against the limit {money(result.debtor_limit, r.currency)}"),
                        getattr(stopped, "exit_code", EXIT_INTERRUPTED)) from None
                else:
                    standing = LimitStanding(
                        currency=r.currency, open_offers=after.offered_in(r.currency), debtor_limit=result.debtor_limit,
                        exposure=after.exposure_in(r.currency) + outside_fen)
                    if withdraw_over_limit and standing.over_limit_by:
                        # still in the turn: the next quote of the bank on the debtor on this host reads the room
                        # this offer gave back
                        try:
                            withdrawn = session.client.withdraw_offer(made.id, _withdrawal_reason(standing))
                        except (ReceivablesError, GatewayError) as exc:   # said, with the command to retry, below
                            unwithdrawn = exc
                        except KeyboardInterrupt as stopped:   # Ctrl-C: said now, with what is known of it
                            over = _above_limit(made, r, standing, session.profile.msp_id, withdrawn=False)
                            raise AnswerLost(_withdrawal_failed(over, made, r, stopped, as_),
                                             getattr(stopped, "exit_code", EXIT_INTERRUPTED)) from None
        # what the offer came to is known before it is printed: a stop while it prints (a terminal or a pipe slow to
        # take it) says it, where it said only "interrupted", the offer made and unnamed
        ending = None if made is None else _offer_ending(made, r, result, standing, withdrawn, unwithdrawn, unread,
                                                         withdraw_over_limit, session.profile.msp_id, as_)
        made_line = None if made is None else (f"offered {made.id} on {r.financing_id} (terms hash {made.terms_hash}, "
                                               f"expires {made.expires_on})")
        try:
            if as_json:
                # the bank's offers and claims on the debtor the peer could not read count in none of the limit's
                # figures: said here too, for a system that reads no stderr
                emit({**result.model_dump(mode="json"), **risk.json_fields(), "debtor": r.debtor,
                      "passed_over": {"unreadable": held.unreadable, "newer_version": held.newer_version},
                      "financing_id": r.financing_id,
                      "pending_offers": [_pending_json(p) for p in pending],
                      "made_offer": None if made is None else made.model_dump(mode="json"),
                      "after_offer": None if standing is None else standing.model_dump(mode="json"),
                      "withdrawn_offer": None if withdrawn is None else withdrawn.model_dump(mode="json")},
                     as_json=True)
            elif made_line is not None:
                click.echo(made_line)
            elif result.offer is not None and refused is None:
                click.echo("no offer made")
        except KeyboardInterrupt as stopped:
            if made is None:   # nothing offered: a plain stop
                raise
            told = ending.message if ending is not None else f"{made_line}: the offer stands"
            raise AnswerLost(f"{connection.describe(stopped)} while the quote printed its result: {told}",
                             getattr(stopped, "exit_code", EXIT_INTERRUPTED)) from None
        if ending is not None:
            raise ending
        _exit_if_declined(result)


def _offer_ending(made, r, result, standing: LimitStanding | None, withdrawn, unwithdrawn: BaseException | None,
                  unread: str | None, withdraw_over_limit: bool, bank: str, as_: str) -> click.ClickException | None:
    """The error a quote whose offer was made ends with once its result is printed: the bank's exposure could not be
    read again to check the offer against the limit (exit 1), or with the offer the bank is above its limit, the
    offer withdrawn again or not (exit 3); None when the offer stands within the limit."""
    if unread is not None:
        return click.ClickException(_offer_unchecked(
            made, r, withdraw_over_limit,
            f"the bank's exposure to {r.debtor} could not be read again to check it against the limit "
            f"{money(result.debtor_limit, r.currency)}: {unread}"))
    if standing is None or not standing.over_limit_by:
        return None
    over = _above_limit(made, r, standing, bank, withdrawn is not None)
    if withdrawn is not None:
        return OverLimit(_withdrawn_over_limit(over, withdrawn, r, standing, result.priced.advance, as_))
    if unwithdrawn is not None:
        return OverLimit(_withdrawal_failed(over, made, r, unwithdrawn, as_))
    return OverLimit(f"{over}. {_standing_over_limit(made, r, as_)}")


def _exit_if_declined(result) -> None:
    """A quote the bank declines exits 1 once printed (its reason as ``declined``, in the table or the JSON), so
    that a script tells it from a priced one."""
    if result.declined:
        raise SystemExit(EXIT_DECLINED)


def _take_turn(turn: ExitStack, channel: str, bank: str, r, as_: str, timeout: float | None) -> QuoteTurn:
    """Hold the lock of ``bank``'s quotes on ``r``'s debtor on ``channel`` on this host until ``turn`` closes,
    waiting for another quote that holds it (saying so); waited for in vain, one line and nothing offered."""
    from client.pricing import QuoteLockTimeout, quote_lock

    def waiting(holder: str) -> None:
        bound = f", at most {timeout:g} s (--lock-timeout)" if timeout is not None else ""
        click.echo(f"waiting for another quote of {bank} on {r.debtor} ({as_typed(holder)}) to make or decline "
                   f"its offer{bound}", err=True)
    try:
        return turn.enter_context(quote_lock(_quote_locks(), channel, bank, r.debtor, timeout=timeout,
                                             waiting=waiting,
                                             holder=f"pid {os.getpid()} quoting {r.id} as {as_typed(as_)}"))
    except QuoteLockTimeout as exc:
        raise click.ClickException(
            f"no offer made on {r.financing_id}: another quote of {bank} on {r.debtor} ({as_typed(exc.holder)}) "
            f"still held {exc.path} after {exc.waited:g} s (--lock-timeout); nothing was offered. Run the quote again "
            f"once that one has made or declined its offer, or wait longer (--lock-timeout SECONDS)") from None


def _pending_json(p: PendingOffer) -> dict:
    return {"transaction_id": p.transaction_id, "financing_id": p.financing_id, "advance": p.advance,
            "currency": p.currency, "expires_on": p.expires_on.isoformat()}


def _limit_figures(standing: LimitStanding) -> str:
    """Exposure + open offers against the debtor limit, as money, for a message and a withdrawal's reason."""
    def shown(fen: int) -> str:
        return money(fen, standing.currency)
    return (f"exposure {shown(standing.exposure)} + open offers {shown(standing.open_offers)} (this one's included) = "
            f"{shown(standing.exposure + standing.open_offers)}, over the debtor limit {shown(standing.debtor_limit)} "
            f"by {shown(standing.over_limit_by)}")


CONCURRENT_OFFER = "another offer of the bank on the debtor committed while this one was priced"


def _withdrawal_reason(standing: LimitStanding) -> str:
    """The reason --withdraw-over-limit gives WithdrawFinancingOffer. It is on the offer's public record, which
    other banks read while the request is open: it says why, never the bank's limit or exposure (the quote shows
    those to the bank only)."""
    return f"above the debtor limit: {CONCURRENT_OFFER}"


def _above_limit(made, r, standing: LimitStanding, bank: str, withdrawn: bool) -> str:
    """How the quote's offer took the bank above its limit on the debtor: the figures and what took the room."""
    offered = "was offered" if withdrawn else "is offered"
    return (f"{made.id} {offered} on {r.financing_id}, and with it {bank} is above its limit on {r.debtor}: "
            f"{_limit_figures(standing)}: {CONCURRENT_OFFER} (a quote on another host, or `recfin finance offer`)")


def _withdraw_command(offer, as_: str, reason: str = "above the debtor limit") -> str:
    return f"recfin finance withdraw-offer {offer.id} --reason '{reason}' --as {as_typed(as_)}"


def _own_offer_open(session, bank: str, r):
    """``bank``'s (its credit code) offer still open on ``r``'s request, expired or not: the contract takes one
    offer per bank and request until the bank withdraws it (rule offer-already-made), so sending the quote's would
    be refused. None when it has none, or when the request is not the bank's to read (the offer is sent, and the
    contract says why it refuses it)."""
    from client.receivables import unless_refused_the_read

    financing = unless_refused_the_read(lambda: session.client.get_financing(r.financing_id))
    offers = financing.offers if financing is not None else []
    return next((o for o in offers if o.financier == bank and o.status == "OPEN"), None)


def _own_offer_refusal(earlier, request: str, as_: str) -> str:
    """Why the quote makes no offer while the bank's offer ``earlier`` is open on ``request`` (its id, or "it"
    after a message that names it), and the command that withdraws it."""
    return (f"{earlier.financier}'s offer {earlier.id}, made on {earlier.made_on}, is still open on {request}, and "
            f"the contract takes one offer per bank and request (rule offer-already-made). To offer these terms "
            f"instead, withdraw it first, then quote again: {_withdraw_command(earlier, as_, 'terms revised')}")


def _withheld_by_own_offer(result, earlier, financing_id: str, as_: str):
    """The quote ``result`` as one the contract would refuse now, the bank's offer ``earlier`` being open on the
    request: its ``priced`` not takeable now, saying why and the step that lifts it, as a freeze order is said
    (the figures are those of the offer it can be once that one is withdrawn)."""
    priced = result.priced.model_copy(update={
        "takeable_now": False, "first_step": f"{earlier.financier} withdraws its offer {earlier.id}",
        "why": f"not takeable now: {_own_offer_refusal(earlier, financing_id, as_)}"})
    return result.model_copy(update={"priced": priced})


def _cancel_advice(r, as_: str) -> str:
    return (f"If the holder has accepted it, the bank can still end the financing before disbursing: recfin finance "
            f"cancel {r.financing_id} --reason 'above the debtor limit' --as {as_typed(as_)}")


def _standing_over_limit(made, r, as_: str) -> str:
    """What the bank can do about its offer that stands above the limit (no --withdraw-over-limit)."""
    return (f"The offer stands until it expires on {made.expires_on}, unless the holder accepts another offer or "
            f"withdraws its request (or, from the claim's due date on, the debtor's payment ends the request), or "
            f"the bank withdraws it: {_withdraw_command(made, as_)} (a quote with --withdraw-over-limit does so "
            f"itself). {_cancel_advice(r, as_)}")


def _withdrawn_over_limit(over: str, withdrawn, r, standing: LimitStanding, advance: int, as_: str) -> str:
    """The quote's offer above the limit, withdrawn again (--withdraw-over-limit): nothing it offered stands."""
    still_over = standing.over_limit_by - advance
    without_it = (f"; without it the bank is still above its limit by {money(still_over, standing.currency)} (its "
                  f"other offers and financings on the debtor)" if still_over > 0 else "")
    return (f"{over}. Withdrawn again (--withdraw-over-limit): {withdrawn.id} is {withdrawn.status}, so nothing this "
            f"quote offered on {r.financing_id} stands{without_it}. Quote again to price the room that is left: "
            f"recfin finance quote {r.id} --as {as_typed(as_)}")


def _offer_unchecked(made, r, withdraw_over_limit: bool, unchecked: str) -> str:
    """The quote's offer, made, that was not checked against the limit again (``unchecked``: the exposure's second
    read failed, or the quote was stopped before it): it stands, and the bank is to check its figures itself."""
    not_withdrawn = " (not withdrawn: --withdraw-over-limit withdraws only an offer found above the limit)" \
        if withdraw_over_limit else ""
    return (f"{made.id} is offered on {r.financing_id}, but {unchecked}. The offer stands{not_withdrawn}; before the "
            f"next offer on the debtor, check that exposure and open offers (a quote shows both) stay within the "
            f"limit")


def _withdrawal_failed(over: str, made, r, error: BaseException, as_: str) -> str:
    """The quote's offer above the limit, whose withdrawal (--withdraw-over-limit) was refused, stopped (Ctrl-C) or
    has no known outcome: what is known of it, as a change stopped anywhere says it (not sent, cannot commit, or
    may have committed and the `recfin transaction status` that tells, ``connection.stopped_submit``): the offer
    stands, or may, and the same withdrawal can be sent again (a second one of a withdrawn offer is refused, and
    changes nothing)."""
    why = connection.describe(error)
    if isinstance(error, KeyboardInterrupt):
        cut_short = connection.stopped_submit(error)
        happened = f"was {why}"
        outcome = ("it was not sent: the offer stands" if cut_short is None else
                   f"{connection.cannot_commit(cut_short.transaction_id)}: the offer stands"
                   if not cut_short.may_have_been_ordered else
                   f"its outcome is not known: the offer may be withdrawn or stand "
                   f"({connection.may_have_committed_all_the_same(cut_short.transaction_id)})")
    else:
        happened = f"failed: {why}"
        transaction = getattr(error, "transaction_id", None)
        outcome = ("its outcome is not known: the offer may be withdrawn or stand"
                   + (f" ({connection.may_have_committed_all_the_same(transaction)})" if transaction else "")
                   if may_have_committed(error) else "it was not withdrawn")
    return (f"{over}. Withdrawing {made.id} (--withdraw-over-limit) {happened}; {outcome}. Retry: "
            f"{_withdraw_command(made, as_)} (`recfin finance get {r.financing_id} --as {as_typed(as_)}` shows the "
            f"offer's status). {_cancel_advice(r, as_)}")


# Each column of the compare table is the key of its figure in a proposal of --json, so a script written from the
# table finds it there ("APR" is proposals[].apr); interest and fees are two keys, so two columns. APR_DAY_COUNT
# follows APR: DAY_COUNT is the basis of the offer's ANNUAL_RATE, and read as the APR's it would mislead.
COMPARE_COLUMNS = ["rank_by_cost", "rank_by_cash", "offer_id", "counterparty", "source", "annual_rate", "day_count",
                   "net_cash", "interest", "fees", "apr", "apr_day_count", "recourse", "takeable_now", "first_step"]


def _compare_row(p: Proposal, currency: str, apr_places: int) -> dict:
    """A proposal as the compare table shows it: the figures of its --json in the table's form (money for fen,
    percentages for decimal fractions, the APR rounded once from the exact value to ``apr_places``); an offer that
    is not eligible pays nothing, so its amounts show as "-"."""
    from client.pricing.money import percent_of

    def shown(fen: int) -> str | None:
        return money(fen, currency) if p.eligible else None
    # every column is the proposal's field of that name; these five are shown in the table's form
    return {column: getattr(p, column) for column in COMPARE_COLUMNS} | {
        "annual_rate": None if p.annual_rate is None else exact_percent(p.annual_rate),   # a term, as it binds
        "net_cash": shown(p.net_cash), "interest": shown(p.interest), "fees": shown(p.fees),
        "apr": percent_of(p.exact_apr, apr_places) if p.apr is not None else None}


def _read_offers(path: Path) -> OffersFile:
    from client.pricing import validation_problems
    from client.pricing.ledger import ProposalInputs as OffersFile   # the --offers file has the shape it returns

    data = read_json_file(path, "--offers", "a receivable and the offers on it")
    return validated(OffersFile, data, "--offers",
                     lambda exc: f"{as_typed(path)}: {validation_problems(exc, OffersFile, written_in='JSON')}")


def _only_discount_offer(data: OffersFile, offer_id: str, path: Path) -> OffersFile:
    """The file's bank offers and, of its early-payment offers, only ``offer_id`` (as the ledger reads just the one
    named); an id the file does not hold is refused rather than compared as nothing: a usage error naming
    --discount-offer (exit 2), the two options disagreeing, not a refusal of the offers (exit 1)."""
    named = [o for o in data.early_payments if o.offer_id == offer_id]
    if not named:
        held = ", ".join(as_typed(o.offer_id) for o in data.early_payments)
        fix = f"it has {held}: give one of those, or drop --discount-offer" if held else \
            "it has none: drop --discount-offer"
        raise click.BadParameter(f"{as_typed(offer_id)}: {as_typed(path)} has no early-payment offer of that "
                                 f"id; {fix}", param_hint="'--discount-offer'")
    return data.model_copy(update={"early_payments": named})


def _refuse_a_date_gone_by(on: date | None) -> None:
    """On the ledger, cash is taken today or later: the contract judges an offer as of the date it gives the
    holder's acceptance, today's (``business_today``: the date a transaction sent now carries). Priced on a
    date gone by, an offer expired since would show as takeable now and rank, and the contract refuse it
    (offer-expired); `finance quote` declines such a date too. Refused before connecting: nothing is read."""
    today = business_today()
    if on is not None and on < today:
        raise click.BadParameter(
            f"{on} is before today, {today} (China Standard Time, the date the contract gives a "
            f"transaction sent now): on the ledger the offers are compared for cash taken today or later, "
            f"as the contract takes them, and one open on {on} may have expired since. Give today or a "
            f"later date, or drop --on (an --offers FILE is compared on any date)", param_hint="'--on'")


@connection.reports_ledger_errors
def _offers_on_the_ledger(receivable: str, as_: str, discount_offer: str | None, data_root: Path | None,
                          passed_over: PassedOver, not_here: list[TermsNotOnThisPeer]) -> OffersFile:
    from client.pricing.ledger import proposal_inputs_from_ledger
    from client.receivables import RuleViolation

    org, user = connection.parse_as(as_)
    with offline_hint("pass --offers FILE"), connection.open_session(org, user, data_root) as session:
        try:
            return proposal_inputs_from_ledger(session.client, receivable, discount_offer_id=discount_offer,
                                               passed_over=passed_over, terms_not_on_this_peer=not_here)
        except RuleViolation as refusal:
            if refusal.rule != "not-permitted-to-read":
                raise
            # the read refused names who may read that one record ("the holder, the bank and the regulator"), which
            # a bank that did not make the offer, or the debtor, reads as a way in: say whose comparison it is
            raise click.ClickException(
                f"{connection.describe(refusal)}; `recfin finance compare` reads every offer on the claim, the "
                "banks' private terms included, which only the claim's holder and the regulator may read: run it "
                "--as the holder's org (and user), or --as regulator") from None


@finance.command()
@click.argument("receivable", callback=names_a_record)
@click.option("--as", "as_", default="supplier", show_default=True, metavar="ORG[/USER]",
              callback=connection.names_a_caller,
              help="Who reads the offers on the ledger: the receivable's holder (or the regulator), who may read "
                   "the banks' private terms. Not with --offers, which reads no ledger.")
@click.option("--discount-offer", metavar="ID", callback=names_a_record,
              help="Compare only this early-payment offer of the debtor [default: every open one that covers "
                   "RECEIVABLE, as ListDiscountOffers gives them; with --offers, every one in the file]. With "
                   "--offers it must be one in the file. On the ledger one withdrawn or expired is shown not "
                   "eligible, saying when, and one another debtor's or not listing RECEIVABLE is refused, as "
                   "the contract refuses to pay it.")
@click.option("--offers", "offers_file", type=PathType(dir_okay=False, path_type=Path, reads=True),
              help="Without the ledger: a JSON file with the receivable (face_amount: what it still owes; its live "
                   "financing_id and frozen_by, if any; currency, CNY, and status, CONFIRMED, unless given), the "
                   "bank offers (without a financing_id, ranked as takeable once financing is requested) and the "
                   "early-payment offers.")
@click.option("--on", "on", type=BUSINESS_DATE,
              help="Date the cash would be taken (default: today in China Standard Time, the ledger's "
                   "business date), from 1900-01-01 to 2999-12-31. On the ledger today or later: the "
                   "contract takes an offer as of today, so a date gone by is refused (with --offers, any "
                   "date).")
@click.option("--by", type=ChoiceCutShort(["cost", "cash"]), default="cost", show_default=True,
              help="Order by effective annual cost or by net cash now. Ties break on the other measure, then "
                   "without recourse before with it, then takeable now before needing a first step, then by offer "
                   "id; each tied offer's why says which of these put the one before it first.")
@connection.timeout_data_root_and_json_options(
    "Print the ranking as JSON (amounts in integer fen, rates as decimal fractions): recfin's comparison, not a "
    "contract document: the receivable, on, by and the proposals, each figure under the key its column is named by.")
def compare(receivable: str, as_: str, discount_offer: str | None, offers_file: Path | None, on: date | None,
            by: str, data_root: Path | None, as_json: bool) -> None:
    """Every live offer on RECEIVABLE ranked by net cash and by effective annual cost, with why.

    On the ledger (the default): the open bank offers on the receivable's live
    financing request, with their private terms, and the debtor's open
    early-payment offers that cover the receivable (or only the one named by
    --discount-offer). With --offers FILE: the same from a file (the third
    and fourth examples read the shipped one from the repository root).

    Every eligible offer is ranked, the bank's and the debtor's together,
    even where only one of them can be taken at a time: TAKEABLE_NOW says
    whether the contract would take it today and FIRST_STEP what must happen
    before it would: every offer while the receivable is frozen (the
    regulator lifts the freeze) or not confirmed (the debtor confirms a
    registered one); an early-payment offer while the receivable has a live
    financing (withdraw the financing request, and its bank offers lapse
    then; cancel an accepted financing before disbursement); a bank offer in
    --offers FILE on a receivable without a request (request financing). An
    offer no step would make takeable (early payment once a financing is
    disbursed: it ends only with the claim settled) is priced but not ranked.
    A receivable with nothing outstanding (settled or split) is refused:
    nothing is left to finance. A bank offer whose private terms this peer
    does not hold yet is not compared: a note under the table names it (on
    stderr with --json, which lists it in terms_not_on_this_peer), the rest
    are ranked, and the exit status is 0; compare again shortly.

    Each column is named, in capitals, by the key of its figure in each
    object of proposals in --json: the column APR is its apr (there amounts
    are in fen and rates decimal fractions). In both, each amount is rounded
    once to whole fen, half up (四舍五入), as the contract rounds them; the APR
    (fees included) once, half up, from its exact value, to 4 places, or more
    where two different APRs would look alike at 4, in the table and in each
    offer's why alike. Interest, and a discount, run for the calendar days from
    --on to the claim's due date, one on a Saturday, Sunday or public holiday
    not moved to the next working day, on the offer's day count (ACT/360, or
    ACT/365 Fixed: 365 in a leap year too), as the contract counts them.

    \b
    Example:
      recfin finance compare R-7f3a9c0d1e2b4a5c --as supplier/supplier1 --by cash
      recfin finance compare R-7f3a9c0d1e2b4a5c --as supplier/supplier1 --discount-offer D-5e6f7a8b9c0d1e2f
      recfin finance compare RCV-1 --offers client/pricing/samples/offers.json --on 2026-12-01 --json
      recfin finance compare RCV-1 --offers client/pricing/samples/offers.json --on 2026-12-01 --discount-offer DD-1
    """
    from client.pricing import rank_proposals
    from client.receivables import PassedOver

    passed_over = PassedOver()   # the request's offers the peer could not read: in no row, and said
    # the request's open offers whose private terms this peer does not hold yet: in no row either, and said, the
    # rest compared all the same (a partial answer, exit 0, as `finance get` shows such an offer)
    not_here: list[TermsNotOnThisPeer] = []
    if offers_file is not None:
        # as quote refuses an option that means nothing without the ledger, rather than leave it unused as if heeded
        # (RECFIN_TIMEOUT is set once for every command: only --timeout given to this one is refused)
        _refuse_the_first_given(tuple(
            (_given_on_the_command_line(name), f"{option} {what}; with --offers FILE they are read from the "
                                               f"file and nothing from the ledger (drop {option})")
            for option, name, what in (("--as", "as_", "names who reads the offers on the ledger"),
                                       ("--data-root", "data_root", "names the network data folder whose profile "
                                                                    "reads the offers on the ledger"),
                                       ("--timeout", "timeout", "bounds each call that reads the offers on the "
                                                                "ledger"))))
        data = _read_offers(offers_file)
        if data.receivable.receivable_id != receivable:
            about = data.receivable.receivable_id
            raise file_refused("--offers", f"{as_typed(offers_file)} is about {as_typed(about)}, "
                                           f"not {as_typed(receivable)}")
        if discount_offer is not None:
            data = _only_discount_offer(data, discount_offer, offers_file)
    else:
        _refuse_a_date_gone_by(on)
        data = _offers_on_the_ledger(receivable, as_, discount_offer, data_root, passed_over, not_here)
    day = on or business_today()
    try:
        ranked = rank_proposals(data.receivable, day, data.bank_offers, data.early_payments, by=by)
    except ValueError as exc:
        raise click.ClickException(f"{as_typed(offers_file)}: {exc}" if offers_file else str(exc)) from None
    if as_json:
        # the request's offers the peer could not read are in no proposal: named for a system that reads no
        # stderr, which would take the ranking for one of every offer; null for an --offers file
        emit({"receivable": data.receivable.model_dump(mode="json"), "on": day.isoformat(), "by": by,
              "proposals": [p.model_dump(mode="json") for p in ranked],
              "passed_over": None if offers_file else passed_over.model_dump(mode="json"),
              "terms_not_on_this_peer": None if offers_file else [each.model_dump() for each in not_here]},
             as_json=True)
        note_passed_over(passed_over.unreadable, passed_over.newer_version, "in no offer compared", err=True)
        _note_terms_not_here(not_here, err=True)
        return
    _echo_compared(receivable, data, day, by, ranked, left_out=bool(not_here))
    note_passed_over(passed_over.unreadable, passed_over.newer_version, "in no offer compared")
    _note_terms_not_here(not_here)


def _note_terms_not_here(not_here: list[TermsNotOnThisPeer], *, err: bool = False) -> None:
    """One line per open bank offer left out as this peer does not hold its private terms yet, under the table
    (beside the JSON, on stderr): a holder reading the ranking alone would take it for one of every offer."""
    for each in not_here:
        click.echo(f"note: offer {as_typed(each.offer_id)} of {as_typed(each.financier)} is {joined_lines(each.why)}",
                   err=err)


def _no_offers(receivable: str, claim) -> str:
    """What a claim with no offer to compare lacks, and who can change it: "no open offers on it" alone left a
    supplier to guess whether no bank had been asked, or none had answered yet. A step is named only where the
    contract would take it: a request or a bank's offer only on a claim CONFIRMED and not frozen, none once a
    financing is accepted; what stops every offer (a freeze, the claim's status) is said after."""
    from client.pricing.proposals import what_stops_every_offer

    stopped = what_stops_every_offer(claim)
    if claim.financing_id is None:
        bank = "it has no financing request for banks to offer on"
        if not stopped:
            bank += f" (its holder asks with `recfin finance request {as_typed(receivable)} --as HOLDER`)"
    elif claim.financing_status in (None, "REQUESTED"):
        bank = f"no bank has offered on its financing request {as_typed(claim.financing_id)} yet"
        if not stopped:
            bank += f" (a bank offers with `recfin finance quote {as_typed(receivable)} --as BANK --yes`)"
    else:
        # an offer was accepted: the contract takes no other on the financing, open or not
        bank = (f"its financing {as_typed(claim.financing_id)} is {claim.financing_status.lower()}, so banks make "
                "no more offers on it")
    return (f"no open offers on it: {bank}, and its debtor has no open early-payment offer on it"
            + "".join(f"; {reason}" for reason in stopped))


def _echo_compared(receivable: str, data: OffersFile, day: date, by: str, ranked: list, *,
                   left_out: bool = False) -> None:
    """The claim, the table of ``ranked`` offers and why each ranks where it does. ``left_out``: an open offer was
    not compared (its private terms are not on this peer yet), so none ranked is not none open."""
    from chaincode.receivables.dates import days_text
    from client.pricing.proposals import apr_places

    claim = data.receivable
    early = (claim.due_date - day).days
    timing = f"{days_text(early)} early" if early >= 0 else f"{days_text(-early)} after the due date"
    click.echo(f"{receivable}: {claim.status.lower()}, {money(claim.face_amount, claim.currency)} outstanding, due "
               f"{claim.due_date}; cash taken on {day} ({timing}); ordered by {by}")
    if not ranked:
        click.echo("no open offer on it could be compared on this peer" if left_out else _no_offers(receivable, claim))
        return
    places = apr_places(ranked)   # as each offer's why below says its APR
    click.echo(table([_compare_row(p, claim.currency, places) for p in ranked], COMPARE_COLUMNS))
    click.echo("")
    for p in ranked:
        # ids and names from an --offers file, as they print, as the table shows them: raw, a line break in one
        # started a line of its own and an ESC drove the terminal
        click.echo(escaped_unless_shown(f"{p.offer_id}: {p.why}"))
