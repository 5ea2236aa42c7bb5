"""Choosing who endorses a change where the Gateway's own plan will not do: a new key an audit must find the
right org's endorsement of, a claim of one org's parties whose key names the regulator's org, terms that must
reach no org outside their collection. The orgs are read from the ledger (the claim's key, the channel's config
block, the chaincode's committed definition) through a peer of the caller's own org."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fabric_protos.peer.lifecycle import lifecycle_pb2

from chaincode.receivables.collections import collection_name
from client.gateway._twins import Steps
from client.gateway.errors import EndorseError, GatewayError
from client.ledger.lifecycle import (LIFECYCLE, EndorsementRule, chaincode_definition_steps, chaincode_endorsement,
                                     collection_orgs)
from client.ledger.msp import application_msp_ids
from client.ledger.qscc import QSCC, LedgerReadError, current_config_steps

from ._endorsers import (_besides, _Endorsers, _no_endorser_of, _on_one_line, _one_org_terms_refusal, _parties_orgs,
                         _reading, _unique)
from ._models import FinancingView, Receivable
from ._read_refusals import refuses_the_caller
from .errors import RuleViolation, lacks_the_transaction, while_reading


class _EndorserChoice:
    """The orgs named to endorse a change, read through the ``network`` and ``contract`` :class:`_Operations`
    keeps; the claim's key's orgs through :meth:`receivable_endorsers`."""

    def _channel_orgs_of(self, msp_id: str) -> Steps[list[str] | None]:
        """The channel's application orgs, read from its config block through a peer of ``msp_id``'s org;
        None without the gateway Network (a client built on a Contract alone cannot ask)."""
        if self.network is None:
            return None
        config = yield from current_config_steps(self.network.get_contract(QSCC), msp_id, self.network.name)
        return application_msp_ids(config)

    def _with_another_org(self, msp_id: str, send: Callable[[list[str] | None], Any], action: str) -> Steps[Any]:
        """``send`` endorsed by ``msp_id`` and one other org of the channel: two orgs, as the chaincode's "any two
        orgs" policy asks of a new key, one of them the org that must have endorsed it for an audit
        (``client.receivables.audit``) to find its endorsement. The other org is the first in name order whose
        peers can endorse: when the Gateway finds none of that org's (its peers down, or without the chaincode)
        or they all fail, the next is tried, each once. ``send(None)`` (the Gateway plans) when the channel's
        orgs cannot be read (no Network) or it has no other org. A failure of their read is raised saying it was
        read for ``action`` and that nothing was sent (:meth:`_channel_orgs_for`)."""
        others = [org for org in (yield from self._channel_orgs_for(msp_id, action)) if org != msp_id]
        if not others:
            return (yield send(None))
        unable: list[EndorseError] = []
        for other in others:
            try:
                return (yield send([msp_id, other]))
            except EndorseError as error:
                if not _no_endorser_of(error, other):
                    raise
                unable.append(error)
        raise EndorseError(f"no other org of the channel could endorse with {msp_id}: tried {', '.join(others)} in "
                           f"turn, and none had a peer able to (last: {unable[-1].message}); start a peer of one of "
                           "them, or name orgs whose peers are up (endorsing_organizations, `--endorsing-org MSP`)",
                           transaction_id=unable[-1].transaction_id, code=unable[-1].code,
                           details=[detail for error in unable for detail in error.details]) from unable[-1]

    @staticmethod
    def _sent_to(endorsers: _Endorsers, send: Callable[[list[str] | None], Any]) -> Steps[Any]:
        """``send`` to the orgs of ``endorsers``; an EndorseError said again with why they were asked, where it has
        more to say (:meth:`_Endorsers.explained`)."""
        try:
            return (yield send(endorsers.orgs))
        except EndorseError as error:
            explained = endorsers.explained(error)
            if explained is None:
                raise
            raise explained from error

    def _one_org_endorsers(self, org: str, receivable_id: str, action: str,
                           terms_write: tuple[str, str] | None = None, carries_terms: bool = False
                           ) -> Steps[_Endorsers]:
        """Who endorses ``action``, a change to claim ``receivable_id`` whose debtor and holder (and bank) are all
        parties of ``org``. Fabric validates it against the policy the claim's key had before it, which names that
        org and the orgs whose parties may be the regulator as the contract's configuration named them when it was
        written (docs/receivables.md, "Key-level policies"; the financing's key and its assignment notice's name
        the same orgs), and the keys written beside it that carry no policy of their own (the claim's index
        entries, an assignment notice the disbursement issues) against the chaincode's endorsement policy, as its
        committed definition holds it (``recfin chaincode deploy``: any two orgs by default, or a ``--signature-policy``
        of the operator's). So the orgs the key names are read (:meth:`receivable_endorsers`) and named, ``org`` first,
        the org an audit looks for (named all the same were the key to leave it out), and, where they do not meet the
        chaincode's policy (one asking three orgs, or naming the regulator's org in no part), the fewest other orgs of
        the channel that meet it with them
        (:meth:`EndorsementRule.fewest_added <client.ledger.lifecycle.EndorsementRule.fewest_added>`): no other org is
        asked, so a peer down in one (a second bank's) stops nothing. ``terms_write``: (the action's name, the
        financing) where the change writes to the financing's terms' collection, whose policy asks ``org`` and a
        regulator org, read from the same definition (:meth:`_terms_orgs_in`) and named too.

        The key's orgs, the definition and the channel's orgs are read from peers of ``org``, the caller's own
        wherever the contract takes the change: another org's peer, left to the Gateway, could answer with its own
        org, to be sent the proposal (a disbursement's terms). A failure of one of these reads (a peer a block
        behind: ``not-found``; no peer of ``org`` up; an ACL refusal), other than those :meth:`_key_orgs_plan` takes
        as no plan, is raised, saying what was read and why (:func:`~client.receivables.errors.while_reading`), and
        nothing is sent; so is a ValueError where no orgs of the channel meet the chaincode's policy with the key's.
        Where the key's orgs are no plan (:meth:`_key_orgs_plan` says when), every org of the channel
        (:meth:`_every_org_endorsers`); for a change carrying the terms, only where every one of them is a member of
        their collection (:meth:`_every_org_a_member`), else ValueError, nothing sent.

        Without the Network neither the definition nor the channel's orgs can be read: a change that carries a
        bank's accepted terms (``carries_terms``, or ``terms_write``) goes to ``org`` and the orgs the key names
        (:meth:`_key_orgs_alone`), members of the terms' collection, so that the Gateway, left to plan, cannot send
        the terms to another org (a competing bank); any other change is left to the Gateway's plan (``orgs``
        None)."""
        carries_terms = carries_terms or bool(terms_write)
        if self.network is None:
            if carries_terms:
                return (yield from self._key_orgs_alone(org, receivable_id, action))
            return _Endorsers(None)
        endorsers, why = yield from self._key_orgs_plan(org, receivable_id, action, terms_write, carries_terms)
        if endorsers is not None:
            return endorsers
        endorsers = yield from self._every_org_endorsers(org, action, why)
        if carries_terms and endorsers.orgs is not None:
            yield from self._every_org_a_member(org, endorsers.orgs, action, why)
        return endorsers

    def _every_org_a_member(self, org: str, orgs: list[str], action: str, why: str) -> Steps[None]:
        """Nothing where ``orgs``, every org of the channel, asked to endorse ``action`` as the orgs the claim's key
        names are no plan (``why``), are all members of the terms' collection of ``org``'s holder and bank, read from
        the chaincode's committed definition through a peer of ``org``; else ValueError, nothing sent: the accepted
        terms ``action`` carries may reach no org outside that collection, and which of its members meet the
        policies the SDK cannot tell. A failed read is raised, saying what was read (nothing sent)."""
        try:
            definition = yield from self._committed_definition(org)
        except GatewayError as error:
            raise while_reading(error, _reading("the chaincode's committed definition, which holds the terms' "
                                                "collection", org, action))
        except LedgerReadError as error:
            members, unknown = None, f"its committed definition does not decode ({_on_one_line(error)})"
        else:
            members, unknown = self._collection_members(definition, org, [])
        outside = [other for other in orgs if members is None or other not in members]
        if not outside:
            return
        collection = collection_name(org, org)
        held = (f"whose members cannot be told: {unknown}" if members is None else
                f"whose members are {', '.join(members)}, not {', '.join(outside)}")
        raise ValueError(f"{action}: the orgs the claim's key-level policy names could not be used ({why}), so every "
                         f"org of the channel would be asked to endorse and sent the accepted terms it carries, "
                         f"which may reach no org outside their collection {collection}, {held}; nothing was sent: "
                         f"name the endorsing orgs yourself, {org} and the regulator orgs the claim's key names "
                         "(endorsing_organizations, `--endorsing-org MSP`)")

    def _key_orgs(self, org: str, receivable_id: str, action: str) -> Steps[tuple[list[str] | None, str]]:
        """The orgs the key of claim ``receivable_id`` names, read from a peer of ``org``; ``(None, why)`` where the
        caller may not read them (:data:`READ_REFUSALS`) or the chaincode predates GetReceivableEndorsers
        (:func:`~client.receivables.errors.lacks_the_transaction`). Any other failure is raised, saying what was
        read for ``action`` (:func:`~client.receivables.errors.while_reading`)."""
        try:
            return (yield self.receivable_endorsers(receivable_id, endorsing_organizations=[org])), ""
        except (RuleViolation, GatewayError) as error:
            if isinstance(error, RuleViolation) and refuses_the_caller(error):
                return None, f"the caller may not read them: {error.rule}"
            if isinstance(error, GatewayError) and lacks_the_transaction(error):
                return None, "the chaincode on the channel predates GetReceivableEndorsers, which reads them"
            raise while_reading(error, _reading(f"the orgs the key of claim {receivable_id} names", org, action))

    def _key_orgs_alone(self, org: str, receivable_id: str, action: str) -> Steps[_Endorsers]:
        """``org`` and the orgs the claim's key names (:meth:`_key_orgs`), for a change carrying a bank's terms sent
        by a client without its Network (:meth:`_one_org_endorsers`), so that the terms reach no org the key does
        not name. At worst the transaction is invalid (a
        ``--signature-policy`` the key's orgs do not meet), never the terms sent to another org. ValueError, nothing
        sent, where that leaves ``org`` alone: one org meets no chaincode policy, so the change could only be
        invalidated after ordering."""
        named, why = yield from self._key_orgs(org, receivable_id, action)
        orgs = _unique([org, *(named or ())])
        read = (f"the orgs the claim's key-level policy names ({', '.join(named)}, read from a peer of {org})"
                if named is not None else f"the orgs the claim's key-level policy names, which could not be read "
                                          f"({why})")
        if len(orgs) < 2:
            shown = "none" if not named else ", ".join(named)
            raise ValueError(f"{action}: {read if named is None else f'the claim key names {shown}'}, and with no "
                             f"Network to read the channel's orgs and the chaincode's endorsement policy through, "
                             f"{org} alone would be asked to endorse, which no chaincode policy takes; nothing was "
                             f"sent: pass endorsing_organizations ({org} and a regulator org, `--endorsing-org MSP`), "
                             "or connect the client with its Network")
        return _Endorsers(orgs, action, org, f"{read}, with no Network to read the chaincode's endorsement policy "
                                             f"through, so {', '.join(orgs)} were asked to endorse")

    def _key_orgs_plan(self, org: str, receivable_id: str, action: str, terms_write: tuple[str, str] | None,
                       carries_terms: bool = False) -> Steps[tuple[_Endorsers | None, str]]:
        """The orgs of :meth:`_one_org_endorsers` from the orgs the claim's key names; ``(None, why)`` where they are
        no plan: the caller may not read them, or the chaincode predates GetReceivableEndorsers (:meth:`_key_orgs`);
        they are fewer than two (none: the chaincode's policy guards the key; one: that org alone, as an earlier
        contract version wrote it); the chaincode's committed definition, read, cannot be interpreted: it names a
        channel policy instead of a signature policy (``recfin chaincode deploy --channel-policy``: MAJORITY
        Endorsement, whose orgs it does not tell), holds no policy, names a validation plugin of its own
        (:func:`~client.ledger.lifecycle.chaincode_endorsement`) or does not decode; or the terms' collection's orgs
        cannot be told. The definition is read once, for the chaincode's policy and the collection's. A failure of a
        read is raised (:meth:`_one_org_endorsers`): a definition the peer could not answer is no reason to send the
        change to every org, which a peer down in any of them would stop and which would send a disbursement's
        terms to all of them. ``carries_terms``: the change carries the accepted terms, so the orgs added to meet the
        chaincode's policy are members of the terms' collection only (:meth:`_collection_members`), and where none
        meet it, ValueError, nothing sent, naming the orgs that would and why they may not be sent the terms."""
        named, why = yield from self._key_orgs(org, receivable_id, action)
        if named is None:
            return None, why
        if len(named) < 2:
            return None, (f"its key names {named[0]} alone, as an earlier contract version wrote it" if named else
                          "its key carries none, so the chaincode-level policy guards it")
        try:
            definition = yield from self._committed_definition(org)
            chaincode_policy = chaincode_endorsement(definition)
        except GatewayError as error:
            raise while_reading(error, _reading("the chaincode's committed definition, which holds its endorsement "
                                                "policy", org, action))
        except LedgerReadError as error:
            return None, (f"the chaincode's committed definition, read from a peer of {org}, cannot be told: "
                          f"{_on_one_line(error)}")
        if chaincode_policy.rule is None:
            return None, chaincode_policy.unreadable
        orgs = _unique([org, *named])
        asked = f"the orgs the claim's key-level policy names ({', '.join(named)}, read from a peer of {org})"
        if terms_write:
            terms_orgs, why = self._terms_orgs_in(definition, org, [org])
            if terms_orgs is None:
                return None, f"the orgs of the terms' collection cannot be told: {why}"
            asked += _besides(orgs, terms_orgs, "which the terms' collection asks")
            orgs = _unique([*orgs, *terms_orgs])
        members = None
        if carries_terms:
            members, why = self._collection_members(definition, org, orgs)
            if members is None:
                return None, why
        if not chaincode_policy.rule.met_by(orgs):
            channel_orgs = yield from self._channel_orgs_for(org, action)
            added = chaincode_policy.rule.fewest_added(orgs, channel_orgs if members is None else members)
            if added is None and members is not None:
                raise _terms_beyond_collection(action, org, chaincode_policy.rule, asked, members,
                                               chaincode_policy.rule.fewest_added(orgs, channel_orgs))
            if added is None:
                # every org of the channel cannot meet it either: sent, the transaction would be invalid
                raise ValueError(
                    f"{action}: the chaincode's endorsement policy, {chaincode_policy.rule.spelled()} (its committed "
                    f"definition, read from a peer of {org}), is met by no orgs of the channel "
                    f"({', '.join(channel_orgs)}) with {asked}, so nothing was sent: commit a policy their peers can "
                    "meet (`recfin chaincode deploy --signature-policy`), or name the endorsing orgs yourself "
                    "(endorsing_organizations, `--endorsing-org MSP`)")
            asked += _besides(orgs, added, "which the chaincode's endorsement policy asks")
            orgs += added
        return _Endorsers(orgs, action, org, f"{asked}, so {', '.join(orgs)} were asked to endorse"), ""

    @staticmethod
    def _collection_members(definition: lifecycle_pb2.QueryChaincodeDefinitionResult, org: str, orgs: list[str]
                            ) -> tuple[list[str] | None, str]:
        """The members of the terms' collection of a holder and a bank both parties of ``org`` (``terms-<org>-<org>``)
        in ``definition``, the only orgs a change carrying their accepted terms may be sent to; ``(None, why)`` where
        they cannot be told, or ``orgs``, which that change needs, are not all of them."""
        collection = collection_name(org, org)
        found, why = _committed_collection(definition, collection)
        if found is None:
            return None, why
        outside = [other for other in orgs if other not in found.members]
        if outside:
            return None, (f"{', '.join(outside)}, which the claim's key names, {'is' if len(outside) == 1 else 'are'} "
                          f"no member of collection {collection} ({', '.join(found.members)})")
        return list(found.members), ""

    def _every_org_endorsers(self, org: str, action: str, why: str) -> Steps[_Endorsers]:
        """``org`` and every other org of the channel, for ``action``, a change to a claim of ``org``'s parties whose
        key's orgs are no plan (``why``, :meth:`_key_orgs_plan`): the orgs the key names are among them, whichever
        orgs' parties may be the regulator (the contract's configuration, which neither the channel's config block
        nor any other answer of the contract tells), and they meet the chaincode's endorsement policy wherever the
        channel's peers can (MAJORITY Endorsement, a signature policy over their member or peer principals). The org
        an audit looks for (``org``) is first. When the Gateway finds no peer of another org able to endorse, nothing
        was ordered and nothing is tried without it (it may be the regulator's): the EndorseError says which org, why
        every org was asked, and what to do (:meth:`_Endorsers.explained`). The Gateway plans (``orgs`` None) where
        the channel has no other org."""
        others = [other for other in (yield from self._channel_orgs_for(org, action)) if other != org]
        if not others:
            return _Endorsers(None)
        return _Endorsers([org, *others], action, org, f"the orgs the claim's key-level policy names, which could "
                                                       f"not be used ({why}), so every org of the channel was asked "
                                                       "to endorse")

    def _channel_orgs_for(self, org: str, action: str) -> Steps[list[str]]:
        """The channel's application orgs (:meth:`_channel_orgs_of`; none without the Network), read for
        ``action`` (a change to a claim of ``org``'s parties, a registration of its party); a GatewayError saying
        what was read and why (:func:`~client.receivables.errors.while_reading`) where they cannot be, and nothing
        is sent."""
        try:
            return (yield from self._channel_orgs_of(org)) or []
        except GatewayError as error:
            raise while_reading(error, _reading("the channel's orgs from its config block", org, action))

    def _committed_definition(self, org: str) -> Steps[lifecycle_pb2.QueryChaincodeDefinitionResult]:
        """The definition of this client's chaincode the channel committed, read from a peer of ``org`` (the caller's
        own: another org's peer could answer with a definition naming its own org, to be sent the proposal);
        GatewayError, or LedgerReadError, where it cannot be."""
        return (yield from chaincode_definition_steps(self.network.get_contract(LIFECYCLE), org,
                                                      self.contract.chaincode_name))

    def _terms_endorsers(self, what: str, financing_id: str, org: str, debtor_msp: str | None = None,
                         every_regulator: bool = False, new_keys: bool = False) -> Steps[list[str]]:
        """Who endorses ``what``, a write to the terms' collection of ``financing_id`` whose holder and bank are
        both parties of ``org``: the claim's debtor's org (``debtor_msp``, where the write changes the claim too),
        ``org`` and the regulator org(s) that collection's policy asks for (:meth:`_terms_orgs_in`), read from the
        chaincode's committed definition through a peer of ``org`` itself (:meth:`_committed_definition`): left to
        choose, the Gateway could ask another org's peer, which could answer with its own org as the "regulator" and
        be sent the terms. ValueError, nothing sent, where the client has no Network to ask, the definition cannot be
        read, or the collection's orgs cannot be told from it: the message names the orgs to pass
        (:func:`_one_org_terms_refusal`). ``every_regulator``: the write changes the accepted financing too, whose
        key names ``org`` and every regulator org (``chaincode.receivables.policy.deal_orgs``): each of them is
        named, members of the collection all (:func:`_regulators_in`). ``new_keys``: the write creates keys that carry
        no key-level policy yet (an offer's record and index entries), which Fabric validates against the chaincode's
        endorsement policy: where those orgs do not meet it, the fewest other members of the collection that do are
        named too, and where none do, ValueError, nothing sent (:meth:`_new_keys_endorsers`)."""
        parties = _unique([debtor_msp, org])
        if self.network is None:
            raise _one_org_terms_refusal(what, financing_id, org, parties,
                                         "this client has no Network to read it through")
        try:
            definition = yield from self._committed_definition(org)
        except (GatewayError, LedgerReadError) as error:
            raise _one_org_terms_refusal(what, financing_id, org, parties,
                                         f"it could not be read from a peer of {org} ({_on_one_line(error)})"
                                         ) from error
        orgs, why = self._terms_orgs_in(definition, org, parties)
        if orgs is None:
            raise _one_org_terms_refusal(what, financing_id, org, parties, why)
        if every_regulator:
            regulators, why = _regulators_in(definition, org, org)
            if regulators is None:
                raise _one_org_terms_refusal(what, financing_id, org, parties, why)
            orgs = _unique([*orgs, *regulators])
        if new_keys:
            orgs = self._new_keys_endorsers(f"{what} on {financing_id}", definition, org, orgs, debtor_msp)
        return orgs

    def _new_keys_endorsers(self, action: str, definition: lifecycle_pb2.QueryChaincodeDefinitionResult, org: str,
                            orgs: list[str], debtor_msp: str | None = None, holder_msp: str | None = None
                            ) -> list[str]:
        """``orgs``, chosen for ``action`` from the terms' collection of a holder and a bank both parties of ``org``
        (and ``debtor_msp``, the claim's debtor's org, where ``action`` writes the claim too; ``holder_msp``: the
        holder's org where it is not ``org``, the bank's, whose terms' collection it is then), and the fewest other
        members of that collection whose peers, with theirs, meet the chaincode's endorsement policy in ``definition``,
        which the keys ``action`` creates answer to: sent without them, the transaction would be ordered and then
        invalid in its block (ENDORSEMENT_POLICY_FAILURE), the bank's terms sent for nothing. Only members are added,
        the terms' only readers. ValueError, nothing sent, where no members meet it (:func:`_terms_beyond_collection`,
        naming the orgs the policy names that would). ``orgs`` as they are where the policy's orgs cannot be told (a
        channel policy: MAJORITY Endorsement), as before."""
        try:
            rule = chaincode_endorsement(definition).rule
        except LedgerReadError:
            rule = None
        if rule is None or rule.met_by(orgs):
            return orgs
        # the collection was read to choose ``orgs``, so its members are told
        collection = collection_name(holder_msp or org, org)
        found, _ = _committed_collection(definition, collection)
        members = list(found.members) if found is not None else [other for other in orgs if other != debtor_msp]
        added = rule.fewest_added(orgs, members)
        if added is None:
            # the orgs outside the collection that would meet it are among those the policy names: no more is read
            asked = f"{', '.join(orgs)}, the orgs named for it"
            raise _terms_beyond_collection(action, org, rule, asked, members,
                                           rule.fewest_added(orgs, filter(None, rule.peer_orgs)), collection)
        return [*orgs, *added]

    def _deal_regulators(self, financing: FinancingView, claim: Receivable, what: str, writes_notice: bool,
                         carries_terms: bool, claim_changes: bool = True) -> Steps[list[str] | None]:
        """The regulator orgs a change to ``financing``'s record (and, ``writes_notice``, to its assignment notice)
        must have endorse besides the parties' orgs: where its holder and its bank are one org (or, for the notice,
        its debtor and its bank), the contract puts that key under that org and every org whose parties may be the
        regulator (``chaincode.receivables.policy.deal_orgs``); [] where neither is so. Those orgs are the members
        of the financing's terms' collection other than its holder's and its bank's (every terms' collection has
        them all, chaincode.receivables.collections), read from the chaincode's committed definition through a peer
        of the bank's org (:meth:`_committed_definition`). Where that cannot be done, ValueError, nothing sent,
        naming the orgs to pass; for a change that carries no terms by a client without its Network, None: the
        Gateway plans from the keys' policies. ``claim_changes``: the change writes the claim too, whose debtor's
        org the error then names among those to pass; else the bank's org alone."""
        bank = financing.financier_msp
        holder_is_bank = bank == financing.holder_msp
        debtor_is_bank = writes_notice and bank == claim.debtor_msp
        if not bank or not (holder_is_bank or debtor_is_bank):
            return []
        parties = _unique([claim.debtor_msp, financing.holder_msp, bank] if claim_changes else [bank])
        whose = "its holder and its bank" if holder_is_bank else "its debtor and its bank"
        if self.network is None:
            if not carries_terms:
                return None
            raise _one_org_deal_refusal(what, financing.id, whose, bank, parties,
                                        "this client has no Network to read it through")
        try:
            definition = yield from self._committed_definition(bank)
        except (GatewayError, LedgerReadError) as error:
            raise _one_org_deal_refusal(what, financing.id, whose, bank, parties,
                                        f"it could not be read from a peer of {bank} ({_on_one_line(error)})"
                                        ) from error
        regulators, why = _regulators_in(definition, financing.holder_msp, bank)
        if regulators is None:
            raise _one_org_deal_refusal(what, financing.id, whose, bank, parties, why)
        return regulators

    def _terms_orgs_in(self, definition: lifecycle_pb2.QueryChaincodeDefinitionResult, org: str, parties: list[str]
                       ) -> tuple[list[str] | None, str]:
        """``parties`` and the regulator org(s) the terms' collection of a holder and a bank both parties of ``org``
        asks for in ``definition`` (``terms-<org>-<org>``: ``org`` and any one of the regulator orgs,
        chaincode.receivables.collections): the fewest other members of the collection whose peers, with those of
        ``parties``, meet its endorsement policy's rule (where it sets no signature policy, the chaincode's, read
        from ``definition``; any other member where that is not a signature policy either).
        ``parties`` alone where the collection has no other member, or its policy needs none. ``(None, why)`` where
        the collection's orgs cannot be told: the definition has no such collection, a principal of it does not
        decode, or no set of its members' peers meets its endorsement policy."""
        collection = collection_name(org, org)
        try:
            orgs = collection_orgs(definition, collection)
        except LedgerReadError as error:
            return None, f"it could not be read from a peer of {org} ({error})"
        if orgs is None:
            return None, f"the definition of chaincode {self.contract.chaincode_name} has no collection {collection}"
        if orgs.endorsement is None:
            # the chaincode's own policy applies to the collection's writes: where the definition tells its orgs,
            # the fewest members meeting it with ``parties`` (a member only: the terms may reach no other org);
            # else taken as the derived default, any two orgs, which any other member meets with ``org``: the first
            # in name order, so that every write of the org's terms goes to the same org, whichever host sends it
            try:
                # a channel policy of the collection's own tells no orgs either: taken as that default too
                rule = None if orgs.channel_policy else chaincode_endorsement(definition).rule
            except LedgerReadError as error:
                return None, f"the chaincode's endorsement policy could not be read from a peer of {org} ({error})"
            if rule is None:
                return parties + [o for o in orgs.members if o != org][:1], ""
            regulators = rule.fewest_added(parties, orgs.members)
            if regulators is None:
                return None, (f"collection {collection} sets no endorsement policy of its own, and no set of its "
                              f"members' peers meets the chaincode's ({rule.spelled()})")
            return parties + regulators, ""
        # Fabric validates a write to the collection against its own endorsement policy, which a collections file of
        # the operator's may make differ from its members: only members are added, since an org that is no member
        # may not be sent the terms, and only as many as the rule needs, as their peers meet it (the parties' peers
        # endorse anyway and count too). The fewest are named, each org named being one more peer the terms are
        # sent to and one more that must be up, and of sets equally few the first in name order, so that every
        # write of the org's terms goes to the same orgs, whichever host sends it, as a new party's second org is
        # chosen.
        regulators = orgs.endorsement.fewest_added(parties, orgs.members)
        if regulators is None:
            others = [o for o in orgs.endorsers if o != org]
            return None, (f"the endorsement policy of collection {collection} names no member of it other than {org} "
                          f"(it names {', '.join(others)}, none of them a member, which the terms may not be sent "
                          "to)" if others and not set(others) & set(orgs.members) else
                          f"no set of its members' peers meets the endorsement policy of collection {collection} (a "
                          "peer's endorsement meets a principal of its own org whose role is member or peer, not "
                          "admin or client, and each counts once)")
        return parties + regulators, ""

    def _offer_orgs(self, financing_id: str, claim: Receivable | None, bank_msp: str) -> Steps[list[str]]:
        """Who endorses a bank's offer: the claim's holder org and the bank's, as the terms' collection's policy
        asks. The claim's, not the request record's copy, which two orgs could have rewritten before acceptance
        (the contract refuses such a request, and the terms must not reach the org it names on the way). Where
        they are one org, it and a regulator org (:meth:`_terms_endorsers`). The bank's org alone where the bank
        may not read the financing or its claim: the contract then refuses the offer by its own rule."""
        if claim is None:
            return [bank_msp]
        if claim.holder_msp == bank_msp:
            return (yield from self._terms_endorsers("make_offer", financing_id, bank_msp, new_keys=True))
        orgs = [claim.holder_msp, bank_msp]
        if self.network is None:
            return orgs
        try:
            definition = yield from self._committed_definition(bank_msp)
        except (GatewayError, LedgerReadError):
            # no worse than before the policy was read: the holder's and the bank's orgs, members both, whose peers
            # meet the chaincode's default any two orgs; a peer that cannot answer this read stops the offer anyway
            return orgs
        return self._new_keys_endorsers(f"make_offer on {financing_id}", definition, bank_msp, orgs,
                                        holder_msp=claim.holder_msp)

    def _claim_orgs(self, financing: FinancingView, claim: Receivable, bank_msp: str | None, what: str,
                    writes_terms: bool, carries_terms: bool, writes_notice: bool = False) -> Steps[_Endorsers]:
        """Who endorses ``what``, a change to the claim of ``financing``: the orgs of :func:`_parties_orgs`; where
        they are one, the orgs :meth:`_one_org_endorsers` names. ``writes_terms``: the change writes to the terms'
        collection, whose policy needs a regulator org where the holder and the bank are one org: the debtor's org
        (of another org), that org and a regulator org (:meth:`_terms_endorsers`); with a debtor of that org too,
        that regulator org among the ones :meth:`_one_org_endorsers` names. ``carries_terms``: the change carries
        the accepted terms (transient ``terms``), which :meth:`_one_org_endorsers` keeps from a Gateway's plan.
        Where two of the three orgs are one, the change writes the accepted financing's record (and,
        ``writes_notice``, its assignment notice), and that key's two parties are the one org, the regulator orgs
        its key names too (:meth:`_deal_regulators`; a client without its Network leaves a change carrying no
        terms to the Gateway's plan)."""
        if writes_terms and financing.financier_msp == financing.holder_msp != claim.debtor_msp:
            # the claim's index entries it writes are new keys, which answer to the chaincode's endorsement policy
            return _Endorsers((yield from self._terms_endorsers(what, financing.id, financing.holder_msp,
                                                                claim.debtor_msp, every_regulator=True,
                                                                new_keys=True)))
        orgs = _parties_orgs(financing, claim, bank_msp)
        if len(orgs) > 1:
            regulators = yield from self._deal_regulators(financing, claim, f"{what} on {financing.id}",
                                                          writes_notice, carries_terms)
            return _Endorsers(None if regulators is None else _unique([*orgs, *regulators]))
        return (yield from self._one_org_endorsers(orgs[0], claim.id, f"{what} on {financing.id}",
                                                   (what, financing.id) if writes_terms else None, carries_terms))


def _committed_collection(definition: lifecycle_pb2.QueryChaincodeDefinitionResult, collection: str):
    """``collection``'s orgs as the committed ``definition`` gives them (collection_orgs), or ``(None, why)`` where
    it has no such collection or its policy does not decode."""
    try:
        found = collection_orgs(definition, collection)
    except LedgerReadError as error:
        return None, f"its collection {collection} does not decode ({error})"
    if found is None:
        return None, f"the chaincode's committed definition has no collection {collection}"
    return found, ""


def _regulators_in(definition: lifecycle_pb2.QueryChaincodeDefinitionResult, holder_msp: str, bank_msp: str
                   ) -> tuple[list[str] | None, str]:
    """The orgs whose parties may be the regulator, as ``definition`` tells them: the members of the terms'
    collection of ``holder_msp`` and ``bank_msp`` other than those two (chaincode.receivables.collections gives
    every terms' collection all of them). ``(None, why)`` where the collection cannot be read or has no such
    member."""
    collection = collection_name(holder_msp, bank_msp)
    orgs, why = _committed_collection(definition, collection)
    if orgs is None:
        return None, why
    regulators = [org for org in orgs.members if org not in (holder_msp, bank_msp)]
    if not regulators:
        return None, f"its collection {collection} has no member besides {holder_msp} and {bank_msp}"
    return regulators, ""


def _terms_beyond_collection(action: str, org: str, rule: EndorsementRule, asked: str, members: list[str],
                             outside: list[str] | None, collection: str | None = None) -> ValueError:
    """Where the chaincode's endorsement policy (``rule``), which the claim's index entries answer to, is met by no
    members of the terms' collection of ``org``'s holder and bank with the orgs ``asked`` (``members``): a change
    carrying the accepted terms would have to send them to ``outside`` (None: no orgs of the channel meet it either),
    so nothing is sent. ``collection``: the terms' collection, where it is not ``org``'s own holder's and bank's."""
    collection = collection or collection_name(org, org)
    beyond = (f"only {', '.join(outside)}, outside the collection, would meet it, and may not be sent the terms"
              if outside else "no orgs of the channel meet it either")
    return ValueError(
        f"{action}: the chaincode's endorsement policy, {rule.spelled()} (its committed definition, read from a peer "
        f"of {org}), is met by no members of the terms' collection {collection} ({', '.join(members)}) with "
        f"{asked}: {beyond}; nothing was sent: commit a policy those members' peers meet (`recfin chaincode deploy "
        "--signature-policy`) or give the collection another regulator org, or name the endorsing orgs yourself "
        "(endorsing_organizations, `--endorsing-org MSP`)")


def _one_org_deal_refusal(what: str, financing_id: str, whose: str, org: str, parties: list[str], why: str
                          ) -> ValueError:
    """Where one org's parties are two parties of a financing (``whose``: "its holder and its bank", or "its debtor
    and its bank"), the financing's or its notice's key names that org and every regulator org, which the SDK reads
    from the chaincode's committed definition (:meth:`_EndorserChoice._deal_regulators`); where it cannot (``why``),
    it does not guess, and the caller names them (``parties``: the orgs to name besides the regulator orgs)."""
    return ValueError(
        f"{what}: {whose} are both parties of {org}, so the key it changes names {org} and every regulator org, "
        f"which the SDK reads from the chaincode's committed definition, and {why}; nothing was sent: name the "
        f"endorsing orgs yourself (endorsing_organizations, `--endorsing-org MSP`): {', '.join(parties)} and every "
        "regulator org")
