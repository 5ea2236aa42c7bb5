"""Key layout: every record and index is a composite key (LevelDB-friendly).

| object type | attributes | value |
| --- | --- | --- |
| ``recfin.party`` | credit code | Party |
| ``recfin.client`` | MSP ID, client identity | credit code of the bound party |
| ``recfin.receivable`` | receivable id | Receivable |
| ``recfin.fingerprint`` | invoice fingerprint (of an invoice's own identity, or of the paper identity it names: 数电纸质发票) | ``{"fingerprint", "receivable_id"}`` (the root receivable) |
| ``recfin.goods-receipt`` | goods receipt key (``fingerprint.goods_receipt_key``) | ``{"receipt_key", "receivable_id"}`` (the root receivable); a receipt invoiced in parts ``{"receipt_key", "received", "parts": [{"receivable_id", "invoiced"}]}`` |
| ``recfin.financing`` | financing id | Financing |
| ``recfin.offer`` | offer id | Offer |
| ``recfin.notice`` | notice id | AssignmentNotice |
| ``recfin.discount`` | discount offer id | DiscountOffer |
| ``recfin.by-holder`` | holder, receivable id | ``0x00`` |
| ``recfin.by-debtor`` | debtor, receivable id | ``0x00`` |
| ``recfin.by-status`` | status, receivable id | ``0x00`` |
| ``recfin.by-financing`` | financing id, offer id | ``0x00`` |
| ``recfin.offer-by-bank`` | financing id, bank credit code | offer id (until the bank withdraws it) |
| ``recfin.by-financier`` | bank credit code, debtor, receivable id | ``0x00`` (while the bank's financing is live) |
| ``recfin.open-offer`` | bank credit code, debtor, offer id | ``0x00`` (while the offer is OPEN) |
| ``recfin.discount-by-debtor`` | debtor, publication date, discount offer id | ``0x00`` |
| ``recfin.discount-publisher`` | discount offer id | ``{"creator", "nonce"}`` of the publishing transaction (``identity.submitter_proof``) |
| ``recfin.attestation`` | invoice fingerprint, attestation id | InvoiceAttestation |
| ``recfin.attestation-last`` | invoice fingerprint, attester credit code | ``{"attestation_id", "at", "tx_id"}`` |
| ``recfin.attestations-indexed`` | invoice fingerprint | ``0x00`` (every attester's newest is kept) |
| ``recfin.request`` | caller's credit code, request id | ``{"transaction", "arguments", "tx_id", "at", "result"}`` |

``recfin.attestation-last`` holds the attester's newest attestation of the invoice; an invoice has its
``recfin.attestations-indexed`` entry once every attester's newest is so kept, those recorded before the entry
existed included (``Store.newest_attestation``).

Index values are one zero byte: Fabric treats an empty value as a delete.
Private data (collection per holder org and bank org): ``recfin.terms`` [offer
id] -> OfferTerms, ``recfin.offer-parties`` [offer id] -> OfferParties (whose offer it is, and to whom),
``recfin.disbursement`` [financing id] -> Disbursement.
"""

from __future__ import annotations

import hashlib
import json
import re

from .errors import shown

PARTY = "recfin.party"
CLIENT = "recfin.client"
RECEIVABLE = "recfin.receivable"
FINGERPRINT = "recfin.fingerprint"
GOODS_RECEIPT = "recfin.goods-receipt"
FINANCING = "recfin.financing"
OFFER = "recfin.offer"
NOTICE = "recfin.notice"
DISCOUNT = "recfin.discount"
BY_HOLDER = "recfin.by-holder"
BY_DEBTOR = "recfin.by-debtor"
BY_STATUS = "recfin.by-status"
BY_FINANCING = "recfin.by-financing"
OFFER_BY_BANK = "recfin.offer-by-bank"
BY_FINANCIER = "recfin.by-financier"
OPEN_OFFER = "recfin.open-offer"
# [bank credit code, debtor, offer id] -> the claim, its outstanding amount and currency when the bank offered
# (``{"currency": ..., "outstanding": fen, "receivable_id": ...}``; 0x00 on an entry an earlier contract or
# UpgradeLedger wrote): an
# offer the bank made on the debtor's claims, under the bank's org alone, from MakeFinancingOffer until the bank
# withdraws it or, the offer no longer OPEN, its next offer on the debtor drops it (``Store.put_offer``): what the
# bank's ``offered`` counts besides OPEN_OFFER, which two other orgs can delete, and at the amount recorded here,
# which they cannot rewrite as they can the claim before acceptance
OFFER_MADE = "recfin.offer-made"
# [bank credit code, debtor, offer id] -> why and what, under the bank's org alone: the bank's transaction dropped
# the offer's OFFER_MADE entry (``{"dropped": "withdrawn" | "closed" | "uncounted", ...}`` with the entry's amount
# and currency: its withdrawal, its next offer on the debtor finding the offer no longer OPEN, or naming it among
# the offers the figures it was priced on left out; 0x00 from an earlier contract). Kept for good and never
# range-read: any two orgs can write the dropped entry again, a new key taking whatever policy its writer gives it,
# but not delete this one, so AcceptFinancingOffer refuses the offer whatever its record says, and
# RecordDisbursement an offer accepted before the bank's offer that named it "uncounted"
OFFER_MADE_DROPPED = "recfin.offer-made-dropped"
# [bank credit code, debtor] -> the bank's exposure version on the debtor (digits), under the bank's org alone from
# its first offer there; [bank credit code, debtor, holder org, offer id] -> the same, moved aside by the bank's offer
# ``offer id`` (or by the UpgradeLedger page whose transaction id it is, restoring the bank's entries) because the
# first carried a policy two other orgs set (a fixed name, they could write it first), or, for the offer, a count
# one more of which no read takes from the first (``Store.move_exposure_version``), with
# a private copy of the key (0x00) in the terms collection of the holder org and the bank's, which no write reaches
# without the bank's peer (not a page's, which the holder's peer would then have to endorse): one without it counts
# only until the bank's own key stands, and only under the bank's org alone (``Store.exposure_version_held``)
EXPOSURE_VERSION = "recfin.exposure-version"
DISCOUNT_BY_DEBTOR = "recfin.discount-by-debtor"
# [discount offer id] -> the submitter's identity and nonce of the transaction that published the offer, under the
# debtor org's policy: the offer's key is new at publication, so any two orgs can write one in a debtor's name,
# and only this shows that a member of the debtor's org submitted its first write (``identity.submitted_by``)
DISCOUNT_PUBLISHER = "recfin.discount-publisher"
ATTESTATION = "recfin.attestation"
ATTESTATION_LAST = "recfin.attestation-last"
ATTESTATIONS_INDEXED = "recfin.attestations-indexed"
REQUEST = "recfin.request"
TERMS = "recfin.terms"
OFFER_PARTIES = "recfin.offer-parties"
DISBURSEMENT = "recfin.disbursement"

INDEX_VALUE = b"\x00"


# what no attribute of a composite key may hold: the shim joins attributes with U+0000, and a range of keys
# ends at U+10FFFF (the peer's partial-key range), so the shim refuses either in an attribute
KEY_DELIMITERS = ("\x00", "\U0010ffff")
_NUL, _RANGE_END = KEY_DELIMITERS


def can_be_attribute(value: str) -> bool:
    """Whether a key can be formed of ``value`` as one of its attributes: it holds neither U+0000 nor U+10FFFF
    (``KEY_DELIMITERS``), nor a lone surrogate (no UTF-8 form, which the shim refuses in a key too: ``json``
    reads one from a ``\\udc80`` escape, pydantic's parser does not). Every id, credit code and date this
    contract writes can; a value a caller sends, or a record two orgs wrote outside the contract, may not."""
    # called for every attribute of every entry a scan reads (a bank's offer scans all its entries on the
    # debtor): the two tests spelt out, and ASCII text, which every id and credit code is, needs no encoding
    if _NUL in value or _RANGE_END in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def new_id(prefix: str, tx_id: str, salt: str = "") -> str:
    """A deterministic id from the transaction id: every endorser derives the same."""
    return f"{prefix}-{hashlib.sha256(f'{tx_id}|{salt}'.encode()).hexdigest()[:16]}"


_OFFER_ID = re.compile(r"O-[0-9a-f]{16}")


def is_offer_id(value: str) -> bool:
    """Whether ``value`` has the shape of an offer id MakeFinancingOffer gives (``new_id``): ``O-`` and 16
    lowercase hex digits."""
    return _OFFER_ID.fullmatch(value) is not None


def child_id(parent_id: str, n: int) -> str:
    """Children of a split are ``<parent>.1`` and ``<parent>.2``: the id shows the lineage."""
    return f"{parent_id}.{n}"


def spaces_around_id(value: str, what: str) -> str | None:
    """Why ``value``, given as a record's id (``what``: "receivable id", "offer id"...), names no record, if it has
    white space at either end, as a table's column pasted gives; else None. No id :func:`new_id` or
    :func:`child_id` makes holds a space, so sent as given it could only come back not-found, as though the record
    were not there. The CLI and the SDK refuse it before anything is sent, in these words."""
    if value == value.strip():
        return None
    return f"{value!r} has spaces around it, which no {what} holds: remove them: {value.strip()!r}"


def holder_token(reader: str, debtor: str, holder: str) -> str:
    """A holder as one reader sees it in a debtor's payment record: ``H-`` + 16 hex digits.

    The same for one reader, debtor and holder (so pages and repeated reads
    agree and concentration can be measured), different for another reader (two
    banks cannot line their answers up). Not a secret: whoever already knows a
    holder's credit code can compute it.
    """
    return "H-" + hashlib.sha256(f"recfin-holder|{reader}|{debtor}|{holder}".encode()).hexdigest()[:16]


REQUEST_ID_MAX = 128
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,%d}" % REQUEST_ID_MAX)


def is_request_id(value: str) -> bool:
    """A business request id: 1 to 128 of letters, digits, ``-_.:`` (a uuid4 hex fits)."""
    return _REQUEST_ID.fullmatch(value) is not None


def arguments_hash(transaction: str, args: tuple[str, ...] | list[str]) -> str:
    """What a request id is bound to: the transaction and its arguments, as sent."""
    return hashlib.sha256(json.dumps([transaction, *args], ensure_ascii=False).encode()).hexdigest()


# an id, credit code or fingerprint as the contract forms them, shown as it is; anything else is quoted (``shown``)
_PLAIN_ATTRIBUTE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def label(object_type: str, *attributes: str) -> str:
    """A key as a message names it: ``recfin.party [<credit code>]``, its attributes quoted short (``shown``) where
    they could be anything two orgs wrote."""
    return f"{object_type} [{', '.join(a if _PLAIN_ATTRIBUTE.fullmatch(a) else shown(a) for a in attributes)}]"
