"""The banks' offers on a financing request, on private terms: made, withdrawn by their bank, and accepted by the
holder, the others then lapsing; with the checks of what an offer sends against its bank's exposure read
(``exposure_version``, ``uncounted_offers``).
"""

from __future__ import annotations

import json
import re

from chaincode.contract import Context, transaction

from . import collections as colls
from . import config as cfg
from . import attestation, events, keys, lifecycle, upgrade
from . import financing as fin
from .arguments import require_text, uncounted_offers_problem
from .errors import rule, shown
from .model import CONFIRMED, FINANCED, LIVE_FINANCING, Financing, Offer, OfferParties, OfferTerms, Receivable
from .session import Session, rules
from .store_offers import offer_made_records
from .tx_registration import invoice_attestations
from .tx_financing import (
    TERMS_TRANSIENT_KEY, FinancingGroup, _ensure_as_offered, _ensure_claim_names_financing,
    _ensure_request_of_claims_holder, _how_it_ended, request_ended_for_good,
)

_VERSION = re.compile(r"[0-9]{1,15}")


def _version(value: str) -> int:
    """An exposure version as sent (GetFinancierExposure's ``version``, in decimal digits)."""
    if not _VERSION.fullmatch(value):
        raise rule("argument-invalid", f"exposure version {shown(value)}: send the version GetFinancierExposure "
                   "answered, in digits 0-9, or nothing to offer without the check")
    return int(value)


def _uncounted_offers(value: str) -> frozenset[str]:
    """MakeFinancingOffer's ``uncounted_offers`` as sent: a JSON list of offer ids (GetFinancierExposure's
    ``uncounted_offers``), or nothing for none."""
    if not value:
        return frozenset()
    try:
        ids = json.loads(value)
    except (ValueError, RecursionError):   # RecursionError: lists nested some thousand levels deep
        ids = None
    if problem := uncounted_offers_problem(ids, f"uncounted offers {shown(value)}",
                                           "send the uncounted_offers GetFinancierExposure answered with the version, "
                                           "a JSON list of offer ids, or nothing for none"):
        raise rule("argument-invalid", problem)
    return frozenset(ids)



def _acceptance_way_on(o: Offer, f: Financing, caller: str) -> str:
    """What ``caller``, the claim's holder, can do about an offer it may not accept: ``o`` is not open, or ``f``, its
    request."""
    if f.status != "REQUESTED":
        # a live deal is the caller's own (no claim changes hands while one is): an acceptance sent again, or of
        # another bank's offer at the same moment, which lapsed when the first committed
        if f.status in ("ACCEPTED", "DISBURSED") and f.holder == caller:
            if o.status == "ACCEPTED" and f.financier == o.financier:
                return f"it was accepted already, and nothing is to be done (GetFinancing {f.id} shows the deal)"
            if f.accepted_offer_id is not None and f.accepted_offer_id != o.id:
                return (f"the holder accepted offer {f.accepted_offer_id} of {f.financier} on request {f.id}, and "
                        f"this one lapsed then: the claim is financed, and nothing is to be done (GetFinancing "
                        f"{f.id} shows the deal)")
        if request_ended_for_good(f):   # a new request would be refused: how it ended says what follows
            return f"request {f.id} has ended, so no offer on it can be accepted: {_how_it_ended(f)}"
        return (f"request {f.id} has ended, so no offer on it can be accepted: ask banks again with a new "
                "request (RequestFinancing) once the claim has no live financing")
    if o.status == "WITHDRAWN":
        return f"ask {o.financier} for a new offer, or accept another bank's open offer on {f.id}"
    return f"accept another bank's open offer on {f.id}, or ask a bank for one"


def _offer_way_on(f: Financing, bank: str) -> str:
    """What ``bank``, refused an offer on ``f`` as no longer an open request, is told of the way on. The deal's own
    bank reads how it ended (GetFinancing); another bank learns no more of a deal not its own."""
    if f.financier == bank and request_ended_for_good(f):
        return f": {_how_it_ended(f)}"
    # its own offer accepted (an offer sent again after its answer was lost): a new request of the claim is refused
    # while the deal is live
    if f.financier == bank and f.status in LIVE_FINANCING:
        return (f": its holder accepted {bank}'s offer {f.accepted_offer_id} on it, and the deal is live "
                f"(GetFinancing {f.id} shows it)")
    return "; the holder makes a new request (RequestFinancing) if it still wants financing"


async def _ensure_invoices_still_pass(s: Session, config: cfg.NetworkConfig, r: Receivable,
                                      root: Receivable) -> None:
    """Refused ``invoice-verification-failed`` where an invoice of ``root`` (``r`` itself, or the root ``r`` was
    split from, whose invoices back every part) has a failing attestation that still stands, by the rule a
    registration of the invoice is refused on (``attestation.financing_problem``). Acceptance is the step that
    binds a bank's money: the holder, the invoices' seller or a supplier it transferred the claim to, takes an
    offer the bank priced while the invoices stood, and the bank is party to the deal from then on. A failure
    attested once the deal is made holds back nothing: the bank, which reads the failure
    (InvoiceVerificationAttested, GetInvoiceAttestations), cancels the deal (CancelFinancing) or disburses as it
    judges; its disbursement records money it has paid.

    The invoices' attestations are read as a registration reads them (``tx_registration.invoice_attestations``):
    an attestation of one of them committed between this acceptance's endorsement and its commit fails it at
    validation (PHANTOM_READ_CONFLICT, or MVCC_READ_CONFLICT on its attester's entry), and sent again it reads the
    attestation."""
    creditor_msp = (await s.store.require_party(root.creditor)).msp_id
    for inv in root.invoices:
        kept, _, unnamed = await invoice_attestations(s, inv, claim_id=r.id)
        why = attestation.financing_problem(config, inv, kept, claim_id=r.id, creditor_msp=creditor_msp,
                                            debtor_msp=root.debtor_msp, unnamed=unnamed)
        if why is not None:
            raise why


class FinancingOfferTransactions(FinancingGroup):
    """MakeFinancingOffer, WithdrawFinancingOffer, AcceptFinancingOffer."""

    @transaction(transient={TERMS_TRANSIENT_KEY: OfferTerms})
    @rules
    async def MakeFinancingOffer(self, ctx: Context, financing_id: str, exposure_version: str = "",
                                 uncounted_offers: str = "") -> Offer:
        """A bank offers terms (transient ``terms``, expiry included): kept private, the public offer keeps their hash.

        ``exposure_version`` (optional): the ``version`` of the bank's exposure on the claim's debtor that the bank
        priced the offer against (GetFinancierExposure). The offer is refused (``exposure-changed``) when the
        version has moved since: another offer of the bank on the debtor came, the one change that can raise what
        the bank has out and on offer there (``Store.exposure_version``); so an offer checked against the bank's
        limit on that read keeps the bank within it, whichever host made the other offer. Every offer moves the
        version, with or without one sent.

        ``uncounted_offers`` (optional; a JSON list of offer ids, empty for none): the read's ``uncounted_offers``,
        the bank's offers on the debtor its figures left out. Their ``recfin.offer-made`` entries are dropped,
        whatever their records say now, as those of its offers no longer OPEN are (``Store._drop_offers_made``),
        so that none of them can be accepted (``offer-not-listed``): two orgs that hid an offer from the read by
        rewriting its record, then wrote it back, move no version. Ids without an entry are passed over. An
        acceptance of a named offer and this offer do not both commit: each reads what the other writes (the
        offer's record; the entry and its mark), so the later fails MVCC_READ_CONFLICT. A named offer disbursed
        since (its bank's entry records the request) makes this offer ``exposure-changed``: marked uncounted now,
        it would be marked after the money left."""
        s = self._session(ctx)
        priced_at = _version(exposure_version) if exposure_version else None
        uncounted = _uncounted_offers(uncounted_offers)
        await self._prefetch_financing(s, financing_id, callers_offer=True)
        bank = await s.party_with_role(cfg.FINANCIER)
        f = await s.store.financing(financing_id)
        r = await s.store.receivable(f.receivable_id)
        # before the freeze check, and without the state: a bank reads the claim only while the request is open
        if f.status != "REQUESTED":
            raise rule("invalid-state", f"financing {f.id} is no longer an open request: offers are made "
                       f"only on open requests, and nothing reopens one{_offer_way_on(f, bank.uscc)}")
        _ensure_claim_names_financing(f, r)
        _ensure_request_of_claims_holder(f, r)
        # what acceptance checks of the claim: an offer on a claim no longer confirmed or past its due date could
        # never be accepted, and would stand OPEN on the request for nothing (frozen or not: said first)
        lifecycle.ensure_status(r, (CONFIRMED,), "finance", today=s.today)
        lifecycle.ensure_before_maturity(r, s.today, "finance")
        terms = self._terms(ctx)
        fin.ensure_disbursable(terms, r.outstanding, currency=r.currency)
        if terms.expires_on < s.today_iso:
            raise rule("offer-expired", f"the offer would expire on {terms.expires_on}, before today {s.today}: give "
                       "an expires_on of today or later, the last day the holder may accept it")
        lifecycle.ensure_stamped_after(s.now, f.last.at, "MakeFinancingOffer", f"financing {f.id}'s {f.last.action}")
        # a point read, not a range scan: concurrent offers of different banks do not conflict
        if (earlier := await s.store.offer_of_bank(f.id, bank.uscc)) is not None:
            raise rule("offer-already-made", f"{bank.uscc} already made offer {earlier} on {f.id}: one offer per bank "
                       "and request; to change its terms, withdraw it first (WithdrawFinancingOffer)")
        # after the bank's own terms and its earlier offer: no lifting cures those, and refused by the freeze
        # first, the bank would wait for the lifting only to be refused for them
        lifecycle.ensure_not_frozen(r)
        held = await s.store.exposure_version_held(bank.uscc, r.debtor, bank.msp_id)
        version = held.value
        if priced_at is not None and priced_at > version:
            raise rule("exposure-version-ahead", f"the exposure of {bank.uscc} on {r.debtor} is at version {version} "
                       f"on this peer, behind the {priced_at} the offer was priced on: the peer that endorses has "
                       "not yet caught up with the one the exposure was read from; send the offer again shortly")
        if priced_at is not None and priced_at != version:
            raise rule("exposure-changed", f"the exposure of {bank.uscc} on {r.debtor} is at version {version}, not "
                       f"{priced_at} as when the offer was priced: another offer of the bank on the debtor came "
                       "since; read the exposure again (GetFinancierExposure) and price the offer against it")
        # an offer the read left out that was lent since, before this one commits: the read's figures no longer
        # hold, and marking it uncounted now would come after the money left
        if lent := await s.store.disbursed_among(bank.uscc, r.debtor, uncounted):
            raise rule("exposure-changed", f"offer {lent} of {bank.uscc}, which the exposure read left out "
                       "(uncounted_offers), has been disbursed since: the figures the offer was priced on no longer "
                       "hold; read the exposure again (GetFinancierExposure) and price the offer against it")
        # the claim's holder org, under the claim's key-level policy: the request's copy is checked against it above
        collection = colls.collection_name(r.holder_msp, bank.msp_id)
        if collection not in self.collection_names:
            raise rule("no-collection", f"no private data collection {collection} "
                       f"for {r.holder_msp} and {bank.msp_id}: "
                       "add the org pair to the chaincode's configuration")
        o = Offer(id=keys.new_id("O", s.tx_id), financing_id=f.id, receivable_id=r.id, financier=bank.uscc,
                  financier_msp=bank.msp_id, collection=collection, terms_hash=terms.terms_hash(),
                  status="OPEN", made_on=s.today_iso,
                  last=s.action("MakeFinancingOffer", bank.uscc))
        await s.store.put_private(collection, terms, keys.TERMS, o.id)
        # whose terms they are and to whom, where no two other orgs can rewrite it, as they can the offer's
        # record and its request's: their readers are decided on it (GetOfferTerms, GetFinancierExposure)
        made = OfferParties(offer_id=o.id, financier=bank.uscc, holder=r.holder)
        await s.store.put_private(collection, made, keys.OFFER_PARTIES, o.id)
        await s.store.put_offer(o, r.debtor, offered_on=r, uncounted=uncounted)
        await s.store.move_exposure_version(bank.uscc, r.debtor, held, offer=(bank.msp_id, r.holder_msp, o.id))
        s.emit(events.FINANCING_OFFERED, r.id, financing_id=f.id, offer_id=o.id, financier=bank.uscc,
               terms_hash=o.terms_hash)
        return o.to_json()

    @transaction
    @rules
    async def WithdrawFinancingOffer(self, ctx: Context, offer_id: str, reason: str) -> Offer:
        """The bank that made an offer withdraws it while it is open: no holder can accept it afterwards.

        A bank's terms or its room under its limit on the debtor change after it offered, and an open offer
        is one acceptance away from being lent, without the bank being asked again. The offer is WITHDRAWN
        (``withdrawn_on``, ``withdrawal_reason``) and leaves the bank's open offers on the debtor
        (GetFinancierExposure); its private terms stay, for the record. The bank may then offer on the same
        request again, on new terms. An accepted offer is ended by CancelFinancing before disbursement.

        A frozen claim does not stop it: the withdrawal moves no part of the claim, it takes an encumbrance off it,
        and the open offer would otherwise count against the bank's limit for as long as the freeze lasts and be
        acceptable again the moment it is lifted.
        """
        s = self._session(ctx)
        # the role first: an identity acting for no bank learns nothing of the offer, not even that it exists
        bank = await s.party_with_role(cfg.FINANCIER, prefetch=((keys.OFFER, offer_id),))
        o = await s.store.offer(offer_id)
        if o.financier != bank.uscc:
            raise rule("not-the-financier", f"{bank.uscc} did not make offer {o.id}: only the bank that made an "
                       "offer may withdraw it")
        # the offer names its financing and claim: the claim is read for its debtor (the offer's index entry), the
        # financing is not read at all, so a withdrawal conflicts with no change of the request but the offer's own
        await s.store.prefetch((keys.RECEIVABLE, o.receivable_id), (keys.OFFER_BY_BANK, o.financing_id, o.financier))
        r = await s.store.receivable(o.receivable_id)
        if o.status != "OPEN":
            # the financing is not read (see above), so the hint holds whatever became of it since
            hint = {"ACCEPTED": f": the holder accepted it; financing {o.financing_id}, if not yet "
                                "disbursed, is ended with CancelFinancing (once disbursed, it ends with its "
                                "repayment; GetFinancing shows which)",
                    "LAPSED": ": the holder accepted another offer or the request ended, so it can no longer be "
                              "accepted"}.get(o.status, "")
            raise rule("invalid-state", f"offer {o.id} is {o.status}: only an open offer can be withdrawn{hint}")
        why = require_text(reason, "reason")
        o.status, o.withdrawn_on, o.withdrawal_reason = "WITHDRAWN", s.today_iso, why
        o.last = s.action("WithdrawFinancingOffer", bank.uscc)
        await s.store.put_offer(o, r.debtor)
        s.emit(events.FINANCING_OFFER_WITHDRAWN, r.id, financing_id=o.financing_id, offer_id=o.id,
               financier=bank.uscc, reason=why)
        return o.to_json()

    @transaction(transient={TERMS_TRANSIENT_KEY: OfferTerms})
    @rules
    async def AcceptFinancingOffer(self, ctx: Context, offer_id: str) -> Financing:
        """The holder accepts one offer (its terms again as transient ``terms``, for their expiry); the others
        lapse; the bank becomes the claim's financier."""
        s = self._session(ctx)
        await s.store.prefetch(s.binding, (keys.OFFER, offer_id))
        o = await s.store.offer(offer_id)
        # an offer names its financing's receivable (MakeFinancingOffer copies it) and its bank: read with the party
        await s.read_with_party((keys.FINANCING, o.financing_id), (keys.RECEIVABLE, o.receivable_id),
                                (keys.PARTY, o.financier))
        f = await s.store.financing(o.financing_id)
        holder, r = await self._as_holder(s, f.receivable_id)
        if f.status != "REQUESTED" or o.status != "OPEN":
            raise rule("invalid-state", f"offer {o.id} is {o.status} on financing {f.status}: only an open "
                       f"offer on an open request can be accepted; {_acceptance_way_on(o, f, holder.uscc)}")
        # the claim, not the request record, says which request is live: accepted, the claim would be financed
        # with no financing it names, its bank out of recfin.by-financier and the debtor paying the holder
        _ensure_claim_names_financing(f, r)
        # refused here, while the holder can still withdraw the request: accepted, the request's record could no
        # longer be ended that way, and its rewritten holder would stand in the deal's record
        _ensure_request_of_claims_holder(f, r)
        # only the bank's own recfin.offer-made entry keeps an offer in its ``offered`` whatever two other orgs
        # write: its record, and its recfin.open-offer entry, any two can rewrite or delete. An offer without that
        # entry, or whose entry the bank dropped (its record then saying it had ended), may have been left out of
        # figures the bank priced another offer on: taken, it would be lent past the bank's limit on the debtor.
        # The bank's org from its party record: the offer's financier_msp is the offer record's, which two orgs
        # could rewrite
        bank_msp = (await s.store.require_party(o.financier)).msp_id
        if o.financier_msp != bank_msp:
            # copied into the claim and the loan's entry, it would leave them guarded without the bank's org
            raise rule("invalid-state", f"offer {o.id} names {o.financier_msp} as its bank's org, but its bank "
                       f"{o.financier} acts for {bank_msp}: the offer record was changed outside the contract, and "
                       "it cannot be accepted; ask the bank for a new offer")
        # with the bank's entry and mark, what the invoice check below reads first (a part's root)
        await s.store.prefetch(*offer_made_records(o.financier, r.debtor, o.id),
                               *upgrade.first_reads_of_the_invoice_check(r))
        as_made = await s.store.offer_as_made(o.financier, r.debtor, o.id, bank_msp)
        if not as_made.entry_standing:
            raise rule("offer-not-listed", f"offer {o.id} is OPEN but lacks its bank's recfin.offer-made entry on "
                       f"{r.debtor} under {bank_msp} alone, or its bank dropped that entry, so its bank's open "
                       "offers may not have counted it and it cannot be accepted: an offer an earlier contract "
                       "version made gets the entry from UpgradeLedger, then accept it; for any other, ask the "
                       "bank for a new offer")
        _ensure_as_offered(as_made, o.id, o.financing_id, r)
        # the offer's record, which any two orgs can rewrite, names the terms kept under the offer in the
        # collection of the claim's holder org and the bank's (their hash, on every peer): rewritten, the
        # holder could accept on terms of its own, an expiry the bank's figures took as passed among them
        # (an offer its own terms say has expired is not among its bank's uncounted offers,
        # GetFinancierExposure)
        kept_in = colls.collection_name(r.holder_msp, bank_msp)
        if o.collection != kept_in or await s.store.private_hash(kept_in, keys.TERMS, o.id) != o.terms_hash:
            raise rule("invalid-state", f"offer {o.id} names terms hashing to {o.terms_hash[:12]}… in "
                       f"{shown(o.collection)}, but the terms its bank made it on, kept in {kept_in}, are "
                       "not those: the offer record was changed outside the contract, and it cannot be "
                       "accepted; ask the bank for a new offer, or accept another bank's")
        # the expiry is private: the holder passes the terms, read from its own peer, and only checks run on
        # them (an offer an earlier contract wrote with a public expiry holds to that one as well)
        if (expiry := o.expiry(self._offered_terms(ctx, o.terms_hash))) < s.today_iso:
            # the bank makes one offer per request: it offers anew only once it has withdrawn this one
            raise rule("offer-expired", f"offer {o.id} expired on {expiry}: ask {o.financier} for a new "
                       "offer (it withdraws this one, WithdrawFinancingOffer, and offers again), or accept "
                       "another bank's")
        # each step of a financing stamped after the one before, so its disbursement (after the acceptance) never
        # lends for days before the holder asked
        lifecycle.ensure_stamped_after(s.now, o.last.at, "AcceptFinancingOffer", f"offer {o.id}'s {o.last.action}")
        lifecycle.ensure_status(r, (CONFIRMED,), "finance", today=s.today)
        # Terms that could never be disbursed (no fen advanced, fees taking the advance) are refused when the
        # offer is made (private data is not read in endorsement, the debtor's org holds none), and the
        # outstanding amount cannot change while the financing is live; acceptance checks only the terms' hash
        # and expiry. An offer made by a contract before that check and still OPEN was never checked:
        # accepted, its disbursement is refused (financing-not-positive) and CancelFinancing ends it, releasing
        # the claim.
        # the bank could never disburse it (RecordDisbursement refuses past maturity), and the debtor could not pay
        lifecycle.ensure_before_maturity(r, s.today, "finance")
        # a bank whose org lost the financier role could never disburse, and the claim would wait on it
        s.ensure_role_allowed(await s.store.require_party(o.financier), "takes part",
                              "accept another bank's open offer on the request, or withdraw the request "
                              "(WithdrawFinancing)")
        # nor could a debtor whose org lost its role pay the bank: lent, the loan would wait on a chaincode
        # definition alone (RecordPayment refused to the debtor), where a request is the holder's to withdraw.
        # Its party read with the registry entries the invoice check below reads, and those the acceptance guards
        await s.store.prefetch((keys.PARTY, r.debtor), *await upgrade.invoice_check_entries(s.store, r, guarded=True))
        s.ensure_role_allowed(await s.store.require_party(r.debtor), "takes part",
                              f"no offer on {r.id} is accepted until then, as its debtor could not pay the "
                              "bank: the request stays open, or its holder withdraws it (WithdrawFinancing)")
        # a claim registered on an invoice another live claim holds under another spelling: no lifting cures it
        await upgrade.ensure_invoices_back_it_alone(s.store, r, "finance")
        # an entry its debtor's and creditor's orgs freed before any bank's org guarded it: the invoice may back a
        # claim registered again, which another bank finances
        root = r if r.root_id == r.id else await s.store.receivable(r.root_id)
        # the entries naming the root, worked out once: checked here, and guarded with the bank's org below
        named = await s.store.registry_entries_naming(root, upgrade.registry_fingerprints(root))
        if freed := s.store.entries_not_naming(root, named):
            of = f"{r.id}'s invoices" if root.id == r.id else f"the invoices of {r.id}'s root {root.id}"
            raise rule("invoice-already-financed", f"the registry entry {freed[0][0]} {freed[0][1][:12]}… "
                       f"of {of} no longer "
                       f"names {root.id}: it was deleted or written again outside the contract, so the invoice or "
                       "the delivery may back another claim, and no offer on it is accepted; report the key to the "
                       "network's operators, whose peers' history of the key names the transaction that changed it "
                       "and the orgs that endorsed it, and withdraw the request (WithdrawFinancing)")
        if self.config.require_attestation:   # only then: the invoices' attestations are read as a range
            await _ensure_invoices_still_pass(s, self.config, r, root)
        # last: every refusal above stands whether or not the claim is frozen (an offer no longer open or
        # expired, a claim past its due date), so no holder waits for the lifting only to be refused again
        lifecycle.ensure_not_frozen(r)
        act = s.action("AcceptFinancingOffer", holder.uscc)
        for other in await s.store.offers_of(f.id):
            if other.id != o.id and other.status == "OPEN":
                other.status, other.last = "LAPSED", act
                await s.store.lapse_offer(other, r.debtor)
        o.status, o.last = "ACCEPTED", act
        f.status, f.accepted_offer_id, f.financier, f.financier_msp = "ACCEPTED", o.id, o.financier, o.financier_msp
        f.collection, f.terms_hash, f.last = o.collection, o.terms_hash, act
        before = r.model_copy()
        r.status, r.financier, r.financier_msp, r.last = FINANCED, o.financier, o.financier_msp, act
        await s.store.put_offer(o, r.debtor)
        # the deal's record: its parties' orgs from now on, the claim's holder's and the offer's bank's
        await s.store.put_financing(f, parties=(r.holder_msp, o.financier_msp))
        await s.store.put_receivable(r, before)
        # the claim's key names the bank while the financing is live; its invoices' and receipts' entries (its
        # root's, for a part) name it too, or its debtor and supplier could free the invoice for a second bank
        await s.store.guard_for_financing(root, named, o.financier_msp)
        s.emit(events.FINANCING_OFFER_ACCEPTED, r.id, financing_id=f.id, offer_id=o.id, financier=o.financier)
        return f.to_json()
