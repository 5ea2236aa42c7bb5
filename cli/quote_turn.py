"""Making a quote's offer inside the bank's turn on the debtor, and accounting for offers whose outcome is lost.

`recfin finance quote` (cli/finance_commands.py) takes the turn, reads, prices and renders; the lock file the turn
holds is client.pricing.quote_lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import copy
from collections.abc import Sequence
from dataclasses import replace

import click


from . import connection
from .amounts import money
from .output import as_typed
from .progress import StepOfTheSdk
from .request_ids import (EXIT_INTERRUPTED, AnswerLost, committed_unread, may_have_committed,
                          transaction_status_command)

if TYPE_CHECKING:
    from client.gateway import Status
    from client.pricing.quote_lock import PendingOffer, QuoteTurn
    from client.receivables import FinancierExposure, Offer

# How long a quote whose offer's commit status was lost keeps its turn asking for it again; and how long a quote asks
# for each offer an earlier one left pending. A transaction in a block is answered at once, one on its way within a
# block time; one the orderer never took is never answered, and a pending one of those is asked for by every quote
# until it can add nothing any more (pending_offers).
OUTCOME_WAIT_SECONDS = 60.0   # as docs/risk-and-pricing.md ("Quotes at the same time") says
PENDING_ASK_SECONDS = 10.0
OFFER_TRANSACTION = "MakeFinancingOffer"


class OfferInterrupted(click.ClickException):
    """Ctrl-C during the offer, whose outcome is known all the same (nothing sent, or its commit status came): 130,
    or SIGTERM's or SIGHUP's 128 + the signal (``request_ids.Terminated``)."""

    def __init__(self, message: str, stopped: KeyboardInterrupt) -> None:
        super().__init__(message)
        self.exit_code = getattr(stopped, "exit_code", EXIT_INTERRUPTED)


def ask_pending(turn: QuoteTurn, session) -> None:
    """Ask for the outcome of each offer an earlier quote left pending in the turn, forgetting those now known:
    committed (the exposure read next has it) or invalid (it never will)."""
    from client.pricing.quote_lock import ask_outcome

    for p in turn.pending:
        click.echo(f"asking whether offer transaction {p.transaction_id} on {p.financing_id}, left pending by an "
                   f"earlier quote on this host, has committed (at most {PENDING_ASK_SECONDS:g} s)", err=True)
        if ask_outcome(session.client.network, p.transaction_id, within=PENDING_ASK_SECONDS) is not None:
            turn.forget(p.transaction_id)


def pending_offers(turn: QuoteTurn, session, held: FinancierExposure, r) -> list[PendingOffer]:
    """The pending offers (outcome still not known) that count against the limit as taken, said on stderr with
    the `recfin transaction status` that tells whether each committed.

    Forgotten instead, as they can add nothing to what the ledger shows: one whose financing has an open offer of
    the bank in ``held`` (the contract takes one per bank and request: it is that offer, or can never commit), one
    expired by the ledger's today (the ledger counts only offers a holder can still accept), one whose financing
    is no longer an open request (it read the request open, so it can no longer commit valid), and one whose
    financing the ledger does not have (said on stderr). Of several on one financing, only the largest advance
    counts: the contract takes one offer per bank and request, so at most one of them can commit. Not counted, but
    kept: one on the request being quoted, which this quote's offer excludes as its own would."""
    if not turn.pending:
        return []
    offered_on = {o.financing_id for o in held.offers}
    today = session.client.debtor_payment_record(r.debtor, page_size=1).as_of   # the contract's today
    by_financing: dict[str, list[PendingOffer]] = {}
    for p in turn.pending:
        if p.financing_id in offered_on or p.expires_on < today or not _still_requested(session, turn, p):
            turn.forget(p.transaction_id)
        elif p.financing_id != r.financing_id and p.currency == r.currency:
            by_financing.setdefault(p.financing_id, []).append(p)
    counted = []
    for financing_id, noted in by_financing.items():
        largest = max(noted, key=lambda p: p.advance)
        of_several = (f" (the largest of the {len(noted)} offer transactions on {financing_id} whose outcome is not "
                      f"known: the contract takes one offer per bank and request, so only one can commit)"
                      if len(noted) > 1 else "")
        click.echo(f"note: offer transaction {largest.transaction_id} on {financing_id}, left by an earlier quote, "
                   f"may still commit: its advance {money(largest.advance, largest.currency)}{of_several} counts as "
                   f"taken (in open_offers) until its outcome is known or it would expire on "
                   f"{largest.expires_on}; `{transaction_status_command(largest.transaction_id)}` says "
                   "whether it committed", err=True)
        counted.append(largest)
    return counted


NOT_FOUND = "not-found"   # the contract's rule for an id the ledger does not have


def _still_requested(session, turn: QuoteTurn, p: PendingOffer) -> bool:
    """Whether the pending offer's financing is an open request still; a bank may read only an open one, or its own.

    One the ledger does not have can take no offer, so its note can never commit: it was left on another network
    (this channel name's before a reset of the network, under a recfin home kept since). Said on stderr, as the
    note is dropped from the lock file, rather than refusing every quote of the bank on the debtor until the note
    would have expired."""
    from client.receivables import RuleViolation, unless_refused_the_read

    try:
        financing = unless_refused_the_read(lambda: session.client.get_financing(p.financing_id))
    except RuleViolation as refusal:
        if refusal.rule != NOT_FOUND:   # the ledger has it, but would not say whether it is open: the quote stops
            raise click.ClickException(
                f"no offer made: the financing {p.financing_id} of offer transaction {p.transaction_id}, left "
                f"pending in {turn.path} by an earlier quote, could not be read ({connection.describe(refusal)}). "
                f"Once you know that transaction cannot commit, delete its line from that file (while no quote "
                f"runs) and quote again") from refusal
        click.echo(f"note: offer transaction {p.transaction_id} on {p.financing_id}, left by an earlier quote, is "
                   f"dropped from {turn.path}: the ledger has no financing {p.financing_id} (a note left on an "
                   f"earlier network, before a reset?), so no offer on it can commit", err=True)
        return False
    return financing is not None and financing.status == "REQUESTED"


class OfferAttempt:
    """How far the latest attempt of the offer's transaction got, as the SDK's steps pass through the noting
    contract (:func:`_noting_offers`): what an interruption leaves of it. ``transaction_id`` once its proposal is
    built (None before), ``sent`` once its submit to the orderer was entered (before that nothing of it can commit),
    and its commit ``status`` once that came back."""

    def __init__(self) -> None:
        self.transaction_id: str | None = None
        self.sent = False
        self.status: Status | None = None

    def built(self, transaction_id: str) -> None:   # a new attempt: nothing of it sent yet
        self.transaction_id, self.sent, self.status = transaction_id, False, None


class _Watched(StepOfTheSdk):
    """One step object of the SDK (a proposal, an endorsed transaction, a commit) as it is, but for the call that
    moves the offer's attempt on, which it tells ``attempt`` of."""

    def __init__(self, step, attempt: OfferAttempt) -> None:
        self._wrapped, self._attempt = step, attempt


class _WatchedProposal(_Watched):
    def endorse(self, *args, **kwargs):   # to the endorsing peers only: nothing of it can commit yet
        return _WatchedTransaction(self._wrapped.endorse(*args, **kwargs), self._attempt)


class _WatchedTransaction(_Watched):
    def submit(self, *args, **kwargs):
        self._attempt.sent = True   # from here on the orderer may have it, even if the call never returns
        return _WatchedCommit(self._wrapped.submit(*args, **kwargs), self._attempt)


class _WatchedCommit(_Watched):
    def status(self, *args, **kwargs):
        self._attempt.status = self._wrapped.status(*args, **kwargs)
        return self._attempt.status


def _noting_offers(contract, note, attempt: OfferAttempt | None = None):
    """A copy of the session's contract that gives ``note`` the transaction id of each MakeFinancingOffer proposal
    as it is built, before it is endorsed: ``Contract.submit`` builds each attempt's proposal with the contract's
    ``new_proposal`` (the step-by-step call that shows a transaction id before anything is sent). With ``attempt``,
    the attempt's endorsement, submit and commit status are followed there too (:class:`OfferAttempt`)."""
    noting = copy.copy(contract)
    build = contract.new_proposal

    def new_proposal(name, *args, **kwargs):
        proposal = build(name, *args, **kwargs)
        if name != OFFER_TRANSACTION:
            return proposal
        note(proposal.transaction_id)
        if attempt is None:
            return proposal
        attempt.built(proposal.transaction_id)
        return _WatchedProposal(proposal, attempt)

    noting.new_proposal = new_proposal
    return noting


def offer_in_turn(session, turn: QuoteTurn, r, result, as_: str, exposure_version: int | None = None,
                  endorsing_organizations: list[str] | None = None,
                  uncounted_offers: Sequence[str] | None = None) -> Offer:
    """MakeFinancingOffer with the priced terms (and ``exposure_version``, the version of the exposure read they were
    priced on: the contract refuses the offer if another offer of the bank on the debtor came since;
    ``uncounted_offers``, that read's offers of the bank its figures left out, which the offer makes unacceptable; and
    ``endorsing_organizations``, the orgs --endorsing-org names, or None for the SDK's choice), its
    transaction noted as pending in the turn's lock file before it
    is endorsed, and forgotten once its outcome is known. When the outcome is not known (the commit status lost, a
    submit that may have been ordered), the turn is kept while the commit status is asked again; still not known,
    or on Ctrl-C after the transaction was sent to the orderer, one line says the offer may still commit and how to
    check, and the note stays for the next quote. Ctrl-C before it was sent, or after its commit status came back,
    ends with the outcome known (:func:`_interrupted_offer`)."""
    from client.gateway import GatewayError
    from client.pricing.quote_lock import PendingOffer
    from client.receivables import FinancingTerms, ReceivablesClient, ReceivablesError

    o = result.offer
    terms = FinancingTerms(advance_rate=o.advance_rate, discount_rate=o.discount_rate, fees=o.fees,
                           recourse=o.recourse, day_count=o.day_count, expires_on=o.expires_on)
    this_offer = PendingOffer("", r.financing_id, result.priced.advance, r.currency, o.expires_on)
    noted: list[str] = []
    attempt = OfferAttempt()

    def note(transaction_id: str) -> None:   # a retry's new attempt replaces the one whose status said invalid
        turn.note(replace(this_offer, transaction_id=transaction_id), replacing=noted[-1] if noted else None)
        noted.append(transaction_id)

    client = ReceivablesClient(_noting_offers(session.client.contract, note, attempt), session.client.network,
                               retry=session.client.retry)
    try:
        made = client.make_offer(r.financing_id, terms, endorsing_organizations=endorsing_organizations,
                                 exposure_version=exposure_version, uncounted_offers=uncounted_offers)
    except KeyboardInterrupt as exc:
        raise _interrupted_offer(session, turn, attempt, noted, this_offer, as_, exc) from None
    except Exception as exc:
        if committed_unread(exc) or (isinstance(exc, (GatewayError, ReceivablesError)) and not may_have_committed(exc)):
            for transaction_id in noted:   # its outcome is known: committed, or nothing that can commit
                turn.forget(transaction_id)
            raise
        if not may_have_committed(exc):   # failed past the note in some other way: it stays noted
            raise
        return _outcome_asked_again(session, turn, exc, noted, note, this_offer, as_)
    for transaction_id in noted:
        turn.forget(transaction_id)
    return made.model_copy(update={"expires_on": o.expires_on})   # private on the ledger: the bank's own terms'


def _interrupted_offer(session, turn: QuoteTurn, attempt: OfferAttempt, noted: list[str], p: PendingOffer, as_: str,
                       stopped: KeyboardInterrupt) -> click.ClickException:
    """What a stop during the offer leaves (Ctrl-C: exit 130; SIGTERM, SIGHUP: 128 + the signal). Before the latest
    attempt was sent to the orderer (building or endorsing it, or before any attempt), or once its commit status came
    back, the outcome is known: each earlier attempt was sent again only after its status came back invalid. Then the
    notes go, and the line says what happened; else the offer may still commit, and its note stays."""
    why = connection.describe(stopped)
    tx = attempt.transaction_id
    if tx is not None and attempt.sent and attempt.status is None:
        return AnswerLost(_may_still_commit(session, turn, tx, p, as_, why),
                          getattr(stopped, "exit_code", EXIT_INTERRUPTED))
    for transaction_id in noted:
        turn.forget(transaction_id)
    again = "Run the quote again"
    if tx is None:
        told = f"no offer made on {p.financing_id}: {why} before its transaction was built; nothing was sent. {again}"
    elif not attempt.sent:
        told = (f"no offer made on {p.financing_id}: {why} before its transaction {tx} was sent to the orderer; "
                f"nothing was sent that could commit. {again}")
    elif not attempt.status.successful:
        told = (f"no offer made on {p.financing_id}: {why} after its transaction {tx} committed in block "
                f"{attempt.status.block_number} as invalid ({attempt.status.code_name}), before it was tried "
                f"again; nothing was committed. {again}")
    else:
        told = (f"the offer on {p.financing_id} committed (transaction {tx}, block {attempt.status.block_number}), "
                f"but the quote was {why} before reading it back: `recfin finance get {p.financing_id} --as "
                f"{as_typed(as_)}` lists it")
    return OfferInterrupted(told, stopped)


def _outcome_asked_again(session, turn: QuoteTurn, exc, noted: list[str], note, this_offer: PendingOffer,
                         as_: str) -> Offer:
    """The offer whose submit ended without its outcome (``exc``), once its commit status says it committed;
    invalid, or still not known after OUTCOME_WAIT_SECONDS, one line."""
    from client.pricing.quote_lock import ask_outcome

    transaction_id = exc.transaction_id
    if transaction_id not in noted:
        note(transaction_id)
    why = connection.describe(exc)
    click.echo(f"the outcome of the offer's transaction {transaction_id} is not known ({why}): asking again for at "
               f"most {OUTCOME_WAIT_SECONDS:g} s, this quote's turn kept", err=True)
    try:
        status = ask_outcome(session.client.network, transaction_id, within=OUTCOME_WAIT_SECONDS)
    except KeyboardInterrupt as interrupted:
        raise AnswerLost(_may_still_commit(session, turn, transaction_id, this_offer, as_,
                                           connection.describe(interrupted)),
                         getattr(interrupted, "exit_code", EXIT_INTERRUPTED)) from None
    if status is None:
        raise click.ClickException(_may_still_commit(
            session, turn, transaction_id, this_offer, as_, f"{why}; asked again for {OUTCOME_WAIT_SECONDS:g} s"))
    turn.forget(transaction_id)
    if not status.successful:
        raise click.ClickException(
            f"no offer made on {this_offer.financing_id}: its transaction {transaction_id} committed in block "
            f"{status.block_number} as invalid ({status.code_name}); nothing was offered. Run the quote again")
    bank = session.profile.msp_id
    # the bank's one offer on the request not withdrawn (the contract takes one per bank and request until the
    # bank withdraws it): an offer it withdrew before offering again is not the one this transaction made
    made = [o for o in session.client.get_financing(this_offer.financing_id).offers
            if o.financier_msp == bank and o.status != "WITHDRAWN"]
    if not made:
        raise click.ClickException(
            f"the offer's transaction {transaction_id} committed in block {status.block_number}, but {bank}'s offer "
            f"on {this_offer.financing_id} could not be read back: `recfin finance get {this_offer.financing_id} --as "
            f"{as_typed(as_)}` lists it once this peer has that block")
    return made[0].model_copy(update={"expires_on": this_offer.expires_on})   # the bank's own terms'


def _may_still_commit(session, turn: QuoteTurn, transaction_id: str, p: PendingOffer, as_: str, why: str) -> str:
    return (f"the offer on {p.financing_id} may still commit: whether its transaction {transaction_id} committed is "
            f"not known ({why}). It stays noted in {turn.path}: the next quote of {session.profile.msp_id} on this "
            f"debtor on this host asks for it first and, while it is not known, counts its advance "
            f"{money(p.advance, p.currency)} as taken (until the offer would expire on {p.expires_on}). To check: "
            f"`{transaction_status_command(transaction_id)}` says whether it committed; "
            f"`recfin finance get {p.financing_id} --as {as_typed(as_)}` lists the bank's offer on it once it has "
            f"committed; the SDK's network.new_commit('{transaction_id}').status() says whether it did")
