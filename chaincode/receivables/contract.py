"""The receivables contract: one method per business action.

Each method reads like the business: guard clauses first (who is calling, what
state the claim is in, what the arguments must satisfy), then read, change,
write, and emit exactly one event. A broken rule raises ``ContractError`` with
``RULE <code>: <what to do>``; the runtime then discards every write.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from chaincode.contract import Context, Contract, ContractError, transaction

from . import collections as colls
from . import config as cfg
from . import attestation, dates, events, fingerprint, keys, lifecycle, money, queries, settlement, upgrade
from . import financing as fin
from .arguments import _first_repeat, _fingerprint, _page_size, _request_id, _require_text
from .errors import RuleViolation, _identity, rule, shown
from .identity import is_org_admin
from .model import (
    CONFIRMED, FINANCED, REGISTERED, REJECTED, SETTLED, SPLIT, WITHDRAWN,
    Action, AssignmentNotice, DiscountOffer, DiscountOfferRequest, Financing, FreezeLifting, FreezeOrder, GoodsReceipt,
    GoodsReceiptEntry, GoodsReceiptPart, GoodsReceiptReference, ReceiptPartHeld, buyer_number_character_problem,
    Invoice, InvoiceAttestation, InvoiceAttestationRequest, Offer, OfferTerms, Party, PartyRegistration, Payment, Receivable, ReceivableRegistration, RecourseDemand, invoice_label, order_key, parse_request, receipt_label, sha256_hex,
)
from .schemas import (
    DiscountOfferPage, FinancierExposure, FinancingView, HistoryEntry, IdentityParty, InvoiceLookup, LedgerUpgrade,
    OfferPage, Page,
    PartyHistoryEntry, PaymentRecordPage,
    PaymentResult, Provenance, RequestRecord, Reseal, Statistics, TransferResult, json_argument,
)
from .store import DROPPED_UNCOUNTED, OfferAsMade, Store, offer_made_records, uncounted_offers_problem
from .session import Session, rules

PartyArgument = json_argument(PartyRegistration)
ReceivableArgument = json_argument(ReceivableRegistration)
DiscountOfferArgument = json_argument(DiscountOfferRequest)
AttestationArgument = json_argument(InvoiceAttestationRequest)

TERMS_TRANSIENT_KEY = "terms"


# UnfreezeReceivable's ``lifts`` when the caller sends no third argument (the order in effect): told apart by
# identity from any text sent, so an explicit blank is refused, not taken as this
_ORDER_IN_EFFECT: Any = object()


def _order_reference(value: str, field: str) -> str:
    """An order reference (a freeze order, the order lifting one, ``lifts``) as ``_require_text`` takes it, refused
    (``argument-invalid``) too when nothing of it is compared (``order_key`` empty: only invisible characters, a
    zero-width space or a byte order mark): it would name the same order as every other such reference."""
    order = _require_text(value, field, 200)
    if not order_key(order):
        raise rule("argument-invalid", f"{field} {shown(order)} holds only invisible characters: give the order's "
                                       "reference as written on the order")
    return order


async def _ensure_may_lift(s: Session, regulator: Party, order: FreezeOrder, receivable_id: str) -> None:
    """Refused (``not-the-ordering-regulator``) unless ``regulator`` is of the org whose party recorded ``order``:
    one regulator does not lift another's order, though any party of the recording org may. An order whose
    recording party is not registered, or whose org this network's configuration no longer lets hold the
    regulator role (``org_roles``), is lifted by any regulator: no org could lift it otherwise."""
    if order.by == regulator.uscc:
        return
    recorder = await s.store.party(order.by)
    if recorder is None or recorder.msp_id == regulator.msp_id or not s.config.may_hold(recorder.msp_id,
                                                                                         cfg.REGULATOR):
        return
    raise rule("not-the-ordering-regulator", f"{receivable_id}'s freeze order {shown(order.order_reference)} was "
               f"recorded by {recorder.uscc} of {recorder.msp_id}: while {recorder.msp_id} is a regulator org "
               f"(org_roles), only its regulators lift it, not {regulator.msp_id}'s; ask {recorder.msp_id} to lift it")


def _discount_terms(req: DiscountOfferRequest) -> tuple:
    """What a discount offer asks, with its rates as values: 0.05 and 0.050 are one rate."""
    scale = tuple((t.min_days_early, Decimal(t.apr)) for t in req.scale) if req.scale is not None else None
    return (Decimal(req.apr) if req.apr is not None else None, scale, req.day_count, req.expires_on,
            tuple(req.receivable_ids))


def _same_discount_offer(sent: Any, recorded: Any) -> bool:
    """Whether the offer ``sent`` asks for what the ``recorded`` publication published. Clients send a rate in one
    spelling per value now; one that sent "0.050" before and "0.05" on its retry asks for the same offer, and must
    get it back rather than request-id-reused."""
    try:
        asked = parse_request(DiscountOfferRequest, sent, "offer")
        published = DiscountOfferRequest.model_validate(
            {name: recorded[name] for name in DiscountOfferRequest.model_fields if name in recorded})
    except (RuleViolation, ValidationError, TypeError):
        return False
    return _discount_terms(asked) == _discount_terms(published)


def _ensure_payment_ends_request(leaf: Receivable, today_iso: str) -> None:
    """Refused (``financing-in-progress``) unless a payment on ``leaf``, whose financing is not yet disbursed,
    may end that financing: only a request no offer of which was accepted, and only from the claim's due date on.

    From the due date on no bank may offer on the request nor the holder accept an offer (``past-maturity``), so
    it can never be taken up, and only its holder could withdraw it: a request left open would hold back the
    debtor's payment of the part (and of its whole split tree) and have the debtor recorded late. Before then
    the request is live business between the holder and the banks, which the debtor's payment must not end: the
    holder withdraws it to be paid (or the debtor pays from the due date on). An accepted financing waits on its
    bank: the debtor pays the bank after disbursement, or the holder once the financing is cancelled."""
    if leaf.financier is not None:
        raise rule("financing-in-progress", f"{leaf.id} has financing {leaf.financing_id} accepted by "
                   f"{leaf.financier}, not yet disbursed: pay after disbursement (to the financier) or once the "
                   "holder or the bank cancels it (CancelFinancing)")
    if today_iso < leaf.due_date:
        raise rule("financing-in-progress", f"{leaf.id} has financing {leaf.financing_id} requested, which banks "
                   f"may take up until its due date {leaf.due_date}: pay once its holder withdraws it "
                   "(WithdrawFinancing), or from the due date on, when the payment ends the request")


async def _end_request(s: Session, f: Financing, r: Receivable, act: Action) -> None:
    """End ``f``, a request no offer of which was accepted, on its claim ``r``: its open offers lapse, it is
    WITHDRAWN and ``r`` drops it; the caller writes ``r``. Every key written here (offers, their open-offer
    entries, the financing) is under the chaincode-level policy, none under a bank's org: the debtor's and
    holder's orgs, which endorse the claim's own change, endorse these too."""
    for o in await s.store.offers_of(f.id):
        if o.status == "OPEN":
            o.status, o.last = "LAPSED", act
            await s.store.put_offer(o, r.debtor)
    f.status, f.last = "WITHDRAWN", act
    r.financing_id = None
    await s.store.put_financing(f)


async def _admins_own_party(s: Session, uscc: str, client_id: str, action: str) -> tuple[Party, str]:
    """The party whose identities an org admin changes, and the client id named (trimmed): refused unless the
    caller is an admin of the party's own org. ``action`` ("bind", "unbind") words the refusal."""
    ci = s.ctx.client_identity
    if not is_org_admin(ci):
        raise rule("not-an-org-admin", f"{_identity(ci.id)} is not an admin of {shown(ci.msp_id)}: only org "
                   f"admins {action} identities")
    # only a party of the admin's own org passes: the binding's key is known before the party is read
    await s.store.prefetch((keys.PARTY, uscc), (keys.CLIENT, ci.msp_id, client_id.strip()))
    party = await s.store.require_party(uscc)
    if party.msp_id != ci.msp_id:
        raise rule("admin-of-own-org-only", f"{party.uscc} belongs to {party.msp_id}: an admin of {shown(ci.msp_id)} "
                   "cannot change it")
    return party, _require_text(client_id, "client_id", 1000, one_line=False)


async def _refuse_binding_held_by_other_orgs(s: Session, msp_id: str, client_id: str) -> None:
    """Refused when other orgs hold a key-level policy on the identity's binding key (``Store.binding_held_by``):
    the party's org could never write or delete that binding, so the identity could never act for a party."""
    held = await s.store.binding_held_by(msp_id, client_id)
    if held is not None:
        raise rule("binding-held-by-other-orgs", f"the binding key of client identity {_identity(client_id)} carries a "
                   f"key-level policy this contract did not set (it names {', '.join(held)}; the contract sets "
                   f"{msp_id}'s members alone), so the contract leaves that key alone and this identity cannot be "
                   "bound. "
                   "Issue the user a certificate with another name (recfin org user add): a new subject is a new "
                   "client id, and bind that instead")


async def _bank_to_list(s: Session, financier: str, listed: str, own: str) -> None:
    """Refuse a list of a bank's ``listed`` (its ``own``) unless the caller is that bank or the regulator and
    ``financier`` names a bank."""
    party = await s.party()
    if not financier:
        raise rule("argument-invalid", f"financier is empty: name the bank whose {listed} to list (a bank "
                   "names itself)")
    if party.uscc != financier and party.role != cfg.REGULATOR:
        raise rule("not-permitted-to-read", f"a bank lists only {own}")
    # a code that names no bank is said, not answered with an empty page that reads as "has nothing" (only the
    # bank itself and the regulator get this far)
    await _require_bank(s, financier)


async def _require_bank(s: Session, code: str) -> Party:
    """The registered bank ``code`` names; refused (``argument-invalid``) where it names a party of another role."""
    bank = await s.store.require_party(code)
    if bank.role != cfg.FINANCIER:
        raise rule("argument-invalid", f"{bank.uscc} is a {bank.role}, not a financier: name a bank")
    return bank


async def _may_find_identity_party(s: Session, msp_id: str, client_id: str) -> None:
    """Refused unless the caller is an admin of ``msp_id``, the identity itself, or the regulator."""
    ci = s.ctx.client_identity
    if (is_org_admin(ci) and ci.msp_id == msp_id) or (ci.msp_id, ci.id) == (msp_id, client_id):
        return
    try:
        caller = await s.party()
    except RuleViolation:
        caller = None       # an admin of another org, or an identity acting for no party
    if caller is None or caller.role != cfg.REGULATOR:
        raise rule("not-permitted-to-read", f"which party an identity of {shown(msp_id)} acts for is for that "
                   "org's admins, the identity itself and the regulator: ask an admin of that org")


def _payment_term_start(req: ReceivableRegistration) -> tuple[date, str]:
    """The day a claim's payment term runs from, and how a refusal names that day: its issue date, or the date of
    its earliest invoice when that is earlier. The supplier picks the issue date, while its invoices record when it
    billed the debtor: a claim on old invoices dated today would otherwise start the term afresh."""
    issue = date.fromisoformat(req.issue_date)
    position, earliest = min(enumerate(req.invoices), key=lambda listed: listed[1].date)   # the first, on a tie
    if (invoiced := date.fromisoformat(earliest.date)) < issue:
        return invoiced, (f"the date of {invoice_label(position, earliest.number)}, {invoiced} (the term runs from "
                          f"it, as it is earlier than the issue date {issue})")
    return issue, f"the issue date {issue}"


def _fingerprints(invoices) -> list[str]:
    """The fingerprints of well-formed invoice identities (for prefetching; the checks report the others)."""
    found = []
    for inv in invoices:
        try:
            found.append(fingerprint.invoice_fingerprint(inv.seller_tax_id, inv.code, inv.number))
        except ValueError:
            continue
    return found


def _part_with_one_receipt(receipts: list[GoodsReceiptReference]) -> None:
    """A part is allowed only in a registration listing its one receipt: the part's share is what the registration's
    invoices are for, counted by the contract from their amounts, which say nothing of how they would divide among
    several receipts."""
    if len(receipts) < 2:
        return
    for position, gr in enumerate(receipts):
        if gr.part is not None:
            raise rule("goods-receipt-part-needs-one-receipt", f"{receipt_label(position, gr)} is given as a part of "
                       f"its delivery, in a registration listing {len(receipts)} goods receipts: the part's share is "
                       "what the claim's invoices are for (their amount without tax), which the contract counts only "
                       "for a claim on one receipt; register the invoices of that delivery's part as a claim listing "
                       "that receipt alone")


async def _goods_receipt_held(s: Session, position: int, gr: GoodsReceiptReference, receipt_key: str, invoiced: int,
                              debtor: Party, creditor: Party, currency: str) -> GoodsReceiptEntry | None:
    """The registry's entry of a goods receipt a registration lists, which the registration may add its part to
    (None: the receipt backs no claim); a receipt the registration may not take is refused. A receipt registered
    whole backs that claim alone; one registered in parts takes more parts of its first part's creditor, of the
    same received value, while the parts' invoiced amounts (``invoiced`` this one's) stay within that value and
    10 fen of rounding (:func:`_past_the_receipt`). Its refusals show amounts in the claim's ``currency``."""
    amount = functools.partial(money.amount_text, currency=currency)
    entry = await s.store.goods_receipt_entry(receipt_key)
    taken = f"{receipt_label(position, gr)} of debtor {debtor.uscc}"
    if entry is None:
        if gr.part is not None and (why := _past_the_receipt(gr.part.received, 0, invoiced, currency)) is not None:
            raise rule("goods-receipt-over-invoiced", f"{taken}: {why}")
        return None
    holders = [entry.receivable_id] if not entry.in_parts else [p.receivable_id for p in entry.parts]
    # claims are named to their creditor only: anyone else registering on this debtor could otherwise learn another
    # supplier's claim ids, which delivery backs each and what it was worth, by evaluating guessed receipt numbers;
    # the answer is the same whether the receipt was registered whole or in parts
    if (await s.store.receivable(holders[0])).creditor != creditor.uscc:
        raise rule("goods-receipt-already-financed", f"{taken} already backs a claim of another creditor on this "
                   "debtor: one delivery has one seller, and backs that seller's claims alone. If the delivery is "
                   f"yours and that claim is not its creditor's to make, ask the debtor {debtor.uscc}, which sees the "
                   "receipt on that claim: until it confirms the claim it can reject it, which releases the receipt")
    released = ("it is released only when that one is rejected (by its debtor) or withdrawn (by its creditor)")
    if not entry.in_parts:
        if gr.part is None:
            raise rule("goods-receipt-already-financed", f"{taken} already backs receivable {entry.receivable_id}: "
                       f"one delivery backs one receivable, and {released}")
        raise rule("goods-receipt-already-financed", f"{taken} already backs receivable {entry.receivable_id} "
                   f"whole (registered without a part), so it takes no part of another claim: {released}, after "
                   "which the delivery can be registered in parts, each claim with its part")
    listed = f"receivable {holders[0]}" if len(holders) == 1 else f"receivables {', '.join(holders)}"
    if gr.part is None:
        raise rule("goods-receipt-already-financed", f"{taken} is invoiced in parts already ({listed}): "
                   f"it backs parts only; register this claim as a part of its received value "
                   f"{amount(entry.received)}: {{\"received\": {entry.received}}} (fen)")
    if gr.part.received != entry.received:
        raise rule("goods-receipt-already-financed", f"{taken} is invoiced in parts already, its received value "
                   f"{amount(entry.received)} as the part on receivable {holders[0]} set it, not the "
                   f"{amount(gr.part.received)} this part gives: every part of one receipt gives the same received "
                   f"value; send received {entry.received} (fen), or, if that value is wrong, have the claims of its "
                   f"parts ({listed}) ended (withdrawn by you while registered, or rejected by the debtor) and "
                   "register them again")
    if entry.invoiced >= entry.received:
        raise rule("goods-receipt-over-invoiced", f"{taken} is fully invoiced: its parts registered ({listed}) "
                   f"invoice {amount(entry.invoiced)} of its received {amount(entry.received)}, so it backs no "
                   "further part; if one of those claims is wrong, have it ended (withdrawn by you while registered, "
                   "or rejected by the debtor) and register the right one")
    if (why := _past_the_receipt(entry.received, entry.invoiced, invoiced, currency)) is not None:
        raise rule("goods-receipt-over-invoiced", f"{taken}: its parts registered ({listed}) invoice "
                   f"{amount(entry.invoiced)} of it already; {why}")
    return entry


# The most rounding the parts of one receipt may add up to past what was received, in fen, however many parts and
# lines there are: each part's invoice lines are rounded to the fen one by one, so each receipt line split between
# parts may round up by half a fen in each of them; no part is taken once the receipt is fully invoiced.
MAX_PARTS_ROUNDING_FEN = 10


def _past_the_receipt(received: int, invoiced_before: int, invoiced: int, currency: str) -> str | None:
    """Why a part invoicing ``invoiced`` fen would take the parts of a receipt past what was received (None: it
    does not). Each part's invoice lines are rounded to the fen one by one, so parts that split receipt lines
    may add up to a few fen more than its value: :data:`MAX_PARTS_ROUNDING_FEN` are allowed in all (a fen per part
    would refuse an honest part splitting several lines, whose rounding grows with its lines)."""
    allowed = received + MAX_PARTS_ROUNDING_FEN
    if invoiced_before + invoiced <= allowed:
        return None
    amount = functools.partial(money.amount_text, currency=currency)
    return (f"this claim's invoices amount to {amount(invoiced)} without tax, and the parts of a receipt add up to "
            f"at most its received value of {amount(received)} and {amount(MAX_PARTS_ROUNDING_FEN)} of rounding: "
            f"at most {amount(allowed - invoiced_before)} can be invoiced on it now")


def _part_face_problem(face: int, invoiced: int, currency: str) -> str | None:
    """Why a claim on a part of a delivery may not have ``face`` (None: it may): at most the part's share,
    ``invoiced`` fen without tax, with VAT at the highest rate on it rounded up to the fen, and a fen per whole
    yuan of the share for the tax's rounding: an invoice rounds each line's tax to the fen half up, so an honest
    invoice's tax may pass the rate on its total by half a fen a line, and a line is at least a yuan or so (a cap
    in fen would refuse an invoice of many lines at .50 yuan, whose rounding grows with its lines).
    The share is bounded by the receipt; an invoice's tax is not, so without this a 1-fen share with any tax would
    back any face."""
    most = invoiced + -(-invoiced * cfg.HIGHEST_VAT_RATE_PERCENT // 100) + invoiced // 100
    if face <= most:
        return None
    amount = functools.partial(money.amount_text, currency=currency)
    return (f"face amount {amount(face)} is more than this part's share of the receipt, {amount(invoiced)} without "
            f"tax (its invoices' amount), with VAT at the highest rate of {cfg.HIGHEST_VAT_RATE_PERCENT}% on it and "
            f"{amount(1)} per whole {currency} for its lines' rounding: {amount(most)}; register a face "
            f"of at most {amount(most)}, or check the invoices' amount and tax")


def _listed_receivables(offer: Any) -> list[tuple[str, str]]:
    """The receivables a discount offer request lists, for prefetching: only from a well-formed list
    (parsing reports the rest), so a successful publication reads each of them anyway."""
    listed = offer.get("receivable_ids") if isinstance(offer, dict) else None
    if not isinstance(listed, list) or len(listed) > 1000 or not all(isinstance(i, str) for i in listed):
        return []
    return [(keys.RECEIVABLE, i) for i in listed]


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
    except ValueError:
        ids = None
    if problem := uncounted_offers_problem(ids, f"uncounted offers {shown(value)}",
                                           "send the uncounted_offers GetFinancierExposure answered with the version, "
                                           "a JSON list of offer ids, or nothing for none"):
        raise rule("argument-invalid", problem)
    return frozenset(ids)


def _no_discount_offer(offer_id: str) -> RuleViolation:
    """The refusal of a discount offer the caller may not know of, worded as that of an id that names nothing."""
    return rule("not-found", f"no discount offer {shown(offer_id)} on this channel: check the id")


def _ensure_not_withdrawn(d: DiscountOffer) -> None:
    if d.status == "WITHDRAWN":
        raise rule("discount-offer-withdrawn", f"discount offer {d.id} was withdrawn by its debtor {d.debtor} on "
                   f"{d.withdrawn_on}: ask the debtor for a new offer (ListDiscountOffers lists the open ones)")


def _as_of(value: str, today: date) -> date:
    """A query's as-of date: empty for today; a later date is read as today (the ledger knows nothing later,
    and the answer names the date it is as of)."""
    return min(dates.parse_date(value, "as_of"), today) if value else today


def _ensure_request_of_claims_holder(f: Financing, r: Receivable) -> None:
    """Refuse a financing request that names another holder than its claim does. Until acceptance the request's
    key has no key-level policy (any two orgs may write it, by running altered chaincode), while the claim's
    names its holder's org: so the claim says whose request it is, and whose collection the terms go to."""
    if (f.holder, f.holder_msp) != (r.holder, r.holder_msp):
        raise rule("invalid-state", f"financing {f.id} names {f.holder} of {f.holder_msp} as the holder, but its "
                   f"claim {r.id} is held by {r.holder} of {r.holder_msp}: the request record was changed outside "
                   "the contract, and no terms go to a collection on its word; the claim's holder withdraws it "
                   "(WithdrawFinancing) and requests financing again")


def _ensure_claim_names_financing(f: Financing, r: Receivable) -> None:
    """Refuse acting on financing ``f`` through its claim ``r`` unless the claim names it as its live financing, at
    the stage the financing says it is at: a request (no financier on the claim yet), or an accepted or disbursed
    financing (the claim's financier being the financing's bank). A request and its offers have no key-level policy
    (any two orgs may write them, by running altered chaincode) and the records of an earlier contract's financings
    none until UpgradeLedger: an ended request rewritten back to REQUESTED, or one made up on a live claim, would
    otherwise be offered on and accepted, and a request rewritten to ACCEPTED or DISBURSED disbursed, repaid or
    cancelled, with the claim financed by no bank it names. The claim, under its own key-level policy, says which
    financing is live and whose. Called once the financing's status allows the action, so an ended one is refused
    by its status, as before."""
    fix = ("the financing record was changed outside the contract, and nothing is done on its word; act on the "
           "financing the claim names (its holder and financier see it with GetReceivable), or, with none, the "
           "claim's holder requests financing again")
    if r.financing_id != f.id:
        raise rule("invalid-state", f"financing {f.id} says it is of claim {r.id}, which does not name it as its "
                   f"live financing: {fix}")
    if f.status == "REQUESTED":
        if r.financier is not None:
            raise rule("invalid-state", f"financing {f.id} is an open request, but its claim {r.id} is financed "
                       f"by {r.financier} already: {fix}")
    elif (f.financier, f.financier_msp) != (r.financier, r.financier_msp):
        bank = f"{r.financier} of {r.financier_msp}" if r.financier else "no bank"
        raise rule("invalid-state", f"financing {f.id} is {f.status} with {f.financier} of {f.financier_msp} as "
                   f"its bank, but its claim {r.id} names {bank} as its financier: {fix}")
    # the claim's notice tells an accepted financing from a disbursed one: RecordDisbursement alone sets it, and no
    # claim is financed again once a disbursed financing ends (it is settled, or past its due date)
    elif f.status == "ACCEPTED" and r.notice_id is not None:
        raise rule("invalid-state", f"financing {f.id} is ACCEPTED, but its claim {r.id} carries assignment notice "
                   f"{r.notice_id}, which only a disbursement issues: {fix}")
    elif f.status == "DISBURSED" and (f.notice_id is None or r.notice_id != f.notice_id):
        raise rule("invalid-state", f"financing {f.id} is DISBURSED with notice {f.notice_id}, but its claim {r.id} "
                   f"carries notice {r.notice_id}: {fix}")



def _ensure_as_offered(as_made: OfferAsMade, offer_id: str, financing_id: str, r: Receivable) -> None:
    """Refuse accepting or disbursing offer ``offer_id`` under ``financing_id`` on claim ``r`` unless its bank's own
    keys (``recfin.offer-made`` entry or its mark, which no two other orgs can rewrite) say the bank made it on that
    claim and request, with the outstanding amount and currency the claim has: the bank counted the offer's advance
    on those (GetFinancierExposure), and nothing the contract does changes them while the offer stands. Keys an
    earlier contract version wrote record none, and pass."""
    if as_made.made_on_another(r.id, financing_id):
        raise rule("offer-not-this-financing", f"offer {offer_id} was made on claim {as_made.receivable_id} under "
                   f"request {as_made.financing_id}, not on claim {r.id} under {financing_id}, as its bank's own "
                   "records say: the offer, request or financing record was changed outside the contract, and its "
                   "terms are not lent here; end the financing (WithdrawFinancing before acceptance, CancelFinancing "
                   "after) and ask the bank for an offer on this claim")
    # paid to a bank before any bank lent on it: no such payment is recorded before a disbursement's notice, and no
    # claim is financed again once a loan on it ends (settled, or past its due date), but a bank's exposure
    # takes each as collected on the loan
    if paid := r.paid_to_financier():
        raise rule("claim-changed-since-offer", f"claim {r.id} records {money.amount_text(paid, r.currency)} paid to "
                   f"a financier, though no bank has lent on it: the claim was changed outside the contract, and "
                   f"offer {offer_id} is neither accepted nor disbursed; end the financing (WithdrawFinancing before "
                   "acceptance, CancelFinancing after)")
    if as_made.differs_from(r):
        raise rule("claim-changed-since-offer", f"claim {r.id} has {money.amount_text(r.outstanding, r.currency)} "
                   f"outstanding, but offer {offer_id} was made on "
                   f"{money.amount_text(as_made.outstanding or 0, as_made.currency or r.currency)}, the amount its "
                   "bank counted against its limit: the claim was changed outside the contract, and the offer is "
                   "neither accepted nor disbursed; end the financing (WithdrawFinancing before acceptance, "
                   "CancelFinancing after) and ask the bank for an offer on the claim as it stands")

class ReceivablesContract(Contract):
    """Receivables (应收账款) from registration through confirmation, transfer, financing and settlement."""

    name = "receivables"

    def __init__(self, config: cfg.NetworkConfig | None = None) -> None:
        """config: the network's org roles and rules; by default the deployment's (``cfg.load_config``:
        the file RECFIN_NETWORK_CONFIG names, else ``DEFAULT_CONFIG``)."""
        super().__init__()
        self.config = config if config is not None else cfg.load_config()
        self.collection_names = {c["name"] for c in colls.collections_config(self.config)}

    def invalid_arguments(self, error: ContractError) -> ContractError:
        """A wrong number of arguments, or text that is not JSON for a JSON one, refused by the runtime before
        the transaction runs: named by its rule like every other refusal."""
        return ContractError(str(rule("argument-invalid", error.message)))

    def _session(self, ctx: Context) -> Session:
        ts = ctx.stub.get_tx_timestamp()
        store = Store(ctx.stub, regulators=self.config.msps_with_role(cfg.REGULATOR))
        return Session(ctx, store, self.config, dates.business_date(ts), dates.iso_timestamp(ts), ctx.stub.tx_id)

    # ================================================================ parties

    @transaction
    @rules
    async def RegisterParty(self, ctx: Context, party: PartyArgument) -> Party:
        """An org admin registers an enterprise of its own org, with the client identities that act for it."""
        s = self._session(ctx)
        ci = ctx.client_identity
        if not is_org_admin(ci):
            raise rule("not-an-org-admin", f"{_identity(ci.id)} is not an admin of {shown(ci.msp_id)} (certificate "
                       "OU=admin): only org admins register parties")
        req = parse_request(PartyRegistration, party, "party")
        if req.msp_id != ci.msp_id:
            raise rule("admin-of-own-org-only", f"an admin of {shown(ci.msp_id)} cannot register a party of "
                       f"{shown(req.msp_id)}: each org admin registers parties of its own org")
        if not self.config.may_hold(req.msp_id, req.role):
            raise rule("role-not-allowed-for-org", f"parties of {shown(req.msp_id)} may be "
                       f"{', '.join(self.config.org_roles.get(req.msp_id, ())) or 'nothing'}, not {req.role}")
        await s.store.prefetch((keys.PARTY, req.uscc), *((keys.CLIENT, req.msp_id, c) for c in req.client_ids))
        if await s.store.party(req.uscc) is not None:
            raise rule("party-already-registered", f"credit code {req.uscc} is already registered")
        if len(set(req.client_ids)) != len(req.client_ids):
            raise rule("argument-invalid", "client_ids lists an identity twice")
        for client_id in req.client_ids:
            # decided as Session.party decides it: a binding whose party record does not list the identity (two
            # other orgs can write one under the chaincode policy) binds nothing, and is overwritten below
            if (owner := await s.store.party_acted_for(req.msp_id, client_id)) is not None:
                raise rule("identity-already-bound", f"client identity {_identity(client_id)} already acts for "
                           f"{owner.uscc}: one identity acts for one party")
            await _refuse_binding_held_by_other_orgs(s, req.msp_id, client_id)
        doc = Party(uscc=req.uscc, name=req.name, role=req.role, msp_id=req.msp_id, client_ids=req.client_ids,
                    registered=s.action("RegisterParty", ci.id))
        await s.store.put_party(doc, req.client_ids)
        s.emit(events.PARTY_REGISTERED, None, party=doc.uscc, role=doc.role, msp_id=doc.msp_id)
        return doc.to_json()

    @transaction
    @rules
    async def BindPartyIdentity(self, ctx: Context, uscc: str, client_id: str) -> Party:
        """An org admin lets one more client identity act for a party of its org.

        "Already acts for a party" is decided as Session.party decides it: a binding whose party record does not
        list the identity (one two other orgs wrote, say) binds nothing and is overwritten. An identity the record
        lists whose binding is gone is bound again. Refused for an identity whose binding key other orgs hold a
        key-level policy on (``binding-held-by-other-orgs``): its org could never write that binding. The
        record's other bindings are written again but for those of identities acting for another party, left to
        it, and those other orgs hold (``Store.bindings_to_seal``).
        """
        s = self._session(ctx)
        party, client_id = await _admins_own_party(s, uscc, client_id, "bind")
        if (owner := await s.store.party_acted_for(party.msp_id, client_id)) is not None:
            raise rule("identity-already-bound", f"client identity {_identity(client_id)} already acts for "
                       f"{owner.uscc}")
        await _refuse_binding_held_by_other_orgs(s, party.msp_id, client_id)
        if client_id not in party.client_ids:
            party.client_ids.append(client_id)
        # the bindings the record lists, written again under the party org's policy (see Store.put_party)
        await s.store.put_party(party, await s.store.bindings_to_seal(party))
        s.emit(events.PARTY_IDENTITY_BOUND, None, party=party.uscc, client_id=client_id)
        return party.to_json()

    @transaction
    @rules
    async def UnbindPartyIdentity(self, ctx: Context, uscc: str, client_id: str) -> Party:
        """An org admin stops a client identity acting for a party of its org (an employee left, a key was lost).

        The binding goes in this transaction: once it commits, the identity acts for no party. Refused when no
        identity would act for the party afterwards, so no party is left that nobody can act for: identities the
        record lists that act for another party, or whose binding other orgs hold, are not counted, nor are ids
        with surrounding spaces an older contract stored as sent (no certificate's id has them). An admin may
        remove its own certificate's binding: its admin rights come from the certificate, not the binding.

        Any identity the party record lists is taken off it, whatever its binding says; the binding is deleted
        only where it names this party (one naming another party is that party's, or stray) and its org can
        delete it (``Store.release_client``). The bindings of the identities left are written again, but for
        those acting for another party, left to it, and those other orgs hold (``Store.bindings_to_seal``):
        unbinding is how a record that disagrees with the bindings is put right.
        """
        s = self._session(ctx)
        as_sent = client_id
        party, client_id = await _admins_own_party(s, uscc, client_id, "unbind")
        if as_sent in party.client_ids:
            client_id = as_sent     # as listed: a padded id an older contract stored as sent can be taken off
        bound_to = await s.store.client_bound(party.msp_id, client_id)
        if client_id not in party.client_ids:
            stray = (f" (its binding names {party.uscc}, but a binding the record does not list acts for no one)"
                     if bound_to == party.uscc else "")
            raise rule("identity-not-bound", f"client identity {_identity(client_id)} does not act for {party.uscc}: "
                       f"its record does not list it{stray}; unbind one of the identities its party record lists")
        party.client_ids.remove(client_id)
        # the identities left that act for the party keep their bindings, written again under its org's policy
        if not (acting := await s.store.bindings_to_seal(party)):
            padded = [c for c in party.client_ids if c != c.strip()]
            unpadded = [c for c in party.client_ids if c == c.strip()]
            others = (f" (the others its record lists, {', '.join(_identity(c) for c in unpadded)}, act for "
                      "another party or have a binding other orgs hold)" if unpadded else "")
            if padded:   # stored as sent by an older contract: no certificate's id has surrounding spaces
                others += (f" ({', '.join(_identity(c) for c in padded)} {'has' if len(padded) == 1 else 'have'} "
                           "surrounding spaces, which no certificate's id has: it acts for no one; unbind it "
                           "exactly as listed)")
            raise rule("last-identity-of-party", f"no identity would act for {party.uscc} once {_identity(client_id)} "
                       f"goes{others}: bind another first (BindPartyIdentity), so the party keeps someone who can act "
                       "for it")
        await s.store.put_party(party, acting)
        if bound_to == party.uscc:
            await s.store.release_client(party.msp_id, client_id)
        s.emit(events.PARTY_IDENTITY_UNBOUND, None, party=party.uscc, client_id=client_id)
        return party.to_json()

    @transaction(evaluate=True)
    @rules
    async def GetParty(self, ctx: Context, uscc: str) -> Party:
        """Any registered party or org admin may look up a party."""
        s = self._session(ctx)
        if not is_org_admin(ctx.client_identity):
            await s.party()
        return (await s.store.require_party(uscc)).to_json()

    @transaction(evaluate=True)
    @rules
    async def GetPartyHistory(self, ctx: Context, uscc: str) -> list[PartyHistoryEntry]:
        """Every write of a party record, oldest first, for whoever may look the party up (as GetParty): the
        transactions an auditor checks the endorsements of (the first must carry the party's own org's)."""
        s = self._session(ctx)
        if not is_org_admin(ctx.client_identity):
            await s.party()
        party = await s.store.require_party(uscc)
        return await queries.party_history(s.store, party.uscc)

    @transaction(evaluate=True)
    @rules
    async def WhoAmI(self, ctx: Context) -> Party:
        """The party the calling identity acts for."""
        return (await self._session(ctx).party()).to_json()

    @transaction(evaluate=True)
    @rules
    async def FindIdentityParty(self, ctx: Context, msp_id: str, client_id: str) -> IdentityParty:
        """Which party a client identity of an org acts for, or none: for an admin of that org (before
        unbinding a leaver, say), the identity itself and the regulator.

        Decided as every transaction decides its caller's party: the binding names the party and the party
        record lists the identity. A binding the record does not list acts for no one, and is answered so;
        ``bound_to`` says what the binding names all the same, so a binding and a record that disagree show;
        ``held_by``, the other orgs whose key-level policy holds the binding (``Store.binding_held_by``), so a
        caller can count, as UnbindPartyIdentity does, the identities left to act for a party.
        """
        s = self._session(ctx)
        msp_id = _require_text(msp_id, "msp_id", 200, one_line=False)
        client_id = _require_text(client_id, "client_id", 1000, one_line=False)
        await _may_find_identity_party(s, msp_id, client_id)
        party = await s.store.party_acted_for(msp_id, client_id)
        return {"msp_id": msp_id, "client_id": client_id, "party": party.to_json() if party is not None else None,
                "bound_to": await s.store.client_bound(msp_id, client_id),
                "held_by": await s.store.binding_held_by(msp_id, client_id)}

    # ================================================================ register, confirm, reject, withdraw

    @transaction
    @rules
    async def RegisterReceivable(self, ctx: Context, receivable: ReceivableArgument, request_id: str = "") -> Receivable:
        """A supplier registers a claim on its debtor, backed by invoices and, where it lists them, goods receipts.

        With a ``request_id``, a retry of a registration that committed returns its receivable unchanged.
        """
        s = self._session(ctx)
        creditor = await s.party_with_role(cfg.SUPPLIER, request_id=request_id)
        raw = json.dumps(receivable, sort_keys=True, ensure_ascii=False)
        if (done := await s.replay(creditor, request_id, "RegisterReceivable", raw)) is not None:
            return done
        req = parse_request(ReceivableRegistration, receivable, "receivable")
        if (why := money.hundredths_problem(req.currency)) is not None:
            raise rule("currency-invalid", why)     # its invoices are in it too (invoice-currency-mismatch below)
        _part_with_one_receipt(req.goods_receipts)
        # the debtor's buyer documents: its PO and receipt numbers, so its credit code is in each key
        receipt_keys = [fingerprint.goods_receipt_key(req.debtor, gr.po_number, gr.receipt_number)
                        for gr in req.goods_receipts]
        await s.store.prefetch((keys.PARTY, req.debtor), *((keys.FINGERPRINT, fp) for fp in _fingerprints(req.invoices)),
                               *((keys.GOODS_RECEIPT, key) for key in receipt_keys))
        # a number with a character no number may hold (invisible, a look-alike) would key a delivery again; it is
        # taken only where the registry holds a receipt under that very spelling, which an earlier contract took:
        # the same delivery, whose entry's rules (whole, parts, over-invoiced) apply below as to any other
        for position, (gr, key) in enumerate(zip(req.goods_receipts, receipt_keys)):
            problem = (buyer_number_character_problem(gr.po_number, "po_number")
                       or buyer_number_character_problem(gr.receipt_number, "receipt_number"))
            if problem is not None and await s.store.goods_receipt_entry(key) is None:
                raise rule("goods-receipt-invalid", f"{receipt_label(position, None)}: {problem}")
        debtor = await s.store.require_party(req.debtor)
        if debtor.role != cfg.CORE_ENTERPRISE:
            raise rule("debtor-not-core-enterprise", f"{debtor.uscc} is a {debtor.role}: the debtor must be a core enterprise")
        s.ensure_role_allowed(debtor, "takes part")          # it could never confirm, pay or be asked to
        issue, due = date.fromisoformat(req.issue_date), date.fromisoformat(req.due_date)
        if issue > s.today:
            raise rule("issue-date-in-future", f"issue date {issue} is after today {s.today}")
        if due <= s.today:
            raise rule("due-date-passed", f"due date {due} is not after today {s.today}: register only claims not yet due")
        start, started = _payment_term_start(req)
        if (latest := self.config.payment_term_exceeded(start, due)) is not None:
            if latest > s.today:
                advice = f"give a due date on or before {latest}"
            elif start < issue:   # the invoices set the start, and no issue date moves it later
                advice = (f"that term ended on {latest}, so no due date after today is within it: the claim can no "
                          "longer be registered")
            else:
                advice = (f"that term ended on {latest}, so no due date after today is within it: check the issue "
                          "date, which starts the term")
            raise rule("payment-term-too-long", f"due date {due} is {(due - start).days} days after {started}, past "
                       f"the maximum payment term of {self.config.payment_term_text()}: {advice}")
        invoices: list[Invoice] = []
        for n, inv in enumerate(req.invoices, 1):
            if inv.seller_tax_id != creditor.uscc or inv.buyer_tax_id != debtor.uscc:
                raise rule("invoice-parties-mismatch", f"invoice {inv.number}: seller must be the creditor {creditor.uscc} and buyer the debtor {debtor.uscc}")
            # the face amount is compared with the invoices' totals below: figures in one currency only
            if inv.currency != req.currency:
                raise rule("invoice-currency-mismatch", f"invoice {inv.number} is in {inv.currency}, the claim in "
                           f"{req.currency}: register the claim in its invoices' currency (a VAT invoice is in "
                           f"{money.DEFAULT_CURRENCY}, and so is an invoice that names no currency)")
            if date.fromisoformat(inv.date) > s.today:
                raise rule("invoice-date-in-future", f"invoice {inv.number} is dated {inv.date}, after today {s.today}")
            if (why := fingerprint.identity_problem(inv.code, inv.number)
                    or fingerprint.digitalised_year_problem(inv.number.strip())) is not None:
                raise rule("invoice-code-invalid", why)
            # identity only: issuer, code, number; a copy with another date or amount is the same invoice
            fp = fingerprint.invoice_fingerprint(inv.seller_tax_id, inv.code, inv.number)
            invoices.append(Invoice(**inv.model_dump(), fingerprint=fp))
        if (repeat := _first_repeat(i.fingerprint for i in invoices)) is not None:
            position, first = repeat
            raise rule("invoice-listed-twice", f"{invoice_label(position, invoices[position].number)} is the same "
                       f"invoice as {invoice_label(first, invoices[first].number)}: the same seller, code and number "
                       "(another date or amount does not make it another invoice); list each invoice once")
        # a part's figures are recorded below, once the registry says what its receipt's earlier parts invoiced
        receipts = [GoodsReceipt(**gr.model_dump(exclude={"part"}), receipt_key=key)
                    for gr, key in zip(req.goods_receipts, receipt_keys)]
        if (repeat := _first_repeat(gr.receipt_key for gr in receipts)) is not None:
            position, first = repeat
            raise rule("goods-receipt-listed-twice", f"{receipt_label(position, receipts[position])} is listed "
                       f"already as goods_receipts[{first}]: list each goods receipt once")
        fps = [i.fingerprint for i in invoices]
        backing = sum(i.amount + i.tax for i in invoices)
        if req.face_amount > backing:
            raise rule("face-exceeds-invoices", f"face amount {money.amount_text(req.face_amount, req.currency)} "
                       f"exceeds the invoices' total with tax {money.amount_text(backing, req.currency)}")
        for inv in invoices:
            if (owner := await s.store.fingerprint_owner(inv.fingerprint)) is not None:
                raise rule("invoice-already-financed", f"invoice {inv.number} (fingerprint {inv.fingerprint[:12]}…) already backs "
                           f"receivable {owner}: an invoice backs one receivable, until that one is rejected "
                           "(by its debtor) or withdrawn (by its creditor)")
        # a part's share is counted here, not taken from the supplier: what the claim's invoices are for, without
        # tax (the one receipt a registration with a part lists is what they are for: _part_with_one_receipt)
        invoiced = sum(i.amount for i in invoices)
        if any(gr.part is not None for gr in req.goods_receipts) and \
                (why := _part_face_problem(req.face_amount, invoiced, req.currency)) is not None:
            raise rule("goods-receipt-part-face-exceeds", why)
        held: list[GoodsReceiptEntry | None] = []
        for position, (given, gr) in enumerate(zip(req.goods_receipts, receipts)):
            held.append(entry := await _goods_receipt_held(s, position, given, gr.receipt_key, invoiced, debtor,
                                                           creditor, req.currency))
            if given.part is not None:
                receipts[position] = gr.model_copy(update={"part": GoodsReceiptPart(
                    received=given.part.received, invoiced=invoiced,
                    invoiced_before=0 if entry is None else entry.invoiced)})
        if self.config.require_attestation:  # only then: a range read is re-checked at commit (phantom reads)
            for inv in invoices:
                # not those two orgs wrote in an attester's name after its newest (Store.attestations_kept)
                kept = await s.store.attestations_kept(inv.fingerprint)
                why = attestation.registration_problem(self.config, inv, kept,
                                                       creditor_msp=creditor.msp_id, debtor_msp=debtor.msp_id,
                                                       registered_at=s.now)
                if why is not None:
                    raise why
        rid = keys.new_id("R", s.tx_id)
        r = Receivable(id=rid, status=REGISTERED, debtor=debtor.uscc, debtor_msp=debtor.msp_id, creditor=creditor.uscc,
                       holder=creditor.uscc, holder_msp=creditor.msp_id, face_amount=req.face_amount,
                       outstanding=req.face_amount, currency=req.currency, issue_date=req.issue_date,
                       due_date=req.due_date, invoices=invoices, contract_hash=req.contract_hash,
                       goods_receipts=receipts, root_id=rid, last=s.action("RegisterReceivable", creditor.uscc))
        # each entry under the orgs the claim's key gets (Store.put_receivable): its debtor's and its creditor's
        for fp in fps:
            await s.store.put_fingerprint(fp, r)
        for gr, entry in zip(receipts, held):
            if gr.part is None:
                await s.store.put_goods_receipt(gr.receipt_key, r)
                continue
            first_part = entry is None
            entry = entry or GoodsReceiptEntry(receipt_key=gr.receipt_key, received=gr.part.received)
            await s.store.put_goods_receipt_entry(entry.model_copy(update={"parts": [
                *entry.parts, ReceiptPartHeld(receivable_id=rid, invoiced=gr.part.invoiced)]}), r, new=first_part)
        await s.store.put_receivable(r, None)
        s.emit(events.RECEIVABLE_REGISTERED, rid, debtor=r.debtor, holder=r.holder, face_amount=r.face_amount,
               currency=r.currency, due_date=r.due_date)
        return await s.remember(creditor, request_id, "RegisterReceivable", (raw,), r.to_json())

    async def _as_debtor(self, s: Session, receivable_id: str) -> tuple[Party, Receivable]:
        party = await s.party_with_role(cfg.CORE_ENTERPRISE, prefetch=((keys.RECEIVABLE, receivable_id),))
        r = await s.store.receivable(receivable_id)
        if r.debtor != party.uscc:
            # the debtor is not named: a core enterprise that does not owe a claim may not read it
            raise rule("not-the-debtor", f"{party.uscc} is not the debtor of {r.id}: only its debtor may do this; "
                       "check the receivable id")
        return party, r

    async def _as_holder(self, s: Session, receivable_id: str) -> tuple[Party, Receivable]:
        party = await s.party((keys.RECEIVABLE, receivable_id))
        r = await s.store.receivable(receivable_id)
        if r.holder != party.uscc:
            raise rule("not-the-holder", f"{party.uscc} does not hold {r.id}: only its holder may do this")
        return party, r

    @transaction
    @rules
    async def ConfirmReceivable(self, ctx: Context, receivable_id: str) -> Receivable:
        """The debtor confirms (确权): its irrevocable promise to pay the holder at maturity."""
        s = self._session(ctx)
        debtor, r = await self._as_debtor(s, receivable_id)
        lifecycle.ensure_not_frozen(r)
        lifecycle.ensure_status(r, (REGISTERED,), "confirm")
        lifecycle.ensure_before_maturity(r, s.today, "confirm")
        before = r.model_copy()
        r.status, r.confirmed_on = CONFIRMED, s.today_iso
        r.last = s.action("ConfirmReceivable", debtor.uscc)
        await s.store.put_receivable(r, before)
        s.emit(events.RECEIVABLE_CONFIRMED, r.id, debtor=r.debtor, holder=r.holder, face_amount=r.face_amount,
               currency=r.currency)
        return r.to_json()

    @transaction
    @rules
    async def RejectReceivable(self, ctx: Context, receivable_id: str, reason: str) -> Receivable:
        """The debtor rejects a claim it does not owe; its invoices and goods receipts are released."""
        s = self._session(ctx)
        debtor, r = await self._as_debtor(s, receivable_id)
        lifecycle.ensure_not_frozen(r)
        lifecycle.ensure_status(r, (REGISTERED,), "reject")
        before = r.model_copy()
        r.status, r.rejection_reason = REJECTED, _require_text(reason, "reason")
        r.last = s.action("RejectReceivable", debtor.uscc)
        await upgrade.release_invoices(s.store, r)   # with the current spellings UpgradeLedger registered for it
        await s.store.put_receivable(r, before)
        s.emit(events.RECEIVABLE_REJECTED, r.id, reason=r.rejection_reason)
        return r.to_json()

    @transaction
    @rules
    async def WithdrawReceivable(self, ctx: Context, receivable_id: str, reason: str) -> Receivable:
        """The creditor withdraws a claim it registered that its debtor has not confirmed; its invoices (and goods
        receipts) are released.

        Only the debtor answers a registration, and from the due date on it can no longer confirm it
        (``past-maturity``): a claim it never answers, or one registered with a mistake, would otherwise hold its
        invoices for good, and no corrected claim could be registered on them. Any day, the due date passed or
        not; never while frozen. While REGISTERED the creditor is its holder (nothing moves an unconfirmed claim),
        so the holder's check is the creditor's. WITHDRAWN is final, like REJECTED.
        """
        s = self._session(ctx)
        creditor, r = await self._as_holder(s, receivable_id)
        lifecycle.ensure_not_frozen(r)
        lifecycle.ensure_status(r, (REGISTERED,), "withdraw")
        before = r.model_copy()
        r.status, r.withdrawal_reason, r.withdrawn_on = WITHDRAWN, _require_text(reason, "reason"), s.today_iso
        r.last = s.action("WithdrawReceivable", creditor.uscc)
        await upgrade.release_invoices(s.store, r)   # as a rejection releases them
        await s.store.put_receivable(r, before)
        s.emit(events.RECEIVABLE_WITHDRAWN, r.id, reason=r.withdrawal_reason)
        return r.to_json()

    # ================================================================ split and transfer

    @transaction
    @rules
    async def TransferReceivable(self, ctx: Context, receivable_id: str, to: str, amount: str,
                                 request_id: str = "") -> TransferResult:
        """The holder transfers all of a confirmed claim, or splits part of it off, to another party.

        The whole outstanding amount moves the claim itself; less splits it into
        two children (``<id>.1`` transferred, ``<id>.2`` kept) that add up to it.
        With a ``request_id``, a retry of a transfer that committed returns its result and moves nothing.
        """
        s = self._session(ctx)
        args = (receivable_id, to, amount)
        caller = await s.party((keys.RECEIVABLE, receivable_id), (keys.PARTY, to), request_id=request_id)
        if (done := await s.replay(caller, request_id, "TransferReceivable", *args)) is not None:
            return done
        holder, r = await self._as_holder(s, receivable_id)
        lifecycle.ensure_transferable(r, s.today)
        # a part of the claim (split-exceeds-amount): held to the claim's cap, so one stored above today's moves whole
        value = money.parse_amount(amount, "amount", cap=money.STORED_AMOUNT_LIMIT)
        recipient = await s.store.require_party(to)
        if recipient.uscc == holder.uscc:
            raise rule("transfer-to-self", f"{holder.uscc} already holds {r.id}")
        if recipient.role != cfg.SUPPLIER:
            raise rule("recipient-cannot-hold", f"{recipient.uscc} is a {recipient.role}: receivables pass only between suppliers")
        s.ensure_role_allowed(recipient, "takes part")       # it could never act on the claim it received
        transferred, kept = lifecycle.split_amounts(r.outstanding, value, currency=r.currency)
        if kept != 0:
            lifecycle.ensure_splittable(r)
        before = r.model_copy()
        if kept == 0:
            r.holder, r.holder_msp = recipient.uscc, recipient.msp_id
            r.last = s.action("TransferReceivable", holder.uscc)
            await s.store.put_receivable(r, before)
            s.emit(events.RECEIVABLE_TRANSFERRED, r.id, **{"from": holder.uscc, "to": recipient.uscc, "amount": transferred,
                   "currency": r.currency})
            return await s.remember(holder, request_id, "TransferReceivable", args, r.to_json())
        children = []
        for n, (amt, owner) in enumerate(((transferred, recipient), (kept, holder)), 1):
            child = Receivable(
                id=keys.child_id(r.id, n), status=CONFIRMED, debtor=r.debtor, debtor_msp=r.debtor_msp,
                creditor=r.creditor, holder=owner.uscc, holder_msp=owner.msp_id, face_amount=amt, outstanding=amt,
                currency=r.currency, issue_date=r.issue_date, due_date=r.due_date, contract_hash=r.contract_hash,
                root_id=r.root_id, parent_id=r.id, confirmed_on=r.confirmed_on,
                last=s.action("TransferReceivable", holder.uscc))
            await s.store.put_receivable(child, None, split_from=before)
            children.append(child)
        r.status, r.outstanding, r.children = SPLIT, 0, [c.id for c in children]
        r.last = s.action("TransferReceivable", holder.uscc)
        await s.store.put_receivable(r, before)
        s.emit(events.RECEIVABLE_SPLIT, r.id, **{"from": holder.uscc, "to": recipient.uscc, "amount": transferred,
               "currency": r.currency, "children": r.children})
        return await s.remember(holder, request_id, "TransferReceivable", args,
                                {**r.to_json(), "children_records": [c.to_json() for c in children]})

    # ================================================================ financing

    @transaction
    @rules
    async def RequestFinancing(self, ctx: Context, receivable_id: str) -> Financing:
        """The holder asks banks to finance a confirmed claim (at most one live financing)."""
        s = self._session(ctx)
        holder, r = await self._as_holder(s, receivable_id)
        lifecycle.ensure_not_frozen(r)
        if r.financing_id is not None:
            raise rule("financing-already-live", f"{r.id} already has live financing {r.financing_id}: at most one per receivable")
        lifecycle.ensure_status(r, (CONFIRMED,), "finance")
        lifecycle.ensure_before_maturity(r, s.today, "finance")
        f = Financing(id=keys.new_id("F", s.tx_id), receivable_id=r.id, holder=holder.uscc, holder_msp=holder.msp_id,
                      status="REQUESTED", requested_on=s.today_iso, last=s.action("RequestFinancing", holder.uscc))
        before = r.model_copy()
        r.financing_id = f.id
        r.last = f.last
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_REQUESTED, r.id, financing_id=f.id, outstanding=r.outstanding, currency=r.currency,
               due_date=r.due_date)
        return f.to_json()

    @transaction
    @rules
    async def WithdrawFinancing(self, ctx: Context, financing_id: str) -> Financing:
        """The holder withdraws a request no offer of which it has accepted; open offers lapse."""
        s = self._session(ctx)
        await self._prefetch_financing(s, financing_id)
        f = await s.store.financing(financing_id)
        holder, r = await self._as_holder(s, f.receivable_id)
        lifecycle.ensure_not_frozen(r)
        if f.status != "REQUESTED":
            raise rule("invalid-state", f"financing {f.id} is {f.status}: only a request not yet accepted can be withdrawn")
        # ending a request the claim does not name would drop the claim's live financing instead
        _ensure_claim_names_financing(f, r)
        before = r.model_copy()
        await _end_request(s, f, r, s.action("WithdrawFinancing", holder.uscc))
        r.last = f.last
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_WITHDRAWN, r.id, financing_id=f.id)
        return f.to_json()

    async def _prefetch_financing(self, s: Session, financing_id: str, *, callers_offer: bool = False) -> None:
        """Read a financing with the caller's binding, then its receivable with the caller's party (and,
        with ``callers_offer``, the entry of the caller's offer on it): what every successful
        transaction on a financing reads, in two round trips instead of four or five."""
        await s.store.prefetch(s.binding, (keys.FINANCING, financing_id))
        f = await s.store.financing_or_none(financing_id)
        code = await s.caller_code()
        if f is None or code is None:
            return  # the reads that follow report it
        await s.read_with_party((keys.RECEIVABLE, f.receivable_id),
                                *([(keys.OFFER_BY_BANK, f.id, code)] if callers_offer else []))

    def _terms(self, ctx: Context, *, accepted: bool = False) -> OfferTerms:
        """The transient terms; ``accepted``: they repeat an accepted offer's, stored under the cap of its day."""
        raw = ctx.stub.get_transient().get(TERMS_TRANSIENT_KEY)
        if raw is None:
            if accepted:
                raise rule("terms-missing", f"pass the offer's terms as transient data under "
                           f"{TERMS_TRANSIENT_KEY!r}, exactly as GetOfferTerms returns them: they are checked "
                           "against the hash the offer recorded")
            raise rule("terms-missing", f"pass the offer terms as transient data under {TERMS_TRANSIENT_KEY!r}: "
                       "they go to private data and only their hash to the public record")
        return parse_request(OfferTerms, raw, "terms",
                             amount_cap=money.STORED_AMOUNT_LIMIT if accepted else money.MAX_AMOUNT)

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
            raise rule("invalid-state", f"financing {f.id} is no longer an open request: offers are made only on "
                       "open requests")
        _ensure_claim_names_financing(f, r)
        _ensure_request_of_claims_holder(f, r)
        lifecycle.ensure_not_frozen(r)
        # what acceptance checks of the claim: an offer on a claim no longer confirmed or past its due date could
        # never be accepted, and would stand OPEN on the request for nothing
        lifecycle.ensure_status(r, (CONFIRMED,), "finance")
        lifecycle.ensure_before_maturity(r, s.today, "finance")
        terms = self._terms(ctx)
        fin.ensure_disbursable(terms, r.outstanding, currency=r.currency)
        if terms.expires_on < s.today_iso:
            raise rule("offer-expired", f"the offer would expire on {terms.expires_on}, before today {s.today}")
        # a point read, not a range scan: concurrent offers of different banks do not conflict
        if (earlier := await s.store.offer_of_bank(f.id, bank.uscc)) is not None:
            raise rule("offer-already-made", f"{bank.uscc} already made offer {earlier} on {f.id}: one offer per bank "
                       "and request; to change its terms, withdraw it first (WithdrawFinancingOffer)")
        version = await s.store.exposure_version(bank.uscc, r.debtor)
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
            raise rule("no-collection", f"no private data collection {collection} for {r.holder_msp} and {bank.msp_id}: "
                       "add the org pair to the chaincode's configuration")
        o = Offer(id=keys.new_id("O", s.tx_id), financing_id=f.id, receivable_id=r.id, financier=bank.uscc,
                  financier_msp=bank.msp_id, collection=collection, terms_hash=terms.terms_hash(),
                  status="OPEN", made_on=s.today_iso,
                  last=s.action("MakeFinancingOffer", bank.uscc))
        await s.store.put_private(collection, terms, keys.TERMS, o.id)
        await s.store.put_offer(o, r.debtor, offered_on=r, uncounted=uncounted)
        await s.store.move_exposure_version(bank.uscc, r.debtor, version)
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
            hint = {"ACCEPTED": f": the holder accepted it; end financing {o.financing_id} before disbursement with "
                                "CancelFinancing",
                    "LAPSED": ": the holder accepted another offer or the request ended, so it can no longer be "
                              "accepted"}.get(o.status, "")
            raise rule("invalid-state", f"offer {o.id} is {o.status}: only an open offer can be withdrawn{hint}")
        why = _require_text(reason, "reason")
        o.status, o.withdrawn_on, o.withdrawal_reason = "WITHDRAWN", s.today_iso, why
        o.last = s.action("WithdrawFinancingOffer", bank.uscc)
        await s.store.put_offer(o, r.debtor)
        s.emit(events.FINANCING_OFFER_WITHDRAWN, r.id, financing_id=o.financing_id, offer_id=o.id,
               financier=bank.uscc, reason=why)
        return o.to_json()

    def _offered_terms(self, ctx: Context, terms_hash: str | None) -> OfferTerms:
        """The transient terms, which must be those whose hash the offer recorded: an offer made before 9555fad
        hashed its rates as str(Decimal) wrote them ("0E-10" for "0.0000000000")."""
        terms = self._terms(ctx, accepted=True)
        if terms_hash not in (terms.terms_hash(), terms.legacy_terms_hash()):
            raise rule("terms-mismatch", f"the terms given hash to {terms.terms_hash()[:12]}…, the offer to "
                       f"{(terms_hash or '')[:12]}…: pass exactly the offer's terms (GetOfferTerms)")
        return terms

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
        lifecycle.ensure_not_frozen(r)
        if f.status != "REQUESTED" or o.status != "OPEN":
            raise rule("invalid-state", f"offer {o.id} is {o.status} on financing {f.status}: only an open offer on an open request can be accepted")
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
        as_made = await s.store.offer_as_made(o.financier, r.debtor, o.id, bank_msp)
        if not as_made.entry_standing:
            raise rule("offer-not-listed", f"offer {o.id} is OPEN but lacks its bank's recfin.offer-made entry on "
                       f"{r.debtor} under {bank_msp} alone, or its bank dropped that entry, so its bank's open "
                       "offers may not have counted it and it cannot be accepted: an offer an earlier contract "
                       "version made gets the entry from UpgradeLedger, then accept it; for any other, ask the "
                       "bank for a new offer")
        _ensure_as_offered(as_made, o.id, o.financing_id, r)
        # the expiry is private: the holder passes the terms, read from its own peer, and only checks run on
        # them (an offer an earlier contract wrote with a public expiry holds to that one as well)
        if (expiry := o.expiry(self._offered_terms(ctx, o.terms_hash))) < s.today_iso:
            raise rule("offer-expired", f"offer {o.id} expired on {expiry}")
        lifecycle.ensure_status(r, (CONFIRMED,), "finance")
        # Terms that could never be disbursed (no fen advanced, fees taking the advance) are refused when the
        # offer is made (private data is not read in endorsement, the debtor's org holds none), and the
        # outstanding amount cannot change while the financing is live; acceptance checks only the terms' hash
        # and expiry. An offer made by a contract before that check and still OPEN was never checked:
        # accepted, its disbursement is refused (financing-not-positive) and CancelFinancing ends it, releasing
        # the claim.
        # the bank could never disburse it (RecordDisbursement refuses past maturity), and the debtor could not pay
        lifecycle.ensure_before_maturity(r, s.today, "finance")
        # a bank whose org lost the financier role could never disburse, and the claim would wait on it
        s.ensure_role_allowed(await s.store.require_party(o.financier), "takes part")
        act = s.action("AcceptFinancingOffer", holder.uscc)
        for other in await s.store.offers_of(f.id):
            if other.id != o.id and other.status == "OPEN":
                other.status, other.last = "LAPSED", act
                await s.store.put_offer(other, r.debtor)
        o.status, o.last = "ACCEPTED", act
        f.status, f.accepted_offer_id, f.financier, f.financier_msp = "ACCEPTED", o.id, o.financier, o.financier_msp
        f.collection, f.terms_hash, f.last = o.collection, o.terms_hash, act
        before = r.model_copy()
        r.status, r.financier, r.financier_msp, r.last = FINANCED, o.financier, o.financier_msp, act
        await s.store.put_offer(o, r.debtor)
        # the deal's record: its parties' orgs from now on, the claim's holder's and the offer's bank's
        await s.store.put_financing(f, parties=(r.holder_msp, o.financier_msp))
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_OFFER_ACCEPTED, r.id, financing_id=f.id, offer_id=o.id, financier=o.financier)
        return f.to_json()

    async def _as_financier(self, s: Session, financing_id: str) -> tuple[Party, Financing, Receivable]:
        await self._prefetch_financing(s, financing_id)
        bank = await s.party_with_role(cfg.FINANCIER)
        f = await s.store.financing(financing_id)
        if f.financier != bank.uscc:
            raise rule("not-the-financier", f"{bank.uscc} is not the financier of {f.id}")
        return bank, f, await s.store.receivable(f.receivable_id)

    @transaction(transient={TERMS_TRANSIENT_KEY: OfferTerms})
    @rules
    async def RecordDisbursement(self, ctx: Context, financing_id: str) -> Financing:
        """The bank records the advance (terms again as transient ``terms``) and notifies the debtor of the assignment."""
        s = self._session(ctx)
        bank, f, r = await self._as_financier(s, financing_id)
        lifecycle.ensure_not_frozen(r)
        if f.status != "ACCEPTED":
            raise rule("invalid-state", f"financing {f.id} is {f.status}: disbursement follows acceptance, once")
        _ensure_claim_names_financing(f, r)
        # the loan's entry and the bank's own keys on the accepted offer, all read below, in one round trip
        await s.store.prefetch(*s.store.financier_entry_records(r),
                               *offer_made_records(bank.uscc, r.debtor, f.accepted_offer_id or ""))
        # the bank's exposure finds a loan only through its recfin.by-financier entry, which an acceptance endorsed
        # by two orgs running altered chaincode could leave out: no money leaves for a loan the bank's figures miss
        if not await s.store.financier_entry_standing(r, bank.msp_id):
            raise rule("loan-not-in-exposure", f"financing {f.id} on claim {r.id} is missing from {bank.uscc}'s "
                       f"exposure on {r.debtor}, or could be taken out of it (no recfin.by-financier entry, one not "
                       f"under the claim's orgs with {bank.msp_id}, or a claim naming {r.financier_msp} as its "
                       "bank's org), so it is not disbursed: run UpgradeLedger, which writes a missing entry and "
                       "moves the exposure's version, or ResealReceivable, which puts the entry under the claim's "
                       "orgs, read the exposure again and disburse if the limit allows; a claim naming another org "
                       "as its bank's was changed outside the contract: end the financing (CancelFinancing)")
        # the bank's own keys on the accepted offer, which no two other orgs can rewrite: an offer its next offer
        # named among those its figures left out, accepted before that offer committed, is not lent beside it
        as_made = await s.store.offer_as_made(bank.uscc, r.debtor, f.accepted_offer_id or "", bank.msp_id)
        if as_made.dropped == DROPPED_UNCOUNTED:
            raise rule("offer-uncounted", f"financing {f.id} accepted offer {f.accepted_offer_id}, which "
                       f"{bank.uscc}'s exposure on {r.debtor} did not count when it priced a later offer there (it "
                       "named it in uncounted_offers: its record or claim read as ended or not acceptable, rewritten "
                       "outside the contract, then accepted), so it is not disbursed: disbursed, the bank could be "
                       "past its limit on the debtor; end the financing (CancelFinancing), and offer again if the "
                       "limit allows")
        _ensure_as_offered(as_made, f.accepted_offer_id or "", f.id, r)
        # a loan its bank's org does not guard (accepted by two orgs' altered chaincode under a policy of their own)
        # could be written back to a request once lent, its offer then named nowhere: the bank's next offer on the
        # debtor could not see it was out (MakeFinancingOffer's check of its uncounted offers)
        if not await s.store.loan_sealed(r, f):
            raise rule("loan-not-sealed", f"financing {f.id} on claim {r.id} can change without {bank.msp_id}'s "
                       "endorsement (the claim's key not under all the claim's orgs, or the financing's not under "
                       "its holder's and its bank's), so it is not disbursed: a financing an earlier contract version "
                       "accepted gets its policies from UpgradeLedger, a claim its orgs from ResealReceivable; then "
                       "disburse. Any other was accepted outside the contract: end it (CancelFinancing)")
        # the accepted offer's collection, copied from an offer record any two orgs could have rewritten before
        # acceptance: the advance's record goes only to the collection of the claim's holder org and this bank's
        if f.collection != (expected := colls.collection_name(r.holder_msp, bank.msp_id)):
            raise rule("invalid-state", f"financing {f.id} names collection {f.collection} for its terms, not "
                       f"{expected} of its claim's holder org and its bank's: the offer record was changed outside "
                       "the contract, and the advance is not recorded there; end the financing (CancelFinancing)")
        # the terms the financing names are those kept under its accepted offer (their hash, which every peer
        # holds): an acceptance two orgs wrote could name another offer of the bank's, or none, whose own keys
        # (checked above) then say nothing of these terms
        if await s.store.private_hash(f.collection, keys.TERMS, f.accepted_offer_id or "") != f.terms_hash:
            raise rule("offer-not-this-financing", f"financing {f.id} names offer {f.accepted_offer_id} with terms "
                       f"hashing to {(f.terms_hash or '')[:12]}…, but that offer's terms in {f.collection} are not "
                       "those: the financing record was changed outside the contract, and nothing is lent on it; end "
                       "the financing (CancelFinancing)")
        terms = self._offered_terms(ctx, f.terms_hash)
        d = fin.disbursement(financing_id=f.id, receivable_id=r.id, outstanding=r.outstanding, currency=r.currency,
                             terms=terms, disbursed_on=s.today_iso, due_date=r.due_date,
                             days=(date.fromisoformat(r.due_date) - s.today).days)
        act = s.action("RecordDisbursement", bank.uscc)
        notice = AssignmentNotice(
            id=keys.new_id("N", s.tx_id), receivable_id=r.id, financing_id=f.id, debtor=r.debtor, assignor=r.holder,
            financier=bank.uscc, issued_on=s.today_iso, status="ISSUED", last=act,
            text=(f"Receivable {r.id} of {money.amount_text(r.outstanding, r.currency)} due {r.due_date}, held by "
                  f"{r.holder}, has been assigned to {bank.uscc}. Pay {bank.uscc} at maturity."))
        f.status, f.disbursed_on, f.disbursement_hash = "DISBURSED", s.today_iso, sha256_hex(d.to_bytes())
        f.notice_id, f.last = notice.id, act
        before = r.model_copy()
        r.notice_id, r.last = notice.id, act
        await s.store.put_private(f.collection, d, keys.DISBURSEMENT, f.id)
        await s.store.put_notice(notice)
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_DISBURSED, r.id, financing_id=f.id, notice_id=notice.id, financier=bank.uscc)
        return f.to_json()

    @transaction
    @rules
    async def AcknowledgeAssignment(self, ctx: Context, notice_id: str) -> AssignmentNotice:
        """The debtor acknowledges the assignment notice (while its financing is disbursed): it will pay the financier."""
        s = self._session(ctx)
        await s.store.prefetch(s.binding, (keys.NOTICE, notice_id))
        n = await s.store.notice(notice_id)
        await s.read_with_party((keys.RECEIVABLE, n.receivable_id), (keys.FINANCING, n.financing_id))
        debtor, r = await self._as_debtor(s, n.receivable_id)
        lifecycle.ensure_not_frozen(r)
        if n.status != "ISSUED":
            raise rule("invalid-state", f"notice {n.id} is already {n.status}")
        f = await s.store.financing(n.financing_id)
        # the notice tells the debtor whom to pay until the financing is repaid; acknowledged afterwards, the
        # ledger would show a promise to pay a bank that has been paid
        if f.status != "DISBURSED":
            raise rule("invalid-state", f"notice {n.id} is of financing {f.id}, which is {f.status}: a notice is "
                       "acknowledged only while its financing is DISBURSED; once the bank is repaid the claim owes "
                       "it nothing, so there is nothing left to acknowledge (GetFinancing shows the financing)")
        _ensure_claim_names_financing(f, r)
        # the notice the disbursement issued, under its own key, is the one the claim names, and says what the
        # claim and its financing say: a notice record has no key-level policy, and the debtor's acknowledgement is
        # its promise to pay whom the notice names
        if not notice_id == n.id == r.notice_id:
            raise rule("invalid-state", f"notice {notice_id} is not the one claim {r.id} names ({r.notice_id}): the "
                       "notice record was changed outside the contract; acknowledge the claim's own notice")
        if (n.financier, n.debtor, n.assignor) != (f.financier, r.debtor, r.holder):
            raise rule("invalid-state", f"notice {n.id} names {n.financier} as the financier, {n.debtor} as the "
                       f"debtor and {n.assignor} as the assignor, but its financing and claim name {f.financier}, "
                       f"{r.debtor} and {r.holder}: the notice record was changed outside the contract, and the "
                       "debtor promises nothing on its word")
        n.status, n.acknowledged_on, n.last = "ACKNOWLEDGED", s.today_iso, s.action("AcknowledgeAssignment", debtor.uscc)
        await s.store.put_notice(n)
        s.emit(events.ASSIGNMENT_ACKNOWLEDGED, r.id, notice_id=n.id, financier=n.financier)
        return n.to_json()

    @transaction
    @rules
    async def RecordRepayment(self, ctx: Context, financing_id: str) -> Financing:
        """The financier records that the debtor paid it; the financing closes and the claim is settled."""
        s = self._session(ctx)
        bank, f, r = await self._as_financier(s, financing_id)
        lifecycle.ensure_not_frozen(r)
        if f.status != "DISBURSED":
            raise rule("invalid-state", f"financing {f.id} is {f.status}: repayment follows disbursement, once")
        _ensure_claim_names_financing(f, r)
        act = s.action("RecordRepayment", bank.uscc)
        before = r.model_copy()
        if r.status != SETTLED:
            r.payments.append(Payment(amount=r.outstanding, payee=bank.uscc, payee_role="financier", date=s.today_iso,
                                      tx_id=s.tx_id, late=s.today_iso > r.due_date, method="repayment"))
            r.outstanding, r.status = 0, SETTLED
        r.financing_id, r.last = None, act
        f.status, f.repaid_on, f.last = "REPAID", s.today_iso, act
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_REPAID, r.id, financing_id=f.id, financier=bank.uscc)
        return f.to_json()

    @transaction
    @rules
    async def CancelFinancing(self, ctx: Context, financing_id: str, reason: str) -> Financing:
        """The holder or the accepted bank ends an accepted financing the bank has not disbursed.

        Nothing else ends one: withdrawal is for requests not yet accepted, the
        debtor cannot pay before disbursement, and disbursement is refused from
        maturity on. The bank leaves the claim: a FINANCED claim is CONFIRMED
        again (paid, or before its due date financed anew or transferred), an
        OVERDUE one stays OVERDUE (only payment is left for it); the accepted
        offer and its private terms stay as they were, for the record. No assignment
        notice exists yet: disbursement issues it.
        """
        s = self._session(ctx)
        await self._prefetch_financing(s, financing_id)
        party = await s.party_with_role(cfg.SUPPLIER, cfg.FINANCIER)
        f = await s.store.financing(financing_id)
        r = await s.store.receivable(f.receivable_id)
        if party.role == cfg.SUPPLIER and party.uscc != r.holder:
            raise rule("not-the-holder", f"{party.uscc} does not hold {r.id}: only its holder or the bank whose "
                       "offer it accepted may cancel its financing")
        if party.role == cfg.FINANCIER and party.uscc != f.financier:
            raise rule("not-the-financier", f"{party.uscc} is not the financier of {f.id}: only the bank whose offer "
                       "was accepted, or the holder, may cancel it")
        lifecycle.ensure_not_frozen(r)
        if f.status == "DISBURSED":
            raise rule("financing-disbursed", f"financing {f.id} was disbursed on {f.disbursed_on}: it ends with "
                       "repayment (RecordRepayment by the bank), not cancellation")
        if f.status != "ACCEPTED":
            hint = ": withdraw a request not yet accepted (WithdrawFinancing)" if f.status == "REQUESTED" else ""
            raise rule("invalid-state", f"financing {f.id} is {f.status}: only an accepted financing not yet "
                       f"disbursed can be cancelled{hint}")
        _ensure_claim_names_financing(f, r)
        why = _require_text(reason, "reason")
        act = s.action("CancelFinancing", party.uscc)
        before = r.model_copy()
        if r.status == FINANCED:  # an overdue claim stays overdue
            r.status = CONFIRMED
        # the bank leaves the claim: its index entry and its org in the key-level policy go with it (Store)
        r.financing_id, r.financier, r.financier_msp, r.last = None, None, None, act
        f.status, f.cancelled_on, f.cancellation_reason, f.last = "CANCELLED", s.today_iso, why, act
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.FINANCING_CANCELLED, r.id, financing_id=f.id, financier=f.financier, by=party.uscc,
               reason=why, status=r.status)
        return f.to_json()

    async def _recourse_open(self, ctx: Context, s: Session, financing_id: str) -> tuple[Party, Financing, Receivable]:
        """The calling bank, the financing and its claim, where the bank may call on the holder's recourse (demand
        it, DemandRecourse, or record it met, ExerciseRecourse): the financing's bank, the claim not frozen, the
        financing DISBURSED on terms with recourse (the accepted ones again, transient), the claim unpaid and past
        its due date. Both transactions refuse by these rules in this order."""
        bank, f, r = await self._as_financier(s, financing_id)
        lifecycle.ensure_not_frozen(r)
        if f.status != "DISBURSED":
            raise rule("invalid-state", f"financing {f.id} is {f.status}: recourse is demanded or exercised "
                       "only on a disbursed financing the debtor has not paid")
        _ensure_claim_names_financing(f, r)
        # the terms are private: the bank passes them, read from its own peer, and only their hash is checked
        if not self._offered_terms(ctx, f.terms_hash).recourse:
            raise rule("without-recourse", f"financing {f.id} was accepted on terms without recourse "
                       "(recourse: false): the bank bears the debtor's default and cannot take the claim back to "
                       "the holder; the debtor still owes it the claim")
        if r.status == SETTLED:
            raise rule("invalid-state", f"receivable {r.id} is paid in full: nothing is left to recourse; record "
                       "the repayment (RecordRepayment)")
        if s.today_iso <= r.due_date:
            raise rule("not-yet-due", f"{r.id} is due {r.due_date}; today is {s.today}: recourse follows the "
                       "debtor's failure to pay by the due date")
        return bank, f, r

    @transaction(transient={TERMS_TRANSIENT_KEY: OfferTerms})
    @rules
    async def DemandRecourse(self, ctx: Context, financing_id: str, reason: str) -> Financing:
        """The bank of a disbursed financing with recourse, unpaid by the debtor past the due date, calls on the
        holder to take the claim back (回购通知; the accepted terms again as transient ``terms``, for their
        ``recourse``): the holder and the regulator see on the ledger that the bank has called on it. A bank may
        demand again on a later day (a new deadline, after a partial payment by the debtor, after an extension):
        each demand is kept, at most one a day.

        A notice, not a change of hands: the financing stays DISBURSED, the demand is appended to
        ``recourse_demands`` (with what the debtor still owed then), whose last entry is the latest; the claim
        is unchanged. The debtor may still pay the bank
        (RecordPayment, then RecordRepayment, end the matter), and ExerciseRecourse records the holder's
        repurchase with or without a demand before it.
        """
        s = self._session(ctx)
        bank, f, r = await self._recourse_open(ctx, s, financing_id)
        # one a day is enough, and it makes a resubmission (a retry after a lost answer) a refusal that says the
        # demand is on the ledger rather than a second demand
        if f.recourse_demands and f.recourse_demands[-1].on == s.today_iso:
            raise rule("recourse-already-demanded", f"financing {f.id}: {f.financier} demanded recourse today "
                       f"({s.today_iso}) already (GetFinancing shows the demand); demand again on a later day, or, "
                       "once the holder has paid, record it with ExerciseRecourse")
        why = _require_text(reason, "reason")
        # the financing record alone changes, under the policy its acceptance gave it (the holder's and the bank's
        # orgs, Store.put_financing); the claim and its policy are left as they are
        act = s.action("DemandRecourse", bank.uscc)
        f.recourse_demands.append(RecourseDemand(on=s.today_iso, reason=why, outstanding=r.outstanding,
                                                 currency=r.currency, tx_id=act.tx_id))
        f.last = act
        await s.store.put_financing(f)
        s.emit(events.RECOURSE_DEMANDED, r.id, financing_id=f.id, financier=bank.uscc, holder=r.holder,
               outstanding=r.outstanding, currency=r.currency, reason=why)
        return f.to_json()

    @transaction(transient={TERMS_TRANSIENT_KEY: OfferTerms})
    @rules
    async def ExerciseRecourse(self, ctx: Context, financing_id: str, reason: str) -> Financing:
        """The bank of a disbursed financing with recourse, unpaid by the debtor past the due date, records that
        the holder has taken the claim back (the accepted terms again as transient ``terms``, for their
        ``recourse``): as RecordRepayment records the debtor's payment, the bank, which is paid, records it once
        the holder has paid it back; it cannot be undone.

        The financing ends RECOURSED and the bank leaves the claim: it is the holder's again, OVERDUE, and the
        debtor pays the holder from now on (its assignment notice is RELEASED). What the holder paid the bank
        follows their agreement and stays off the ledger, as the disbursement's figures stay private. Terms
        without recourse leave the debtor's default with the bank: refused (``without-recourse``).
        """
        s = self._session(ctx)
        bank, f, r = await self._recourse_open(ctx, s, financing_id)
        why = _require_text(reason, "reason")
        act = s.action("ExerciseRecourse", bank.uscc)
        notice = await s.store.notice(f.notice_id or "")
        notice.status, notice.released_on, notice.last = "RELEASED", s.today_iso, act
        before = r.model_copy()
        # past due and unpaid: OVERDUE whether or not RecordOverdue marked it; the bank leaves the claim, and its
        # index entry and its org in the key-level policy go with it (Store)
        lifecycle.mark_overdue(r)
        r.financing_id, r.financier, r.financier_msp, r.last = None, None, None, act
        f.status, f.recourse_on, f.recourse_reason, f.last = "RECOURSED", s.today_iso, why, act
        await s.store.put_notice(notice)
        await s.store.put_financing(f)
        await s.store.put_receivable(r, before)
        s.emit(events.RECOURSE_EXERCISED, r.id, financing_id=f.id, financier=bank.uscc, holder=r.holder,
               notice_id=notice.id, outstanding=r.outstanding, currency=r.currency, reason=why)
        return f.to_json()

    # ================================================================ dynamic discounting

    @transaction
    @rules
    async def PublishDiscountOffer(self, ctx: Context, offer: DiscountOfferArgument, request_id: str = "") -> DiscountOffer:
        """The debtor offers early payment on its confirmed payables: a flat APR or a sliding scale.

        Each claim listed must be the debtor's, CONFIRMED and not yet due, as AcceptDiscountOffer requires; it
        stays covered when a transfer splits it, part by part (``lifecycle.discount_offer_covers``). An offer
        listing none covers every confirmed payable of the debtor, now and later.

        With a ``request_id``, a retry of a publication that committed returns its offer and publishes no second one.
        """
        s = self._session(ctx)
        debtor = await s.party_with_role(cfg.CORE_ENTERPRISE, prefetch=tuple(_listed_receivables(offer)),
                                         request_id=request_id)
        raw = json.dumps(offer, sort_keys=True, ensure_ascii=False)
        if (done := await s.replay(debtor, request_id, "PublishDiscountOffer", raw,
                                   same_request=functools.partial(_same_discount_offer, offer))) is not None:
            return done
        req = parse_request(DiscountOfferRequest, offer, "offer")
        # a claim listed twice would be stored, announced and listed twice, though the offer covers it once
        if (repeat := _first_repeat(req.receivable_ids)) is not None:
            position, first = repeat
            raise rule("argument-invalid", f"offer: receivable_ids[{position}] {shown(req.receivable_ids[position])} "
                       f"is listed already as receivable_ids[{first}]: list each claim once")
        settlement.check_discount_terms(req.apr, req.scale)
        if req.expires_on < s.today_iso:
            raise rule("offer-expired", f"the offer would expire on {req.expires_on}, before today {s.today}")
        for rid in req.receivable_ids:
            r = await s.store.receivable(rid)
            if r.debtor != debtor.uscc:
                raise rule("not-the-debtor", f"{debtor.uscc} does not owe {rid}: a debtor offers early payment on its "
                           "own payables only; take it out of receivable_ids")
            # what AcceptDiscountOffer asks of the claim: a holder takes early payment on a CONFIRMED claim before
            # its due date, so an offer listing any other could never be taken on it
            if r.status != CONFIRMED:
                raise rule("invalid-state", f"receivable {r.id} is {r.status}: early payment is offered on CONFIRMED "
                           "payables only (a holder can take it on no other); take it out of receivable_ids")
            lifecycle.ensure_before_maturity(r, s.today, "offer early payment on")
        d = DiscountOffer(**req.model_dump(), id=keys.new_id("D", s.tx_id), debtor=debtor.uscc, debtor_msp=debtor.msp_id,
                          status="OPEN", published_on=s.today_iso, last=s.action("PublishDiscountOffer", debtor.uscc))
        await s.store.put_discount_offer(d)
        s.emit(events.DISCOUNT_OFFER_PUBLISHED, None, offer_id=d.id, debtor=d.debtor, receivable_ids=d.receivable_ids)
        return await s.remember(debtor, request_id, "PublishDiscountOffer", (raw,), d.to_json())

    @transaction
    @rules
    async def AcceptDiscountOffer(self, ctx: Context, offer_id: str, receivable_id: str) -> Receivable:
        """The holder takes early payment: the claim settles at outstanding x (1 - apr x days early / basis).

        The acceptance stands for the debtor's early payment: the discounted amount is recorded as paid to the holder
        today and the claim is SETTLED; nothing records whether the money arrives (docs/receivables.md, "What the
        contract does not guarantee")."""
        s = self._session(ctx)
        # both read in the round trip of the caller's binding, which every acceptance reads anyway
        await s.store.prefetch(s.binding, (keys.DISCOUNT, offer_id), (keys.RECEIVABLE, receivable_id))
        # the caller first, then the offer: only the claim's holder learns whether an offer id exists, as
        # GetDiscountOffer tells no one else (a bank, another core enterprise)
        holder, r = await self._as_holder(s, receivable_id)
        # The holder is a supplier, which may read every debtor's offers (GetDiscountOffer): another debtor's offer
        # is refused below as one that does not cover the claim, as reading it with the claim is.
        d = await s.store.discount_offer(offer_id)
        lifecycle.ensure_not_frozen(r)
        open_request = None
        if r.financing_id is not None:
            if (await s.store.financing(r.financing_id)).status != "REQUESTED":
                raise rule("receivable-financed", f"{r.id} has live financing {r.financing_id}: the financier, not "
                           "the holder, is paid")
            open_request = r.financing_id   # refused below, once the offer is known to be one the holder could take
        lifecycle.ensure_status(r, (CONFIRMED,), "discount")
        if not lifecycle.discount_offer_covers(d, r):
            raise rule("discount-offer-not-for-receivable", f"offer {d.id} of {d.debtor} does not cover {r.id}")
        _ensure_not_withdrawn(d)
        if not queries.is_open(d, s.today_iso):
            raise rule("offer-expired", f"discount offer {d.id} expired on {d.expires_on}")
        early = settlement.days_early(s.today, date.fromisoformat(r.due_date))
        if early <= 0:
            raise rule("past-maturity", f"{r.id} is due {r.due_date}: nothing to pay early")
        apr = settlement.discount_rate_for(d, early)
        if apr is None:
            raise rule("discount-not-applicable", f"{early} days early reaches no tier of offer {d.id}")
        if open_request is not None:
            # no bank has accepted: the holder is still the one paid, and may end the request itself. Said only
            # now: withdrawing the request lapses the banks' offers on it, for nothing if this offer were refused
            raise rule("receivable-financed", f"{r.id} has an open financing request {open_request} that no bank "
                       "has accepted yet: withdraw the request (WithdrawFinancing), then take the offer")
        paid, discount = settlement.early_payment(r.outstanding, apr, early, d.day_count, currency=r.currency)
        before = r.model_copy()
        r.payments.append(Payment(amount=paid, discount=discount, payee=holder.uscc, payee_role="holder",
                                  date=s.today_iso, tx_id=s.tx_id, method="dynamic-discount"))
        r.outstanding, r.status = 0, SETTLED
        r.last = s.action("AcceptDiscountOffer", holder.uscc)
        await s.store.put_receivable(r, before)
        s.emit(events.DISCOUNT_OFFER_ACCEPTED, r.id, offer_id=d.id, paid=paid, discount=discount, currency=r.currency,
               days_early=early, apr=format(apr, "f"))   # fixed point, as stored rates are: never "1E-7"
        return r.to_json()

    @transaction
    @rules
    async def WithdrawDiscountOffer(self, ctx: Context, offer_id: str) -> DiscountOffer:
        """The debtor withdraws an early-payment offer it published: from then on no holder can accept it.

        Only an open offer (not withdrawn, not expired) is withdrawn; claims already settled under it stay settled.
        """
        s = self._session(ctx)
        debtor = await s.party_with_role(cfg.CORE_ENTERPRISE, prefetch=((keys.DISCOUNT, offer_id),))
        d = await s.store.discount_offer(offer_id)
        if d.debtor != debtor.uscc:
            raise rule("not-the-debtor", f"discount offer {d.id} was published by {d.debtor}, not {debtor.uscc}: "
                       "only the debtor that published an offer may withdraw it")
        _ensure_not_withdrawn(d)
        if d.expires_on < s.today_iso:
            raise rule("offer-expired", f"discount offer {d.id} expired on {d.expires_on}: no holder can accept it "
                       "any more, so there is nothing to withdraw")
        d.status, d.withdrawn_on = "WITHDRAWN", s.today_iso
        d.last = s.action("WithdrawDiscountOffer", debtor.uscc)
        await s.store.put_discount_offer(d)
        s.emit(events.DISCOUNT_OFFER_WITHDRAWN, None, offer_id=d.id, debtor=d.debtor, receivable_ids=d.receivable_ids)
        return d.to_json()

    # ================================================================ settlement and overdue

    @transaction
    @rules
    async def RecordPayment(self, ctx: Context, receivable_id: str, amount: str, request_id: str = "") -> PaymentResult:
        """The debtor records a payment to the payee (holder, or financier once notified).

        On the debtor's word alone: the payee does not acknowledge it, so a payment recorded but never made still
        pays the claim down, or settles it and so ends the bank's recourse, and counts in the debtor's payment
        record (docs/receivables.md, "What the contract does not guarantee").

        Against a claim that was split, the payment is spread pro rata over its
        unpaid leaves, exact to the fen. With a ``request_id``, a retry of a
        payment that committed returns its result and pays nothing twice.
        From the due date on, a leaf paid whose financing is only requested has
        that request ended, as WithdrawFinancing ends it (``_ensure_payment_ends_request``).
        """
        s = self._session(ctx)
        args = (receivable_id, amount)
        caller = await s.party_with_role(cfg.CORE_ENTERPRISE, prefetch=((keys.RECEIVABLE, receivable_id),),
                                         request_id=request_id)
        if (done := await s.replay(caller, request_id, "RecordPayment", *args)) is not None:
            return done
        debtor, r = await self._as_debtor(s, receivable_id)
        # at most what is owed (payment-exceeds-outstanding): a claim stored above today's cap can be paid in one go
        value = money.parse_amount(amount, "amount", cap=money.STORED_AMOUNT_LIMIT)
        lifecycle.ensure_not_frozen(r)
        if r.status == SPLIT:
            leaves = [leaf for leaf in await queries.leaves(s.store, r) if leaf.status in lifecycle.PAYABLE]
        else:
            lifecycle.ensure_status(r, lifecycle.PAYABLE, "record a payment on")
            leaves = [r]
        for leaf in leaves:
            lifecycle.ensure_not_frozen(leaf)
            if leaf.financing_id is not None and leaf.notice_id is None:
                _ensure_payment_ends_request(leaf, s.today_iso)
        shares = settlement.allocate_pro_rata(value, [(leaf.id, leaf.outstanding) for leaf in leaves],
                                              currency=r.currency)
        paid = [leaf for leaf in leaves if shares[leaf.id] != 0]
        # the requests the payment ends (checked above): their financings read in one round trip
        requested = {leaf.id: leaf.financing_id for leaf in paid if leaf.financing_id is not None and leaf.notice_id is None}
        await s.store.prefetch(*((keys.FINANCING, financing_id) for financing_id in requested.values()))
        allocations, withdrawn = [], []
        for leaf in paid:
            share = shares[leaf.id]
            before = leaf.model_copy()
            if leaf.id in requested:
                f = await s.store.financing(requested[leaf.id])
                await _end_request(s, f, leaf, s.action("RecordPayment", debtor.uscc))
                withdrawn.append({"receivable_id": leaf.id, "financing_id": f.id})
            to_financier = leaf.notice_id is not None and leaf.financing_id is not None
            payee = leaf.financier if to_financier else leaf.holder
            leaf.payments.append(Payment(amount=share, payee=payee, payee_role="financier" if to_financier else "holder",
                                         date=s.today_iso, tx_id=s.tx_id, late=s.today_iso > leaf.due_date))
            leaf.outstanding -= share
            if leaf.outstanding == 0:
                leaf.status = SETTLED
            leaf.last = s.action("RecordPayment", debtor.uscc)
            await s.store.put_receivable(leaf, before)
            allocations.append({"receivable_id": leaf.id, "amount": share, "payee": payee, "outstanding": leaf.outstanding})
        # one event per transaction: the requests the payment ended are named in it (FinancingWithdrawn's
        # financing_id, with the part), as the parts paid are, and only when there are any
        s.emit(events.PAYMENT_RECORDED, r.id, amount=value, currency=r.currency, allocations=allocations,
               **({"financings_withdrawn": withdrawn} if withdrawn else {}))
        return await s.remember(debtor, request_id, "RecordPayment", args, {**r.to_json(), "allocations": allocations})

    @transaction
    @rules
    async def RecordOverdue(self, ctx: Context, receivable_id: str) -> Receivable:
        """The claim's debtor, holder or financier records that it is unpaid past its due date (by the
        transaction's date).

        Its parties only, and that checked before anything about the claim: the answer is the whole claim (an
        evaluate writes nothing and can be repeated), and a refusal naming its status, due date or freeze order
        would tell a caller what GetReceivable refuses it.
        """
        s = self._session(ctx)
        party = await s.party_with_role(cfg.CORE_ENTERPRISE, cfg.SUPPLIER, cfg.FINANCIER,
                                        prefetch=((keys.RECEIVABLE, receivable_id),))
        r = await s.store.receivable(receivable_id)
        if party.uscc not in (r.debtor, r.holder, r.financier):
            raise rule("not-a-party-to-claim", f"{party.uscc} is not the debtor, holder or financier of {r.id}: only "
                       "they may mark it overdue; check the receivable id")
        lifecycle.ensure_not_frozen(r)
        lifecycle.ensure_status(r, (CONFIRMED, FINANCED), "mark overdue")
        if s.today_iso <= r.due_date:
            raise rule("not-yet-due", f"{r.id} is due {r.due_date}; today is {s.today}: it is not overdue")
        before = r.model_copy()
        lifecycle.mark_overdue(r)
        r.last = s.action("RecordOverdue", party.uscc)
        await s.store.put_receivable(r, before)
        s.emit(events.RECEIVABLE_OVERDUE, r.id, outstanding=r.outstanding, currency=r.currency, due_date=r.due_date)
        return r.to_json()

    # ================================================================ invoice verification

    @transaction
    @rules
    async def AttestInvoiceVerification(self, ctx: Context, attestation_request: AttestationArgument,
                                        request_id: str = "") -> InvoiceAttestation:
        """A bank (a role in ``NetworkConfig.attesting_roles``) signs what data sources said about an invoice.

        The record names the invoice (the fingerprint is computed again here),
        the values verified (buyer, date, amount + tax), the sources, the
        outcome and the evidence document's digest; the attester and the time
        (the transaction timestamp) come from the transaction. That time must
        be after the attester's earlier attestations of the invoice
        (``attestation-out-of-order``), so the newest is the last committed: it
        reads and writes the attester's newest (``Store.newest_attestation``), so
        only the same attester's attestations of the invoice conflict with it. With a
        ``request_id``, a retry returns the first record.
        """
        s = self._session(ctx)
        if not self.config.attesting_roles:
            raise rule("role-not-permitted", "this network's configuration names no attesting role (attesting_roles "
                       "is empty): nobody may attest an invoice verification")
        attester = await s.party_with_role(*self.config.attesting_roles, request_id=request_id)
        raw = json.dumps(attestation_request, sort_keys=True, ensure_ascii=False)
        if (done := await s.replay(attester, request_id, "AttestInvoiceVerification", raw)) is not None:
            return done
        req = parse_request(InvoiceAttestationRequest, attestation_request, "attestation_request")
        a = attestation.new_attestation(req, attester, keys.new_id("A", s.tx_id),
                                        s.action("AttestInvoiceVerification", attester.uscc))
        # after the replay: a retry of a recorded request is answered with its record, whatever its time
        newest = await s.store.newest_attestation(a.fingerprint, a.attester)
        if (why := attestation.order_problem(a, newest)) is not None:
            raise why
        await s.store.put_attestation(a)
        s.emit(events.INVOICE_VERIFICATION_ATTESTED, None, attestation_id=a.id, fingerprint=a.fingerprint,
               outcome=a.outcome, sources=a.sources, attester=a.attester)
        return await s.remember(attester, request_id, "AttestInvoiceVerification", (raw,), a.to_json())

    @transaction(evaluate=True)
    @rules
    async def GetInvoiceAttestations(self, ctx: Context, fingerprint: str) -> list[InvoiceAttestation]:
        """Every verification attestation of an invoice, oldest first; any registered party may ask."""
        s = self._session(ctx)
        await s.party()
        _fingerprint(fingerprint)
        return [a.to_json() for a in await s.store.attestations_of(fingerprint)]

    # ================================================================ regulator

    @transaction
    @rules
    async def FreezeReceivable(self, ctx: Context, receivable_id: str, order_reference: str) -> Receivable:
        """The regulator freezes a claim under an order: nothing changes until it is unfrozen. Validated against the
        claim's key-level policy before it (the debtor's and the holder's orgs, the bank's while financed), the
        freeze adds the regulator's org to it (``policy.endorsing_orgs``), so that the orgs it binds cannot lift it
        between them: every later write of the claim, the unfreeze included, needs the regulator's peer too.
        That holds once it commits, and only then: validated against the policy before it, the freeze needs the
        endorsement of each org it binds, so one whose peer refuses it or does not answer keeps it from committing,
        and one that commits a change of the claim first (a transfer, a discount, a payment) makes it fail
        MVCC_READ_CONFLICT; the order is then enforced off the ledger (docs/receivables.md, "What the contract does
        not guarantee").

        On a claim another order freezes already, the order is queued (轮候冻结, ``queued_freezes``): it takes
        effect when the orders before it are lifted, so lifting the first does not free a claim the second binds.
        An order that binds the claim already, in effect or queued, is refused ``already-frozen``: references are
        compared by ``order_key`` (NFKC, whitespace collapsed, case folded), so ``（2026）沪0101财保1号`` is
        ``(2026)沪0101财保1号``, and stored as given (trimmed)."""
        s = self._session(ctx)
        regulator = await s.party_with_role(cfg.REGULATOR, prefetch=((keys.RECEIVABLE, receivable_id),))
        order = _order_reference(order_reference, "order_reference")
        r = await s.store.receivable(receivable_id)
        # compared by ``order_key``: the same order typed with other spacing, case or full-width characters
        if (bound := r.freeze_order_named(order)) is not None:
            raise rule("already-frozen", f"{r.id} is already frozen by order {shown(bound.order_reference)}"
                       + ("" if bound is r.frozen else f", queued behind order {shown(r.frozen.order_reference)}"))
        if r.status == SPLIT:
            # a split claim never changes again: the debt is held in its parts now, each frozen on its own, so
            # the refusal names those a freeze would take (live, not bound by this order yet: one another order
            # freezes takes it queued), in id order as on every peer
            parts = [leaf.id for leaf in await queries.leaves(s.store, r) if leaf.status in lifecycle.LIVE
                     and leaf.freeze_order_named(order) is None]
            advice = (f"freeze those of its parts the order names: {', '.join(parts)}" if parts else
                      "none of its parts can be frozen either: each is settled or frozen by this order already")
            raise rule("invalid-state", f"cannot freeze receivable {r.id} while it is SPLIT: {advice}")
        lifecycle.ensure_status(r, lifecycle.LIVE, "freeze")
        before = r.model_copy()
        recorded = FreezeOrder(order_reference=order, by=regulator.uscc, date=s.today_iso, tx_id=s.tx_id)
        queued = r.frozen is not None
        if queued:
            # a new list: ``before`` (a shallow copy) shares the old one, and the store compares the two
            r.queued_freezes = [*r.queued_freezes, recorded]
        else:
            r.frozen = recorded
        r.last = s.action("FreezeReceivable", regulator.uscc)
        await s.store.put_receivable(r, before)
        s.emit(events.RECEIVABLE_FROZEN, r.id, order_reference=order, queued=queued)
        return r.to_json()

    @transaction
    @rules
    async def UnfreezeReceivable(self, ctx: Context, receivable_id: str, order_reference: str,
                                 lifts: str = _ORDER_IN_EFFECT) -> Receivable:
        """The regulator lifts a freeze order, citing the order that lifts it: ``lifts`` names the freeze order
        lifted (compared as FreezeReceivable compares them, by ``order_key``); left out (as a client before queued
        orders calls it), the one in effect. A blank ``lifts`` is refused ``argument-invalid``: it names no order,
        and taken as the one in effect it would lift the order with priority, which cannot be put back in its
        place. Lifting the order in effect makes the first queued one take effect, so the claim stays frozen;
        lifting a queued one takes it off the queue.
        Only when the last order is lifted is the claim free: ``frozen`` null, and its policy drops the regulator's
        org (which endorses the lifting with the claim's others; a claim an earlier contract version froze never
        had it). The claim keeps the lifting order and the order it lifted (``last_unfreeze``) until a later
        lifting. A ``lifts`` that binds no order of the claim is refused ``freeze-order-not-found`` naming those
        that do. An order is lifted by a regulator of the org whose party recorded it, not by another regulator org
        (``not-the-ordering-regulator``; ``_ensure_may_lift`` says when any regulator may)."""
        s = self._session(ctx)
        regulator = await s.party_with_role(cfg.REGULATOR, prefetch=((keys.RECEIVABLE, receivable_id),))
        order = _order_reference(order_reference, "order_reference")
        if lifts is _ORDER_IN_EFFECT:
            named = None
        elif not lifts.strip():
            raise rule("argument-invalid", "lifts is blank: name the freeze order lifted, or leave lifts out to "
                                           "lift the order in effect")
        else:
            named = _require_text(lifts, "lifts", 200)
        r = await s.store.receivable(receivable_id)
        if r.frozen is None:
            raise rule("not-frozen", f"{r.id} is not frozen")
        binding = r.freeze_orders()
        # an invisible-only lifts names only an order stored so exactly (by an earlier contract, which took one)
        if named is not None and not any(o.order_reference == named for o in binding):
            named = _order_reference(named, "lifts")
        lifted = binding[0] if named is None else r.freeze_order_named(named)
        if lifted is None:
            raise rule("freeze-order-not-found", f"{r.id} is not frozen by order {shown(named)}: the orders that "
                       f"bind it are {', '.join(shown(o.order_reference) for o in binding)}; lift one of those")
        await _ensure_may_lift(s, regulator, lifted, r.id)
        before = r.model_copy()
        rest = [o for o in binding if o is not lifted]
        r.frozen, r.queued_freezes = (rest[0], rest[1:]) if rest else (None, [])
        r.last_unfreeze = FreezeLifting(order_reference=order, lifted=lifted.order_reference, by=regulator.uscc,
                                        date=s.today_iso, tx_id=s.tx_id)
        r.last = s.action("UnfreezeReceivable", regulator.uscc)
        await s.store.put_receivable(r, before)
        s.emit(events.RECEIVABLE_UNFROZEN, r.id, order_reference=order, lifted=lifted.order_reference,
               frozen_by=r.frozen.order_reference if r.frozen else None)
        return r.to_json()

    @transaction
    @rules
    async def ResealReceivable(self, ctx: Context, receivable_id: str) -> Reseal:
        """Rewrite the key-level policy of a claim whose key names fewer orgs than due (UpgradeLedger lists it in
        ``claims_to_reseal``) to the orgs due now (``policy.endorsing_orgs``, as any change of the claim in its
        state would write it): a claim frozen before a freeze added the regulator's org, or one of one org's
        parties an earlier version guarded by that org alone. Until then those orgs can change it between them,
        a freeze's lifting included.

        Fabric validates a change of a key's policy against the policy the key carries, so the orgs the key names
        now must endorse this transaction (``GetReceivableEndorsers``); a page of UpgradeLedger, endorsed by
        others, cannot. Its debtor, its holder, its bank while financed, or the regulator calls it: none of them
        gains anything by it. The orgs due are the contract's to compute, what any change of the claim would
        write: an org the key names that is no longer due (a regulator org the configuration replaced, say) is
        dropped, but only with its own endorsement, since the key's policy names it, so no org loses a say it
        did not give up. It changes no business data, so the regulator, which changes only freeze state, may
        restore its own org to a frozen claim. A claim still REGISTERED has its registry entries resealed with it
        (``Store.reseal_registry_entries``): a rejection or withdrawal releases them under their own policy, the
        orgs its key got at registration, which endorse this transaction too. A key with no policy gets the orgs
        due as well (``orgs_before``
        empty), endorsed as the chaincode-level policy asks, which guards it until then. The caller is checked
        before anything about the claim, as RecordOverdue's is. Refused ``nothing-to-reseal`` where the key names
        every org due already, and nothing is written; ``claim-needs-two-orgs`` where the orgs due are one.

        Answers the claim id, the orgs before and after, and ``tx_id``, this transaction's (the claim's ``last``
        is not changed, so it does not name it).
        """
        s = self._session(ctx)
        party = await s.party((keys.RECEIVABLE, receivable_id))
        r = await s.store.receivable(receivable_id)
        if party.role != cfg.REGULATOR and party.uscc not in (r.debtor, r.holder) and not (
                r.financing_id is not None and party.uscc == r.financier):
            raise rule("not-a-party-to-claim", f"{party.uscc} is not the debtor, holder or financier of {r.id}: "
                       "only they and the regulator may reseal it; check the receivable id")
        orgs_before, orgs_after = await s.store.reseal_receivable(r)
        if r.status == lifecycle.REGISTERED:  # its rejection or withdrawal releases its entries, under their policy
            await upgrade.reseal_registry_entries(s.store, r)
        # The claim's value is not written, so ``last`` keeps naming its last business change: only the key's
        # policy changes, as UpgradeLedger's policy writes change only that (the audit reads the claim's history
        # of values, and GetReceivableHistory shows no step where nothing happened to the claim). Who resealed it,
        # and when, is this event's (``by``, ``tx_id``).
        s.emit(events.RECEIVABLE_RESEALED, r.id, by=party.uscc, orgs_before=orgs_before, orgs_after=orgs_after)
        return Reseal(receivable_id=r.id, orgs_before=orgs_before, orgs_after=orgs_after, tx_id=s.tx_id).to_json()

    # ================================================================ ledger upgrade

    @transaction
    @rules
    async def UpgradeLedger(self, ctx: Context, page_size: str, bookmark: str) -> LedgerUpgrade:
        """Write, for one page of records, the index and registry entries records of earlier contract versions
        lack, and the key-level policy of a claim whose orgs due are two or more (one they left REGISTERED or
        REJECTED, or REGISTERED and since rejected or withdrawn, and one of any status written while its orgs due
        were one org), of a financing they accepted, and of a discount offer and its list entry, where the key has
        none (``upgrade``; ``discount_offer_policies`` counts the offer keys and entries sealed): an admin of an
        org whose parties may be the regulator runs it, page after page from bookmark "", until done.

        It writes only entries and policies derived from the records it reads, and only missing ones, so they may
        run it any number of times. It is the regulator's org's alone because it reads every claim: even evaluated,
        writing nothing, its pages name claim ids (bookmarks, collisions) that GetReceivable refuses other
        callers. The regulator itself is refused too: it reads everything but changes only freeze state. An
        invoice registered twice under two spellings is reported, never resolved. A record it cannot read is
        passed over, its key listed in ``unreadable``, and the page goes on; a claim whose key-level policy names
        fewer orgs than due, which the page cannot rewrite, is listed in ``claims_to_reseal``, for ResealReceivable.
        """
        s = self._session(ctx)
        ci = ctx.client_identity
        regulators = ", ".join(self.config.msps_with_role(cfg.REGULATOR)) or "none configured"
        if not is_org_admin(ci):
            party = await s.party()
            why = ("the regulator reads everything but changes only freeze state" if party.role == cfg.REGULATOR
                   else "UpgradeLedger reads every claim on the channel")
            raise rule("role-not-permitted", f"{shown(party.name)} ({party.uscc}) is a {party.role}: {why}, so only "
                       f"an admin of the regulator's org ({regulators}) runs it; ask them to")
        if not self.config.may_hold(ci.msp_id, cfg.REGULATOR):
            raise rule("role-not-permitted", f"{_identity(ci.id)} is an admin of {shown(ci.msp_id)}, whose "
                       "parties may not be the regulator: UpgradeLedger reads every claim on the channel, so only "
                       f"an admin of the regulator's org ({regulators}) runs it; ask them to")
        result = await upgrade.upgrade_page(s.store, _page_size(page_size), bookmark)
        s.emit(events.LEDGER_UPGRADED, None, by=ci.id, **result)
        return result

    # ================================================================ queries

    async def _readable(self, s: Session, receivable_id: str) -> tuple[Party, Receivable]:
        party = await s.party()
        r = await s.store.receivable(receivable_id)
        if not await queries.may_read(s.store, party, r):
            raise rule("not-permitted-to-read", f"{party.uscc} is not a party to {r.id}: only its debtor, holder, "
                       "creditor, financier, banks asked to finance it, and the regulator may read it")
        return party, r

    @transaction(evaluate=True)
    @rules
    async def GetReceivable(self, ctx: Context, receivable_id: str) -> Receivable:
        """A receivable by id."""
        return (await self._readable(self._session(ctx), receivable_id))[1].to_json()

    @transaction(evaluate=True)
    @rules
    async def GetReceivableHistory(self, ctx: Context, receivable_id: str) -> list[HistoryEntry]:
        """Every change of a receivable: who, what, when, in which transaction."""
        s = self._session(ctx)
        _, r = await self._readable(s, receivable_id)
        return await queries.history(s.store, r.id)

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
    async def ListReceivablesByHolder(self, ctx: Context, holder: str, page_size: str, bookmark: str) -> Page:
        """A page of the receivables a party holds (the holder itself or the regulator)."""
        s = self._session(ctx)
        party = await s.party()
        if party.uscc != holder and party.role != cfg.REGULATOR:
            raise rule("not-permitted-to-read", "a party lists only the receivables it holds")
        return await queries.page(s.store, keys.BY_HOLDER, holder, _page_size(page_size), bookmark)

    @transaction(evaluate=True)
    @rules
    async def ListReceivablesByDebtor(self, ctx: Context, debtor: str, page_size: str, bookmark: str) -> Page:
        """A page of a debtor's payables (the debtor itself or the regulator)."""
        s = self._session(ctx)
        party = await s.party()
        if party.uscc != debtor and party.role != cfg.REGULATOR:
            raise rule("not-permitted-to-read", "a debtor lists only its own payables")
        return await queries.page(s.store, keys.BY_DEBTOR, debtor, _page_size(page_size), bookmark)

    @transaction(evaluate=True)
    @rules
    async def ListReceivablesByFinancier(self, ctx: Context, financier: str, debtor: str, page_size: str,
                                         bookmark: str) -> Page:
        """A page of the claims a bank finances, from the acceptance of its offer until repayment, cancellation or
        recourse, by debtor then id (the bank itself or the regulator): ``debtor`` empty for every debtor's, else
        that debtor's only."""
        s = self._session(ctx)
        await _bank_to_list(s, financier, "financed claims", "the claims it finances")
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
        await _bank_to_list(s, financier, "open offers", "its own open offers")
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
        for a financier each holder as an opaque token.
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
        offers = [o.to_json() for o in await s.store.offers_of(f.id)]
        if party.uscc != f.holder and party.role != cfg.REGULATOR:
            # an offer an earlier contract made wrote its expiry in clear: only its collection's members see it
            offers = [o if o["financier"] == party.uscc else {k: v for k, v in o.items() if k != "expires_on"}
                      for o in offers]
        return {**f.to_json(), "offers": offers}

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
            raise rule("not-permitted-to-read", f"the terms of {o.id} are for the holder, the bank and the regulator only")
        # only while the request is open, when withdrawing it is the holder's way out: acceptance refuses a
        # rewritten request, and after it disbursement and recourse must still read the terms
        if f.status == "REQUESTED":
            _ensure_request_of_claims_holder(f, r)
        raw = await s.store.get_private(o.collection, keys.TERMS, o.id)
        if raw is None:
            raise rule("not-found", f"the terms of {o.id} are not on this peer: ask a peer of {o.collection}'s member orgs")
        # as a request writes them (rates in digits), so that they can be sent back to accept or disburse: terms
        # stored before 9555fad hold a rate such as "0E-10", which a request may not, and still hash as stored
        return OfferTerms.from_stored(raw).to_json()

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
        them (``queries.discount_offers_as_seen_by``).
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
            raise rule("not-permitted-to-read", f"discount offers of {shown(debtor)} are for its suppliers, the debtor and the regulator")
        if scope not in ("open", "all"):
            raise rule("argument-invalid", f"scope {shown(scope)}: ask for open (not withdrawn, not expired) or all")
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
        (``discount-offer-not-for-receivable``).
        """
        s = self._session(ctx)
        party = await s.party()
        if party.role == cfg.FINANCIER:   # decided by the role alone, before the offer is read: no id is told apart
            raise rule("not-permitted-to-read", "discount offers are for a debtor's suppliers, the debtor itself and "
                       "the regulator")
        if receivable_id:   # every answer but a refusal reads both
            await s.store.prefetch((keys.DISCOUNT, offer_id), (keys.RECEIVABLE, receivable_id))
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
        return seen


CONTRACTS = [ReceivablesContract()]  # with the deployment's configuration (cfg.load_config)
