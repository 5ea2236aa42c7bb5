"""The read-only transactions (evaluated): claims, their history and provenance, pages by holder, debtor, bank and
status, statistics, payment records, exposure, financings, offer terms, notices, discount offers, request ids, and
the contract's settings.

Apart because they write nothing: each decides who may read what (``_readable``, ``_own_to_list``,
``_bank_to_list``) and leaves the reading itself to ``queries``.
"""

from __future__ import annotations

from datetime import date

from chaincode.contract import Context, transaction

from . import config as cfg
from . import dates, keys, lifecycle, queries
from .arguments import _fingerprint, _page_size, _request_id
from .errors import RuleViolation, rule, shown, unreadable
from .identity import is_org_admin
from .model import AssignmentNotice, Disbursement, DiscountOffer, OfferTerms, Party, Receivable, sha256_hex
from .schemas import (
    ContractSettingsView, DiscountOfferPage, FinancierExposure, FinancingView, HistoryEntry, InvoiceLookup, OfferPage,
    Page, PaymentRecordPage, Provenance, RequestRecord, Statistics,
)
from .store_base import REPORT_THE_KEY, UNREADABLE_VALUE, PassedOver, parsed_private
from .session import Session, rules
from .tx_base import TransactionGroup
from .tx_financing import _ensure_request_of_claims_holder


async def _own_to_list(s: Session, uscc: str, refusal: str) -> None:
    """Refuse (``not-permitted-to-read``, saying ``refusal``) a list of the claims party ``uscc`` holds or owes
    unless the caller is that party or the regulator."""
    party = await s.party()
    if party.uscc != uscc and party.role != cfg.REGULATOR:
        raise rule("not-permitted-to-read", refusal)
    if party.uscc != uscc:
        # the regulator names any party (as _bank_to_list does for banks)
        await _require_named_party(s, uscc)


async def _require_named_party(s: Session, uscc: str) -> None:
    """Refuse (``party-not-registered``) a list filtered by a party code that names no party (mistyped, in
    lower case): answered, it would be an empty page that reads as "holds nothing", "owes nothing", "finances
    nothing there". A record under the code that cannot be read is no reason to hide what is listed under it."""
    try:
        await s.store.require_party(uscc)
    except UNREADABLE_VALUE:
        pass


async def _bank_to_list(s: Session, financier: str, debtor: str, listed: str, own: str) -> None:
    """Refuse a list of a bank's ``listed`` (its ``own``) unless the caller is that bank or the regulator,
    ``financier`` names a bank and ``debtor``, when given, names a party."""
    party = await s.party()
    if not financier:
        raise rule("argument-invalid", f"financier is empty: name the bank whose {listed} to list (a bank "
                   "names itself)")
    if party.uscc != financier and party.role != cfg.REGULATOR:
        raise rule("not-permitted-to-read", f"a bank lists only {own}")
    # a code that names no bank is said, not answered with an empty page that reads as "has nothing" (only the
    # bank itself and the regulator get this far)
    await _require_bank(s, financier)
    if debtor:
        await _require_named_party(s, debtor)


async def _require_bank(s: Session, code: str) -> Party:
    """The registered bank ``code`` names; refused (``argument-invalid``) where it names a party of another role."""
    bank = await s.store.require_party(code)
    if bank.role != cfg.FINANCIER:
        raise rule("argument-invalid", f"{bank.uscc} is a {bank.role}, not a financier: name a bank")
    return bank


def _no_discount_offer(offer_id: str) -> RuleViolation:
    """The refusal of a discount offer the caller may not know of, worded as that of an id that names nothing."""
    return rule("not-found", f"no discount offer {shown(offer_id)} on this channel: check the id")


def _asked_to_finance_only(party: Party, r: Receivable) -> bool:
    """Whether ``party`` reads ``r`` only as a bank its open request asks to finance it
    (``queries.may_read``): not its debtor, holder, creditor or financier, nor the regulator."""
    return party.role == cfg.FINANCIER and not queries.reads_as_its_party(party, r)


def _without_others_deals(entries: list[dict], reader: Party, r: Receivable) -> list[dict]:
    """``entries`` (``queries.history``) as a bank asked to finance ``r`` by its open request reads them:
    the financings it may read with GetFinancing (that request, and its own) as they are; of every other,
    the id and the bank are null, and so are that bank's writes' ``by`` and ``msp_id``. An ended
    financing (its bank, why and by whom it ended) is its holder's, its bank's, the debtor's and the
    regulator's, not the banks' a later request asks; the history still says what was done and when (an
    acceptance, a cancellation), as the debtor's payment record tells any bank that a claim was financed
    and when, never by whom."""
    readable = {r.financing_id} | {e.get("financing_id") for e in entries
                                   if e.get("financier") == reader.uscc}
    other_banks = {e["financier"] for e in entries
                   if e.get("financier") is not None and e.get("financing_id") not in readable}
    shown = []
    for e in entries:
        if e.get("financing_id") not in readable and e.get("financing_id") is not None:
            e = {**e, "financing_id": None, "financier": None}
        if e.get("by") in other_banks:
            e = {**e, "by": None, "msp_id": None}
        shown.append(e)
    return shown


def _as_of(value: str, today: date) -> date:
    """A query's as-of date: empty for today; a later date is read as today (the ledger knows nothing later,
    and the answer names the date it is as of)."""
    return min(dates.parse_date(value, "as_of"), today) if value else today


class QueryTransactions(TransactionGroup):
    """GetReceivable, GetReceivableHistory, GetProvenance, GetReceivableEndorsers, FindInvoice, GetContractSettings,
    the List* pages, GetStatistics, GetDebtorPaymentRecord, GetFinancierExposure, GetFinancing, GetOfferTerms,
    GetDisbursement, GetAssignmentNotice, ListDiscountOffers, GetRequest, GetDiscountOffer."""

    async def _readable(self, s: Session, receivable_id: str) -> tuple[Party, Receivable]:
        party = await s.party()
        r = await s.store.receivable(receivable_id)
        if not await queries.may_read(s.store, party, r):
            raise rule("not-permitted-to-read", f"{party.uscc} is not a party to {r.id}: only its debtor, holder, "
                       "creditor, financier, banks asked to finance it, and the regulator may read it")
        return party, r

    async def _own_page(self, ctx: Context, index: str, uscc: str, refusal: str, page_size: str,
                        bookmark: str) -> dict:
        """A page of the claims ``index`` lists under party ``uscc``, for that party or the regulator
        (``_own_to_list``, saying ``refusal`` to anyone else)."""
        s = self._session(ctx)
        await _own_to_list(s, uscc, refusal)
        return await queries.page(s.store, index, uscc, _page_size(page_size), bookmark)

    @transaction(evaluate=True)
    @rules
    async def GetReceivable(self, ctx: Context, receivable_id: str) -> Receivable:
        """A receivable by id."""
        return (await self._readable(self._session(ctx), receivable_id))[1].to_json()

    @transaction(evaluate=True)
    @rules
    async def GetReceivableHistory(self, ctx: Context, receivable_id: str) -> list[HistoryEntry]:
        """Every change of a receivable: who, what, when, in which transaction. A bank that reads the
        claim only because its open request asks it to finance it reads the claim's other financings as
        GetFinancing lets it read them, not at all: their ids and banks are left out
        (``_without_others_deals``)."""
        s = self._session(ctx)
        party, r = await self._readable(s, receivable_id)
        entries = await queries.history(s.store, r.id)
        return _without_others_deals(entries, party, r) if _asked_to_finance_only(party, r) else entries

    @transaction(evaluate=True)
    @rules
    async def GetProvenance(self, ctx: Context, receivable_id: str) -> Provenance:
        """The receivable's ancestors (up to the registered root) and the tree of its children; a child the caller
        may not read (GetReceivable's rules) shows only its id, parent and children (``redacted``)."""
        s = self._session(ctx)
        party, r = await self._readable(s, receivable_id)
        return await queries.provenance(s.store, party, r)

    @transaction(evaluate=True)
    @rules
    async def GetReceivableEndorsers(self, ctx: Context, receivable_id: str) -> list[str]:
        """The MSP IDs the key-level policy of a receivable's key names, sorted ([] when it has none): the orgs
        that must endorse any change of it. A key keeps the orgs of the transaction that last wrote its policy, so
        after the regulator orgs changed this is the one way to tell which a claim still needs (a claim frozen
        before an org joined does not name it). Readable by whoever may read the claim (GetReceivable's rules)."""
        s = self._session(ctx)
        _, r = await self._readable(s, receivable_id)
        return await queries.key_endorsers(s.store, keys.RECEIVABLE, r.id)

    @transaction(evaluate=True)
    @rules
    async def FindInvoice(self, ctx: Context, fingerprint: str) -> InvoiceLookup:
        """Whether an invoice fingerprint is used: the receivable it backs, and whether that claim is still live.

        Any registered party may ask (a supplier before registering, a bank
        shown an invoice, the regulator). The answer names the root receivable
        only; reading it stays subject to GetReceivable's rules.
        """
        s = self._session(ctx)
        await s.party()
        return await queries.invoice_use(s.store, _fingerprint(fingerprint))

    @transaction(evaluate=True)
    @rules
    async def GetContractSettings(self, ctx: Context) -> ContractSettingsView:
        """The contract's rules as this peer's chaincode server holds them (the network configuration it was
        started with): the maximum payment term, whether registration needs an attestation, from which sources,
        how old and by which roles, each unset one with the value applied in its stead, and the configuration's
        digest, which the chaincode definition's version names. Any member of the channel may read it, a party
        or not: a client checks a registration against it before sending, an operator compares the digest."""
        return ContractSettingsView.of(self.config, cfg.digest(self.config)).to_json()

    @transaction(evaluate=True)
    @rules
    async def ListReceivablesByHolder(self, ctx: Context, holder: str, page_size: str, bookmark: str) -> Page:
        """A page of the receivables a party holds (the holder itself or the regulator)."""
        return await self._own_page(ctx, keys.BY_HOLDER, holder, "a party lists only the receivables it holds",
                                    page_size, bookmark)

    @transaction(evaluate=True)
    @rules
    async def ListReceivablesByDebtor(self, ctx: Context, debtor: str, page_size: str, bookmark: str) -> Page:
        """A page of a debtor's payables (the debtor itself or the regulator)."""
        return await self._own_page(ctx, keys.BY_DEBTOR, debtor, "a debtor lists only its own payables",
                                    page_size, bookmark)

    @transaction(evaluate=True)
    @rules
    async def ListReceivablesByFinancier(self, ctx: Context, financier: str, debtor: str, page_size: str,
                                         bookmark: str) -> Page:
        """A page of the claims a bank finances, from the acceptance of its offer until repayment, cancellation or
        recourse, by debtor then id (the bank itself or the regulator): ``debtor`` empty for every debtor's, else
        that debtor's only."""
        s = self._session(ctx)
        await _bank_to_list(s, financier, debtor, "financed claims", "the claims it finances")
        return await queries.financed_page(s.store, financier, debtor, _page_size(page_size), bookmark)

    @transaction(evaluate=True)
    @rules
    async def ListOffersByFinancier(self, ctx: Context, financier: str, debtor: str, page_size: str,
                                    bookmark: str) -> OfferPage:
        """A page of a bank's offers still OPEN (made, not yet accepted, lapsed or withdrawn), by debtor then offer
        id (the bank itself or the regulator): ``debtor`` empty for every debtor's, else that debtor's only. Each
        is the offer's public record and its claim's debtor; expired ones are listed too, as the expiry is one of
        the private terms this list does not read (GetOfferTerms reads them)."""
        s = self._session(ctx)
        await _bank_to_list(s, financier, debtor, "open offers", "its own open offers")
        return await queries.open_offers_page(s.store, financier, debtor, _page_size(page_size), bookmark)

    @transaction(evaluate=True)
    @rules
    async def ListReceivablesByStatus(self, ctx: Context, status: str, page_size: str, bookmark: str) -> Page:
        """A page of receivables in one status (the regulator)."""
        s = self._session(ctx)
        await s.party_with_role(cfg.REGULATOR)
        if status not in queries.STATUSES:
            raise rule("argument-invalid", f"status {shown(status)} is not one of {', '.join(queries.STATUSES)}")
        return await queries.page(s.store, keys.BY_STATUS, status, _page_size(page_size), bookmark)

    @transaction(evaluate=True)
    @rules
    async def GetStatistics(self, ctx: Context) -> Statistics:
        """The regulator's view: exposure per debtor, financed share, overdue amounts (every claim unpaid past its
        due date today, whether or not RecordOverdue has marked it)."""
        s = self._session(ctx)
        await s.party_with_role(cfg.REGULATOR)
        return await queries.statistics(s.store, s.today)

    @transaction(evaluate=True)
    @rules
    async def GetDebtorPaymentRecord(self, ctx: Context, debtor: str, page_size: str, bookmark: str,
                                     as_of: str = "") -> PaymentRecordPage:
        """A page of how a debtor has paid, claim by claim, as the ledger stood at the end of ``as_of`` (default today).

        For financiers pricing claims on the debtor, the debtor itself and the
        regulator. Dates, amounts and states only: no terms, no financier, and
        for a financier each holder as an opaque token. A claim whose history the peer cut at its
        totalQueryLimit, a record no transaction of this contract created, or one a newer contract version
        wrote by ``as_of`` (this peer runs an older version, which cannot read that state) is not counted:
        the page names it in ``history_cut`` and still answers.
        """
        s = self._session(ctx)
        party = await s.party()
        if not queries.may_read_payment_record(party, debtor):
            raise rule("not-permitted-to-read", f"{party.uscc} is a {party.role}: a debtor's payment record is for "
                       "financiers, the debtor itself and the regulator")
        await s.store.require_party(debtor)
        day = _as_of(as_of, s.today)
        return await queries.payment_record_page(s.store, party, debtor, day, _page_size(page_size), bookmark)

    @transaction(evaluate=True)
    @rules
    async def GetFinancierExposure(self, ctx: Context, debtor: str, financier: str = "") -> FinancierExposure:
        """A bank's outstanding financed principal on a debtor's claims (``exposure``), and the advances its offers
        there that holders can still accept today would add (``offered``), per currency: a bank asks for its own
        (``financier`` empty or itself), the regulator names any bank.

        A pricer holds ``exposure`` + ``offered`` against its limit on the debtor: every open offer is one
        acceptance away from being out, without the bank being asked again."""
        s = self._session(ctx)
        party = await s.party_with_role(cfg.FINANCIER, cfg.REGULATOR)
        if party.role == cfg.FINANCIER and financier not in ("", party.uscc):
            raise rule("not-permitted-to-read", f"{party.uscc} may read its own exposure only, not that of "
                       f"{shown(financier)}")
        if party.role == cfg.REGULATOR and not financier:
            raise rule("argument-invalid", "financier is empty: the regulator names the bank whose exposure to read")
        bank = await _require_bank(s, financier or party.uscc)
        await s.store.require_party(debtor)
        # an offer counts while an acceptance may still commit, which one stamped before midnight may do after it
        acceptable_on = dates.earliest_date_still_stamped(ctx.stub.get_tx_timestamp()).isoformat()
        return await queries.financier_exposure(s.store, bank.uscc, debtor, acceptable_on)

    @transaction(evaluate=True)
    @rules
    async def GetFinancing(self, ctx: Context, financing_id: str) -> FinancingView:
        """A financing request and its progress, with its offers' public records (no terms: an offer's expiry is
        one of them, GetOfferTerms reads them). For its bank (also after it left the claim), the regulator, and
        whoever else may read the claim (GetReceivable's rules), save another bank: that one reads it only while it
        is the claim's open request (REQUESTED, the claim's ``financing_id``), never once it has ended."""
        s = self._session(ctx)
        # first: an identity acting for no party learns no id exists
        party = await s.party((keys.FINANCING, financing_id))
        f = await s.store.financing(financing_id)
        if party.uscc != f.financier:  # the deal's bank reads it after leaving the claim (cancelled, recoursed)
            _, r = await self._readable(s, f.receivable_id)
            # another bank reads a claim while asked to finance it, and of its financings only the request it is
            # asked on: an ended one (another bank's deal, its cancellation reason, a request that lapsed) is
            # the holder's, that bank's, the debtor's and the regulator's, whatever request is open now
            if party.role == cfg.FINANCIER and not (r.financing_id == f.id and f.status == "REQUESTED"):
                raise rule("not-permitted-to-read", f"{party.uscc} is not the bank of {f.id}: a bank reads its own "
                           f"financings, and another's only while it is its claim's open request (the one {r.id} "
                           f"is under now: {r.financing_id or 'none'})")
        # an offer this peer cannot read is named (``unreadable``, ``newer_version``), not refused: any two orgs
        # can write an offer key under the request, and a refusal would deny the request to every reader for good;
        # named, the holder choosing among the offers learns that one is not among them
        passed = PassedOver()
        offers = [o.to_json() for o in await s.store.offers_of(f.id, passed)]
        if party.uscc != f.holder and party.role != cfg.REGULATOR:
            # an offer an earlier contract made wrote its expiry in clear: only its collection's members see it
            offers = [o if o["financier"] == party.uscc else {k: v for k, v in o.items() if k != "expires_on"}
                      for o in offers]
        return {**f.to_json(), "offers": offers, **passed.fields()}

    @transaction(evaluate=True)
    @rules
    async def GetOfferTerms(self, ctx: Context, offer_id: str) -> OfferTerms:
        """An offer's private terms, for the holder, the offering bank and the regulator (members of its collection),
        rates in digits: what acceptance and disbursement take back as transient ``terms``. Refused
        (``invalid-state``) while the request is open and names another holder than its claim, which its holder
        then withdraws; acceptance refuses such a request, and one accepted all the same (by an earlier contract)
        is not refused here, so that its disbursement and recourse can read the terms.
        Evaluate it: submitted, its answer would go into the block for the whole channel (the SDK refuses to)."""
        s = self._session(ctx)
        party = await s.party()
        o = await s.store.offer(offer_id)
        f = await s.store.financing(o.financing_id)
        r = await s.store.receivable(o.receivable_id)
        # while the request is its claim's live one, the claim names the holder (the request's copy may have been
        # rewritten); an ended request's holder may since have passed the claim on, and still reads its terms
        live = r.financing_id == f.id
        if party.uscc not in (r.holder if live else f.holder, o.financier) and party.role != cfg.REGULATOR:
            raise rule("not-permitted-to-read", f"the terms of {o.id} are for the holder, the bank "
                       "and the regulator only")
        # only while the request is open, when withdrawing it is the holder's way out: acceptance refuses a
        # rewritten request, and after it disbursement and recourse must still read the terms
        if f.status == "REQUESTED":
            _ensure_request_of_claims_holder(f, r)
        raw = await s.store.get_private(o.collection, keys.TERMS, o.id)
        if raw is None:
            raise queries.not_on_this_peer(f"the private record of offer {o.id} (terms)", o.collection)
        # the offer's record and an ended request, which name the bank and the holder above, any two orgs can
        # rewrite: another party of a member org (a second bank of the bank's org, a second supplier of the
        # holder's), named there, would read the terms from its org's peer. The private record beside the
        # terms says whose they are (an offer an earlier contract version made has none)
        made = await s.store.offer_parties(o.collection, o.id) if party.role != cfg.REGULATOR else None
        if made is not None and party.uscc not in (made.holder, made.financier):
            raise rule("not-permitted-to-read", f"the terms of {o.id} are for the holder, the bank and the "
                       "regulator only")
        # as a request writes them (rates in digits), so that they can be sent back to accept or disburse: terms
        # stored before 9555fad hold a rate such as "0E-10", which a request may not, and still hash as stored
        return parsed_private(OfferTerms.from_stored, raw, o.collection, keys.TERMS, o.id).to_json()

    @transaction(evaluate=True)
    @rules
    async def GetDisbursement(self, ctx: Context, financing_id: str) -> Disbursement:
        """A disbursed financing's private record of the advance (outstanding, principal, interest, fees,
        net amount, days, day count, dates), for its holder, its bank and the regulator (members of its
        collection), as RecordDisbursement wrote it: refused (``record-unreadable``) unless it hashes to the
        financing's public ``disbursement_hash``, and (``invalid-state``) for a financing never disbursed.
        Evaluate it: submitted, its answer would go into the block for the whole channel (the SDK refuses
        to)."""
        s = self._session(ctx)
        # first: an identity acting for no party learns no id exists
        party = await s.party((keys.FINANCING, financing_id))
        f = await s.store.financing(financing_id)
        # whose advance it is, as GetOfferTerms reads whose terms: the financing's key is under its
        # holder's and its bank's orgs from acceptance on, but a request two orgs rewrote before an earlier
        # contract accepted it names another holder than its claim, whose holder the advance went to (a
        # disbursed claim moves no more). The claim is read for no one else than a holder: an ended loan's
        # claim is no longer under the bank's org, and one rewritten since keeps neither the bank nor the
        # regulator from the record. First the public records, so that no other caller makes this peer read
        # private data
        r = (await s.store.receivable(f.receivable_id)
             if party.role != cfg.REGULATOR and party.uscc != f.financier else None)
        if r is not None and party.uscc not in (f.holder, r.holder):
            raise rule("not-permitted-to-read", f"the disbursement of {f.id} is for its holder, its bank and "
                       "the regulator only")
        if f.status not in ("DISBURSED", "REPAID", "RECOURSED") or not f.collection:
            raise rule("invalid-state", f"financing {f.id} is {f.status}: only a financing its bank "
                       "disbursed (DISBURSED, then REPAID or RECOURSED) has a disbursement record "
                       "(GetFinancing shows it)")
        # then the private record beside the accepted offer's terms, which says to whom it was made; without
        # one (an offer of an earlier contract version), the claim names the holder while the loan is its live
        # financing. Another party of either org reads the collection from its org's peer, and is refused here
        if party.role != cfg.REGULATOR:
            made = await s.store.offer_parties(f.collection, f.accepted_offer_id or "")
            readers = ((made.holder, made.financier) if made is not None else
                       (r.holder if r is not None and r.financing_id == f.id else f.holder, f.financier))
            if party.uscc not in readers:
                raise rule("not-permitted-to-read", f"the disbursement of {f.id} is for its holder, its bank "
                           "and the regulator only")
        raw = await s.store.get_private(f.collection, keys.DISBURSEMENT, f.id)
        if raw is None:
            raise queries.not_on_this_peer(f"the private record of financing {f.id} (disbursement)",
                                           f.collection)
        # the collection takes any write its two orgs' peers endorse, whatever chaincode they run: only the
        # bytes RecordDisbursement hashed into the financing (which its bank's org sealed) are the advance
        if sha256_hex(raw) != f.disbursement_hash:
            raise unreadable(f"{keys.label(keys.DISBURSEMENT, f.id)} of collection {f.collection}",
                             f"it does not hash to the financing's disbursement_hash "
                             f"{(f.disbursement_hash or 'none')[:12]}…", REPORT_THE_KEY)
        return parsed_private(Disbursement.model_validate_json, raw, f.collection, keys.DISBURSEMENT,
                              f.id).to_json()

    @transaction(evaluate=True)
    @rules
    async def GetAssignmentNotice(self, ctx: Context, notice_id: str) -> AssignmentNotice:
        """An assignment notice, for the parties to its receivable and the bank that issued it."""
        s = self._session(ctx)
        party = await s.party((keys.NOTICE, notice_id))  # first: an identity acting for no party learns no id exists
        n = await s.store.notice(notice_id)
        if party.uscc != n.financier:  # the bank that issued it reads it after leaving the claim (recourse)
            await self._readable(s, n.receivable_id)
        return n.to_json()

    @transaction(evaluate=True)
    @rules
    async def ListDiscountOffers(self, ctx: Context, debtor: str, receivable_id: str, page_size: str, bookmark: str,
                                 scope: str = "open") -> DiscountOfferPage:
        """A page of a debtor's early-payment offers, oldest first, for the debtor, suppliers and the regulator.

        Name the debtor, or a receivable (readable by the caller) to get only
        the offers that cover it. ``scope`` ``open`` (the default): offers not
        withdrawn and not expired today; ``all``: every one. A supplier sees
        of an offer listing claims only those it holds or created (and those
        the receivable given was split from), and no offer listing none of
        them (``queries.discount_offers_as_seen_by``). An offer acceptance
        refuses as naming another debtor than published it is left out
        (``DiscountRecords.as_published``), and, to a supplier, one it refuses
        as published by no member of the debtor's org
        (``queries.shown_whoever_published``).
        """
        s = self._session(ctx)
        party = await s.party()
        r = None
        if receivable_id:
            _, r = await self._readable(s, receivable_id)
            if debtor not in ("", r.debtor):
                raise rule("argument-invalid", f"{r.id} is owed by {r.debtor}, not {shown(debtor)}: give its debtor "
                           "or none")
            debtor = r.debtor
        elif not debtor:
            raise rule("argument-invalid", "debtor and receivable_id are both empty: name the debtor or a receivable")
        if not queries.may_read_discount_offers(party, debtor):
            raise rule("not-permitted-to-read", f"discount offers of {shown(debtor)} are for its suppliers, "
                       "the debtor and the regulator")
        if scope not in ("open", "all"):
            raise rule("argument-invalid", f"scope {shown(scope)}: ask for open (not withdrawn, not expired) or all")
        if r is None:   # a receivable given names its debtor
            await _require_named_party(s, debtor)
        return await queries.discount_offer_page(s.store, party, debtor, r, s.today_iso if scope == "open" else None,
                                                 _page_size(page_size), bookmark)

    @transaction(evaluate=True)
    @rules
    async def GetRequest(self, ctx: Context, request_id: str, party: str = "") -> RequestRecord:
        """What a business request id was recorded with: the transaction that first applied it, and its result.

        ``party`` (default: the caller's own) names whose request id it is: the
        party itself, an admin of its org and the regulator may read it. A
        request id never applied (never sent, or every attempt failed) is
        ``not-found``: a client that lost the answer learns whether it committed.
        """
        s = self._session(ctx)
        _request_id(request_id)
        ci = ctx.client_identity
        admin = is_org_admin(ci)
        caller = None if admin else await s.party()
        if not party and caller is None:
            raise rule("argument-invalid", "party is empty: an org admin names the party whose request to read")
        owner = await s.store.require_party(party) if party else caller
        if not queries.may_read_request(caller, ci.msp_id if admin else None, owner):
            raise rule("not-permitted-to-read", f"request ids of {owner.uscc} are for the party itself, an admin of "
                       f"{owner.msp_id} and the regulator")
        record = await s.store.request(owner.uscc, request_id)
        if record is None:
            raise rule("not-found", f"{owner.uscc} has no request {request_id!r} on this channel: no attempt of it "
                       "committed, so sending it again with the same id applies it once")
        return queries.request_record(owner.uscc, request_id, record)

    @transaction(evaluate=True)
    @rules
    async def GetDiscountOffer(self, ctx: Context, offer_id: str, receivable_id: str = "") -> DiscountOffer:
        """A debtor's early-payment offer, for the debtor, suppliers and the regulator.

        ``receivable_id`` (optional): a receivable the caller may read that
        the offer covers. The offer is then shown as ListDiscountOffers by
        that receivable shows it: with the claims the receivable was split
        from, where the offer lists them, so the holder of part ``R.1`` reads
        the offer listing ``R``. An offer that does not cover it is refused
        (``discount-offer-not-for-receivable``). A supplier is refused
        ``record-unreadable`` an offer no member of its debtor's org is shown
        to have published, as AcceptDiscountOffer refuses it
        (``queries.shown_whoever_published``).
        """
        s = self._session(ctx)
        party = await s.party()
        if party.role == cfg.FINANCIER:   # decided by the role alone, before the offer is read: no id is told apart
            raise rule("not-permitted-to-read", "discount offers are for a debtor's suppliers, the debtor itself and "
                       "the regulator")
        # every answer but a refusal reads the claim given, and, to a supplier, the offer's publisher record
        await s.store.prefetch((keys.DISCOUNT, offer_id),
                               *([(keys.RECEIVABLE, receivable_id)] if receivable_id else []),
                               *([(keys.DISCOUNT_PUBLISHER, offer_id)] if party.role == cfg.SUPPLIER else []))
        d = await s.store.discount_offer(offer_id)
        if not queries.may_read_discount_offers(party, d.debtor):
            # another core enterprise: answered as an id that does not exist is, naming no debtor
            raise _no_discount_offer(offer_id)
        part = None
        if receivable_id:
            _, part = await self._readable(s, receivable_id)
            if not lifecycle.discount_offer_covers(d, part):
                raise rule("discount-offer-not-for-receivable", f"discount offer {d.id} of {d.debtor} does not cover "
                           f"{part.id}, owed by {part.debtor}: it covers its debtor's claims it lists and the parts "
                           "split from them (all of them when it lists none); give a receivable it covers, or none")
        if (seen := await queries.discount_offer_as_seen_by(s.store, party, d, part=part)) is None:
            raise rule("not-permitted-to-read", f"discount offer {d.id} covers no claim {party.uscc} holds or created: "
                       "a supplier reads the offers on all its debtor's payables and those listing a claim of its own "
                       "(and, giving the part it holds, one listing a claim that part was split from)")
        if not queries.shown_whoever_published(party, d):
            # last, as ListDiscountOffers leaves it out: a supplier is not shown an early payment its debtor may
            # never have offered, and no holder can take
            await s.store.require_published_by_its_debtor(d)
        return seen
