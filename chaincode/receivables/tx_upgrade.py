"""Bringing what earlier contract versions wrote up to this version: a claim's key-level policy rewritten to the orgs
due now (``ResealReceivable``), and a page of records given the entries and policies they lack (``UpgradeLedger``).

Apart because neither changes business data: they run the ``upgrade`` module's writes, the first endorsed by the
orgs a claim's key names, the second by an admin of the regulator's org.
"""

from __future__ import annotations

from chaincode.contract import Context, transaction

from . import config as cfg
from . import events, keys, upgrade
from .arguments import _page_size
from .errors import RuleViolation, _identity, rule, shown
from .identity import is_org_admin
from .schemas import LedgerUpgrade, Reseal
from .session import rules
from .tx_base import TransactionGroup


# What a page of UpgradeLedger reports for a person to act on, written or not: its event carries them
# even from a page that wrote nothing
_FINDINGS = ("collisions", "without_current_spelling", "unreadable", "newer_version", "claims_to_reseal")


class UpgradeTransactions(TransactionGroup):
    """ResealReceivable, UpgradeLedger."""

    @transaction
    @rules
    async def ResealReceivable(self, ctx: Context, receivable_id: str) -> Reseal:
        """Rewrite the key-level policy of a claim whose key names fewer orgs than due (UpgradeLedger lists it
        in ``claims_to_reseal``) to the orgs due now (``policy.endorsing_orgs``, as any change of the claim in
        its state would write it): a claim frozen before a freeze added the regulator's org, or one of one
        org's parties an earlier version guarded by that org alone. Until then those orgs can change it
        between them, a freeze's lifting included. A key in the form earlier versions wrote (MSP role MEMBER,
        which any certificate of its orgs meets, a client's too: users of those orgs could sign a change of
        the claim as its only endorsement, no peer running the contract) is rewritten to this version's (role
        PEER): to the orgs due where it is short of them, else to the same orgs (``member_form_resealed``), so
        a party of the claim need not wait for the operator's UpgradeLedger pages, which reseal that form too.

        Fabric validates a change of a key's policy against the policy the key carries, so the orgs the key
        names now must endorse this transaction (``GetReceivableEndorsers``; their peers meet a MEMBER
        principal too); a page of UpgradeLedger, endorsed by others, cannot. Its debtor, its holder, its bank
        while financed, or the regulator calls it: none of them gains anything by it. The orgs due are the
        contract's to compute, what any change of the claim would write: an org the key names that is no
        longer due (a regulator org the configuration replaced, say) is dropped from a short key, but only
        with its own endorsement, since the key's policy names it, so no org loses a say it did not give up.
        It changes no business data, so the regulator, which changes only freeze state, may restore its own
        org to a frozen claim. The entries the claim's reseal covers are brought to this version's form with
        it, or alone where its key needs nothing (``Store.reseal_receivable``): a live loan's
        ``recfin.by-financier`` entry gets the claim's orgs, and a claim still REGISTERED its registry entries
        the orgs its registration gives them (``Store.reseal_registry_entries``: a rejection or withdrawal
        releases them under their own policy), each where it is in the earlier form, names other orgs or has
        none. Past registration a registry entry in the earlier form gets the same orgs' peers, as an
        UpgradeLedger page writes it: users of those orgs could otherwise delete the entry of a financed claim
        and register its invoice or delivery again. Fabric checks each entry's rewrite against the entry's
        own policy, which the orgs the claim's key names, endorsing, must meet: an entry's policy names the
        orgs the key had when it was written, and one naming an org the key does not (a regulator org the
        configuration replaced, the key since resealed without it) is left as it is. A key with no policy
        gets the orgs due as well (``orgs_before`` empty), endorsed as the chaincode-level policy asks,
        which guards it until then. The caller is checked before anything about the claim, as
        RecordOverdue's is. Refused ``nothing-to-reseal`` where nothing would be
        rewritten (the key names every org due already in this version's form, and no entry it covers needs
        a rewrite those orgs can endorse), and nothing is written; ``claim-needs-two-orgs`` where the key must
        be given the orgs due and those are one (an earlier form naming that org alone is rewritten to its
        peers).

        Answers the claim id, the orgs before and after, whether the key was in the earlier form
        (``member_form_resealed``: the orgs are then the same before and after, unless the key was short too),
        how many entries it covers were rewritten (``entries_resealed``: where only they were, the key's orgs
        are the same before and after and ``member_form_resealed`` false), and ``tx_id``, this transaction's
        (the claim's ``last`` is not changed, so it does not name it).
        """
        s = self._session(ctx)
        party = await s.party((keys.RECEIVABLE, receivable_id))
        r = await s.store.receivable(receivable_id)
        if party.role != cfg.REGULATOR and party.uscc not in (r.debtor, r.holder) and not (
                r.financing_id is not None and party.uscc == r.financier):
            raise rule("not-a-party-to-claim", f"{party.uscc} is not the debtor, holder or financier of {r.id}: "
                       "only they and the regulator may reseal it; check the receivable id")
        done = await s.store.reseal_receivable(r, upgrade.registry_fingerprints(r))
        # The claim's value is not written, so ``last`` keeps naming its last business change: only the key's
        # policy changes, as UpgradeLedger's policy writes change only that (the audit reads the claim's history
        # of values, and GetReceivableHistory shows no step where nothing happened to the claim). Who resealed it,
        # and when, is this event's (``by``, ``tx_id``).
        s.emit(events.RECEIVABLE_RESEALED, r.id, by=party.uscc, **done._asdict())
        return Reseal(receivable_id=r.id, **done._asdict(), tx_id=s.tx_id).to_json()

    # ================================================================ ledger upgrade

    @transaction
    @rules
    async def UpgradeLedger(self, ctx: Context, page_size: str, bookmark: str) -> LedgerUpgrade:
        """Write, for one page of records, the index and registry entries records of earlier contract versions
        lack, and the key-level policy of a claim whose orgs due are two or more (one they left REGISTERED or
        REJECTED, or REGISTERED and since rejected or withdrawn, and one of any status written while its orgs
        due were one org), of a financing they accepted, and of a discount offer and its list entry, where the
        key has none (``upgrade``; ``discount_offer_policies`` counts the offer keys and entries sealed), and
        of a claim's ``recfin.by-debtor`` entry, a request record and an assignment notice (counted in
        ``writes`` alone); and rewrites every policy in the form earlier versions wrote (MEMBER principals) to
        the same orgs' peers (counted in ``writes`` alone, which counts every value and policy the page
        writes): an admin of an org whose parties may be the regulator runs it, page after page from bookmark
        "", until done.

        It writes only entries and policies derived from the records it reads, and only missing ones, so they may
        run it any number of times. It is the regulator's org's alone because it reads every claim: even evaluated,
        writing nothing, its pages name claim ids (bookmarks, collisions) that GetReceivable refuses other
        callers. The regulator itself is refused too: it reads everything but changes only freeze state. An
        invoice registered twice under two spellings is reported, never resolved. A record it cannot read is
        passed over, its key listed in ``unreadable``, and the page goes on; one a newer contract version
        wrote (this peer's contract is older than the ledger) is passed over too, its key listed in
        ``newer_version``: install the channel's version and run it again. A claim whose key-level policy
        names fewer orgs than due, which the page cannot rewrite, is listed in ``claims_to_reseal``, for
        ResealReceivable.
        Its ``LedgerUpgraded`` event carries the answer; a page that writes nothing and lists nothing of
        those five emits none, as it changes nothing.
        """
        s = self._session(ctx)
        ci = ctx.client_identity
        regulators = ", ".join(self.config.msps_with_role(cfg.REGULATOR)) or "none configured"
        if not is_org_admin(ci):
            try:
                party = await s.party()
            except RuleViolation as refused:
                if refused.code not in ("caller-not-a-party", "identity-of-a-node"):
                    raise
                # acting for no party (a node's identity acts for none): binding the identity to one, those rules'
                # way on, would only have it refused as a party; what runs it is an admin certificate of the
                # regulator's org
                raise rule("role-not-permitted", f"{_identity(ci.id)} is not an admin of {shown(ci.msp_id)} "
                           "(certificate OU=admin) and acts for no party: UpgradeLedger reads every claim on "
                           f"the channel, so only an admin of the regulator's org ({regulators}) runs it; "
                           "ask them to") from None
            why = ("the regulator reads everything but changes only freeze state" if party.role == cfg.REGULATOR
                   else "UpgradeLedger reads every claim on the channel")
            raise rule("role-not-permitted", f"{shown(party.name)} ({party.uscc}) is a {party.role}: {why}, so only "
                       f"an admin of the regulator's org ({regulators}) runs it; ask them to")
        if not self.config.may_hold(ci.msp_id, cfg.REGULATOR):
            raise rule("role-not-permitted", f"{_identity(ci.id)} is an admin of {shown(ci.msp_id)}, whose "
                       "parties may not be the regulator: UpgradeLedger reads every claim on the channel, so only "
                       f"an admin of the regulator's org ({regulators}) runs it; ask them to")
        result = await upgrade.upgrade_page(s.store, _page_size(page_size), bookmark, self.config.org_roles)
        # One event per change: a page that wrote nothing (records upgraded already, a page run again)
        # changed nothing, and a follower of the events must not be told the ledger was upgraded. Its
        # findings are the exception: the event carries them to the regulator's listeners, to act on.
        if result["writes"] or any(result[finding] for finding in _FINDINGS):
            s.emit(events.LEDGER_UPGRADED, None, by=ci.id, **result)
        return result
