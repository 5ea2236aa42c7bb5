"""The claims check before an org's removal: the claims whose key-level policy names the org (a regulator
org's, or that of its parties as debtor, holder or bank), read from the ledger through what the CLI gives
(ClaimsCheck), and the refusal naming them and what to do.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from chaincode.receivables import lifecycle as contract_lifecycle
from chaincode.receivables import policy as contract_policy
from chaincode.receivables.config import REGULATOR

from .errors import first_few
from .org_admins import ChannelAdmins
from .org_change import OrgChangeError
from .topology import PeerOrgSpec


class ClaimsUnreadable(Exception):
    """The ledger's claims could not be read for a removal's check; str() says why (each identity tried)."""


@dataclass(frozen=True)
class ClaimsCheck:
    """How the removal of an org whose parties may be the regulator learns the claims it would strand
    (check_claims_without). This package does not talk to the ledger; `recfin org remove` and `org submit` give
    ``read``: read(statuses, regulator_orgs) -> every claim in those statuses, as the SDK reads them, listed as a
    regulator's user (the regulator reads every claim) of one of regulator_orgs (the leaving org first), or
    ClaimsUnreadable. None: nothing here can read the ledger. ``endorsers``: endorsers(claim_ids, regulator_orgs)
    -> the MSP IDs the key-level policy of each claim's key names (GetReceivableEndorsers), by claim id, read the
    same way; None when the contract deployed has no such query (an older version), or when nothing here gives it.
    ``skipped``: the operator confirmed the removal without reading them (`--no-claim-check`). ``sends_nothing``:
    a dry run or an update written to a file, which the removal or `org submit` checks again: claims that cannot
    be read are warned of, not refused."""

    read: Callable[[Sequence[str], Sequence[PeerOrgSpec]], Iterable] | None = None
    endorsers: Callable[[Sequence[str], Sequence[PeerOrgSpec]], Mapping[str, Sequence[str]] | None] | None = None
    skipped: bool = False
    sends_nothing: bool = False


class RemovalClaimsCheck(ChannelAdmins):
    """Refuses a regulator org's removal while claims would be stranded by it (check_claims_without)."""

    def check_claims_without(self, org: PeerOrgSpec, claims: ClaimsCheck) -> None:
        """Refused, before anything is sent, while the key-level policy of a live claim names the org. For an
        org whose parties may be the claims' debtor, holder or bank: a claim one of its parties owes, holds or
        finances (a live financing), whose key names the org from its registration on, so that once it has
        left nothing of the claim, its payment or repayment included, could be endorsed again; those are read
        as a regulator's user (the regulator reads every claim), and a caller that gives no reader
        (claims.read None) is told, not refused. For a regulator org, while it names the org as one of the
        regulator orgs: that of a frozen claim, and of one whose debtor and holder (and bank) are parties of one org
        (chaincode/receivables/policy.py endorsing_orgs). Once the org has left, its peer endorses nothing, so no
        change of such a claim, an unfreeze included, could ever be endorsed again. Only a claim still live
        (registered, confirmed, financed or overdue) is written again, and only such a claim can be frozen: those
        are read. A key keeps the regulator orgs of the transaction that last wrote its policy (a claim frozen
        before the org joined does not name it), so each claim that is frozen or of one org's parties now (the
        only ones whose key names a regulator org: every change that ends that writes the policy again) is
        refused only when its key names the org (claims.endorsers); where the contract deployed cannot say, by
        the policy today's regulator orgs give, saying so. Refused too when they cannot be read, unless the
        operator confirmed without (claims.skipped), or nothing is sent (claims.sends_nothing: warned of)."""
        regulator = org.role == REGULATOR
        if claims.skipped:
            self.net.say("  claims not read (--no-claim-check): "
                         + (f"a frozen claim whose key-level policy names {org.msp_id} can never be "
                            f"unfrozen once it has left" if regulator else
                            f"a live claim whose debtor, holder or bank is a party of {org.msp_id} can "
                            f"never be changed again once it has left"))
            return
        others = [o for o in self.topology.orgs if o.role == REGULATOR and o.name != org.name]
        # read as a regulator's user, who reads every claim: the leaving org's first, if a regulator org
        regulator_orgs = [org, *others] if regulator else others
        regulators = sorted(o.msp_id for o in regulator_orgs)
        try:
            if claims.read is None:
                if not regulator:
                    # a caller that reads no ledger (the library's default): only a regulator org's
                    # removal, whose claims nothing else tells of, is refused for it (the CLI gives one)
                    self.net.say(f"  claims of {org.msp_id}'s parties not read: nothing here reads them")
                    return
                raise ClaimsUnreadable("nothing here reads the ledger (no ClaimsCheck.read given)")
            if not regulator_orgs:
                raise ClaimsUnreadable("no regulator org is recorded here to read them as")
            live = list(claims.read(contract_lifecycle.LIVE, regulator_orgs))
        except ClaimsUnreadable as exc:
            if claims.sends_nothing:
                self.net.say(f"  claims not checked ({exc}): the removal and `org submit` check them, refusing "
                             f"while a claim's key-level policy names {org.msp_id}")
                return
            raise OrgChangeError(_claims_unread(org, str(exc)) if regulator
                                 else _party_claims_unread(org, str(exc))) from None
        candidates = [c for c in live if org.msp_id in contract_policy.endorsing_orgs(c, regulators)]
        # The claims were read: from here on a dry run refuses as the removal would. Keys' policies that cannot be
        # read (an earlier contract, or a peer that fails the query) are taken as today's regulator orgs give them.
        held, unread_why = None, "the contract deployed does not answer GetReceivableEndorsers (an earlier version)"
        if candidates and claims.endorsers is not None:
            try:
                held = claims.endorsers([c.id for c in candidates], regulator_orgs)
            except ClaimsUnreadable as exc:
                unread_why = f"their keys' policies could not be read ({exc})"
        # a claim missing from the answer (none is ever deleted) is kept: refusing wrongly is undone by a re-run
        stranded = candidates if held is None else [c for c in candidates if org.msp_id in held.get(c.id, [org.msp_id])]
        if stranded and not regulator:
            raise OrgChangeError(_party_claims_stranded(org, stranded))
        if stranded:
            raise OrgChangeError(_claims_stranded(org, stranded, regulator_orgs[1:],
                                                  unread_why=unread_why if held is None else None))


def _claims_unread(org: PeerOrgSpec, why: str) -> str:
    """The refusal of a regulator org's removal whose claims could not be read (why)."""
    return (f"{org.name} ({org.msp_id}) is a regulator org: the key-level policy of a frozen claim names every "
            f"regulator org, and so does that of a claim whose debtor and holder are parties of one org, so once "
            f"{org.msp_id} has left no such claim could be changed again, a frozen one not even unfrozen. The claims "
            f"could not be read to find them ({why}). Stopped before anything was sent: have them read as a "
            f"regulator's user that acts for a registered regulator (--claims-as ORG/USER), or, once sure that no "
            f"claim is frozen or has its debtor and holder in one org (`recfin regulator list STATUS --all --json` "
            f"for REGISTERED, CONFIRMED, FINANCED and OVERDUE gives each claim's frozen, debtor_msp and holder_msp), "
            f"run it again with --no-claim-check")


def _party_claims_unread(org: PeerOrgSpec, why: str) -> str:
    """The refusal of the removal of an org whose parties may be those of claims, whose claims could not be
    read."""
    return (f"{org.name} ({org.msp_id}) may be the org of claims' parties: the key-level policy of a claim "
            f"names the orgs of its debtor and holder, and of its bank while a financing is live, so once "
            f"{org.msp_id} has left no live claim one of its parties owes, holds or finances could be "
            f"changed again, paid or repaid included. The claims could not be read to find them ({why}). "
            f"Stopped before anything was sent: have them read as a regulator's user that acts for a "
            f"registered regulator (--claims-as ORG/USER), or, once sure that no live claim has its "
            f"debtor_msp or holder_msp {org.msp_id}, or a live financing by a bank of it (`recfin regulator "
            f"list STATUS --all --json` for REGISTERED, CONFIRMED, FINANCED and OVERDUE), run it again with "
            f"--no-claim-check")


def _party_claims_stranded(org: PeerOrgSpec, stranded: list) -> str:
    """The refusal of the removal of an org whose parties are those of live claims (stranded: as the SDK reads
    them, each one whose key-level policy names the org), naming them by what its parties are to them."""
    owed = [c.id for c in stranded if c.debtor_msp == org.msp_id]
    held = [c.id for c in stranded if c.holder_msp == org.msp_id and c.id not in owed]
    financed = [c.id for c in stranded if c.id not in owed and c.id not in held]
    kinds = [f"{len(ids)} {what} ({first_few(ids)})" for what, ids in
             (("owed by its parties", owed), ("held by its parties", held),
              ("financed by its bank", financed)) if ids]
    ways = (["have each claim its parties owe settled (one not yet confirmed may be rejected by its debtor "
             "or withdrawn by its creditor instead)"] if owed else []) + (
        ["have each claim its parties hold settled, or transferred by its holder to a party of another org "
         "(one not yet confirmed may be withdrawn)"] if held else []) + (
        ["have each financing of its bank repaid, or cancelled before disbursement"] if financed else [])
    claims = f"{len(stranded)} live claim{'s' if len(stranded) > 1 else ''}"
    return (f"{org.name} ({org.msp_id}) is the org of parties of {claims}, whose key-level policy names it: "
            f"{'; '.join(kinds)}. Once it has left, its peer endorses nothing, so no change of those claims "
            f"could ever be endorsed again. Stopped before anything was sent: {'; '.join(ways)}, frozen ones "
            f"once unfrozen; then run this again")


def _frozen_by(claim) -> str:
    """A frozen claim and every order that binds it, as _claims_stranded names it: the one in effect, then those
    queued behind it in their order."""
    queued = [o.order_reference for o in claim.queued_freezes]
    return (f"{claim.id} by order {claim.frozen.order_reference}"
            + (f" with {', '.join(queued)} queued behind it" if queued else ""))


def _claims_stranded(org: PeerOrgSpec, stranded: list, staying: list[PeerOrgSpec],
                     unread_why: str | None = None) -> str:
    """The refusal of a regulator org's removal while the key-level policy of claims (stranded: as the SDK reads
    them) names it; staying: the other regulator orgs. unread_why: why their keys' policies could not be read (a
    contract without GetReceivableEndorsers, a peer failing the query), so they are those today's regulator orgs
    give."""
    frozen = [c for c in stranded if c.frozen is not None]
    one_org = [c for c in stranded if c.frozen is None]
    # every order of each claim, queued ones too: each must be lifted and imposed again, and once the last is
    # lifted the claim keeps only that one (last_unfreeze.lifted)
    held = ([f"{len(frozen)} frozen ({first_few([_frozen_by(c) for c in frozen])})"]
            if frozen else []) + ([f"{len(one_org)} whose debtor and holder are parties of one org "
                                   f"({first_few([c.id for c in one_org])})"] if one_org else [])
    other = staying[0].name if staying else "ORG"
    ways = ([f"unfreeze each frozen one, once for each order that binds it, queued ones included (note "
             f"them all and their order first, `recfin receivable get ID` lists them, as the claim keeps "
             f"only the last one lifted), each order as a regulator of the org that recorded it, as one "
             f"regulator org does not lift another's (`recfin regulator unfreeze ID --order LIFTING-REF "
             f"--lifts FREEZE-ORDER --as {org.name}` for {org.name}'s, `--as {other}` for {other}'s: "
             f"--lifts names the freeze order lifted, --order the reference of the order lifting it), "
             f"remove the org, and once the chaincode definition without it is committed (this command "
             f"deploys it; after --channel-only, once the orgs have approved and committed it) have a "
             f"regulator of {other} freeze it again under each of its orders, in their order (`recfin "
             f"regulator freeze ID --order FREEZE-ORDER --as {other}`; each is recorded under that day's "
             f"date, and `recfin receivable history ID` keeps the dates they were first recorded on, which "
             f"rank them in the queue): in between it is open to changes, so do it at once"]
            if frozen else []) + (
        ["have each claim of one org's parties settled, or transferred by its holder to a party of another org, "
         "first"] if one_org else [])
    unsure = (f" As {unread_why}, these are the claims whose policy names {org.msp_id} when written today; "
              f"a key keeps the regulator orgs of the "
              f"moment its policy was written, so one frozen before {org.msp_id} joined does not name it and may be "
              f"listed all the same: before lifting a freeze, deploy the current contract and run this again (it "
              f"then reads each key's policy), or, once sure from the claims' histories that each was last written "
              f"before {org.msp_id} joined, run it again with --no-claim-check" if unread_why else "")
    return (f"{org.name} ({org.msp_id}) is a regulator org, and the key-level policy of claims names it: "
            f"{'; '.join(held)}. Once it has left, its peer endorses nothing, so no change of those claims could "
            f"ever be endorsed again.{unsure} Stopped before anything was sent: {'; '.join(ways)}")
