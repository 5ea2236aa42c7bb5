"""`recfin risk ...`: score a debtor, train and evaluate the late-payment model.

The commands are thin: they parse options, call ``client.risk`` and render.
Training and evaluation run on SYNTHETIC histories from the project's simulator
and say so in their output. Scoring reads a debtor's history from the ledger
(``client.risk.history_from_ledger`` over ``client.receivables``: the debtor's
payment record, connected as a bank, the debtor or the regulator), from a JSON
file (``--history``) or from the simulator (``--synthetic-seed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import importlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import click
from click.core import ParameterSource

from client.atomic_file import check_output_file
from network.errors import NetworkError
from client.money import money

from . import connection
from .options import (DateType, OutputFileType, PathType, ReadWhenShown, WholeNumberRange, business_today,
                      credit_code_option, currency_code, holiday_calendar_option)
from .output import (TYPED_WHOLE_UP_TO, as_typed, as_typed_cut_short, emit, file_refused, json_text, progress,
                     read_json_file, table, validated)

if TYPE_CHECKING:
    from client.risk import DebtorScore, LatePaymentModel, ReceivableHistory
    from pydantic import ValidationError

SYNTHETIC_NOTE = "data: SYNTHETIC (simulated debtors from client.risk.simulator), not real enterprises"
SEED = WholeNumberRange(0, 2**32 - 1)  # what the simulator's and scikit-learn's generators take
MAX_DEBTORS = 10_000  # ten times the 1,000 the shipped model is trained on: more is a typo, not a plan
# the features look a year back and a horizon ahead of the scoring date, which must stay on the calendar
EARLIEST_AS_OF, LATEST_AS_OF = date(1900, 1, 1), date(2999, 12, 31)


def _as_of_in_range(day: date) -> bool:
    return EARLIEST_AS_OF <= day <= LATEST_AS_OF


# ``risk score --as-of``, ``finance quote --on``: read as every CLI date is (cli.options.read_date), on the
# calendar's 1900 .. 2999 stretch, since a date near its ends would overflow the year-back and horizon-ahead windows
# of the features (and an offer's expiry after it).
BUSINESS_DATE = DateType(EARLIEST_AS_OF, LATEST_AS_OF)


def history_as_of(history: ReceivableHistory, path: Path, not_after: date | None = None,
                  instead: str = "pass --as-of with the date to score as of") -> date:
    """The date a history file (with events) is a snapshot of: its last event's (``not_after``, if that is earlier).

    Scored as of a later date, every claim open in the file and due before
    that date would count as overdue, as if nothing were paid since the snapshot.
    ``instead`` says what to do when that date is off the calendar's 1900 .. 2999 stretch.
    """
    last = max(e.event_date for e in history.events)
    day = last if not_after is None else min(last, not_after)
    if not _as_of_in_range(day):
        # with a date given, only a last event before the range gets here, and no other date could help
        advice = instead if not_after is None else "it records nothing a score could be as of"
        raise file_refused("--history", f"{as_typed(path)}: its last event is dated {last}, outside "
                                        f"{EARLIEST_AS_OF} .. {LATEST_AS_OF}: {advice}")
    return day


def history_file_as_of(history: ReceivableHistory, path: Path, asked: date | None) -> date:
    """The date `risk score --history` scores the file as of (``asked``, the --as-of date, or None), noting on
    stderr when it is not ``asked``: the date the file was read from the ledger as of when it names one
    (:func:`_read_as_of`), else its last event's (:func:`history_as_of`), else today for a file with no event."""
    if history.read_as_of is not None:
        return _read_as_of(history, path, asked)
    if not history.events:
        return asked or business_today()
    day = history_as_of(history, path, not_after=asked)
    if asked is None:
        click.echo(f"note: scored as of {day}, the date of the last event in {as_typed(path)} (pass "
                   "--as-of for an earlier date)", err=True)
    elif day < asked:
        click.echo(f"note: scored as of {day}, the date of the last event in {as_typed(path)}, not "
                   f"{asked} (the file records nothing later)", err=True)
    return day


def _read_as_of(history: ReceivableHistory, path: Path, asked: date | None) -> date:
    """A history file read from the ledger as of a date (its ``read_as_of``) is scored as of that date, not its
    last event's: a claim open then is open as of then, however long ago its last event. An earlier ``asked`` is
    scored as of itself; a later one is a usage error with the SDK's words (ReceivableHistory.checked_for), as the
    ledger may have recorded since the payment of each claim open when it was read, advising the options that
    score it (the SDK's own advice names a Python call)."""
    read = history.read_as_of
    if asked is not None:
        try:
            history.checked_for(asked, advice=f"drop --history to read the ledger as of {asked}, or give --as-of "
                                              f"{read} or an earlier date")
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--as-of'") from None
        if asked < read:
            # the payment record names the holder of the day it is read, and drops the financing date of a financing
            # cancelled or taken back by then, dating neither change: the shares built on them are of that day
            click.echo(f"note: concentration and financed_share are of {read}, the date {as_typed(path)} was read "
                       f"from the ledger as of, not of {asked}: the ledger's record gives each claim's holder, and "
                       "drops a financing cancelled or taken back, as of the date it is read, without the day it "
                       f"changed; neither is an input of the model, whose grade is of {asked} (read the ledger as "
                       f"of {asked} for both as they stood then)", err=True)
        return asked
    if not _as_of_in_range(read):
        # an earlier --as-of helps only when the date read is past the range's end
        advice = ("pass --as-of with the date to score as of" if read > LATEST_AS_OF
                  else "it was read as of no date a score could be as of")
        raise file_refused("--history", f"{as_typed(path)}: its read_as_of is {read}, outside "
                                        f"{EARLIEST_AS_OF} .. {LATEST_AS_OF}: {advice}")
    click.echo(f"note: scored as of {read}, the date {as_typed(path)} was read from the ledger as of (its "
               "read_as_of; pass --as-of for an earlier date)", err=True)
    return read


def load_model(path: Path, option: str | None) -> LatePaymentModel:
    """The model artefact at ``path``, or one line saying why it cannot score (missing, not JSON, a field
    wrong, damaged, without the model card training wrote beside it, or with a card that describes another
    model). A file that is not there, cannot be read as JSON or holds a wrong field is a usage error naming
    ``option``, the option that named it (None: the shipped model, read by default, which no option named:
    one line, as for the rest); its damage or card, checked against each other, is one line (exit 1)."""
    from client.risk import LatePaymentModel
    from client.risk.model import check_card, check_digest, read_card
    from client.risk.working_days import CalendarFileError, calendar_years

    # Only where nothing is: a device or a FIFO (--model /dev/zero) is there, and read_json_file says what it is
    # (training "there" would not help). False too for a name the file system refuses (too long)
    if not os.path.exists(path):
        raise file_refused(option, f"no model at {as_typed(path)}: {_how_to_train(path)}")
    # the commands' --holiday-calendar option reads the calendar file first; a caller without it (a command that
    # scores and takes no such option) meets a wrong file RECFIN_HOLIDAY_CALENDAR names here, in one line before
    # any work, not midway through a score
    try:
        calendar_years()
    except CalendarFileError as exc:
        raise file_refused(None, str(exc)) from None
    # the card and the artefact are each read once: the bytes checked against the card are those scored, and
    # the card whose digest they match is the one checked to describe them
    card_text = _refused(read_card, Path(path))
    # emptied beside its card (a copy or a write cut off at its first byte) it is damaged as one cut short anywhere
    # else, to be restored or re-trained: read_json_file would only say to give one
    if card_text is not None and os.path.isfile(path) and os.path.getsize(path) == 0:
        _refused(check_digest, Path(path), b"", card_text)
    # before the bytes are read as JSON: a truncated artefact is damaged, to be restored or re-trained, not
    # merely "not JSON". A device, a FIFO or a file that cannot be read never gets there: read_json_file says
    # what it is
    data = read_json_file(path, option, "a model artefact (recfin risk train writes one)",
                          check=lambda content: _refused(check_digest, Path(path), content, card_text))
    model = validated(LatePaymentModel, data, option,
                      lambda exc: f"{as_typed(path)} is not a usable model artefact: "
                                  f"{_first_problem(exc.errors()[0])}")
    _refused(check_card, model, Path(path), card_text)
    return model


def _refused(check, *args):
    """``check(*args)``, an artefact's refusal by it (ArtefactRefused) one line of the command's."""
    from client.risk.model import ArtefactRefused

    try:
        return check(*args)
    except ArtefactRefused as exc:
        raise click.ClickException(str(exc)) from None


def shipped_model() -> Path:
    """The model artefact shipped with recfin, scored with when no --model is given: named by a module of its own,
    as the risk model's modules load pydantic and numpy, which the commands' --help has no need of."""
    from client.risk.model_file import DEFAULT_MODEL

    return DEFAULT_MODEL


def _how_to_train(path: Path) -> str:
    """What to run for a model at ``path``: a bare `risk train` writes only the shipped model's place."""
    if Path(path).absolute() == shipped_model().absolute():
        return "run `recfin risk train` first"
    folder = Path(path).parent
    written = folder / shipped_model().name   # the name train gives the artefact, whatever --model says
    train = f"check the path, or train one there with `recfin risk train --out {as_typed(folder)}`"
    if written == Path(path):
        return train
    # train refuses to write over it, and --replace would lose it: a wrong name (or the shipped model's old one,
    # late_payment-v5.json) in a folder that holds the current model
    if os.path.isfile(written):
        return f"{as_typed(written)} is the current model there: pass that to --model"
    return f"{train}, which writes {as_typed(written)}: pass that to --model"


def _first_problem(error: dict) -> str:
    """One pydantic error as "field.path: problem", or the bare problem when it concerns the whole file."""
    where = ".".join(str(p) for p in error["loc"])
    problem = error["msg"].removeprefix("Value error, ")
    return f"{where}: {problem}" if where else problem


def _without_the_files_own_currency(given: list[str], file_currency: str, currency: str) -> list[str]:
    """The ledger read's options ``given`` with a --history file naming the currency its history was read in
    (``ReceivableHistory.currency``, as one saved from the ledger names it), less a --currency naming that same
    one: it agrees with the file. Another is refused naming the file's currency."""
    if currency != file_currency:
        raise click.UsageError(f"--currency {currency}: the --history file's history was read in {file_currency} "
                               f"and is scored whole in it; give --currency {file_currency} or leave --currency "
                               f"out, or drop --history to read the ledger in {currency}")
    return [option for option in given if option != "--currency"]


def load_history(path: Path, debtor: str, debtor_option: str = "DEBTOR") -> ReceivableHistory:
    """The --history file: a ReceivableHistory object, or a bare list of events of one debtor.

    An empty list names no debtor and holds no event, so nothing in it is ``debtor``'s (an empty export, the wrong
    file): refused, where scoring it would grade the debtor as one with no record without a word. So is a history
    of another debtor, saying what to give instead: ``debtor``'s file, or the file's debtor as ``debtor_option``
    (the command's argument or option that named ``debtor``). A history naming the debtor with no event says so on
    stderr: the debtor is then scored as one with no record."""
    from client.risk import ReceivableHistory

    # a long debtor named cut short (start, end, length): a 10,000-character paste was echoed whole into the line
    asked = as_typed_cut_short(debtor)
    data = read_json_file(path, "--history", f"the receivable history of {asked}")
    if data == []:
        # past that length the id is written as the placeholder DEBTOR (risk score's argument, --debtor's metavar)
        no_record = json_text({"debtor": debtor if len(debtor) <= TYPED_WHOLE_UP_TO else "DEBTOR", "events": []})
        raise file_refused("--history", f"{as_typed(path)} holds no event and names no debtor: nothing in it is "
                                        f"the history of {asked}; give the file of its events, or, to score it as "
                                        f"a debtor with no record, write {no_record}")
    if isinstance(data, list):
        data = {"debtor": debtor, "events": data}
    history = validated(ReceivableHistory, data, "--history", lambda exc: _history_problem(path, exc))
    if history.debtor != debtor:
        # either may be the one mistaken, the file given or the debtor named: each way out is said (the file's
        # debtor cut short as the one asked for is: either was echoed whole, twice)
        held = as_typed_cut_short(history.debtor)
        raise file_refused("--history", f"{as_typed(path)} holds the history of {held}, not {asked}: give the file "
                                        f"of {asked}'s events, or give {held} as {debtor_option} to score the one "
                                        "it holds")
    if not history.events:
        click.echo(f"note: {as_typed(path)} holds no event of {as_typed(debtor)}: it is scored as a debtor with "
                   "no record", err=True)
    return history


_SHAPE_ERRORS = {"model_type", "dict_type", "list_type"}
"""pydantic's errors for a value of the wrong JSON type where an object or a list goes."""


def _history_problem(path: Path, exc: ValidationError) -> str:
    """A --history file's first wrong field, with how to write it."""
    first = exc.errors()[0]
    kind = first["type"]
    hint = (" (write dates as YYYY-MM-DD)" if kind.startswith("date") else
            " (write amounts as whole fen, a JSON integer: 12345 is 123.45 yuan)" if kind.startswith("int")
            else "")
    # the file's shape is wrong: not an object or a list at all, or events not a list. A refusal of a history
    # of the right shape about the whole of it (claims split from each other in a cycle) has its own advice
    if kind in _SHAPE_ERRORS and tuple(first["loc"]) in ((), ("events",)):
        hint = " (give a ReceivableHistory object, {\"debtor\": ..., \"events\": [...]}, or a list of events)"
    # a currency on each event: claims in two currencies side by side, whose amounts do not add up
    if kind == "extra_forbidden" and first["loc"][0] == "events" and first["loc"][-1] == "currency":
        hint = (": a history holds the claims of one currency, named once by its `currency` (\"currency\": "
                "\"CNY\" beside \"events\"); put the claims of each currency in a file of their own and score "
                "the debtor on the file of the claim's currency")
    return f"{as_typed(path)}: {_first_problem(first)}{hint}"


def history_debtors(path: Path) -> list[str]:
    """The debtor ids the --history file names (its ``debtor``, then its events' own), each once, in the order
    written: what to tell a command that needs the id of the debtor the file holds and was given none."""
    data = read_json_file(path, "--history", "a debtor's receivable history")
    named = [data.get("debtor")] if isinstance(data, dict) else []
    events = data.get("events") if isinstance(data, dict) else data
    if isinstance(events, list):
        named += [event.get("debtor") for event in events if isinstance(event, dict)]
    return list(dict.fromkeys(debtor for debtor in named if isinstance(debtor, str) and debtor))


def thin_record(score: DebtorScore) -> str | None:
    """Why the grade of a debtor none of whose receivables had fallen due by the date rests on no payment
    (every late share is 0 of 0), None when it has a payment on record: the stderr note, and ``thin_record`` in
    --json, so a script can tell a grade earned from one given for want of a record. A claim paid before its due
    date is a payment on record, so a bank's ``thin_record_grade`` does not price its debtor, though no late share
    counts it until it falls due (since late_payment-v18): the grade of a debtor whose only payments were made
    so is the model's view of one with none."""
    f = score.features
    # fell_due_365 too: the windows count late a claim fallen due and not paid in full though none of its parts
    # is overdue (a part a hand-written history gives a later due date than its claim's), and every window, the
    # season a year ago included, lies within those 365 days. A claim paid before its due date is a payment on
    # record, though the late shares count it only from the day after it falls due (since late_payment-v18)
    if f.settled_on_time_count + f.settled_late_count + f.overdue_count + f.fell_due_365:
        return None
    # a claim that fell due under a freeze counts in no timeliness measure (fell_due_under_a_freeze): it is
    # neither "not yet settled or overdue" nor a payment to go by
    frozen, waiting = len(f.fell_due_frozen), f.confirmed_count - len(f.fell_due_frozen)
    record = (f"has no confirmed receivable on record by {score.as_of}" if f.confirmed_count == 0 else
              f"has no confirmed receivable on record by {score.as_of} but {frozen} that fell due under a "
              "freeze order (not counted, on time or late)" if waiting == 0 else
              f"has 1 confirmed receivable on record by {score.as_of}, not yet settled or overdue"
              if waiting == 1 else
              f"has {waiting} confirmed receivables on record by {score.as_of}, none yet settled or overdue")
    return (f"{as_typed(score.debtor)} {record}: grade {score.grade} is the model's view of a debtor whose payments "
            "are not yet known, not of its payments")


def note_thin_record(score: DebtorScore) -> None:
    """A debtor scored without a single payment to go by (:func:`thin_record`): say so (stderr, beside
    --json)."""
    reason = thin_record(score)
    if reason is not None:
        click.echo(f"note: {reason}", err=True)


# how far the share of what fell due that was paid late (or not yet) by count may lie above the share the
# model weighs before a score says its amounts hide it: the model weighs claims by amount (since
# late_payment-v8; by the square root of the face since v15), so a few large claims paid on time outweigh many
# small ones paid late
LATE_BY_COUNT_GAP = 0.10


def note_fewer_than_trained_on(score: DebtorScore, model_path: Path) -> None:
    """A debtor with some claims fallen due in the 365 days before the date, but fewer than any debtor the model
    was trained on (the fewest its card gives), is scored from a record unlike any it was fitted on: one claim
    paid a day late grades it D. Say so (stderr, beside --json), as for a debtor with none (:func:`thin_record`)."""
    from client.risk.model import fewest_fell_due_365, read_card

    fell_due = score.features.fell_due_365
    fewest = fewest_fell_due_365(_refused(read_card, Path(model_path)))
    if not fell_due or fewest is None or fell_due >= fewest:
        return
    click.echo(f"note: {as_typed(score.debtor)} has {fell_due} {'claim' if fell_due == 1 else 'claims'} fallen due "
               f"in the 365 days before {score.as_of}, and every debtor {score.model} was trained on had at least "
               f"{fewest}: grade {score.grade} is the model's extrapolation from a record that short, not a "
               "figure measured on such debtors", err=True)


def note_late_by_count(score: DebtorScore) -> None:
    """The model weighs each claim that fell due by the square root of its face, so padding with small claims
    paid on time moves it little; but a few large claims paid on time (cheapest round-tripped through a
    supplier the debtor controls) outweigh many small ones paid late. When the late share by count is well
    above the weighted share the model weighs, say both (stderr, beside --json), with what to check."""
    # both shares of the same claims, those that fell due (by_amount_all): counted from the settlements, a claim
    # paid before its due date was among them before any late share counted it (late_payment-v18)
    all_time = score.features.by_amount_all
    by_weight = all_time.weighted_late_share()
    if not all_time.count or by_weight is None:
        return
    by_count = all_time.late_count / all_time.count
    if by_count - by_weight < LATE_BY_COUNT_GAP:
        return
    click.echo(f"note: {as_typed(score.debtor)} paid late, or has not yet paid, {by_count:.0%} of the claims "
               f"that fell due but {by_weight:.0%} of them weighed by the square root of their amounts: "
               f"grade {score.grade} weighs claims by the square root of their amount, so a few large claims "
               "paid on time outweigh many small ones paid late; check who "
               "held the large ones (one supplier, one of the debtor's group, never financed) before "
               "relying on it", err=True)


def note_freezes(score: DebtorScore) -> None:
    """A claim that fell due under a freeze order not lifted yet counts neither on time nor late (the contract
    takes no payment on a frozen claim): when the debtor has such claims, name them (stderr, beside --json),
    so that a reader can follow them. Once the order is lifted the claim counts from the day of the lifting;
    a history read from a contract older than the dated liftings reads such a claim as frozen still."""
    note_frozen_parts(score)
    frozen = score.features.fell_due_frozen
    if not frozen:
        return
    claims = "1 claim" if len(frozen) == 1 else f"{len(frozen)} claims"
    verb = "counts" if len(frozen) == 1 else "count"
    click.echo(f"note: {claims} of {as_typed(score.debtor)} ({first_five(frozen)}) fell due under a freeze order and "
               f"{verb} neither on time nor late in grade {score.grade}: a frozen claim takes no payment "
               "until the regulator lifts every order on it, and once it does the claim counts from the day "
               "of the lifting; read from a contract that does not date the liftings, it stays here: see the "
               "freezes and liftings of each (recfin receivable history)",
               err=True)


def note_frozen_parts(score: DebtorScore) -> None:
    """Parts of split claims that fell due under a freeze order not lifted yet count neither way, and their claims
    by the other parts: name them (stderr, beside --json), as the claims every part of which is frozen are."""
    parts = score.features.parts_fell_due_frozen
    if not parts:
        return
    one = len(parts) == 1
    click.echo(f"note: {'1 part' if one else f'{len(parts)} parts'} of split claims of {as_typed(score.debtor)} "
               f"({first_five(parts)}) fell due under a freeze order and {'counts' if one else 'count'} neither "
               f"on time nor late in grade {score.grade}; the claim {'it was' if one else 'each was'} split from "
               "counts by its other parts, which the contract takes payment on: see the freezes and liftings of "
               f"{'it' if one else 'each'} (recfin receivable history)", err=True)


def note_what_the_score_cannot_tell(score: DebtorScore) -> None:
    """Every note on what a score rests on that its grade does not show: a thin record, lateness its amounts
    dilute, claims that fell due under a freeze and so count neither way, claims the history holds only parts of,
    due dates in years whose public holidays the calendar does not hold (`risk score` and `finance quote` alike)."""
    note_thin_record(score)
    note_late_by_count(score)
    note_freezes(score)
    note_originals_not_in_history(score)
    note_holiday_years_unknown(score)


def note_holiday_years_unknown(score: DebtorScore) -> None:
    """Claims that fell due in a year whose public holidays the working-day calendar does not hold were counted
    with the weekends as the only days off there (features.holiday_years_unknown): say which years, and how to
    give their holidays (stderr, beside --json)."""
    from client.risk.working_days import CALENDAR_ENV, calendar_years

    years = score.features.holiday_years_unknown
    if not years:
        return
    named = ", ".join(map(str, years))
    click.echo(f"note: {as_typed(score.debtor)} has claims that fell due in {named}, whose public holidays the "
               f"working-day calendar does not hold (it holds {_spans(calendar_years())}): "
               f"grade {score.grade} counts only the weekends of {named} as days off, so a claim due on a public "
               "holiday there counts as due that day, not on the next working day; give each year's holidays as "
               f"the State Council announced them in a calendar file named by {CALENDAR_ENV} or by the command's "
               "--holiday-calendar option (docs/risk-and-pricing.md, \"Working days\")", err=True)


def _spans(years: tuple[int, ...]) -> str:
    """Years as runs: "2021 to 2026, 2028"."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{run[0]} to {run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


def first_five(claim_ids: list[str]) -> str:
    """The first five of ``claim_ids`` and how many more: what a note on stderr names of a list that can be
    long."""
    more = len(claim_ids) - 5
    return ", ".join(claim_ids[:5]) + (f" and {more} more" if more > 0 else "")


def note_originals_not_in_history(score: DebtorScore) -> None:
    """Claims the history holds only parts of are scored as one claim each, with what it cannot tell about them:
    say which (stderr, beside --json; the JSON names them in features.originals_not_in_history)."""
    missing = score.features.originals_not_in_history
    if not missing:
        return
    shown = first_five(missing)
    click.echo(f"note: the history of {as_typed(score.debtor)} holds only parts of {len(missing)} confirmed "
               f"{'claim' if len(missing) == 1 else 'claims'} ({shown}), not the original registration (made before "
               "the history begins, or not readable by the reader): each is scored once, as one claim of what its "
               "parts add up to, and not as a recent confirmation, since the day the debtor confirmed it is not "
               "known", err=True)


def synthetic_history(debtor: str, seed: int, debtors: int) -> tuple[ReceivableHistory, date]:
    """The simulated history of ``debtor`` alone (the others are not simulated) and the simulation's last day."""
    from client.risk.simulator import SimulationConfig, simulate_debtor
    cfg = SimulationConfig(debtors=debtors, seed=seed)
    history = simulate_debtor(cfg, debtor)
    if history is not None:
        return history, cfg.end - timedelta(days=1)  # the last simulated day
    # DEBTOR does not fit the options, as a debtor a --history file does not hold: a usage error (exit 2)
    last = f"SYN-DEBTOR-{debtors - 1:04d}"
    fix = "give one of those"
    if (number := _synthetic_number(debtor)) is not None:
        fix += f", or --synthetic-debtors {number + 1} (or more) to simulate {debtor}"
    raise click.BadParameter(f"no synthetic debtor {as_typed(debtor)} with --synthetic-seed {seed} "
                             f"--synthetic-debtors {debtors}: ids run SYN-DEBTOR-0000 .. {last}; {fix}",
                             param_hint="'DEBTOR'")


def _synthetic_number(debtor: str) -> int | None:
    """The number of an id as the simulator writes them, of four digits (SYN-DEBTOR-0042: 42), else None."""
    digits = debtor.removeprefix("SYN-DEBTOR-")
    return int(digits) if digits != debtor and len(digits) == 4 and digits.isascii() and digits.isdigit() else None


def score_meaning(as_of: date, horizon_days: int) -> str:
    """What probability_late and the grade say (docs/risk-and-pricing.md, "The model"): a bare 0.2025 could be
    read as the share of the debtor's claims paid late so far, or as a default probability."""
    from client.risk.model import GRADES

    bands = ", ".join(f"{grade} below {float(upper * 100):g}%" for grade, upper in GRADES[:-1])
    return (f"the probability that a confirmed receivable of the debtor, open on {as_of} and falling due "
            f"in the {horizon_days} days after it, is not paid by its due date (or the next working day when "
            f"that is a day off); grades: {bands}, "
            f"{GRADES[-1][0]} from {float(GRADES[-2][1] * 100):g}%")


NO_CONCENTRATION = "- (nothing open: the largest holder's share of the open amount)"
# what the numbers of the top factors are (client.risk.model.LatePaymentModel.contributions)
TOP_FACTORS_MEANING = ("(each input's push on the log-odds of paying late, against the mean of the debtors the "
                       "model was trained on: + raises the probability, - lowers it; the largest three)")


def weighed_by(model: LatePaymentModel, feature: str) -> str:
    """What the table says of an input of ``model`` beside the figure it is computed from: "the model's input", or,
    for one training left out (a rising input that came out negative is fit again at weight 0), that the model
    weighs it 0, so that no one reads the grade as resting on it."""
    weight = dict(zip(model.features, model.coef))[feature]
    return ("the model's input" if weight
            else f"an input {model.name}-{model.version} weighs 0, as training left it out")


def _score_rows(score, currency: str, model: LatePaymentModel) -> dict:
    """The score's lines, amounts as every command shows them: in ``currency``, or as plain yuan ("") for a
    history that does not say its currency (a file's, the simulator's); of the inputs shown, whether ``model``,
    which scored it, weighs them."""
    f = score.features
    # a grade given for want of any payment says so where it is read, as --json does (thin_record): a table kept in a
    # file, without the stderr note, showed grade C for a debtor with no record as for one graded C on its payments
    thin = thin_record(score)
    return {
        "debtor": score.debtor, "as_of": score.as_of.isoformat(),
        "probability_late": str(score.probability_late), "grade": score.grade,
        **({"thin_record": thin} if thin is not None else {}),
        "meaning": score_meaning(score.as_of, score.horizon_days),
        "horizon_days": score.horizon_days, "model": score.model,
        # bare, "+0.82" reads as points of probability, and a minus as something the debtor did well
        "top_factors": ", ".join(f"{k} {v:+.2f}" for k, v in score.top_factors) + f" {TOP_FACTORS_MEANING}",
        "confirmed": f"{f.confirmed_count} ({money(f.confirmed_amount, currency)})",
        "settled_on_time": f"{f.settled_on_time_count} ({money(f.settled_on_time_amount, currency)})",
        "settled_late": f"{f.settled_late_count} ({money(f.settled_late_amount, currency)})",
        # the model weighs the most days late (log_max_days_late, since late_payment-v8): a mean falls when a
        # claim is paid a day late beside others paid later, so it is shown only as a reading of the record
        "max_days_late": f"{f.max_days_late} (the most days a claim was paid late: "
                         f"{weighed_by(model, 'log_max_days_late')})",
        "mean_days_late": f"{f.mean_days_late:.1f} (each claim weighed by its face: not a model input)",
        # how late the debtor pays now (log_recent_days_late, since late_payment-v16), in days as a person reads it
        "recent_days_late": f"{f.recent_days_late:.1f} (days late of the claims that fell due lately, each halved "
                            "for every 15 days since it fell due, over those paid on time: "
                            f"{weighed_by(model, 'log_recent_days_late')})",
        "overdue_now": f"{f.overdue_count} ({money(f.overdue_amount, currency)})",
        "late_share_90/180/365": (f"{f.late_90}/{f.fell_due_90}, {f.late_180}/{f.fell_due_180}, "
                                  f"{f.late_365}/{f.fell_due_365}"),
        # what the model weighs, unsmoothed: the late share of what fell due, each claim weighed by the square
        # root of its face (since late_payment-v15; by its face from v8 to v14) ("-": none fell due)
        "late_share_by_amount_90/180/365": ", ".join(
            "-" if w.weighted_late_share() is None else f"{w.weighted_late_share():.0%}"
            for w in (f.by_amount_90, f.by_amount_180, f.by_amount_365)),
        # a share of nothing open is none: 0.000 would read as claims spread over many holders
        "financed_share": f"{f.financed_share:.3f}",
        "concentration": f"{f.concentration:.3f}" if f.open_amount else NO_CONCENTRATION,
        "rejection_rate": f"{f.rejection_rate:.3f}", "freezes": f.freezes,
    }


@click.group()
def risk() -> None:
    """Score debtors by their probability of paying late; train and evaluate the model.

    \b
    Example:
      recfin risk score 91310000MA1K000019 --as regulator --as-of 2026-11-30
      recfin risk evaluate --seed 20261128 --plot calibration.png
    """


@contextmanager
def offline_hint(hint: str) -> Iterator[None]:
    """A connection that cannot be made (no profile, no gateway) says what works without a network (``hint``)."""
    from client.gateway import GatewayError
    from client.gateway.errors import TransactionError

    try:
        yield
    except (NetworkError, GatewayError) as exc:
        if isinstance(exc, TransactionError):  # the network answered: the hint would mislead
            raise
        raise click.ClickException(f"{connection.describe(exc)} (without a network: {hint})") from exc


def debtor_on_the_ledger(debtor: str, otherwise: str = (
        "the ledger names a debtor by its credit code (a history file's or the simulator's debtor is scored with "
        "--history or --synthetic-seed)")) -> str:
    """The credit code of a debtor to read from the ledger (the command's parameter ``debtor``) as the ledger keeps
    it, in capitals, as the `party` commands read one (``credit_code_option(capitals_read=True)``): a code typed in
    lower case can name no other party, and was refused. A usage error (exit 2), before anything connects, for one
    that is no credit code (blank, mistyped, its check digit wrong, or a history file's or the simulator's id): the
    ledger names debtors by credit code only, and it was found once connected, with the network down as a
    connection error. ``otherwise`` follows the reason: what the command takes instead. Only the ledger's debtor is
    read so: a history file's or the simulator's id is matched as typed."""
    ctx = click.get_current_context()
    param = next(p for p in ctx.command.params if p.name == "debtor")
    try:
        return credit_code_option(capitals_read=True)(ctx, param, debtor)
    except click.BadParameter as refused:
        raise click.BadParameter(f"{refused.message}; {otherwise}", ctx, param) from None


@connection.reports_ledger_errors
def ledger_history(debtor: str, as_: str, data_root: Path | None, as_of: date, currency: str = "CNY"
                   ) -> tuple[ReceivableHistory, date]:
    """The debtor's claims in ``currency`` on the ledger up to the end of ``as_of``, read as ``as_`` (ORG[/USER]),
    and the date they are as of: ``as_of``, or the ledger's today when that is earlier (nothing later is known).
    The claims the read does not hold, which the history names (``claims_not_counted``,
    ``claims_in_other_currencies``), are each said on stderr.

    The contract lets banks, the debtor itself and the regulator read a
    debtor's payment record; anyone else is told what to do instead.
    """
    from client.receivables import RuleViolation
    from client.risk import history_from_ledger, ledger_as_of

    org, user = connection.parse_as(as_)
    with offline_hint("pass --history FILE, or --synthetic-seed SEED for a SYNTHETIC debtor"), \
            connection.open_session(org, user, data_root) as session:
        try:
            day = ledger_as_of(session.client, debtor, as_of)
            history = history_from_ledger(session.client, debtor, day, currency=currency)
        except RuleViolation as exc:
            if exc.rule == "party-not-registered":   # a mistyped credit code, not a party to register
                raise click.ClickException(f"no party {as_typed(debtor)} on the ledger: check DEBTOR, the "
                                           f"debtor's credit code ({connection.describe(exc)})") from None
            if exc.rule != "not-permitted-to-read":
                raise
            raise click.ClickException(f"{as_typed(org)} may not read {as_typed(debtor)}'s payment record (banks, "
                                       "the debtor itself and the regulator may): read it as one of them (--as bank, "
                                       "--as regulator), or pass --history FILE "
                                       f"({connection.describe(exc)})") from None
        if not history.events:   # only then: a debtor with claims on record is one
            refuse_a_party_that_owes_no_claim(session.client, debtor)
    # a read names what it left out (history_from_ledger sets both)
    note_other_currencies(debtor, currency, history.claims_in_other_currencies)
    note_claims_not_counted(debtor, history.claims_not_counted)
    return history, day


def refuse_a_party_that_owes_no_claim(client, debtor: str) -> None:
    """Refuse to score a party with nothing on record that no claim can ever be owed by: the contract takes only a
    core enterprise as a claim's debtor (rule debtor-not-core-enterprise), so a supplier, a bank or the regulator
    has no payment record, and scored, it got grade C "for want of a record", a record that can never come (most
    often the supplier's code given for its buyer's). A core enterprise with no claim yet is scored, as one whose
    payments are not yet known (:func:`thin_record`)."""
    role = client.get_party(debtor).role
    if role != "core_enterprise":
        raise click.ClickException(f"{as_typed(debtor)} is a {role.replace('_', ' ')}, not a core enterprise: "
                                   "only a core enterprise owes receivables on the ledger (rule "
                                   "debtor-not-core-enterprise), so it has no payment record to score; give the "
                                   "credit code of the core enterprise that owes the claims")


def note_claims_not_counted(debtor: str, history_cut: list[str]) -> None:
    """Claims the contract named in the payment record's ``history_cut`` are in no record the score reads:
    say which (stderr, beside --json), or a debtor whose late claims were cut would read as one without
    them."""
    if not history_cut:
        return
    shown = first_five(history_cut)
    one = len(history_cut) == 1
    click.echo(f"note: {len(history_cut)} {'claim' if one else 'claims'} of {as_typed(debtor)} "
               f"({shown}) {'is' if one else 'are'} not in this score: the peer's history of "
               "each does not reach the write that created it (cut at the peer's "
               "ledger.state.totalQueryLimit, or a record no transaction of the contract created), or a "
               "newer contract version wrote it, which the peer's older version cannot read; read it "
               "through a peer whose operators set that limit (core.yaml) above the claim's writes, and "
               "that run the channel's contract version, to have such a claim counted", err=True)


def note_what_a_saved_read_left_out(debtor: str, history: ReceivableHistory) -> None:
    """A --history file saved from a ledger read keeps what that read left out: each said on stderr, as a read made
    now says it (:func:`ledger_history`); the claims of other currencies only where the file names the one it was
    read in. Nothing for a file that does not say (one written by hand)."""
    note_claims_not_counted(debtor, history.claims_not_counted or [])
    if history.currency is not None:
        note_other_currencies(debtor, history.currency, history.claims_in_other_currencies or {}, own_command=False)


def note_other_currencies(debtor: str, currency: str, left_out: dict[str, int], *, own_command: bool = True
                          ) -> None:
    """The debtor's claims in currencies other than the one scored are not in the score: say which, and how to
    score them (stderr, beside --json), or a debtor that trades only in USD would read, scored in CNY, as one
    with no claims at all. ``own_command``: the command takes --currency (`risk score` on the ledger); else
    (`finance quote`, which scores in the claim's currency, or a --history file read in one) the note names the
    `risk score` that does."""
    if not left_out:
        return
    shown = ", ".join(f"{count} in {code}" for code, count in sorted(left_out.items()))
    options = " or ".join(f"--currency {code}" for code in sorted(left_out))
    how = f"pass {options}" if own_command else f"run `recfin risk score {as_typed(debtor)}` with {options}"
    click.echo(f"note: {as_typed(debtor)} is scored on its claims in {currency} only; its claims in other currencies "
               f"({shown}) are not in this score: {how} to score those", err=True)


@risk.command()
@click.argument("debtor")
@click.option("--as", "as_", default="regulator", show_default=True, metavar="ORG[/USER]",
              callback=connection.names_a_caller,
              help="On the ledger: who reads the debtor's payment record (a bank, the debtor itself or the regulator).")
@click.option("--currency", default="CNY", show_default=True, callback=currency_code,
              help="On the ledger: score the debtor on its claims in this currency (ISO 4217) only. With "
                   "--history: only the currency the file names, if it names one.")
@click.option("--history", "history_file", type=PathType(dir_okay=False, path_type=Path, reads=True),
              help="Without the ledger: a JSON file with the debtor's receivable history (ReceivableHistory or a "
                   "list of events).")
@click.option("--synthetic-seed", type=SEED, help="Score a SYNTHETIC debtor from the simulator with this seed.")
@click.option("--synthetic-debtors", type=WholeNumberRange(1, MAX_DEBTORS), default=300, show_default=True,
              help="Simulator size with --synthetic-seed.")
@click.option("--as-of", type=BUSINESS_DATE,
              help="Score as of this date (default: on the ledger today, China Standard Time; with --history the "
                   "date the file was read from the ledger as of, its read_as_of, or without one its last event's "
                   "date, or today for a file with no event; with --synthetic-seed the simulation's last day). "
                   "Events after it are "
                   "ignored. A date after the ledger's today, the file's last event or the simulation's last day "
                   "is scored as of that day instead, and says so (a later day would count every open claim as "
                   "overdue); one after a file's read_as_of is refused. "
                   "From 1900-01-01 to 2999-12-31.")
@click.option("--model", "model_path", type=PathType(dir_okay=False, path_type=Path, reads=True),
              cls=ReadWhenShown, default=shipped_model, show_default=True,
              help="The late-payment model artefact that scores the history (recfin risk train writes one), with the "
                   "model card training wrote beside it (NAME.card.md for NAME.json); refused without the card, if "
                   "its bytes do not have the sha256 the card records, or if the card names another model or other "
                   "features.")
@holiday_calendar_option()
@connection.timeout_data_root_and_json_options(
    "Print the score as JSON (amounts in integer fen, in currency): the model's score of the debtor, not a contract "
    "document, with what it is not of (claims_not_counted, claims_in_other_currencies) and why a grade rests on no "
    "payment (thin_record).")
def score(debtor: str, as_: str, currency: str, history_file: Path | None, synthetic_seed: int | None,
          synthetic_debtors: int, as_of: date | None, model_path: Path, data_root: Path | None, as_json: bool) -> None:
    """Probability that DEBTOR pays a receivable late, its grade and what drove it.

    DEBTOR is the core enterprise's credit code. By default its history is read
    from the ledger, as of the date (nothing recorded later is used), from its
    claims in one currency (--currency; amounts are never mixed); there a code
    in lower case is read in capitals, as the ledger keeps it. The first
    two examples need the network; the third reads the shipped SYNTHETIC
    history from the repository root.

    \b
    Example:
      recfin risk score 91310000MA1K000019 --as regulator --as-of 2026-11-30
      recfin risk score 91310000MA1K000019 --as bank/officer1 --currency USD
      recfin risk score SYN-DEBTOR-0007 --history client/risk/samples/history.json --as-of 2025-12-30 --json
      recfin risk score SYN-DEBTOR-0007 --synthetic-seed 20261128 --json
    """
    from client.risk import score_debtor

    if history_file and synthetic_seed is not None:
        raise click.UsageError("give --history or --synthetic-seed, not both")
    if synthetic_seed is None and \
            click.get_current_context().get_parameter_source("synthetic_debtors") is ParameterSource.COMMANDLINE:
        # the simulator's size, with no simulation asked for: the score would come from the ledger or the file
        raise click.UsageError("--synthetic-debtors sizes the simulator of --synthetic-seed: give --synthetic-seed "
                               "too, or leave --synthetic-debtors out")
    # read once: the file's currency decides whether --currency agrees with it, and the same history is scored
    file_history = load_history(history_file, debtor) if history_file else None
    if history_file or synthetic_seed is not None:
        # options of the ledger read, with none made: a file's or the simulator's history is scored whole, so
        # `--currency USD` would score every claim as if it had picked the USD ones
        # (--timeout given to this command only: RECFIN_TIMEOUT is set once for every command)
        ledger_options = (("--as", "as_"), ("--currency", "currency"), ("--data-root", "data_root"),
                          ("--timeout", "timeout"))
        given = [option for option, name in ledger_options
                 if click.get_current_context().get_parameter_source(name) is ParameterSource.COMMANDLINE]
        named_currency = file_history.currency if file_history is not None and given else None
        if "--currency" in given and named_currency is not None:
            given = _without_the_files_own_currency(given, named_currency, currency)
        if given:
            source, named = ("--history" if history_file else "--synthetic-seed"), " and ".join(given)
            verb = "is" if len(given) == 1 else "are"
            scored_in = f"in {named_currency}, the one it names" if named_currency else "in no currency it names"
            raise click.UsageError(f"{named} {verb} for reading the ledger, which {source} replaces: its "
                                   f"history is scored whole, {scored_in}; leave {named} out, or "
                                   f"drop {source} to read the ledger")
    source = click.get_current_context().get_parameter_source("model_path")
    model = load_model(model_path, "--model" if source is ParameterSource.COMMANDLINE else None)
    if history_file:
        history = file_history
        as_of = history_file_as_of(history, history_file, as_of)
        note_what_a_saved_read_left_out(debtor, history)
    elif synthetic_seed is not None:
        history, last_day = synthetic_history(debtor, synthetic_seed, synthetic_debtors)
        if as_of is not None and as_of > last_day:
            click.echo(f"note: scored as of {last_day}, the simulation's last day, not {as_of} (it simulates "
                       "nothing later)", err=True)
        as_of = min(as_of or last_day, last_day)
    else:
        debtor = debtor_on_the_ledger(debtor)
        asked = as_of
        history, as_of = ledger_history(debtor, as_, data_root, asked or business_today(), currency)
        if asked is not None and as_of < asked:
            click.echo(f"note: the ledger's today is {as_of}: scored as of {as_of}, not {asked} (the ledger knows "
                       "nothing later)", err=True)
    result = score_debtor(model, history, as_of)
    note_what_the_score_cannot_tell(result)
    note_fewer_than_trained_on(result, model_path)
    # the ledger's claims are in one currency, and a history read from it says which; the simulator's, and a
    # file written by hand, do not
    scored_in = currency if history_file is None and synthetic_seed is None else history.currency
    if as_json:
        data = result.model_dump(mode="json")
        # the table shows each amount in it: the fen here are of it, and a score in USD is not one in CNY
        data["currency"] = scored_in
        data["synthetic"] = history.synthetic
        # the stderr note's reason, or null: a grade given for want of a payment record is no earned one
        data["thin_record"] = thin_record(result)
        # the debtor's claims on the ledger the score is not of, as the stderr notes say: a script reading the
        # JSON alone would take a score of some of them for one of all; from a file, what its read left out, as
        # saved with it; null for the simulator's history, which is scored whole, and a file that does not say
        data["claims_not_counted"] = history.claims_not_counted
        data["claims_in_other_currencies"] = history.claims_in_other_currencies
        emit(data, as_json=True)
        return
    if history.synthetic:
        click.echo(SYNTHETIC_NOTE)
    emit(_score_rows(result, scored_in or "", model), as_json=False)


def _metrics_rows(report) -> list[dict]:
    rows = [{"model": "logistic (this model)", "auc": f"{report.model.auc:.4f}", "brier": f"{report.model.brier:.4f}"},
            {"model": "baseline: last-365-day late share", "auc": f"{report.baseline.auc:.4f}",
             "brier": f"{report.baseline.brier:.4f}"},
            {"model": f"no skill: training late rate ({report.training_late_rate:.3f}) for all",
             "auc": f"{report.no_skill.auc:.4f}", "brier": f"{report.no_skill.brier:.4f}"},
            {"model": "ceiling: the simulator's own probability", "auc": f"{report.ceiling.auc:.4f}",
             "brier": f"{report.ceiling.brier:.4f}"}]
    if report.gradient_boosting:
        rows.append({"model": "gradient boosting + isotonic", "auc": f"{report.gradient_boosting.auc:.4f}",
                     "brier": f"{report.gradient_boosting.brier:.4f}"})
    return rows


def _lift_rows(report) -> list[dict]:
    """The model less the baseline on the held-out examples, with its interval over resampled held-out debtors."""
    from client.risk.training import interval_text, lift_reading
    lift = report.lift_over_baseline
    auc_reading, brier_reading = lift_reading(lift)
    return [{"measure": "AUC (higher is better)", "model_minus_baseline": interval_text(lift.auc),
             "reading": auc_reading},
            {"measure": "Brier (lower is better)", "model_minus_baseline": interval_text(lift.brier),
             "reading": brier_reading}]


def _print_report(report, seconds: float) -> None:
    click.echo(SYNTHETIC_NOTE)
    click.echo(f"debtors: {report.training_debtors} training, {report.held_out_debtors} held out "
               f"(seed {report.seed}); examples: {report.training_examples} training, "
               f"{report.held_out_examples} held out; held-out late rate {report.held_out_late_rate:.3f}")
    click.echo(f"label: late when a receivable confirmed and open on the as-of date, and falling due in the "
               f"{report.horizon_days} days after it, is not paid by its due date, or by the next working day when "
               "that is a day off (a split claim once)")
    click.echo("")
    click.echo(table(_metrics_rows(report), ["model", "auc", "brier"]))
    click.echo("")
    lift = report.lift_over_baseline
    click.echo(f"lift over the baseline, with its 95% interval over {lift.resamples} resamples of the "
               f"{report.held_out_debtors} held-out debtors (each with all its examples; seed {lift.seed}):")
    click.echo(table(_lift_rows(report), ["measure", "model_minus_baseline", "reading"]))
    click.echo("")
    click.echo("calibration (held out):")
    click.echo(table([{"predicted": f"{r.lower:.1f}-{r.upper:.1f}", "examples": r.count,
                       "mean_predicted": None if r.mean_predicted is None else f"{r.mean_predicted:.3f}",
                       "observed": None if r.observed_rate is None else f"{r.observed_rate:.3f}"}
                      for r in report.model.calibration], ["predicted", "examples", "mean_predicted", "observed"]))
    click.echo("")
    click.echo(f"time: simulate {report.simulate_seconds:.1f} s, fit {report.fit_seconds:.2f} s, "
               f"total {seconds:.1f} s; scoring {report.score_ms_per_debtor:.2f} ms per debtor on average, "
               f"{report.score_ms_per_debtor_median:.2f} at the median, {report.score_ms_per_debtor_p95:.2f} at the "
               "95th percentile")


@risk.command()
@click.option("--seed", type=SEED, default=None, help="Simulator and split seed (default: the shipped model's).")
@click.option("--debtors", type=WholeNumberRange(20, MAX_DEBTORS), default=None,
              help="Synthetic debtors to simulate (default 1000).")
@click.option("--out", "out_dir", type=PathType(file_okay=False, path_type=Path), default=None,
              help="Folder for the artefact and card (default: client/risk/models).")
@click.option("--compare", is_flag=True, help="Also measure a calibrated gradient-boosted model for the card.")
@click.option("--replace", is_flag=True,
              help="Write over the model of this version already in the folder (without --out: the one `risk score` "
                   "and `finance quote` use by default).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON; the stage lines go to stderr.")
def train(seed: int | None, debtors: int | None, out_dir: Path | None, compare: bool, replace: bool,
          as_json: bool) -> None:
    """Re-train the late-payment model on SYNTHETIC histories and write the artefact and its card.

    Says each stage as it begins (simulating, building features, fitting,
    evaluating, with --compare calibrating the compared model, resampling the
    held-out debtors, timing the scorer, then writing): a run takes a minute or more
    with the default 1,000 debtors, about a third of that CPU time with --debtors 300.
    A model of this version already in the folder is kept unless --replace is
    given, so a trial run cannot change the model every quote uses.

    \b
    Example:
      recfin risk train --seed 20261128 --debtors 300 --out /tmp/model --json
      recfin risk train --compare --replace     # re-train the shipped model
    """
    from client.risk.model import card_path
    from client.risk.model import DEFAULT_MODEL, MODELS_DIR   # where the model is written without --out
    from client.risk.training import DEFAULT_DEBTORS, DEFAULT_SEED, summary, train_and_save
    _check_training_installed("train")
    existing = (out_dir or MODELS_DIR) / DEFAULT_MODEL.name
    if existing.exists() and not replace:
        raise click.UsageError(f"{as_typed(existing)} exists"
                               + ("" if out_dir else ", the model `risk score` and `finance quote` use by default")
                               + ": give --out FOLDER for another one, or --replace to write over it")
    _check_model_paths(existing, given=out_dir is not None)
    t0 = time.perf_counter()
    try:
        with too_few_examples():
            model, report, path = train_and_save(seed if seed is not None else DEFAULT_SEED,
                                                 debtors or DEFAULT_DEBTORS, out_dir, compare=compare,
                                                 say=progress(as_json))
    except OSError as exc:
        raise click.ClickException(f"cannot write the model to {exc.filename or out_dir or MODELS_DIR}: "
                                   f"{exc.strerror or exc} "
                                   "(pass --out with a folder you can write)") from None
    seconds = time.perf_counter() - t0
    if as_json:
        emit({"artefact": str(path), "card": str(card_path(path)),
              "seconds": round(seconds, 2), **summary(report)}, as_json=True)
        return
    _print_report(report, seconds)
    click.echo(f"wrote {path} and {card_path(path)}")


@contextmanager
def too_few_examples() -> Iterator[None]:
    """A simulation too small to fit a model on (client.risk.training.TooFewExamples): one line saying so."""
    from client.risk.training import TooFewExamples
    try:
        yield
    except TooFewExamples as exc:
        raise click.ClickException(f"{exc} (here: pass --debtors with more simulated debtors)") from None


def _check_model_paths(artefact: Path, given: bool) -> None:
    """Before minutes of training: the artefact and its card can be written in their folder (a folder, a device or a
    FIFO where one of them goes, or a folder this user may not write, would fail only once the work is done). A
    folder still to be made holds nothing in the way; training makes it first, and one that cannot be made fails
    then, before the work. ``given``: the folder is --out's, and a problem a usage error naming it."""
    from client.risk.model import card_path

    if not os.path.isdir(artefact.parent):
        return
    for path in (card_path(artefact), artefact):
        problem = check_output_file(path)
        if problem and given:
            raise click.BadParameter(f"cannot write the model to {as_typed(path)}: {problem}", param_hint="'--out'")
        if problem:
            raise click.ClickException(f"cannot write the model to {as_typed(path)}: {problem}")


# what fitting and measuring import (client.risk.training); scoring needs neither, so they are the `risk`
# extra's, not recfin's own dependencies
TRAINING_MODULES = ("numpy", "sklearn")
RISK_EXTRA_INSTALL = "pip install 'recfin[risk]' (scripts/install puts it in .venv)"


def _check_training_installed(command: str) -> None:
    """Before minutes of simulating: a missing scikit-learn would end the run in a traceback at the fit."""
    for module in TRAINING_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            raise click.ClickException(f"`recfin risk {command}` needs scikit-learn and numpy, which are not "
                                       f"installed ({module} cannot be imported): {RISK_EXTRA_INSTALL}; "
                                       "scoring (`risk score`, `finance quote`) works without them") from None


def _check_plot_path(path: Path) -> None:
    """Before minutes of evaluation: the plot can be drawn and written where asked."""
    if path.suffix.lower() != ".png":
        raise click.BadParameter(f"{as_typed(path)} does not end in .png: the plot is written as PNG",
                                 param_hint="'--plot'")
    if not os.path.isdir(path.parent):
        raise click.BadParameter(f"no folder {as_typed(path.parent)} to write {as_typed(path.name)} in",
                                 param_hint="'--plot'")
    problem = check_output_file(path)   # a folder, a device or a FIFO there: the plot would fail after the run
    if problem:
        raise click.BadParameter(f"cannot write {as_typed(path)}: {problem}", param_hint="'--plot'")
    try:
        importlib.import_module("matplotlib")
    except ImportError:
        raise click.ClickException(f"--plot needs matplotlib: {RISK_EXTRA_INSTALL}") from None


@risk.command()
@click.option("--seed", type=SEED, default=None, help="Simulator and split seed (default: the shipped model's).")
@click.option("--debtors", type=WholeNumberRange(20, MAX_DEBTORS), default=None,
              help="Synthetic debtors to simulate (default 1000).")
@click.option("--compare", is_flag=True, help="Also measure a calibrated gradient-boosted model.")
@click.option("--plot", "plot_path", type=OutputFileType(path_type=Path), default=None,
              help="Write the calibration curve and score distribution to this PNG.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON; the stage lines go to stderr.")
def evaluate(seed: int | None, debtors: int | None, compare: bool, plot_path: Path | None, as_json: bool) -> None:
    """Held-out AUC, Brier score and calibration on SYNTHETIC debtors, against the baseline.

    The model's AUC and Brier score less the baseline's come with a 95%
    interval over 200 seeded resamples of the held-out debtors, each with all
    its claims (`lift_over_baseline` in --json): one that holds 0 says the
    model cannot be told from the baseline on that measure.

    Says each stage as it begins (simulating, building features, fitting,
    evaluating, with --compare calibrating the compared model, resampling the
    held-out debtors, timing the scorer, with --plot plotting), as `risk
    train` does; nothing is written but --plot.

    \b
    Example:
      recfin risk evaluate --seed 20261128 --plot calibration.png
    """
    from client.risk.training import DEFAULT_DEBTORS, DEFAULT_SEED, plot, run, summary
    _check_training_installed("evaluate")
    if plot_path:
        _check_plot_path(plot_path)
    say = progress(as_json)
    t0 = time.perf_counter()
    with too_few_examples():
        _, report = run(seed if seed is not None else DEFAULT_SEED, debtors or DEFAULT_DEBTORS, compare=compare,
                        say=say)
    seconds = time.perf_counter() - t0
    if plot_path:
        say(f"plotting the calibration curve and the score distribution to {plot_path}")
        try:
            plot(report, plot_path)
        except OSError as exc:
            raise click.ClickException(f"cannot write {plot_path}: {exc.strerror or exc}") from None
    if as_json:
        emit({"seconds": round(seconds, 2), "plot": str(plot_path) if plot_path else None, **summary(report)},
             as_json=True)
        return
    _print_report(report, seconds)
    if plot_path:
        click.echo(f"wrote {plot_path}")
