"""Key layout: every record and index is a composite key (LevelDB-friendly).

| object type | attributes | value |
| --- | --- | --- |
| ``recfin.party`` | credit code | Party |
| ``recfin.client`` | MSP ID, client identity | credit code of the bound party |
| ``recfin.receivable`` | receivable id | Receivable |
| ``recfin.fingerprint`` | invoice fingerprint | ``{"fingerprint", "receivable_id"}`` (the root receivable) |
| ``recfin.financing`` | financing id | Financing |
| ``recfin.offer`` | offer id | Offer |
| ``recfin.notice`` | notice id | AssignmentNotice |
| ``recfin.discount`` | discount offer id | DiscountOffer |
| ``recfin.by-holder`` | holder, receivable id | ``0x00`` |
| ``recfin.by-debtor`` | debtor, receivable id | ``0x00`` |
| ``recfin.by-status`` | status, receivable id | ``0x00`` |
| ``recfin.by-financing`` | financing id, offer id | ``0x00`` |
| ``recfin.offer-by-bank`` | financing id, bank credit code | offer id |

Index values are one zero byte: Fabric treats an empty value as a delete.
Private data (collection per holder org and bank org): ``recfin.terms`` [offer
id] -> OfferTerms, ``recfin.disbursement`` [financing id] -> Disbursement.
"""

from __future__ import annotations

import hashlib

PARTY = "recfin.party"
CLIENT = "recfin.client"
RECEIVABLE = "recfin.receivable"
FINGERPRINT = "recfin.fingerprint"
FINANCING = "recfin.financing"
OFFER = "recfin.offer"
NOTICE = "recfin.notice"
DISCOUNT = "recfin.discount"
BY_HOLDER = "recfin.by-holder"
BY_DEBTOR = "recfin.by-debtor"
BY_STATUS = "recfin.by-status"
BY_FINANCING = "recfin.by-financing"
OFFER_BY_BANK = "recfin.offer-by-bank"
TERMS = "recfin.terms"
DISBURSEMENT = "recfin.disbursement"

INDEX_VALUE = b"\x00"


def new_id(prefix: str, tx_id: str, salt: str = "") -> str:
    """A deterministic id from the transaction id: every endorser derives the same."""
    return f"{prefix}-{hashlib.sha256(f'{tx_id}|{salt}'.encode()).hexdigest()[:16]}"


def child_id(parent_id: str, n: int) -> str:
    """Children of a split are ``<parent>.1`` and ``<parent>.2``: the id shows the lineage."""
    return f"{parent_id}.{n}"
