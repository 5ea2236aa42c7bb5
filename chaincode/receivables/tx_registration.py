"""Registering a claim: ``RegisterReceivable`` and the checks of the invoices and goods receipts it lists.

Apart because registration is the one transaction that reads the invoice and goods receipt registries, and the
most involved: what the invoices' dates say of the payment term, and how a delivery invoiced in parts is counted
against what was received (``MAX_PARTS_ROUNDING_FEN``).
"""

from __future__ import annotations

import functools
import json
from datetime import date

from chaincode.contract import Context, transaction

from . import config as cfg
from . import attestation, events, fingerprint, keys, lifecycle, money, payment_term, queries
from .arguments import _first_repeat
from .errors import parts_named, rule, shown
from .model import (
    PAPER_FIELDS, REGISTERED, SPLIT, GoodsReceipt, GoodsReceiptEntry, GoodsReceiptPart, GoodsReceiptReference,
    Invoice, InvoiceAttestation, InvoiceInput, Party, ReceiptPartHeld, Receivable, ReceivableRegistration,
    buyer_number_character_problem, invoice_label, json_object_argument, parse_request, receipt_label,
)
from .schemas import json_argument
from .session import Session, rules
from .store_base import UNREADABLE_VALUE
from .store_registry import BLOCKED_ENTRY
from .tx_base import TransactionGroup

ReceivableArgument = json_argument(ReceivableRegistration)


def _fingerprints(invoices) -> list[str]:
    """The fingerprints of well-formed invoice identities, paper identities (``paper_code``, ``paper_number``)
    and of their other spellings (for prefetching; the checks report the others)."""
    found = []
    for inv in invoices:
        for code, number in ((inv.code, inv.number), (inv.paper_code, inv.paper_number)):
            if not number:
                continue
            try:
                found.append(fingerprint.invoice_fingerprint(inv.seller_tax_id, code, number))
                if (other := fingerprint.other_spelling(code, number)) is not None:
                    found.append(fingerprint.invoice_fingerprint(inv.seller_tax_id, *other))
            except ValueError:
                continue
    return found


def _other_spelling(inv: Invoice) -> tuple[str, str, str] | None:
    """The code, number and fingerprint of ``inv``'s other spelling (:func:`fingerprint.other_spelling`: a
    12-digit code and 8-digit number run together as a 20-digit number, or the other way round); None where
    it has none."""
    if (other := fingerprint.other_spelling(inv.code, inv.number)) is None:
        return None
    return *other, fingerprint.invoice_fingerprint(inv.seller_tax_id, *other)


async def _newer_named(s: Session, fp: str, newer: list[str], unreadable: list[str]
                       ) -> tuple[list[tuple[str, str]], list[str]]:
    """Of the invoice's records under ``fp`` a newer contract version wrote (``newer``, attestation ids), those
    its attesters' entries name (``Store.named_newest``), as (fingerprint, id), which hold back its registration
    on this peer; and ``unreadable`` with the others added: no attestation wrote them, so they count for nothing
    and are named among those not counted, as any record no attestation parses to is."""
    if not newer:
        return [], unreadable
    named = await s.store.named_newest(fp, newer)
    return [(fp, attestation_id) for attestation_id in named], \
        [*unreadable, *(attestation_id for attestation_id in newer if attestation_id not in named)]


async def invoice_attestations(s: Session, inv: Invoice, *, claim_id: str | None = None
                               ) -> tuple[list[InvoiceAttestation], list[str], dict[str, str]]:
    """The attestations of ``inv`` a step asks :mod:`attestation` about under ``require_attestation`` (a
    registration, an acceptance of a financing offer), under either spelling, oldest first, as
    ``Store.attestations_kept`` keeps them (not those two orgs wrote in an attester's name after its newest); with
    the ids of the records no attestation parses to, and of those kept that nothing their attester wrote shows are
    its own, each with why. Refused ``record-newer-version`` where a newer contract version wrote one its
    attester's entry names (``attestation.newer_version_problem``, naming ``claim_id`` for an acceptance on
    it): this peer cannot tell whether it fails.
    Reads the invoice's attestations as a range, which Fabric checks again at commit (``PHANTOM_READ_CONFLICT``
    where an attestation of it commits meanwhile)."""
    kept, unreadable, newer, unnamed = await s.store.attestations_kept(inv.fingerprint)
    newer_records, unreadable = await _newer_named(s, inv.fingerprint, newer, unreadable)
    if (other := _other_spelling(inv)) is not None:
        # the same invoice under its other spelling, as invoice-already-financed reads it: a failure attested
        # there is this invoice's too, and naming the spelling it is not under must not pass it (nor another
        # attester's values verified there)
        other_kept, other_unreadable, other_newer, other_unnamed = await s.store.attestations_kept(other[2])
        unnamed |= other_unnamed
        kept = sorted([*kept, *other_kept], key=lambda a: (attestation.attested_time(a), a.attested.tx_id))
        other_records, other_unreadable = await _newer_named(s, other[2], other_newer, other_unreadable)
        unreadable = [*unreadable, *other_unreadable]
        newer_records += other_records
    if (why := attestation.newer_version_problem(inv, newer_records, claim_id=claim_id)) is not None:
        raise why
    return kept, unreadable, unnamed


def _one_spelling_fingerprint(inv: Invoice) -> str:
    """The fingerprint ``inv`` has in the one spelling both of its spellings share (:func:`fingerprint.one_spelling`,
    which the CLI compares a registration's invoices in before sending it)."""
    return fingerprint.invoice_fingerprint(inv.seller_tax_id, *fingerprint.one_spelling(inv.code, inv.number))


def _spelled(code: str, number: str) -> str:
    return f"code {code} and number {number}" if code else f"number {number} with no code"


async def _already_financed(s: Session, position: int, inv: Invoice, owner: str,
                            other: tuple[str, str, str] | None = None, *, paper: bool = False,
                            linking: Receivable | None = None) -> str:
    """Why ``inv``, the registration's invoice at ``position`` (``paper``: its paper identity,
    :func:`_paper_identity`), is refused, its fingerprint, or that of its ``other`` spelling
    (:func:`_other_spelling`), backing ``owner``, and what can be done: a claim still
    REGISTERED releases it when withdrawn or rejected, one its debtor confirmed never does, settled or not.
    Only the claim's creditor, the invoice's seller, registers the invoice, and it may read the claim.
    ``linking``: the root claim LinkPaperIdentity links the paper identity to, whose creditor is told what a
    link can do (:func:`_link_refused`), not how to register."""
    # an 8-digit number is one invoice only with its code (a paper identity is named with it)
    code = f", code {inv.code}" if inv.code and not paper else ""
    named = _identity_named(position, inv, paper)
    either = (", under its 20-digit number or its paper form's code and number alike (数电纸质发票: the "
              "registry holds a claim naming both under each)") if paper else ""
    if other is None:
        held = (f"{named}{code} (fingerprint {inv.fingerprint[:12]}…) "
                f"already backs receivable {owner}: an invoice backs one receivable{either}")
    else:
        other_code, other_number, other_fp = other
        held = (f"{named}{code} is the invoice registered as "
                f"{_spelled(other_code, other_number)} (fingerprint {other_fp[:12]}…), a 12-digit code and "
                f"8-digit number run together being one 20-digit number, which already backs receivable "
                f"{owner}: an invoice backs one receivable, whichever of its two spellings it is given in"
                f"{either}")
    try:
        claim = await s.store.receivable_or_none(owner)
    except UNREADABLE_VALUE:   # an entry naming a claim no contract wrote: the rule alone
        claim = None
    if linking is not None and claim is not None and claim.status not in lifecycle.RELEASED:
        return f"{held}; {_link_refused(claim, linking)}"
    if claim is not None and claim.status == REGISTERED and claim.frozen is not None:
        return (f"{held}, until that one is rejected (by its debtor) or withdrawn (by its creditor): "
                f"{_withdrawal_held_back(claim)}; then register again")
    if claim is not None and claim.status == REGISTERED:
        return (f"{held}, until that one is rejected (by its debtor) or withdrawn (by its creditor): "
                f"{owner} is REGISTERED, so if it is the mistaken claim, withdraw it (WithdrawReceivable) "
                "and register again")
    if claim is not None and claim.status not in lifecycle.RELEASED:
        return (f"{held}, and {owner} is {claim.status}: a claim its debtor has confirmed keeps its "
                "invoices for good, paid or not (only a rejection or a withdrawal before confirmation "
                "releases them); register this claim without the invoice")
    if claim is None:
        # no such claim, or no record this contract wrote: the entry is a new key two orgs wrote outside
        # the contract (under the chaincode-level policy alone), and no rejection or withdrawal releases it
        return (f"{held}, but no receivable {owner} is on the ledger (or its record is none this "
                f"contract wrote): the entry was written outside the contract. {BLOCKED_ENTRY}"
                + (", and link the paper identity then" if linking is not None else ""))
    return f"{held}, until that one is rejected (by its debtor) or withdrawn (by its creditor)"


def _link_refused(holder: Receivable, root: Receivable) -> str:
    """What the creditor linking a paper identity to ``root`` can do where ``holder``, a claim still holding
    the invoice (not rejected or withdrawn), was registered under that code and number. If they are this
    invoice's, one invoice backs two claims, which a link cannot fix: one of them has to end while its debtor
    has not confirmed it, and once it has confirmed both, no step on the ledger ends either, so the debtor and
    the banks have to be told. If they are another invoice's (the paper form misread), the right ones link."""
    whose = f"your claim {holder.id}" if holder.creditor == root.creditor else f"receivable {holder.id}"
    if holder.debtor != root.debtor:
        return (f"{whose} is {holder.status}, on another debtor ({holder.debtor}), so the paper identity cannot be "
                f"linked to {root.id}: check the code and number against the paper form of this invoice, "
                f"which is {root.debtor}'s, and link those printed on it")
    check = (f"so the paper identity cannot be linked to {root.id}: check the code and number against the "
             "paper form, and if they are another invoice's, link this invoice's own; if they are this "
             "invoice's, the one invoice backs both claims")
    if holder.status == REGISTERED:
        lifted = ("" if holder.frozen is None else f" once the regulator lifts every order binding it (it is "
                  f"frozen by order {shown(holder.frozen.order_reference)}: UnfreezeReceivable)")
        instead = (f", or withdraw {root.id} instead if that is the one registered in error"
                   if root.status == REGISTERED else "")
        return (f"{whose} is REGISTERED under the paper form's code and number, {check}: withdraw "
                f"{holder.id} (WithdrawReceivable){lifted}, then link the paper identity again{instead}")
    if root.status == REGISTERED:
        way_on = (f"withdraw {root.id} (WithdrawReceivable), which its debtor has not confirmed, so that the "
                  "invoice backs one claim")
    else:
        way_on = (f"its debtor has confirmed both, and no step on the ledger ends a confirmed claim: tell its "
                  f"debtor {root.debtor}, and any bank financing either claim, so that the invoice is paid and "
                  "financed once (FindInvoice of either identity names the claim it backs)")
    return (f"{whose} is {holder.status}: its debtor confirmed it under the paper form's code and number, and a "
            f"confirmed claim keeps its invoices for good, {check}: {way_on}")


def _withdrawal_held_back(claim: Receivable) -> str:
    """Of ``claim``, REGISTERED and frozen, holding an invoice or a goods receipt a registration lists: that its
    withdrawal waits for the regulator. A frozen claim is neither withdrawn nor rejected
    (lifecycle.ensure_not_frozen): advising the withdrawal alone would send the creditor to a receivable-frozen
    refusal."""
    queue = f" ({len(claim.queued_freezes)} more queued behind it)" if claim.queued_freezes else ""
    return (f"{claim.id} is REGISTERED and frozen by order {shown(claim.frozen.order_reference)}{queue}, so it "
            "can be withdrawn (WithdrawReceivable), if it is the mistaken claim, only once the regulator lifts "
            "every order binding it (UnfreezeReceivable)")


def _paper_identity(inv: Invoice) -> Invoice | None:
    """``inv``'s paper identity (数电纸质发票: ``paper_code``, ``paper_number``) as an invoice of its own, its
    fingerprint ``paper_fingerprint``, for the checks an invoice's identity gets; None where it names none."""
    if not inv.paper_fingerprint:
        return None
    return inv.model_copy(update={"code": inv.paper_code, "number": inv.paper_number,
                                  "fingerprint": inv.paper_fingerprint, "paper_code": "", "paper_number": "",
                                  "paper_fingerprint": ""})


def _identities_listed(invoices: list[Invoice]) -> list[tuple[int, Invoice, bool]]:
    """Each identity the registration's ``invoices`` name, as (the invoice's place, the identity as an invoice,
    whether it is a paper identity): an invoice's own, then its paper one (:func:`_paper_identity`)."""
    listed = []
    for position, inv in enumerate(invoices):
        listed.append((position, inv, False))
        if (paper := _paper_identity(inv)) is not None:
            listed.append((position, paper, True))
    return listed


def _identity_named(position: int, identity: Invoice, paper: bool) -> str:
    """How a refusal names one identity of ``invoices[position]``: the invoice, or its paper identity."""
    if paper:
        return f"invoices[{position}]'s paper identity, {_spelled(identity.code, identity.number)}"
    return invoice_label(position, identity.number)


def _ensure_paper_identity_fits(position: int, inv: InvoiceInput, paper_code: str, paper_number: str) -> None:
    """Refused ``invoice-code-invalid`` where ``inv``, the invoice at ``position``, cannot name the paper identity
    ``paper_code`` and ``paper_number`` (:func:`fingerprint.paper_identity_problem`: a 20-digit number with no
    code only, both paper fields or neither), or its code or that paper code says its form was printed after
    the invoice's date. RegisterReceivable and LinkPaperIdentity check a paper identity here alike."""
    if (why := fingerprint.paper_identity_problem(inv.code, inv.number, paper_code, paper_number)) is not None:
        raise rule("invoice-code-invalid", f"{invoice_label(position, inv.number)}: {why}")
    # no invoice is issued on a form before it is printed (the year digits of its code or paper code)
    issued = date.fromisoformat(inv.date)
    if (why := fingerprint.invoice_code_years_problem(inv.code, paper_code, issued)) is not None:
        raise rule("invoice-code-invalid", f"{invoice_label(position, inv.number)}: {why}")


async def _ensure_identity_free(s: Session, position: int, inv: Invoice, paper: bool, *,
                                linking: Receivable | None = None) -> None:
    """Refused ``invoice-already-financed`` where ``inv`` (``paper``: the paper identity of the invoice at
    ``position``, :func:`_paper_identity`) backs a claim under its fingerprint or that of its other spelling
    (:func:`_other_spelling`), with the advice of :func:`_already_financed`: the caller is the invoice's seller,
    the creditor of any claim holding it, and may read that claim. ``linking``: the root claim LinkPaperIdentity
    links ``inv`` to; an entry naming it was written outside the contract (:func:`_held_for_the_claim_linked`), as
    was one naming a claim that is not on the ledger (:func:`_already_financed`)."""
    owner = await s.store.fingerprint_owner(inv.fingerprint)
    other = None
    # the same invoice under its other spelling, whose fingerprint differs (fingerprint.other_spelling): its
    # entry is read, not written, so it is in this transaction's read set, and of two registrations of the two
    # spellings in one block the later fails validation (MVCC read conflict) as one of the same spelling does
    if owner is None and (other := _other_spelling(inv)) is not None:
        owner = await s.store.fingerprint_owner(other[2])
    if owner is None:
        return
    if linking is not None and owner == linking.id:
        held_fp = inv.fingerprint if other is None else other[2]   # the entry read: its own, or its other spelling's
        raise rule("invoice-already-financed", _held_for_the_claim_linked(position, inv, held_fp, linking.id))
    raise rule("invoice-already-financed", await _already_financed(s, position, inv, owner, other, paper=paper,
                                                                   linking=linking))


def _held_for_the_claim_linked(position: int, paper: Invoice, held_fp: str, linking: str) -> str:
    """Why the registry entry of ``paper``, the paper identity LinkPaperIdentity links to the invoice at
    ``position`` of the root claim ``linking`` (``held_fp``: the fingerprint whose entry names it, its own or its
    other spelling's), is no claim's registration but an entry written outside the contract (two orgs' altered
    chaincode, under the chaincode-level policy, sealed under a policy of theirs that the link's write could not
    meet): it names ``linking`` itself, whose invoice names no paper identity, so no rejection or withdrawal of it
    would release the entry. An entry naming a claim not on the ledger is told so by :func:`_already_financed`."""
    return (f"{_identity_named(position, paper, True)} (the entry of fingerprint {held_fp[:12]}…) is held by the "
            f"invoice registry for {linking} itself, whose invoice names no paper identity, so no rejection or "
            f"withdrawal of {linking} would release it: the entry was written outside the contract. "
            f"{BLOCKED_ENTRY}, and link the paper identity then")


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


async def _receipt_key_held(s: Session, position: int, gr: GoodsReceiptReference, key: str, earlier: list[str],
                            debtor: str) -> str:
    """The registry key a registration takes ``gr``, the goods receipt at ``position``, under: ``key``
    (``fingerprint.goods_receipt_key``: its numbers' ASCII letters in capitals), or one of ``earlier``
    (``fingerprint.earlier_receipt_keys``: the numbers as sent, or in lower case), where an earlier contract, which
    keyed a number as sent, holds the receipt under it alone: the same delivery, whose entry's rules apply. Refused
    ``goods-receipt-already-financed`` where two of them hold an entry: claims an earlier contract took as two
    receipts, numbered in two cases, which no further claim can be counted against as one."""
    held = [candidate for candidate in (key, *earlier) if await s.store.goods_receipt_entry(candidate) is not None]
    if len(held) > 1:
        raise rule("goods-receipt-already-financed", f"{receipt_label(position, gr)} of debtor {debtor} backs claims "
                   "under two spellings of its numbers, in another case, which an earlier contract version took as "
                   "two receipts: one delivery backs one receivable (or its parts), so it backs no further claim; "
                   f"if the delivery is yours, ask the debtor {debtor}, which sees the receipt on those claims")
    return held[0] if held else key


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
    first = await s.store.receivable(holders[0])
    if first.creditor != creditor.uscc:
        raise rule("goods-receipt-already-financed", f"{taken} already backs a claim of another creditor on this "
                   "debtor: one delivery has one seller, and backs that seller's claims alone. If the delivery is "
                   f"yours and that claim is not its creditor's to make, ask the debtor {debtor.uscc}, which sees the "
                   "receipt on that claim: until it confirms the claim it can reject it, which releases the receipt")
    if not entry.in_parts:
        if first.status == REGISTERED or first.status in lifecycle.RELEASED:
            released = ("it is released only when that one is rejected (by its debtor) or withdrawn (by its "
                        "creditor)" + ("" if first.frozen is None else f"; {_withdrawal_held_back(first)}"))
            then = ", after which the delivery can be registered in parts, each claim with its part"
        else:   # no step releases it any more: waiting for one would be waiting for good
            released = (f"{first.id} is {first.status}: a claim its debtor has confirmed keeps its goods "
                        "receipts for good, paid or not (only a rejection or a withdrawal before "
                        "confirmation releases them); register this claim without the receipt")
            then = ""
        if gr.part is None:
            raise rule("goods-receipt-already-financed", f"{taken} already backs receivable {entry.receivable_id}: "
                       f"one delivery backs one receivable, and {released}")
        raise rule("goods-receipt-already-financed", f"{taken} already backs receivable {entry.receivable_id} "
                   f"whole (registered without a part), so it takes no part of another claim: "
                   f"{released}{then}")
    listed = f"receivable {holders[0]}" if len(holders) == 1 else f"receivables {', '.join(holders)}"
    # the entry's fen carry no currency of their own: they are in the currency of its parts' claims, which the first
    # part set; a part in another currency would add up fen of two currencies against one received value
    if first.currency != currency:
        raise rule("goods-receipt-already-financed", f"{taken} is invoiced in parts already ({listed}) in "
                   f"{first.currency}, its received value {money.amount_text(entry.received, first.currency)}: every "
                   f"part of one delivery is a claim in the same currency; register this part in {first.currency}")
    if gr.part is None:
        raise rule("goods-receipt-already-financed", f"{taken} is invoiced in parts already ({listed}): "
                   f"it backs parts only; register this claim as a part of its received value "
                   f"{amount(entry.received)}: {{\"received\": {entry.received}}} (fen)")
    if gr.part.received != entry.received:
        # the value is the first part's, kept by the entry while any part is live: that part's claim may have
        # ended since, so no one claim is named as setting it, only the live parts that all give it
        raise rule("goods-receipt-already-financed",
                   f"{taken} is invoiced in parts already ({listed}), its received value "
                   f"{amount(entry.received)} as its first part set it and each live part gives it, not the "
                   f"{amount(gr.part.received)} this part gives: every part of one receipt gives the same "
                   f"received value; send received {entry.received} (fen), or, if that value is wrong, have "
                   "the claims of its live parts ended (withdrawn by you while registered, or rejected by "
                   "the debtor) and register them again")
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


def _part_invoiced_problem(invoiced: int, currency: str) -> str | None:
    """Why a claim on a part of a delivery may not have invoices of ``invoiced`` fen without tax (None: it
    may): the claim and the receipt's registry entry record that share, and each invoice's amount is capped,
    not their sum, while the parts may pass the receipt's received value, itself capped, by a few fen of
    rounding. Above the cap the record would hold an amount JavaScript's JSON.parse does not read exactly
    (money.MAX_AMOUNT)."""
    if invoiced <= money.MAX_AMOUNT:
        return None
    amount = functools.partial(money.amount_text, currency=currency)
    return (f"this part's invoices amount to {amount(invoiced)} without tax, the share the claim and the "
            f"goods receipt's entry record, above the cap of {money.MAX_AMOUNT} fen "
            f"({amount(money.MAX_AMOUNT)}) on an amount a record holds: register the delivery's invoices in "
            "more parts, each part's invoices within the cap")


def _most_with_vat(without_tax: int) -> int:
    """The most ``without_tax`` fen of invoiced goods can come to with their VAT: VAT at the highest rate on it
    rounded up to the fen, and a fen per whole yuan of it for the tax's rounding: an invoice rounds each line's tax
    to the fen half up, so an honest invoice's tax may pass the rate on its total by half a fen a line, and a line
    is at least a yuan or so (a cap in fen would refuse an invoice of many lines at .50 yuan, whose rounding grows
    with its lines)."""
    return without_tax + -(-without_tax * cfg.HIGHEST_VAT_RATE_PERCENT // 100) + without_tax // 100


def _face_past_vat_problem(face: int, invoices: list[Invoice], currency: str) -> str | None:
    """Why a claim on whole invoices may not have ``face`` (None: it may): at most their amount without tax with
    VAT at the highest rate on it (:func:`_most_with_vat`), the bound a claim on a part of a delivery is held to
    (:func:`_part_face_problem`). The face is within the invoices' total with tax too, but an invoice's tax is the
    supplier's to state and bounded by nothing else, so without this an invoice of 0.01 with any tax would back
    any face, and a tax given as the invoice's total with tax (价税合计) would nearly double it."""
    without_tax = sum(i.amount for i in invoices)
    most = _most_with_vat(without_tax)
    if face <= most:
        return None
    amount = functools.partial(money.amount_text, currency=currency)
    tax = sum(i.tax for i in invoices)
    return (f"face amount {amount(face)} is more than its invoices' amount without tax (合计金额), "
            f"{amount(without_tax)}, with VAT at the highest rate of {cfg.HIGHEST_VAT_RATE_PERCENT}% on it and "
            f"{amount(1)} per whole {currency} for its lines' rounding: {amount(most)}, though their tax adds up "
            f"to {amount(tax)}; no VAT invoice carries more tax than that rate. Check each invoice's tax (合计税额, "
            "not its total with tax, 价税合计) and amount without tax as printed, and register a face of at most "
            f"{amount(most)}")


def _part_face_problem(face: int, invoiced: int, currency: str) -> str | None:
    """Why a claim on a part of a delivery may not have ``face`` (None: it may): at most the part's share,
    ``invoiced`` fen without tax, with VAT at the highest rate on it (:func:`_most_with_vat`).
    The share is bounded by the receipt; an invoice's tax is not, so without this a 1-fen share with any tax would
    back any face."""
    most = _most_with_vat(invoiced)
    if face <= most:
        return None
    amount = functools.partial(money.amount_text, currency=currency)
    return (f"face amount {amount(face)} is more than this part's share of the receipt, {amount(invoiced)} without "
            f"tax (its invoices' amount), with VAT at the highest rate of {cfg.HIGHEST_VAT_RATE_PERCENT}% on it and "
            f"{amount(1)} per whole {currency} for its lines' rounding: {amount(most)}; register a face "
            f"of at most {amount(most)}, or check the invoices' amount and tax")


class RegistrationTransactions(TransactionGroup):
    """RegisterReceivable, LinkPaperIdentity."""

    @transaction
    @rules
    async def RegisterReceivable(self, ctx: Context, receivable: ReceivableArgument, request_id: str = "") -> Receivable:
        """A supplier registers a claim on its debtor, backed by invoices and, where it lists them, goods receipts.

        With a ``request_id``, a retry of a registration that committed returns its receivable unchanged.
        """
        s = self._session(ctx)
        creditor = await s.party_with_role(cfg.SUPPLIER, request_id=request_id)
        raw = json.dumps(json_object_argument(receivable, "receivable"), sort_keys=True, ensure_ascii=False)
        if (done := await s.replay(creditor, request_id, "RegisterReceivable", raw)) is not None:
            return done
        req = parse_request(ReceivableRegistration, receivable, "receivable")
        if (why := money.hundredths_problem(req.currency)) is not None:
            raise rule("currency-invalid", why)     # its invoices are in it too (invoice-currency-mismatch below)
        _part_with_one_receipt(req.goods_receipts)
        # the debtor's buyer documents: its PO and receipt numbers, so its credit code is in each key, their ASCII
        # letters in capitals; an earlier contract keyed them as sent, so those keys are read too (all in one read)
        folded_keys = [fingerprint.goods_receipt_key(req.debtor, gr.po_number, gr.receipt_number)
                       for gr in req.goods_receipts]
        earlier_keys = [fingerprint.earlier_receipt_keys(req.debtor, gr.po_number, gr.receipt_number)
                        for gr in req.goods_receipts]
        await s.store.prefetch((keys.PARTY, req.debtor), *((keys.FINGERPRINT, fp) for fp in _fingerprints(req.invoices)),
                               *((keys.GOODS_RECEIPT, key) for key in folded_keys),
                               *((keys.GOODS_RECEIPT, key) for earlier in earlier_keys for key in earlier))
        receipt_keys = [await _receipt_key_held(s, position, gr, key, earlier, req.debtor)
                        for position, (gr, key, earlier) in enumerate(zip(req.goods_receipts, folded_keys, earlier_keys))]
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
            raise rule("debtor-not-core-enterprise", f"{debtor.uscc} is a {debtor.role}: the debtor must be "
                       "a core enterprise, so name as debtor the core enterprise that owes the claim "
                       "(GetParty shows a party's role)")
        s.ensure_role_allowed(debtor, "takes part")          # it could never confirm, pay or be asked to
        issue, due = date.fromisoformat(req.issue_date), date.fromisoformat(req.due_date)
        if issue > s.today:
            raise rule("issue-date-in-future", f"issue date {issue} is after today {s.today}: give the "
                       "date the claim was issued, today or earlier, or register it once that date has come")
        if due <= s.today:
            raise rule("due-date-passed", f"due date {due} is not after today {s.today}: register only claims not yet due")
        invoice_dates = [(inv.number, date.fromisoformat(inv.date)) for inv in req.invoices]
        if (refusal := payment_term.term_refusal(self.config, issue, due, invoice_dates, s.today)) is not None:
            raise refusal
        invoices: list[Invoice] = []
        for n, inv in enumerate(req.invoices, 1):
            if inv.seller_tax_id != creditor.uscc or inv.buyer_tax_id != debtor.uscc:
                raise rule("invoice-parties-mismatch", f"invoice {inv.number}: seller must be the creditor {creditor.uscc} and buyer the debtor {debtor.uscc}")
            # the face amount is compared with the invoices' totals below: figures in one currency only
            if (why := money.invoice_currency_problem(inv.number, inv.currency, req.currency)) is not None:
                raise rule("invoice-currency-mismatch", why)
            invoice_date = date.fromisoformat(inv.date)
            if invoice_date > s.today:
                raise rule("invoice-date-in-future", f"invoice {inv.number} is dated {inv.date}, after "
                           f"today {s.today}: give the date on the invoice, today or earlier, or register "
                           "the claim once that date has come")
            if (why := fingerprint.identity_problem(inv.code, inv.number)
                    or fingerprint.digitalised_year_problem(inv.number.strip())) is not None:
                raise rule("invoice-code-invalid", why)
            # a 20-digit number opens with its issue year: an old invoice dated within the term would start the
            # payment term afresh (payment_term.term_start), the date being the supplier's word
            if (why := fingerprint.issue_year_problem(inv.number.strip(), invoice_date)) is not None:
                raise rule("invoice-code-invalid", f"{invoice_label(n - 1, inv.number)}: {why}")
            _ensure_paper_identity_fits(n - 1, inv, inv.paper_code, inv.paper_number)
            # identity only: issuer, code, number; a copy with another date or amount is the same invoice
            fp = fingerprint.invoice_fingerprint(inv.seller_tax_id, inv.code, inv.number)
            paper_fp = (fingerprint.invoice_fingerprint(inv.seller_tax_id, inv.paper_code, inv.paper_number)
                        if inv.paper_code else "")
            invoices.append(Invoice(**inv.model_dump(), fingerprint=fp, paper_fingerprint=paper_fp))
        # compared under one spelling of each, paper identities too: an invoice listed again in its other
        # spelling, or as another's paper identity, fingerprints apart, and counted twice it would back a face
        # of twice its total, holding an entry under each
        identities = _identities_listed(invoices)
        if (repeat := _first_repeat(_one_spelling_fingerprint(i) for _, i, _ in identities)) is not None:
            (position, again, again_paper), (first, listed, listed_paper) = (identities[at] for at in repeat)
            same = ("the same seller, code and number" if again.fingerprint == listed.fingerprint else
                    f"the same seller, and {_spelled(again.code, again.number)} is "
                    f"{_spelled(listed.code, listed.number)} in its other spelling, a 12-digit code and "
                    "8-digit number run together being one 20-digit number")
            raise rule("invoice-listed-twice", f"{_identity_named(position, again, again_paper)} is the same "
                       f"invoice as {_identity_named(first, listed, listed_paper)}: {same} (another date or amount "
                       "does not make it another invoice); list each invoice once, its paper form's code and "
                       "number as its paper_code and paper_number")
        # a part's figures are recorded below, once the registry says what its receipt's earlier parts invoiced
        receipts = [GoodsReceipt(**gr.model_dump(exclude={"part"}), receipt_key=key)
                    for gr, key in zip(req.goods_receipts, receipt_keys)]
        if (repeat := _first_repeat(folded_keys)) is not None:   # one receipt, in two cases too
            position, first = repeat
            raise rule("goods-receipt-listed-twice", f"{receipt_label(position, receipts[position])} is listed "
                       f"already as goods_receipts[{first}]: list each goods receipt once")
        fps = [i.fingerprint for _, i, _ in identities]   # with the paper identities': an entry under each
        backing = sum(i.amount + i.tax for i in invoices)
        if req.face_amount > backing:
            raise rule("face-exceeds-invoices", f"face amount {money.amount_text(req.face_amount, req.currency)} "
                       f"exceeds the invoices' total with tax {money.amount_text(backing, req.currency)}")
        # a part's face is held to the same bound on its share below (goods-receipt-part-face-exceeds)
        if not any(gr.part is not None for gr in req.goods_receipts) and \
                (why := _face_past_vat_problem(req.face_amount, invoices, req.currency)) is not None:
            raise rule("face-exceeds-invoices", why)
        # each identity: an invoice's own and its paper form's (all read before the first entry is written)
        for position, inv, paper in identities:
            await _ensure_identity_free(s, position, inv, paper)
        # a part's share is counted here, not taken from the supplier: what the claim's invoices are for, without
        # tax (the one receipt a registration with a part lists is what they are for: _part_with_one_receipt)
        invoiced = sum(i.amount for i in invoices)
        if any(gr.part is not None for gr in req.goods_receipts):
            if (why := _part_invoiced_problem(invoiced, req.currency)) is not None:
                raise rule("amount-too-large", why)
            if (why := _part_face_problem(req.face_amount, invoiced, req.currency)) is not None:
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
                kept, unreadable, unnamed = await invoice_attestations(s, inv)
                why = attestation.registration_problem(self.config, inv, kept,
                                                       creditor_msp=creditor.msp_id, debtor_msp=debtor.msp_id,
                                                       registered_at=s.now, unreadable=unreadable,
                                                       unnamed=unnamed)
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

    @transaction
    @rules
    async def LinkPaperIdentity(self, ctx: Context, receivable_id: str, invoice_number: str, paper_code: str,
                                paper_number: str) -> Receivable:
        """An invoice a claim was registered with by its 20-digit number alone names its paper form's identity
        afterwards (数电纸质发票: ``paper_code``, ``paper_number``), which the registry then holds for the claim's
        lineage too, as a registration naming both would have.

        ``receivable_id``: the claim or any part split from it; the invoice is its root's. Its creditor, the
        invoice's seller, links it (:func:`_ensure_linker`), before or after the confirmation, while some claim
        of the lineage is unsettled; linked before, the debtor confirms the claim naming it. Refused while a
        freeze order binds the root or any part of it (:func:`_ensure_no_part_frozen`), on an ended lineage, an
        invoice naming a paper identity already, and an identity that backs a claim, checked as a registration
        checks it.
        """
        s = self._session(ctx)
        caller = await s.party((keys.RECEIVABLE, receivable_id))
        claim = await s.store.receivable(receivable_id)
        root = claim if claim.id == claim.root_id else await s.store.receivable(claim.root_id)
        _ensure_linker(caller, root)
        await _ensure_lineage_live(s, root)
        await _ensure_no_part_frozen(s, root)
        position, inv = _invoice_numbered(root, invoice_number)
        if inv.paper_fingerprint:
            same = (inv.paper_code, inv.paper_number) == (paper_code, paper_number)
            raise rule("paper-identity-already-named", f"{invoice_label(position, inv.number)} of {root.id} "
                       f"names the paper identity {_spelled(inv.paper_code, inv.paper_number)} already"
                       + (": this one, so nothing is left to do" if same else
                          ": an invoice has one paper form, and the identity a claim was registered or linked "
                          "with stays; if that one is wrong, the claim holds an invoice it should not, which "
                          "only its rejection or withdrawal before confirmation releases"))
        # a registration may name no paper identity; a link is nothing without one
        if not paper_code and not paper_number:
            raise rule("invoice-code-invalid", f"{invoice_label(position, inv.number)} of {root.id}: no paper "
                       "identity given: send the paper form's 发票代码 and its 8-digit 发票号码, exactly as printed")
        # the same rules as a paper identity given at registration: the fields', then the identity's
        parse_request(InvoiceInput, {**inv.model_dump(include=set(InvoiceInput.model_fields) - set(PAPER_FIELDS)),
                                     "paper_code": paper_code, "paper_number": paper_number}, "invoice")
        _ensure_paper_identity_fits(position, inv, paper_code, paper_number)
        paper_fp = fingerprint.invoice_fingerprint(inv.seller_tax_id, paper_code, paper_number)
        linked = inv.model_copy(update={"paper_code": paper_code, "paper_number": paper_number,
                                        "paper_fingerprint": paper_fp})
        invoices = [*root.invoices[:position], linked, *root.invoices[position + 1:]]
        identities = _identities_listed(invoices)
        if (repeat := _first_repeat(_one_spelling_fingerprint(i) for _, i, _ in identities)) is not None:
            (at, again, again_paper), (first, listed, listed_paper) = (identities[n] for n in repeat)
            raise rule("invoice-listed-twice", f"{_identity_named(at, again, again_paper)} is the same invoice "
                       f"as {_identity_named(first, listed, listed_paper)} of {root.id}: a paper identity is "
                       "another invoice's identity than those the claim lists; check the paper form's code and "
                       "number")
        await _ensure_identity_free(s, position, _paper_identity(linked), True, linking=root)
        # the new entry is guarded as the invoice's own entry is (the orgs of the claim as registered, and of
        # each bank that financed a part of the lineage): its policy is copied, so no pair that could not
        # release the invoice's entry can release this one
        own_key = s.store.key(keys.FINGERPRINT, inv.fingerprint)
        if not await s.store.fingerprint_names(inv.fingerprint, root.id):
            raise rule("invoice-already-financed", f"{invoice_label(position, inv.number)} of {root.id} is no "
                       f"longer held for it by the invoice registry (fingerprint {inv.fingerprint[:12]}…): its "
                       f"entry was deleted or written again outside the contract. {BLOCKED_ENTRY}")
        await s.store.put_fingerprint_as(paper_fp, root, own_key)
        before = root.model_copy()
        root.invoices = invoices
        root.last = s.action("LinkPaperIdentity", caller.uscc)
        await s.store.put_receivable(root, before)
        s.emit(events.PAPER_IDENTITY_LINKED, root.id, invoice_number=inv.number, paper_code=paper_code,
               paper_number=paper_number, paper_fingerprint=paper_fp, by=caller.uscc)
        return root.to_json()


def _ensure_linker(caller: Party, root: Receivable) -> None:
    """Refused ``not-the-creditor`` unless ``caller`` is ``root``'s creditor, the seller of its invoices, whoever
    holds the claim now. The registry holds a paper identity under its seller's tax id, and the contract cannot
    tell whether a code and number are those of this invoice's paper form: linked by the debtor, any code and
    number of its supplier (numbers in a code's batch run in sequence) would be held for good for a confirmed
    claim, an invoice the seller issued to another buyer among them, which the seller could then never register.
    Linked by the seller, a wrong identity locks only an invoice of the seller's own. Told before the claim's
    status, so no one else learns it."""
    if caller.uscc == root.creditor:
        return
    if caller.uscc == root.debtor:
        raise rule("not-the-creditor", f"{caller.uscc} is the debtor of {root.id}, not its creditor: only its "
                   f"creditor {root.creditor}, the invoices' seller, links a paper identity to them, as the registry "
                   "holds it under the seller's tax id and the contract cannot tell a code and number of this "
                   "invoice from one the seller issued to another buyer, which a link would lock for good. As "
                   "its debtor you are kept from paying one invoice twice by confirming each claim: confirm only "
                   "claims whose invoices you received and have not confirmed on another claim, and ask the "
                   "seller to link the paper form's code and number")
    raise rule("not-the-creditor", f"{caller.uscc} is not the creditor of {root.id}: only its creditor, the "
               "invoices' seller, links a paper identity to them; check the receivable id")


async def _ensure_lineage_live(s: Session, root: Receivable) -> None:
    """Refused ``invalid-state`` where no claim of ``root``'s lineage is unsettled (a split root's parts are
    walked to the first live one): a rejected or withdrawn claim released its invoices, and a settled one is
    paid, so an identity linked there would only block the invoice's paper form from a claim of its own."""
    if root.status == SPLIT and await queries.lineage_live(s.store, root):
        return
    lifecycle.ensure_status(root, lifecycle.LIVE, "link a paper identity to")


async def _ensure_no_part_frozen(s: Session, root: Receivable) -> None:
    """Refused ``receivable-frozen`` while a freeze order binds ``root`` or, split, any of its parts (the leaves
    of its splits, however deep). The link writes the root's invoices, which every part of the lineage stands
    on: a court's order freezing one part binds what backs that part's debt, as it binds a claim never split,
    whose link it holds back. The refusal names each frozen part's order and the freeze's transaction."""
    if root.status != SPLIT:
        lifecycle.ensure_not_frozen(root)
        return
    frozen = [leaf for leaf in await queries.leaves(s.store, root) if leaf.frozen is not None]
    if not frozen:
        return
    first = frozen[0]
    queue = f", {len(first.queued_freezes)} more queued behind it" if first.queued_freezes else ""
    more = (f"; frozen too: {parts_named([leaf.id for leaf in frozen[1:]], root.id)}" if len(frozen) > 1
            else "")
    raise rule("receivable-frozen", f"part {first.id} of {root.id} is frozen by order "
               f"{shown(first.frozen.order_reference)} (transaction {first.frozen.tx_id}{queue}){more}: a paper "
               f"identity is linked to the invoices of {root.id}, which every part of it stands on, the frozen "
               "ones too, so nothing is linked while an order binds any of them, as on a frozen claim never "
               "split; link it once the regulator lifts each order binding its parts (UnfreezeReceivable; "
               "GetReceivable of a part shows its orders)")


def _invoice_numbered(root: Receivable, invoice_number: str) -> tuple[int, Invoice]:
    """The place and the invoice of ``root`` whose number is ``invoice_number``; refused ``not-found``."""
    for position, inv in enumerate(root.invoices):
        if inv.number == invoice_number:
            return position, inv
    numbers = ", ".join(inv.number for inv in root.invoices)
    raise rule("not-found", f"no invoice of {root.id} has the number {shown(invoice_number)}: its invoices are "
               f"numbered {numbers}; give the 20-digit number of the one printed on paper")
