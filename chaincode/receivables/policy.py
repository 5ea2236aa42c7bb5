"""Which orgs must endorse a change to a receivable's key (state-based endorsement).

Before confirmation the chaincode-level policy applies. From confirmation on,
the key requires every one of: the debtor's org and the holder's org, plus the
financing bank's org while a financing is live. The result is a sorted list of
MSP IDs; the contract turns it into a ``KeyEndorsementPolicy`` (role MEMBER).
"""

from __future__ import annotations

from .model import REGISTERED, REJECTED, Receivable


def endorsing_orgs(r: Receivable) -> list[str] | None:
    if r.status in (REGISTERED, REJECTED):
        return None
    orgs = {r.debtor_msp, r.holder_msp}
    if r.financing_id is not None and r.financier_msp is not None:
        orgs.add(r.financier_msp)
    return sorted(orgs)
