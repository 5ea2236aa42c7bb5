"""Which orgs must endorse a change to a receivable's key (state-based endorsement).

From registration on, the key requires every one of: the debtor's org and the holder's org,
plus the financing bank's org while a financing is live. A REJECTED claim keeps the policy it
had as REGISTERED (rejection changes neither org). The result is a sorted list of MSP IDs; the
store turns it into a ``KeyEndorsementPolicy`` (role MEMBER).

The registration itself is validated against the chaincode-level policy only: Fabric checks the
policy a key had before the transaction, and a new key has none. The same holds for a claim an
earlier contract version registered, which set no policy before confirmation: it gets one from
``UpgradeLedger`` or at its confirmation (``Store.put_receivable``), whichever comes first, in a
transaction validated against the chaincode-level policy.
"""

from __future__ import annotations

from .model import REGISTERED, REJECTED, Receivable

WITHOUT_POLICY_BEFORE = frozenset({REGISTERED, REJECTED})
"""The statuses in which an earlier contract version left a claim's key without a key-level policy (it set
the first one at confirmation): ``UpgradeLedger`` gives such a key its policy where it has none."""


def endorsing_orgs(r: Receivable) -> list[str]:
    orgs = {r.debtor_msp, r.holder_msp}
    if r.financing_id is not None and r.financier_msp is not None:
        orgs.add(r.financier_msp)
    return sorted(orgs)
