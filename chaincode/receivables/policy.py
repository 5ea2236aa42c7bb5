"""Which orgs must endorse a change to a receivable's key (state-based endorsement).

From registration on, the key requires every one of: the debtor's org and the holder's org,
plus the financing bank's org while a financing is live, plus the regulator's org (every org
whose parties may be the regulator under the configuration) while the claim is frozen or
where those roles leave one org. A REJECTED or WITHDRAWN claim keeps the policy it had as
REGISTERED (rejection and withdrawal change no org). The result is a sorted list of MSP IDs; the store turns
it into a ``KeyEndorsementPolicy`` naming each org's peers (``store_base.org_policy``: role PEER, which no
client certificate of the org meets), and refuses to write one that names a single org (``one_org_refusal``).

The registration itself is validated against the chaincode-level policy only: Fabric checks the
policy a key had before the transaction, and a new key has none. The same holds for a claim an
earlier contract version registered, which set no policy before confirmation: it gets one from
``UpgradeLedger`` or at its confirmation (``Store.put_receivable``), whichever comes first, in a
transaction validated against the chaincode-level policy.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import RuleViolation, rule
from .model import Receivable

def parties_orgs(r: Receivable) -> set[str]:
    """The orgs of the claim's debtor and holder, and of its bank while a financing with one is live: the
    policy every earlier contract version wrote, one org where a single org's parties hold all those roles."""
    bank = _bank_org(r)
    return {r.debtor_msp, r.holder_msp} | ({bank} if bank is not None else set())


def _bank_org(r: Receivable) -> str | None:
    """The org of the bank whose financing of the claim is live (accepted, not yet ended), else None."""
    return r.financier_msp if r.financing_id is not None else None


def endorsing_orgs(r: Receivable, regulators: Sequence[str]) -> list[str]:
    """The orgs every one of which must endorse a change to ``r``'s key, sorted: ``parties_orgs``, and the
    ``regulators`` (the orgs whose parties may be the regulator) while the claim is frozen or where the parties'
    orgs are one. One org only where no regulator's org is another: a policy the store refuses to write."""
    orgs = parties_orgs(r)
    # A freeze binds the debtor and the holder against their will (a court order, say): with only their orgs on
    # the key, those two orgs running altered chaincode could lift it, or settle or move the claim, between them.
    # So while frozen the regulator's peer endorses every write of the key, the unfreeze included; the freeze
    # itself is validated against the policy before it, and the unfreeze's write drops the regulator's org again.
    # Where one org's parties are the debtor and the holder (a config may give one org both roles), its peer
    # alone would satisfy the key: running altered chaincode, it could rewrite a settled claim as unpaid for a
    # bank to finance again, raise an amount, or lift a freeze. A key-level policy here requires whole orgs, each
    # of them, so a second org is named: the regulator's, which takes no side in the claim.
    if r.frozen is not None or len(orgs) < 2:
        orgs.update(regulators)
    return sorted(orgs)


def deal_orgs(party_msp: str, bank_msp: str, regulators: Sequence[str]) -> list[str]:
    """The orgs every one of which must endorse a change to the record of a deal between a party's org and a bank's,
    sorted: a financing's (its holder's and its bank's orgs, from acceptance) or an assignment notice's (its debtor's
    and its bank's, from disbursement); with the ``regulators`` where the two are one org, as ``endorsing_orgs``
    adds them to a claim. A holder or a debtor may be a party of the bank's org (a group's finance company inside
    the core enterprise's org): that org's peer alone would satisfy a policy of its own, and under the
    chaincode-level policy any two other orgs could rewrite the deal's record, a notice's acknowledgement among it.
    One org only where no regulator's org is another: the store then writes no policy (the chaincode-level
    policy's two orgs guard it better than that org's alone)."""
    orgs = {party_msp, bank_msp}
    if len(orgs) < 2:
        orgs.update(regulators)
    return sorted(orgs)


def one_org_refusal(r: Receivable, orgs: list[str], *, financing: bool = False) -> RuleViolation:
    """The refusal of a write that would leave ``r``'s key guarded by ``orgs``, a single org: better no change
    than one that org's peer alone could undo or rewrite (``endorsing_orgs``). financing: the write begins a
    financing of a claim that would be so guarded once it ended."""
    lead = (f"{r.id} cannot be financed: once its financing ended it would be guarded by {orgs[0]} alone"
            if financing else f"{r.id} would be guarded by {orgs[0]} alone")
    return rule("claim-needs-two-orgs", f"{lead}: its debtor and its holder"
                f"{' and its bank' if _bank_org(r) is not None else ''} are all parties of that org, and no "
                "other org's parties may be the regulator, whose org would endorse its changes with it; have a "
                "party of another org hold the claim, or add an org whose parties may be the regulator to the "
                "network's configuration (org_roles)")
