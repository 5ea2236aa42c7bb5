"""The operations on parties: an org registers its enterprises and binds the client identities that act for them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import TypeAdapter

from chaincode.receivables.arguments import (require_bindable_client_id, require_client_id, require_party_name,
                                             require_text)
from client.gateway._twins import Steps

from ._arguments import (_as_the_contract_checks, _id, _json, _party_code, _read_as_the_contract_reads, _text,
                         _values)
from ._models import IdentityParty, Party, PartyHistoryEntry, PartyRegistration, Role


_PARTY_HISTORY = TypeAdapter(list[PartyHistoryEntry])


def _party_name(name: str, transaction: str) -> str:
    """A party's name, held to the contract's own check (``require_party_name``: 1 to 200 characters, one line, a
    visible character, none invisible at either end), refused as :class:`RefusedBeforeSending` naming the rule
    ``transaction`` would answer with, before anything is read or sent."""
    with _as_the_contract_checks(transaction):
        return require_party_name(_text(name, "name"))


def _client_id(client_id: str, transaction: str) -> str:
    """A client identity ``transaction`` names, sent as given once the contract's own check of it passes
    (``require_client_id``: at most 1,000 characters); what it refuses raises :class:`RefusedBeforeSending`
    ``argument-invalid``, nothing sent."""
    client_id = _id(client_id, "client_id")
    with _as_the_contract_checks(transaction):
        require_client_id(client_id)
    return client_id


def _party_record_code(uscc: str) -> str:
    """The code a party record is read by (GetParty, GetPartyHistory): as :func:`_id`, not held to the credit-code
    rule as a party acted on or a listing's party is (:func:`_party_code`). Two orgs running altered chaincode can
    write a party record under any key, a lower-case code's too; the contract reads it (a claim naming it, the
    audit's check of the party's writes), and its refusal of such a record tells the caller to read the code's
    GetPartyHistory. Where no record is under a code no party can have, the contract answers
    ``party-not-registered`` saying no party can be registered under it, as :func:`_party_code` would."""
    return _id(uscc, "uscc")


class _PartyOperations:
    """Registering parties, binding their identities, and reading them."""

    @staticmethod
    def _party_request(uscc: str, name: str, role: Role, msp_id: str, client_ids: Iterable[str]) -> PartyRegistration:
        """The registration, checked before anything is read or sent: an empty or blank credit code, MSP
        ID or client identity names nothing, and a name the contract's own check refuses (no visible character,
        one padded with a space) shows no enterprise or another's. The contract refuses each, but only once the
        channel's orgs were read to endorse the registration and it was sent."""
        uscc = _id(uscc, "uscc")
        _party_name(name, "RegisterParty")
        request = PartyRegistration(uscc=uscc, name=name, role=role, msp_id=_id(msp_id, "msp_id"),
                                    client_ids=[_id(client_id, "client_id")
                                                for client_id in _values(client_ids, "client_ids")])
        _read_as_the_contract_reads(request)    # a credit code whose check digit is wrong, before the channel is read
        return request

    def _party_registration(self, request: PartyRegistration, endorsing_organizations: Sequence[str] | None):
        return self._submit("RegisterParty", _json(request), model=Party,
                            endorsing_organizations=endorsing_organizations)

    def register_party(self, uscc: str, name: str, role: Role, msp_id: str, client_ids: Iterable[str], *,
                       endorsing_organizations: Sequence[str] | None = None) -> Party:
        """An org admin registers an enterprise of its own org and the client identities that act for it
        (``client_id_of(cert)`` gives an identity's id).

        A party record is a new key, under the chaincode's "any two orgs" policy, and an audit of a claim
        (``client.receivables.audit``) takes the record only if the org it names endorsed its first write. The Gateway,
        left to plan, endorses first on a peer of its own org, which need not be the party's, so the endorsers are
        named: the party's org (``msp_id``) and one other org of the channel, the first in name order, read from the
        channel's config block (qscc, through a peer of ``msp_id``'s org; a failure of that read, a mistyped
        ``msp_id`` or no peer of that org up, is raised saying what it read and that nothing was sent). When the Gateway
        finds no peer of that other org able to endorse (``failed to find any endorsing peers for org(s)``: its peers
        are down or lack the chaincode), the registration goes to the next other org, each tried once; nothing was
        ordered in between. A client built without its Network cannot read the channel and leaves the plan to the
        Gateway. Pass ``endorsing_organizations`` to choose the orgs yourself (they are sent as given).
        """
        request = self._party_request(uscc, name, role, msp_id, client_ids)
        if endorsing_organizations is None:
            return self._run_steps(self._register_party_steps)(request)
        return self._party_registration(request, endorsing_organizations)

    def rename_party(self, uscc: str, name: str) -> Party:
        """An org admin records the new name of an enterprise of its org that changed its name, its credit code
        the same: only the name changes, and ``party_history`` keeps the former ones (each write's ``name``).

        A name ``register_party`` would refuse (empty, over 200 characters, of more than one line, with no visible
        character, or starting or ending with white space or an invisible character) is refused as
        :class:`RefusedBeforeSending` (``argument-invalid``, a ValueError), nothing sent; the contract refuses, as
        ``RuleViolation``, the name the party has already (``party-name-unchanged``) and a party of another org
        (``admin-of-own-org-only``)."""
        return self._submit("RenameParty", _party_code(uscc, "uscc"), _party_name(name, "RenameParty"), model=Party)

    def bind_party_identity(self, uscc: str, client_id: str) -> Party:
        """An org admin lets one more client identity act for a party of its org.

        Refused, as ``RuleViolation``, for an identity acting for a party already (``identity-already-bound``), and
        for one whose binding key other orgs hold a key-level policy on (``binding-held-by-other-orgs``: issue the
        user a certificate with another name, ``recfin org user add``, and bind that). An id no certificate
        presents (``+5``, one copied from a wrapped line: not ``x509::<subject DN>::<issuer DN>`` as
        ``client_id_of(cert)`` forms it) is refused as ValueError naming ``client-id-invalid``, nothing sent."""
        client_id = _id(client_id, "client_id")
        with _as_the_contract_checks("BindPartyIdentity"):
            require_bindable_client_id(client_id)
        return self._submit("BindPartyIdentity", _party_code(uscc, "uscc"), client_id, model=Party)

    def unbind_party_identity(self, uscc: str, client_id: str) -> Party:
        """An org admin stops a client identity acting for a party of its org (an employee left, a key was lost).

        Any identity the party record lists is taken off it; its binding is deleted where it names this party.
        Refused, as ``RuleViolation``, for an identity the party's record does not list (``identity-not-bound``)
        and when no other identity it lists would act for the party (``last-identity-of-party``: bind another
        first). An identity of more than 1,000 characters is refused by the contract's own check before anything is
        sent (:class:`RefusedBeforeSending`, ``argument-invalid``)."""
        return self._submit("UnbindPartyIdentity", _party_code(uscc, "uscc"),
                            _client_id(client_id, "UnbindPartyIdentity"), model=Party)

    def find_identity_party(self, msp_id: str, client_id: str) -> IdentityParty:
        """Which party a client identity of org ``msp_id`` acts for (``.party``; None: it acts for none), as every
        transaction decides it: its binding names the party and the party's record lists it. ``.bound_to`` is the
        credit code the binding names all the same (with ``.party`` None: a party whose record does not list it).
        For an admin of that org (before unbinding a leaver), the identity itself and the regulator;
        others are refused (``not-permitted-to-read``). An ``msp_id`` of more than 200 characters or an identity of
        more than 1,000 is refused by the contract's own check before anything is sent (:class:`RefusedBeforeSending`,
        ``argument-invalid``)."""
        msp_id = _id(msp_id, "msp_id")
        with _as_the_contract_checks("FindIdentityParty"):
            require_text(msp_id, "msp_id", 200, one_line=False)
        return self._evaluate("FindIdentityParty", msp_id, _client_id(client_id, "FindIdentityParty"),
                              model=IdentityParty)

    def get_party(self, uscc: str) -> Party:
        """The party record under ``uscc``. Sent whatever the code (:func:`_party_record_code`): a code no party
        can have comes back ``party-not-registered`` saying so, as the contract checks it."""
        return self._evaluate("GetParty", _party_record_code(uscc), model=Party)

    def party_history(self, uscc: str, *,
                      endorsing_organizations: Sequence[str] | None = None) -> list[PartyHistoryEntry]:
        """Every write of a party record, oldest first (the tx ids ``client.receivables.audit`` checks); whoever
        may ``get_party`` may ask (``endorsing_organizations`` as for :meth:`get_receivable`). Sent whatever the
        code, as :meth:`get_party` is: the writes of a record no transaction of the contract made are what it is
        asked for."""
        return self._evaluate("GetPartyHistory", _party_record_code(uscc), model=_PARTY_HISTORY,
                              endorsing_organizations=endorsing_organizations)

    def who_am_i(self) -> Party:
        """The party the calling identity acts for."""
        return self._evaluate("WhoAmI", model=Party)

    def _register_party_steps(self, request: PartyRegistration) -> Steps[Party]:
        """The registration endorsed by the party's org and another of the channel (:meth:`_with_another_org`)."""
        return (yield from self._with_another_org(request.msp_id,
                                                  lambda orgs: self._party_registration(request, orgs),
                                                  f"the registration of party {request.uscc}"))
