"""Invoice verification attestations: a checking party signs what the data sources said about an invoice.

An attestation says "invoice X (fingerprint F), with buyer B, dated D, for T
with tax, was verified against sources S, with outcome R; the evidence
document has digest D", and the ledger adds who attested (party, role, MSP)
and when: the transaction timestamp. The submitting client sets that timestamp
when it builds the proposal; the endorsing peers only check that it lies within
a window of their own clocks (Fabric's ``peer.authentication.timewindow``, 15
minutes by default), so it is the time the attester's client chose, trusted to
within that window. The evidence itself stays off the ledger; anyone holding the document
can hash it and compare.

Because each attester's newest attestation decides what it says (below), its attestations of one invoice must
stand in time in the order they commit: a new one is refused (``attestation-out-of-order``, see
:func:`order_problem`) unless its time is after that of every earlier one by the same attester. Otherwise a
failure sent from a client whose clock is behind would commit after a pass and yet read as older than it. The
attester's newest is kept apart per invoice and attester (:class:`Newest`, ``Store.newest_attestation``), so
two attesters' attestations of one invoice do not conflict at commit; the same attester's do.

Attestations are never changed or deleted: a later check (an invoice voided or
red-flushed after it was first verified) is a new attestation. When
``NetworkConfig.require_attestation`` is on, registration asks
:func:`registration_problem` about each invoice. What an attester says of a source
is its newest attestation naming that source: a later attestation replaces an
earlier one only on the sources both name, so a failure stands until the same
attester passes the invoice on every source it failed on, and a pass on other
sources (a credit check) leaves it standing. An attestation counts while its
role still attests, its org may still hold that role, and its org is neither the
creditor's nor the debtor's (an org does not verify a claim it has a stake in).
None that counts may fail, and one must pass, naming every source in
``attestation_sources`` and the values the registration gives the invoice
(buyer, date, amount + tax, in CNY). The values an attester verified are those of
its newest pass, whatever sources it names (its older values never contradict its newer ones,
and a reading of the invoice against another source is a reading all the same), and no
other attester's may differ: attesters that disagree are named, not outvoted. A pass that no write of its
attester's ``recfin.attestation-last`` entry names, as the peer's history holds them (:func:`vouching_gap`: an
earlier contract version's, one two other orgs wrote in its name, one of an attester without an entry, or one
read on a peer whose history holds no write of the entry) counts against a registration but never backs one, nor
clears a failure of its attester's. A failure so written still refuses one: nothing tells it from an earlier
version's failure, which a bank found, and its attester clears it by passing the invoice on its sources (or, on a
source that since holds nothing of it, as :func:`_as_it_stands` says: :func:`_what_clears_a_failure`). The pass
that backs
the registration is the attester's newest naming every required source, and only while its values
are still the attester's newest. A pass dated after the
registration's own time does not count for it (a registering client whose clock is behind gives the
registration an earlier time than evidence already on the ledger), but it counts against it as any other
does: it is still its attester's newest values, which replace that attester's older ones, and it may
contradict another attester. A failure so dated counts too, so that no clock set back lets a registration
pass a failure, a correction or a disagreement already committed. Nor does a pass made longer before the
registration than ``NetworkConfig.max_attestation_age_days`` (30 days unset) count for it: the sources said
what they said then, and the invoice may have been voided or red-flushed since. It is named as stale, with its
age, and counts against the registration as a late one does; a failure counts whatever its age.

What the contract can check of an attestation is what it carries: the invoice (its
fingerprint computed again), the values verified, the sources named (each once, a
known form, at most ``MAX_SOURCES``) and the outcome. It cannot check what the sources
said: their findings are in the evidence document, which stays off the ledger (its
digest is on it), so a ``pass`` whose sources confirmed nothing cannot be told from one
whose sources confirmed everything; the client never makes one (a verification whose
sources confirmed nothing fails), and the attester answers for what it signs. A
network that counts on a source having been asked names it in ``attestation_sources``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from . import dates, fingerprint, keys, money
from .dates import as_time
from .config import REGULATOR, NetworkConfig
from .errors import NewerVersionRecord, RuleViolation, newer_version_record, rule, shown
from .model import Action, Invoice, InvoiceAttestation, InvoiceAttestationRequest, Party


def checked_fingerprint(req: InvoiceAttestationRequest) -> str:
    """The fingerprint the contract computes from the invoice's identity; it must be the one attested."""
    if (why := fingerprint.identity_problem(req.code, req.number)
            or fingerprint.digitalised_year_problem(req.number.strip())) is not None:
        raise rule("invoice-code-invalid", why)
    fp = fingerprint.invoice_fingerprint(req.seller_tax_id, req.code, req.number)
    if fp != req.fingerprint:
        raise rule("fingerprint-mismatch", f"invoice {req.number} of seller {req.seller_tax_id} has fingerprint {fp}, "
                   f"not {req.fingerprint}: compute it as sha256({fingerprint.VERSION}|seller tax id|code|number) "
                   "and verify that invoice again")
    return fp


def checked_sources(req: InvoiceAttestationRequest) -> None:
    """Each source asked is named once, among ``sources`` (it checked the invoice) or ``sources_skipped`` (it
    held nothing of it). A name given twice says nothing more, and would make a record that reads as if more
    were verified than was, or a source both checked and not; the client refuses one before sending, this
    refuses the rest."""
    for field, names in (("sources", req.sources), ("sources_skipped", req.sources_skipped)):
        twice = sorted({source for source in names if names.count(source) > 1})
        if twice:
            raise rule("argument-invalid", f"attestation_request: {field} names {', '.join(shown(s) for s in twice)} "
                       "more than once: name each source asked once")
    both = [source for source in req.sources if source in req.sources_skipped]
    if both:
        raise rule("argument-invalid", f"attestation_request: {', '.join(shown(s) for s in both)} is named both in "
                   "sources (it checked the invoice) and in sources_skipped (it held nothing of it): name a source "
                   "that answered in sources alone")


def checked_issue_date(req: InvoiceAttestationRequest, today: date) -> None:
    """An invoice is verified as it was issued: one dated after the attestation's own business date ``today`` (from
    the transaction timestamp) was not issued when it was said to be verified, and its record would read as evidence
    of an invoice the sources could not yet hold."""
    if date.fromisoformat(req.issue_date) > today:
        raise rule("invoice-date-in-future", f"invoice {req.number} is attested as dated {req.issue_date}, after "
                   f"this attestation's date {today} (its transaction's, China time): an invoice can be verified "
                   "only once issued; attest the date the sources give it, from that date on")


def checked_code_year(req: InvoiceAttestationRequest) -> None:
    """An invoice is verified on the form it was issued on: one dated before the year its code says the form was
    printed in (:func:`fingerprint.code_year_problem`) was not, and RegisterReceivable refuses it so; its record,
    pass or failure, would be of an invoice no registration can name (a code or date misread or altered)."""
    if (why := fingerprint.code_year_problem(req.code.strip(), date.fromisoformat(req.issue_date))) is not None:
        raise rule("invoice-code-invalid", f"invoice {req.number}: {why}, then verify it again and attest that")


def checked_number_year(req: InvoiceAttestationRequest) -> None:
    """A fully digitalised invoice's 20-digit number opens with its issue year's last two digits
    (:func:`fingerprint.issue_year_problem`), and RegisterReceivable refuses one dated in another year: a record of
    it, pass or failure, would be of an invoice no registration can name (its number or date misread or altered)."""
    if (why := fingerprint.issue_year_problem(req.number.strip(), date.fromisoformat(req.issue_date))) is not None:
        raise rule("invoice-code-invalid", f"invoice {req.number}: {why}, then verify it again and attest that")


def new_attestation(req: InvoiceAttestationRequest, attester: Party, attestation_id: str,
                    attested: Action, today: date) -> InvoiceAttestation:
    """The record of ``req`` by ``attester``, made by the transaction ``attested`` on the business date ``today``."""
    checked_sources(req)
    checked_fingerprint(req)
    checked_issue_date(req, today)
    checked_code_year(req)
    checked_number_year(req)
    return InvoiceAttestation(**req.model_dump(), id=attestation_id, attester=attester.uscc,
                              attester_role=attester.role, attested=attested)


def may_read(config: NetworkConfig, party: Party, attestations: list[InvoiceAttestation]) -> bool:
    """Whether ``party`` may read ``attestations``, those of one invoice: its seller (each record's seller is the
    one its fingerprint is of), a buyer an attestation names, a party of an attesting role (a bank deciding whether
    to finance the invoice) or the regulator. Others would learn another supplier's buyer, date and total, and
    its bank, from a credit code and a guessable invoice number."""
    if party.role in config.attesting_roles or party.role == REGULATOR:
        return True
    return any(party.uscc in (a.seller_tax_id, a.buyer_tax_id) for a in attestations)


def attested_time(a: InvoiceAttestation) -> datetime:
    return as_time(a.attested.at)


@dataclass(frozen=True)
class Newest:
    """An attester's newest attestation of an invoice, as ``recfin.attestation-last`` [fingerprint, attester] holds
    it: enough to order the attester's next one (:func:`order_problem`) and to name the one it follows."""

    attestation_id: str
    at: str
    tx_id: str

    @classmethod
    def of(cls, a: InvoiceAttestation) -> Newest:
        return cls(attestation_id=a.id, at=a.attested.at, tx_id=a.attested.tx_id)


def newest_by_attester(attestations: list[InvoiceAttestation]) -> dict[str, Newest]:
    """Each attester's newest of ``attestations`` (oldest first, as ``Store.attestations_of`` lists them)."""
    return {a.attester: Newest.of(a) for a in _each_attesters_newest(attestations)}


def past_newest(a: InvoiceAttestation, newest: Newest | None) -> bool:
    """Whether ``a`` stands past ``newest``, its attester's newest attestation of the invoice as its own
    ``recfin.attestation-last`` entry keeps it (None: there is none): dated after it, or at its time but another
    record. Each attestation writes that entry, under its attester's org, so no attestation of that attester wrote
    ``a``: a new key, which the chaincode-level policy lets any two orgs write in its name. A registration does not
    count it (``Store.attestations_kept``)."""
    if newest is None:
        return False
    at, newest_at = attested_time(a), as_time(newest.at)
    return at > newest_at or (at == newest_at and a.id != newest.attestation_id)


@dataclass(frozen=True)
class Vouched:
    """What the peer's history of an attester's ``recfin.attestation-last`` entry of an invoice says of its records:
    ``ids``, those its attestations named as they wrote them (a write in the very transaction the id it names was
    made in) and the one its first write named, and ``since``, that one's time. Each attestation writes that entry,
    under its attester's org, and nothing a later transaction writes changes what an earlier one wrote."""

    ids: frozenset[str]
    since: datetime


# Why nothing a record's attester wrote shows, as a peer reads the ledger, that the record is its attestation
# (:func:`vouching_gap`)
NAMED_BY_NO_WRITE = "named-by-no-write"   # the entry's history holds writes, and none names it
NO_ENTRY = "no-entry"                     # the attester has no recfin.attestation-last entry of the invoice
ENTRY_UNREADABLE = "entry-unreadable"     # the attester's entry is none an attestation wrote (a read lists it so)
NO_HISTORY = "no-history"                 # the peer's history of the entry holds no write (joined from a snapshot)


def vouching_gap(a: InvoiceAttestation, newest: Newest | None, vouched: Vouched | None, *,
                 entry_unreadable: bool = False) -> str | None:
    """Why nothing ``a``'s attester wrote shows, on this peer, that ``a`` is its attestation, or None where a write
    of its attester's ``recfin.attestation-last`` entry of the invoice names it (``newest``: the entry, None where
    it has none; ``vouched``: what the entry's history names, None where it holds no write). Each attestation writes
    that entry naming itself, in its own transaction, under its attester's org, so only such a write vouches for a
    record. What none names (:data:`NAMED_BY_NO_WRITE`) is an earlier contract version's record (the entry's first
    write names only the newest of those) or a new key two other orgs wrote in the attester's name, and nothing on
    the ledger tells which; so is every record of an attester with no entry (:data:`NO_ENTRY`: it has not attested
    the invoice since entries exist) or with one no attestation wrote (:data:`ENTRY_UNREADABLE`). On a peer whose
    history of the entry holds no write (:data:`NO_HISTORY`: joined the channel from a snapshot taken after) no
    record can be shown to be the attester's. Such a record counts against a registration as any other, but backs
    none and clears no failure of its attester's (``registration_problem``'s ``unnamed``)."""
    if entry_unreadable:
        return ENTRY_UNREADABLE
    if newest is None:
        return NO_ENTRY
    if vouched is None:
        return NO_HISTORY
    return None if a.id in vouched.ids else NAMED_BY_NO_WRITE


def unvouched(a: InvoiceAttestation, vouched: Vouched | None) -> bool:
    """Whether ``a``, a record in an attester's name dated no later than its newest (``past_newest``), is none of
    its attestations: dated at or after the first record its entry named (``vouched.since``), from when each of its
    attestations wrote that entry naming itself, and named by no such write. Only two other orgs writing a new key
    wrote it. One dated before is counted against a registration as before, but backs none (``vouching_gap``): an
    earlier contract version recorded attestations without the entry, and the first write names only the newest
    of those."""
    return vouched is not None and a.id not in vouched.ids and attested_time(a) >= vouched.since


def order_problem(a: InvoiceAttestation, newest: Newest | None) -> RuleViolation | None:
    """Why ``a`` may not be recorded after ``newest``, its attester's newest attestation of the invoice on the ledger
    (None: there is none), or None when it may: its time must be after that one's.

    What an attester says now is its newest attestation, per source and across them (``_as_it_stands``,
    ``_each_attesters_newest``), found by time. A transaction's time is the one its client chose, which the peers
    accept within their time window; refusing one not after the attester's newest keeps its attestations' time order
    the order they commit in, so a failure sent from a client whose clock is behind cannot read as older than the
    pass it corrects. Each attestation reads and writes its attester's ``newest``, a key Fabric checks again at
    commit, so of two by one attester sent at once one is invalidated, to be sent again. Ordered per attester:
    another attester's clock says nothing of this one's, and its attestations do not touch this one's key."""
    if newest is None or attested_time(a) > as_time(newest.at):
        return None
    return rule("attestation-out-of-order", f"invoice {a.number} (fingerprint {a.fingerprint[:12]}…): {a.attester} "
                f"attested it last at {newest.at} (transaction {newest.tx_id}), and this "
                f"transaction's time {a.attested.at} is not after that, so it would read as older than an attestation "
                "that committed before it. The time is the one the submitting client gives: set that client's clock "
                f"right and attest again at a time after {newest.at}")


# An attestation verifies a VAT invoice against the tax authority's records, and a VAT invoice is in CNY: what
# an attestation says of the total, it says in CNY
ATTESTED_CURRENCY = money.DEFAULT_CURRENCY


def _why_not_counted(config: NetworkConfig, a: InvoiceAttestation, stake: dict[str, str]) -> str | None:
    """Why the network does not count what ``a``'s attester signed, or None when it counts: a new chaincode
    definition took the role off ``attesting_roles``, or took it from the attester's org in ``org_roles``; or
    the attester's org is one of ``stake`` (MSP ID -> which side of the claim it is on)."""
    if a.attester_role not in config.attesting_roles:
        return f"by a {a.attester_role}, a role this network no longer lets attest (attesting_roles)"
    if not config.may_hold(a.attested.msp_id, a.attester_role):
        return (f"by a {a.attester_role} of {a.attested.msp_id}, an org whose parties this network no longer lets "
                f"be {a.attester_role}s (org_roles)")
    if a.attested.msp_id in stake:
        return (f"by a {a.attester_role} of {a.attested.msp_id}, the org of the claim's {stake[a.attested.msp_id]}, "
                "which has a stake in the outcome")
    return None


def _dated_after(a: InvoiceAttestation, registered_at: str) -> bool:
    """Whether ``a`` is dated after the registration's time ``registered_at``: then it cannot be evidence the
    registration was made on. It is not evidence against it any less: the registering client chooses that time."""
    return attested_time(a) > as_time(registered_at)


def _age(a: InvoiceAttestation, registered_at: str) -> timedelta:
    """How long before the registration's time ``registered_at`` ``a`` was made."""
    return as_time(registered_at) - attested_time(a)


def _too_old(config: NetworkConfig, a: InvoiceAttestation, registered_at: str) -> bool:
    """Whether ``a`` was made longer before the registration than a pass may be and still back it: what the sources
    said then may have changed since (an invoice voided or red-flushed after it was verified)."""
    return _age(a, registered_at) > timedelta(days=config.attestation_age_limit_days)


def _too_old_reason(config: NetworkConfig, a: InvoiceAttestation, registered_at: str) -> str:
    age = dates.days_text(_age(a, registered_at).days)
    return (f"passing, but stale: {_by(a)} made it at {a.attested.at}, {age} before this "
            f"registration, and a pass counts for at most {config.attestation_age_text()}; have the invoice verified "
            "again and the result attested")


_ATTEST_AGAIN = "have the invoice verified again and the result attested"


def _unvouched_words(gap: str, records: str = "") -> str:
    """Why a record is not shown to be its attester's word (``gap``, :func:`vouching_gap`), as each refusal and
    listing says it before its own consequence and remedy; ``records`` names the records where it stands for
    several."""
    named = f"{records}: " if records else ""
    either = "an earlier contract version's record, or one two other orgs wrote in its name"
    if gap == NO_HISTORY:
        return (f"with no write of its attester's recfin.attestation-last entry of the invoice in this peer's history "
                f"({named}the peer joined the channel from a snapshot taken after the entry was written, so nothing "
                "here tells it from a record two other orgs wrote in its name)")
    if gap == NO_ENTRY:
        return f"of an attester with no recfin.attestation-last entry of the invoice ({named}{either})"
    if gap == ENTRY_UNREADABLE:
        return (f"of an attester whose recfin.attestation-last entry of the invoice is none an attestation wrote "
                f"({named}{either})")
    return f"named by no write of its attester's recfin.attestation-last entry of the invoice ({named}{either})"


def _unvouched_remedy(gap: str) -> str:
    """What makes a pass its attester's word where ``gap`` says why nothing shows it is."""
    if gap == NO_HISTORY:
        return (f"{_ATTEST_AGAIN} (a peer joined from a snapshot holds the write of every attestation made since), "
                "or endorse on peers that joined the channel from its genesis block")
    return _ATTEST_AGAIN


def _unnamed_reason(unnamed: Sequence[InvoiceAttestation], gap: str) -> str:
    """Why passes on the required sources, each its attester's newest, were not counted for a registration: each
    is so for ``gap`` (:func:`vouching_gap`)."""
    named = ", ".join(f"{a.id} of {a.attester}" for a in unnamed[:_NAMED_AT_MOST])
    more = ", ..." if len(unnamed) > _NAMED_AT_MOST else ""
    return (f"passing, but {_unvouched_words(gap, named + more)}, so it counts against a registration but backs none; "
            f"{_unvouched_remedy(gap)}")


def _unnamed_failure(a: InvoiceAttestation, unnamed: Mapping[str, str]) -> str:
    """What a refusal on failure ``a`` adds where nothing its attester wrote shows it is its own: an earlier
    version's failure and one two other orgs wrote look the same, and a bank that never attested it learns where
    to look."""
    if (gap := unnamed.get(a.id)) is None:
        return ""
    return (f" ({a.id}, {_unvouched_words(gap)}; the block holding that transaction shows who submitted it, and an "
            "attester reports a record it did not make to the network's operators)")


def listed_not_counted_reason(config: NetworkConfig, a: InvoiceAttestation,
                               unnamed: Mapping[str, str]) -> str | None:
    """Why no registration of the invoice counts ``a`` as its attester's word, whoever registers it and when, or
    None where one may (``GetInvoiceAttestations`` lists it so): a record nothing its attester wrote shows to be
    its own (``unnamed``: the ids, each with its :func:`vouching_gap`), or a pass recorded before attestations
    carried the values verified. Such a pass backs no registration; such a failure still refuses one, as nothing
    tells it from its attester's own (an earlier contract version's), but its reader learns its attester may never
    have made it. What depends on the registration (its creditor's and debtor's orgs, its time, the network's roles
    then) is for ``registration_problem`` to say."""
    gap = unnamed.get(a.id)
    if gap is not None and a.outcome == "fail":
        return (f"failing, but {_unvouched_words(gap)}: as nothing tells it from its attester's own, it still "
                f"refuses a registration of the invoice until {_what_clears_a_failure(config, a.sources)}; the "
                f"block holding transaction {a.attested.tx_id} shows who submitted it, and an attester reports a "
                "record it did not make to the network's operators")
    if a.outcome != "pass":
        return None
    if gap is not None:
        return (f"passing, but {_unvouched_words(gap)}, so it backs no registration and clears none of its "
                f"attester's failures, though its values count against one; {_unvouched_remedy(gap)}")
    if not _records_values(a):
        return ("passing, but with no buyer, date or total with tax: its record was written before attestations "
                "recorded the values verified, so it backs no registration")
    return None


def _dated_after_reason(registered_at: str) -> str:
    return (f"passing, but dated after this registration's time {registered_at}, so not evidence it was made on "
            "(the registering client gives that time: if its clock is behind, set it right and register again)")


def _as_it_stands(attestations: list[InvoiceAttestation], unnamed: Collection[str] = (),
                  required: Collection[str] = ()) -> list[InvoiceAttestation]:
    """What each attester says now of each source it named: for every (attester, source), its newest attestation
    naming that source (the input is oldest first). Each attestation still standing for some source is returned
    with ``sources`` narrowed to those (a copy, never stored); one replaced on all its sources is left out.

    So a later attestation replaces an earlier one by the same attester on the sources both name, and only there:
    a pass on the tax source clears that attester's failure on it (the invoice checked again), a failure on it
    overrides its pass, and a pass of a credit check alone leaves a failure on the tax source standing. A pass
    whose id is in ``unnamed`` (nothing its attester wrote shows it is its own: :func:`vouching_gap`) clears no
    failure: it may be one two other orgs wrote, dated between an earlier version's failure and the attester's
    first record its entry names, or in the name of an attester without an entry.

    A source asked again that held nothing of the invoice (``sources_skipped``: a credit bureau that has lost the
    buyer's record) can never be named by a pass, so a failure its attester made while it answered would stand
    for good on it, whatever that failure was about. A later pass of the same attester that names every source
    in ``required`` (the network's ``attestation_sources``: it covers what a claim needs) and lists that source
    among those it asked and skipped clears the failure there: the attester asked it again, and its newest
    verification, complete for a registration, passes. The pass does not stand for that source (it did not
    check it), and one that did not ask it (a verification without a credit bureau) leaves the failure, as one
    on other sources does; so does one in ``unnamed``."""
    newest: dict[tuple[str, str], InvoiceAttestation] = {}
    for a in attestations:
        for source in a.sources:
            held = newest.get((a.attester, source))
            if a.id in unnamed and a.outcome == "pass" and held is not None and held.outcome == "fail":
                continue
            newest[(a.attester, source)] = a
        if a.outcome == "pass" and a.id not in unnamed and set(required) <= set(a.sources):
            for source in a.sources_skipped:
                if (held := newest.get((a.attester, source))) is not None and held.outcome == "fail":
                    del newest[(a.attester, source)]
    standing_now = []
    for a in attestations:
        still = [source for source in a.sources if newest.get((a.attester, source)) is a]
        if still:
            standing_now.append(a if still == a.sources else a.model_copy(update={"sources": still}))
    return standing_now


def standing(config: NetworkConfig, attestations: list[InvoiceAttestation], stake: dict[str, str],
             unnamed: Collection[str] = ()) -> tuple[list[InvoiceAttestation], list[InvoiceAttestation]]:
    """What the checkers say now of an invoice (``_as_it_stands``; the input is oldest first), split into the
    attestations that count and those the network does not count (``_why_not_counted``) for a claim whose
    creditor's and debtor's orgs are ``stake``. Whatever their dates: which passes back a registration by its
    time is decided after each attester's newest values are found (``registration_problem``). ``unnamed``: the ids
    of passes that clear no failure (``_as_it_stands``)."""
    now = _as_it_stands(attestations, unnamed, config.attestation_sources)
    why_not = [_why_not_counted(config, a, stake) for a in now]
    counted = [a for a, why in zip(now, why_not) if why is None]
    ignored = [a for a, why in zip(now, why_not) if why is not None]
    return counted, ignored


def _each_attesters_newest(attestations: list[InvoiceAttestation]) -> list[InvoiceAttestation]:
    """Of the attestations (oldest first), each attester's newest. What an attester verified last is what it says
    of the invoice's values now: checking again and finding the right total corrects its own earlier reading, so
    its older values are not weighed against its newer ones (a failure, by contrast, stands per source: see
    ``_as_it_stands``)."""
    newest = {a.attester: a for a in attestations}
    return [a for a in attestations if newest[a.attester] is a]


def _required_sources(config: NetworkConfig) -> str:
    """The sources a pass must name to cover what a registration needs, as a refusal names them."""
    required = sorted(config.attestation_sources)
    return f"every source this network requires ({', '.join(required)})" if required else "any source"


def _what_clears_a_failure(config: NetworkConfig, sources: Sequence[str]) -> str:
    """What clears an attester's failure on ``sources`` (:func:`_as_it_stands`), as a registration's refusal and
    the attestations' listing both say it, so neither leaves out a way the other names."""
    return (f"its attester passes the invoice on {', '.join(sources)} (a pass on other sources leaves the failure "
            "standing), or, for a source it asked again that held nothing of the invoice, attests a pass naming "
            f"{_required_sources(config)} that lists that source in sources_skipped")


def _sources_to_attest_again(config: NetworkConfig) -> str:
    """Which sources an attester's new attestation must name both to replace the values it verified before (a pass
    naming any source does that) and to back a registration."""
    required = sorted(config.attestation_sources)
    if not required:
        return "against any source (this network requires none in particular)"
    return f"against {', '.join(required)}" + (" in one attestation" if len(required) > 1 else "")


def _records_values(a: InvoiceAttestation) -> bool:
    """Whether ``a`` records the values verified (not so on a record of the contract before it asked for them)."""
    return None not in (a.total_with_tax, a.issue_date, a.buyer_tax_id)


def value_differences(a: InvoiceAttestation, invoice: Invoice) -> list[str]:
    """How the values ``a`` verified differ from the invoice a registration gives (empty: they are the same)."""
    if not _records_values(a):
        return ["no buyer, date or total with tax: its record was written before attestations recorded the values "
                "verified, so it matches no registration"]
    differ = []
    if invoice.currency != ATTESTED_CURRENCY:
        differ.append(f"a VAT invoice, in {ATTESTED_CURRENCY} (registered in {invoice.currency})")
    if a.total_with_tax != invoice.amount + invoice.tax:
        differ.append(f"total with tax {money.amount_text(a.total_with_tax, ATTESTED_CURRENCY)} (registered: "
                      f"{money.amount_text(invoice.amount + invoice.tax, invoice.currency)})")
    if a.issue_date != invoice.date:
        differ.append(f"date {a.issue_date} (registered: {invoice.date})")
    if a.buyer_tax_id != invoice.buyer_tax_id:
        differ.append(f"buyer {a.buyer_tax_id} (registered: {invoice.buyer_tax_id})")
    return differ


def _not_counted(config: NetworkConfig, ignored: list[InvoiceAttestation], stake: dict[str, str],
                 late: list[InvoiceAttestation], stale: list[InvoiceAttestation], registered_at: str,
                 unreadable: Sequence[str], unnamed: Mapping[str, Sequence[InvoiceAttestation]]) -> str:
    """Why attestations were not counted for a registration at ``registered_at``: those the network does not count
    (``ignored``), passes dated after it (``late``), passes older than the network lets back it (``stale``), the
    ids of records no attestation parses to (``unreadable``, ``Store.attestation_records``), and passes nothing
    their attester wrote shows are its own (``unnamed``, by their :func:`vouching_gap`)."""
    if not ignored and not late and not stale and not unreadable and not unnamed:
        return ""
    reasons = {_why_not_counted(config, a, stake) for a in ignored}
    if late:
        reasons.add(_dated_after_reason(registered_at))
    reasons.update(_too_old_reason(config, a, registered_at) for a in stale)
    reasons.update(_unnamed_reason(records, gap) for gap, records in unnamed.items())
    if unreadable:
        reasons.add(f"unreadable, no attestation this contract recorded ({', '.join(unreadable[:_NAMED_AT_MOST])}"
                    f"{', ...' if len(unreadable) > _NAMED_AT_MOST else ''})")
    unvouched = sum(len(records) for records in unnamed.values())
    return (f"; not counted: {len(ignored) + len(late) + len(stale) + len(unreadable) + unvouched} attestation(s) "
            f"{'; '.join(sorted(reasons))}")


_NAMED_AT_MOST = 5   # unreadable records a refusal names by id: any two orgs can write as many as they like


def _by(a: InvoiceAttestation) -> str:
    return f"{a.attester} (transaction {a.attested.tx_id})"


def _spelled(a: InvoiceAttestation, invoice: Invoice) -> str:
    """How ``a`` names the invoice where it attested it under the invoice's other spelling (a 12-digit code
    and 8-digit number, or the two run together), which a registration reads as the same invoice."""
    if a.fingerprint == invoice.fingerprint:
        return ""
    coded = f"code {a.code} and number" if a.code else "number"
    return f" under its other spelling, {coded} {a.number} (fingerprint {a.fingerprint[:12]}…),"


def newer_version_problem(invoice: Invoice, newer: Sequence[tuple[str, str]], *,
                          claim_id: str | None = None) -> NewerVersionRecord | None:
    """Why ``invoice`` may not back a registration on this peer while ``newer`` (fingerprint and attestation
    id) lists attestations of it a newer contract version wrote, or None when it lists none. This peer runs an
    older version than the channel's and cannot read what they say: one may be a failure, or values that
    contradict the pass this version reads, and counted as no attestation, it would let through a registration
    the channel's version refuses. Refused ``record-newer-version``, naming the first such record: the peer's
    operators install the channel's version, or the registration goes to another org's peer. Given
    ``claim_id``, the claim ``invoice`` backs, the step refused is the acceptance of an offer on it
    (``financing_problem``), which such a record, a failure perhaps, holds back as well; the message says so."""
    if not newer:
        return None
    fp, attestation_id = newer[0]
    more = f" (and {len(newer) - 1} more)" if len(newer) > 1 else ""
    refusal = newer_version_record(keys.label(keys.ATTESTATION, fp, attestation_id))
    if claim_id is not None:
        return NewerVersionRecord(refusal.code, f"{_invoice_named(invoice)} of {claim_id}: no offer on {claim_id} "
                                  f"is accepted here, as an attestation of the invoice{more} this peer cannot read "
                                  f"may be a failure. {refusal.detail}")
    return NewerVersionRecord(refusal.code, f"invoice {invoice.number} (fingerprint {invoice.fingerprint[:12]}…) "
                              f"cannot be registered here: an attestation of it{more} this peer cannot read may "
                              f"refuse it (a failure, or other values verified). {refusal.detail}")


def _stake(creditor_msp: str, debtor_msp: str) -> dict[str, str]:
    """The orgs with a stake in a claim, whose attestations of its invoices do not count (``_why_not_counted``)."""
    return {debtor_msp: "debtor", creditor_msp: "creditor"}


def _invoice_named(invoice: Invoice) -> str:
    return f"invoice {invoice.number} (fingerprint {invoice.fingerprint[:12]}…)"


def _first_failure(counted: list[InvoiceAttestation]) -> InvoiceAttestation | None:
    """The oldest of ``counted`` (what the attesters that count say now, ``standing``) that fails, or None."""
    return next((a for a in counted if a.outcome == "fail"), None)


def _failure_named(a: InvoiceAttestation, invoice: Invoice, unnamed: Mapping[str, str]) -> str:
    """``invoice``, failure ``a`` of it, its attester and transaction, as each refusal on that failure names them."""
    return (f"{_invoice_named(invoice)} was attested{_spelled(a, invoice)} as failing verification against "
            f"{', '.join(a.sources)} by {a.attester} in transaction {a.attested.tx_id}{_unnamed_failure(a, unnamed)}")


def financing_problem(config: NetworkConfig, invoice: Invoice, attestations: list[InvoiceAttestation], *,
                      claim_id: str, creditor_msp: str, debtor_msp: str,
                      unnamed: Mapping[str, str]) -> RuleViolation | None:
    """Why no offer on ``claim_id``, a claim ``invoice`` backs (its own, or its root's for a part), may be accepted
    under ``require_attestation``, or None when one may: an attestation of the invoice that counts (as for the
    claim's registration: ``creditor_msp`` and ``debtor_msp`` are the orgs of its creditor and debtor) fails, and
    no later pass of its attester clears it (``standing``, the rule ``registration_problem`` applies). Only the
    failure is asked about: a pass grown stale, or none (a claim registered before the network required them),
    holds back no acceptance. Refused ``invoice-verification-failed``, naming the failure's attester and
    transaction, what clears it, and the request's withdrawal as the holder's way out."""
    counted, _ = standing(config, attestations, _stake(creditor_msp, debtor_msp), unnamed)
    if (a := _first_failure(counted)) is None:
        return None
    return rule("invoice-verification-failed", f"{_failure_named(a, invoice, unnamed)}, and {claim_id} stands on "
                "it: this network requires the invoices behind a claim to pass verification "
                "(require_attestation), so no offer on the claim is accepted while the failure stands, as no "
                f"registration of the invoice passes; it stands until {_what_clears_a_failure(config, a.sources)}. "
                "Until then the offer stays open, or the holder withdraws the request (WithdrawFinancing)")


def registration_problem(config: NetworkConfig, invoice: Invoice, attestations: list[InvoiceAttestation], *,
                         creditor_msp: str, debtor_msp: str, registered_at: str,
                         unnamed: Mapping[str, str], unreadable: Sequence[str] = ()) -> RuleViolation | None:
    """Why an invoice may not back a registration under ``require_attestation`` of a claim by a party of
    ``creditor_msp`` on one of ``debtor_msp``, at the transaction time ``registered_at``, or None when it may.
    ``unreadable``: the ids of the invoice's records no attestation parses to, which count for nothing and are
    named among those not counted. ``unnamed``: the ids of those of ``attestations`` nothing their attester wrote
    shows are its own, each with its :func:`vouching_gap`, which count against the registration as any other but
    back none."""
    stake = _stake(creditor_msp, debtor_msp)
    counted, ignored = standing(config, attestations, stake, unnamed)
    named = _invoice_named(invoice)
    if (a := _first_failure(counted)) is not None:
        return rule("invoice-verification-failed", f"{_failure_named(a, invoice, unnamed)}: settle the "
                    "discrepancy with the tax authority, then have that party verify it again and attest the "
                    f"result; the failure refuses registrations until {_what_clears_a_failure(config, a.sources)}")
    required = set(config.attestation_sources)
    passing = [a for a in counted if a.outcome == "pass"]
    # each attester's newest values, whatever sources its pass names (a pass on another source than the required
    # ones is no less a reading of the invoice, and may contradict one) and whatever their date: a pass dated after
    # the registration still replaces the values its attester verified before, and still contradicts another
    # attester's, or a registering client with its clock set back would register on values since corrected or
    # contested
    newest = [(a, value_differences(a, invoice)) for a in _each_attesters_newest(passing)]
    # what may back the registration is an attester's newest pass naming every required source (an attester that
    # passes once per source, the tax source then a credit check, is backed by its pass on the tax source), and
    # only while the attester's newest values are still the registration's
    differs_newest = {a.attester: differ for a, differ in newest}
    # ...and named by a write of its attester's entry: one no write names may be an earlier version's, which counts
    # against the registration as ever, or one two other orgs dated before the attester's first or wrote in the
    # name of an attester without an entry, which must not be what lets it through. Every pass its attester's entry
    # names is newer than one none names, so leaving these out finds the attester's newest it names
    on_required = [a for a in passing if required <= set(a.sources)]
    newest_required = [(a, value_differences(a, invoice))
                       for a in _each_attesters_newest([a for a in on_required if a.id not in unnamed])]
    unnamed_agreeing = [a for a in _each_attesters_newest(on_required)
                        if a.id in unnamed and not value_differences(a, invoice)]
    backing = [(a, differ) for a, differ in newest_required if not differs_newest[a.attester]]
    # values some registration could be made on: an attester's newest pass naming the required sources verified the
    # same as its newest pass of all (each compared with this registration's values)
    registrable = any(differ == differs_newest[a.attester] for a, differ in newest_required)
    # ...but only one dated by the registration's time is evidence the registration was made on, and only one made
    # recently enough (max_attestation_age_days): a stale pass, like a late one, still counts against it above
    agreeing = [a for a, differ in backing if not differ]
    late = [a for a in agreeing if _dated_after(a, registered_at)]
    stale = [a for a in agreeing if not _dated_after(a, registered_at) and _too_old(config, a, registered_at)]
    matching = [a for a in agreeing if not _dated_after(a, registered_at) and not _too_old(config, a, registered_at)]
    # a record without the values verified contradicts nothing: it only cannot count for a registration
    contradicting = [(a, differ) for a, differ in newest if differ and _records_values(a)]
    unvouched: dict[str, list[InvoiceAttestation]] = {}
    for a in unnamed_agreeing:
        unvouched.setdefault(unnamed[a.id], []).append(a)
    not_counted = _not_counted(config, ignored, stake, late, stale, registered_at, unreadable, unvouched)
    if matching and contradicting:
        differ = "; ".join(f"{_by(a)} verified {', '.join(d)}" for a, d in contradicting)
        return rule("invoice-attestations-disagree", f"{named}: {', '.join(_by(a) for a in matching)} verified "
                    f"the values this registration gives it, but {differ}. Attesters that verified different "
                    "values cannot both be right: the one in error verifies the invoice again "
                    f"{_sources_to_attest_again(config)} and attests the result (an attester's newest passing "
                    "attestation is the one compared), then register again")
    if matching:
        return None
    # differing values are the refusal only where the invoice could be registered as some attester verified it:
    # otherwise (no pass naming the required sources, or none whose values its attester still holds) registering
    # it so would be refused all the same, and a pass on the required sources with the values verified now is needed.
    # The values named are each attester's newest: a pass on the required sources whose values its attester has
    # replaced since is not what that attester says (registered so, its newer pass would refuse it)
    if registrable and (differing := [(a, d) for a, d in newest if d]):
        differ = "; ".join(f"{_by(a)} verified {', '.join(d)}" for a, d in differing)
        return rule("invoice-attested-values-differ", f"{named} was attested as passing verification, but not with "
                    f"the values this registration gives it: {differ}{not_counted}. Register the "
                    "invoice as it was verified, or have it verified again "
                    f"{_sources_to_attest_again(config)} and the result attested (recfin invoice attest)")
    sources = f" naming the sources {', '.join(sorted(required))}" if required else ""
    if newest_required and not registrable:
        required_attesters = {a.attester for a, _ in newest_required}
        newer = "; ".join(f"{_by(a)} verified {', '.join(differ) or 'the values this registration gives it'}"
                          for a, differ in newest if a.attester in required_attesters)
        return rule("invoice-not-attested", f"{named} has no passing verification attestation{sources} whose values "
                    f"are still its attester's newest: since, {newer}{not_counted}. "
                    f"Have it verified again {_sources_to_attest_again(config)} and the result attested "
                    "(recfin invoice attest), then register again")
    return rule("invoice-not-attested", f"{named} has no passing verification attestation{sources}, and this network "
                f"requires one{not_counted}: ask a {' or '.join(config.attesting_roles)} to "
                "verify it and attest the result (recfin invoice attest), then register again")
