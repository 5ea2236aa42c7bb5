"""The parties' transactions: registering an enterprise, binding and unbinding the identities that act for it,
and looking parties and identities up.

Apart from the claims' transactions because they are an org admin's business, decided on certificates and
bindings rather than on a claim's state.
"""

from __future__ import annotations

from chaincode.client_ids import client_id_as_sent
from chaincode.contract import Context, transaction

from . import config as cfg
from . import events, keys, queries
from .arguments import _first_repeat, require_bindable_client_id, require_client_id, require_party_name, require_text
from .errors import RuleViolation, _identity, rule, shown
from .identity import is_org_admin, node_role_of, presented_by_a_certificate
from .model import Party, PartyRegistration, json_object_argument, parse_request
from .schemas import IdentityParty, PartyHistoryEntry, json_argument
from .store_base import UNREADABLE_VALUE
from .session import Session, rules
from .tx_base import TransactionGroup

PartyArgument = json_argument(PartyRegistration)


async def _admins_own_party(s: Session, uscc: str, client_id: str, action: str) -> tuple[Party, str]:
    """The party whose identities an org admin changes, and the client id named (``require_client_id``): refused
    unless the caller is an admin of the party's own org. ``action`` ("bind", "unbind") words the refusal."""
    ci = s.ctx.client_identity
    if not is_org_admin(ci):
        raise rule("not-an-org-admin", f"{_identity(ci.id)} is not an admin of {shown(ci.msp_id)}: only org "
                   f"admins {action} identities")
    # only a party of the admin's own org passes: the binding's key is known before the party is read
    await s.store.prefetch((keys.PARTY, uscc), (keys.CLIENT, ci.msp_id, client_id_as_sent(client_id)))
    party = await s.store.require_party(uscc)
    if party.msp_id != ci.msp_id:
        raise rule("admin-of-own-org-only", f"{party.uscc} belongs to {party.msp_id}: an admin of "
                   f"{shown(ci.msp_id)} cannot change it; an admin of {party.msp_id} does ({action}s its "
                   "identities)")
    return party, require_client_id(client_id)


def _already_acts_for(client_id: str, owner: str, instead: str, new_user: str) -> RuleViolation:
    """``identity-already-bound``: the identity acts for party ``owner``; the org admin's two ways on: take it
    off ``owner`` first, then ``instead``; or give the person a new certificate, under a new name (one of the
    same name would have this very client id), and ``new_user``."""
    return rule("identity-already-bound",
                f"client identity {_identity(client_id)} already acts for {owner}: one identity acts for one "
                f"party. The org's admin unbinds it from {owner} first (UnbindPartyIdentity with this id: "
                f"`recfin party unbind {owner} --client-id ID`) and then {instead}; or issues the person a "
                f"new certificate under a new user name (`recfin org user add ORG NAME`: a name is issued "
                f"once) and {new_user}")


def _already_registered(party: Party, msp_id: str) -> RuleViolation:
    """``party-already-registered``, naming ``party``, the one its credit code names already, to an admin of
    ``msp_id``. Of the admin's own org (a registration sent again after a lost answer, say), identities are
    added to it by binding them; of another org, an enterprise is registered there under that code, which only
    the network's operators can look into."""
    if party.msp_id == msp_id:
        way = (f"its admin lets more identities act for it with BindPartyIdentity (`recfin party bind "
               f"{party.uscc} --client NAME`)")
    else:
        way = (f"a credit code is one enterprise's: if {party.uscc} is yours, GetPartyHistory {party.uscc} "
               "names the transaction that registered it, to report to the network's operators")
    return rule("party-already-registered", f"credit code {party.uscc} is already registered, as "
                f"{shown(party.name)}, a {party.role} of {party.msp_id} (GetParty {party.uscc} shows it): "
                f"{way}")


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


class PartyTransactions(TransactionGroup):
    """RegisterParty, RenameParty, BindPartyIdentity, UnbindPartyIdentity, GetParty, GetPartyHistory, WhoAmI,
    FindIdentityParty."""

    @transaction
    @rules
    async def RegisterParty(self, ctx: Context, party: PartyArgument) -> Party:
        """An org admin registers an enterprise of its own org, with the client identities that act for it.

        Refused, first to last: a caller that is no org admin (``not-an-org-admin``), a registration that
        does not parse (``argument-invalid``, ``credit-code-invalid``...; a name that starts or ends with white
        space or an invisible character is ``argument-invalid``, naming the trimmed name to send), a party of
        another org (``admin-of-own-org-only``), a credit code registered already (``party-already-registered``),
        a role its org may not hold (``role-not-allowed-for-org``), then the identities (listed twice, acting for
        a party already, a binding other orgs hold).
        """
        s = self._session(ctx)
        ci = ctx.client_identity
        if not is_org_admin(ci):
            raise rule("not-an-org-admin", f"{_identity(ci.id)} is not an admin of {shown(ci.msp_id)} (certificate "
                       "OU=admin): only org admins register parties")
        req = parse_request(PartyRegistration, json_object_argument(party, "party"), "party")
        if req.msp_id != ci.msp_id:
            raise rule("admin-of-own-org-only", f"an admin of {shown(ci.msp_id)} cannot register a party of "
                       f"{shown(req.msp_id)}: each org admin registers parties of its own org")
        await s.store.prefetch((keys.PARTY, req.uscc), *((keys.CLIENT, req.msp_id, c) for c in req.client_ids))
        # the code first: told only that the role is wrong, an admin would fix it to learn the code is taken
        if (registered := await s.store.party(req.uscc)) is not None:
            raise _already_registered(registered, req.msp_id)
        if not self.config.may_hold(req.msp_id, req.role):
            raise rule("role-not-allowed-for-org", f"parties of {shown(req.msp_id)} may be "
                       f"{', '.join(self.config.org_roles.get(req.msp_id, ())) or 'nothing'}, not {req.role}")
        if (repeat := _first_repeat(req.client_ids)) is not None:
            position, first = repeat
            raise rule("argument-invalid", f"client_ids lists {_identity(req.client_ids[position])} twice, as "
                       f"client_ids[{first}] and client_ids[{position}]: list each identity once")
        for client_id in req.client_ids:
            # decided as Session.party decides it: a binding whose party record does not list the identity (two
            # other orgs can write one under the chaincode policy) binds nothing, and is overwritten below
            if (owner := await s.store.party_acted_for(req.msp_id, client_id)) is not None:
                raise _already_acts_for(client_id, owner.uscc, f"registers {req.uscc} with it",
                                        "registers the party with that user (`recfin party register --client "
                                        "NAME`)")
            await _refuse_binding_held_by_other_orgs(s, req.msp_id, client_id)
        doc = Party(uscc=req.uscc, name=req.name, role=req.role, msp_id=req.msp_id, client_ids=req.client_ids,
                    registered=s.action("RegisterParty", ci.id))
        await s.store.put_party(doc, req.client_ids)
        s.emit(events.PARTY_REGISTERED, None, party=doc.uscc, role=doc.role, msp_id=doc.msp_id)
        return doc.to_json()

    @transaction
    @rules
    async def RenameParty(self, ctx: Context, uscc: str, name: str) -> Party:
        """An org admin records the new name of an enterprise of its org that changed its name (its credit code
        stays): only the name changes. The former names stay in the record's history (GetPartyHistory names
        each write's ``name``).

        Refused, first to last: a caller that is no org admin (``not-an-org-admin``), a party of another org
        (``admin-of-own-org-only``), a name RegisterParty would refuse (``argument-invalid``: 1 to 200
        characters as sent, one line, at least one visible, none at either end white space or invisible), and the
        name the record has already (``party-name-unchanged``: nothing to change; a name an earlier contract stored
        padded is renamed to its trimmed form).
        """
        s = self._session(ctx)
        ci = ctx.client_identity
        if not is_org_admin(ci):
            raise rule("not-an-org-admin", f"{_identity(ci.id)} is not an admin of {shown(ci.msp_id)} (certificate "
                       "OU=admin): only org admins rename parties")
        party = await s.store.require_party(uscc)
        if party.msp_id != ci.msp_id:
            raise rule("admin-of-own-org-only", f"{party.uscc} belongs to {party.msp_id}: an admin of "
                       f"{shown(ci.msp_id)} cannot rename it; an admin of {party.msp_id} does")
        name = require_party_name(name)
        if name == party.name:
            raise rule("party-name-unchanged", f"{party.uscc} is named {shown(name)} already: nothing is changed; "
                       "give the enterprise's new name as it is registered")
        former = party.name
        party.name = name
        # the record alone, under its org's policy: its bindings name the credit code, which stays
        await s.store.put_party(party, [])
        s.emit(events.PARTY_RENAMED, None, party=party.uscc, name=name, former_name=former)
        return party.to_json()

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
        client_id = require_bindable_client_id(client_id)
        if (owner := await s.store.party_acted_for(party.msp_id, client_id)) is not None:
            if owner.uscc == party.uscc:
                # unbinding it from this very party to bind it back is no way on (refused for its last one)
                raise rule("identity-already-bound", f"client identity {_identity(client_id)} already "
                           f"acts for {party.uscc}: it is bound to it, and nothing is changed "
                           "(FindIdentityParty shows it); to let another user act for the party, bind that "
                           "user's identity")
            raise _already_acts_for(client_id, owner.uscc, f"binds it to {party.uscc}",
                                    f"binds that user (`recfin party bind {party.uscc} --client NAME`)")
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
        no certificate presents (``presented_by_a_certificate``: an older contract stored any text as sent, a typo,
        surrounding spaces). An admin may remove its own certificate's binding: its admin rights come from the
        certificate, not the binding.

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
            # the party it does act for, of this admin's org: most likely the one the admin meant
            if (owner := await s.store.party_acted_for(party.msp_id, client_id)) is not None:
                way = (f"it acts for {owner.uscc}: unbind it from that party (`recfin party unbind "
                       f"{owner.uscc} --client-id ID`)")
            else:
                way = "unbind one of the identities its party record lists"
            raise rule("identity-not-bound", f"client identity {_identity(client_id)} does not act for {party.uscc}: "
                       f"its record does not list it{stray}; {way}")
        party.client_ids.remove(client_id)
        # the identities left that act for the party keep their bindings, written again under its org's policy
        if not (acting := await s.store.bindings_to_seal(party)):
            nodes = [c for c in party.client_ids if node_role_of(c) is not None]
            unpresentable = [c for c in party.client_ids if not presented_by_a_certificate(c) and c not in nodes]
            presentable = [c for c in party.client_ids if presented_by_a_certificate(c)]
            others = (f" (the others its record lists, {', '.join(_identity(c) for c in presentable)}, act for "
                      "another party or have a binding other orgs hold)" if presentable else "")
            if unpresentable:   # stored as sent by an older contract (surrounding spaces, a typo, '+5')
                others += (f" ({', '.join(_identity(c) for c in unpresentable)} "
                           f"{'is' if len(unpresentable) == 1 else 'are'} no id a certificate presents "
                           "(x509::<subject DN>::<issuer DN> as the contract forms it): it acts for no one; "
                           "unbind it exactly as listed)")
            if nodes:           # bound by an older contract, which bound a peer's or orderer's id as any other
                others += (f" ({', '.join(_identity(c) for c in nodes)} {'is' if len(nodes) == 1 else 'are'} a "
                           "node's identity, which acts for no party)")
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
        """Every write of a party record, oldest first, with the org, name, role and identities it left, for whoever
        may look the party up (as GetParty): the transactions an auditor checks the endorsements of (the first must
        carry the party's own org's). No transaction changes a role: a write that does, the party's org made alone."""
        s = self._session(ctx)
        if not is_org_admin(ctx.client_identity):
            await s.party()
        try:
            await s.store.require_party(uscc)
        except UNREADABLE_VALUE:
            pass   # a record no transaction of its org wrote: its history is where the transactions that did are named
        return await queries.party_history(s.store, uscc)

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
        msp_id = require_text(msp_id, "msp_id", 200, one_line=False)
        client_id = require_client_id(client_id)
        await _may_find_identity_party(s, msp_id, client_id)
        party = await s.store.party_acted_for(msp_id, client_id)
        return {"msp_id": msp_id, "client_id": client_id, "party": party.to_json() if party is not None else None,
                "bound_to": await s.store.client_bound(msp_id, client_id),
                "held_by": await s.store.binding_held_by(msp_id, client_id)}
