"""The parties' records: a party, the bindings of the client identities acting for it, under its org's key-level
policy, and the business request ids its retried requests are recognised by.
"""

from __future__ import annotations

import json

from google.protobuf.message import DecodeError

from chaincode.shim import KeyEndorsementPolicy

from . import keys, uscc as credit_code
from .identity import lists_identity, node_role_of, presented_by_a_certificate
from .errors import rule, shown
from .model import Party
from .store_base import StoreBase, contract_policy_orgs, parsed_object

# a party record no transaction of its org wrote: a new key, which any two orgs may write
_FORGED_PARTY = ("GetPartyHistory of the credit code lists the transactions that wrote it: report them to the "
                 "network's operators; no call can act for or on the party while the record stands")

# what every recfin.request record holds (``Session.remember``): the result is whatever JSON the transaction answered
_REQUEST_FIELDS = {"transaction": str, "arguments": str, "tx_id": str, "at": str, "result": object}


class PartyRecords(StoreBase):
    """Parties, their client identities' bindings, and their business request ids (part of ``Store``)."""

    # -- parties
    async def party(self, uscc: str) -> Party | None:
        return await self._get(Party, keys.PARTY, uscc, remedy=_FORGED_PARTY)

    async def require_party(self, uscc: str) -> Party:
        party = await self.party(uscc)
        if party is None:
            # a code no registration could take (lower case, a letter left out of the set, a wrong check
            # character) is most likely a party's mistyped: registering it is no way on (RegisterParty
            # refuses it)
            if uscc and (why := credit_code.problem(uscc)) is not None:
                raise rule("party-not-registered", f"{why}: no party is registered under it, nor can one be "
                           "(RegisterParty takes valid credit codes only); check the code, 18 characters "
                           "in upper case as the party's record shows it")
            raise rule("party-not-registered", f"no party with credit code {shown(uscc)} is registered: its org admin "
                       "registers it first")
        return party

    async def client_bound(self, msp_id: str, client_id: str) -> str | None:
        """The credit code a client identity's binding names, or None: no binding, or a value that is no
        well-formed credit code. Two other orgs can write a new binding key with any bytes (not UTF-8, U+0000,
        ...) under the chaincode policy: such a binding is stray and acts for no one, like one naming a party
        whose record does not list the identity, and must not fail the transactions that read it."""
        raw = await self.stub.get_state(self.key(keys.CLIENT, msp_id, client_id))
        try:
            code = raw.decode() if raw else None
        except UnicodeDecodeError:
            return None
        return code if credit_code.is_valid(code) else None

    async def party_acted_for(self, msp_id: str, client_id: str) -> Party | None:
        """The party a client identity acts for, as Session.party decides it: its binding names the party and
        the party record lists it. None for an identity never bound or unbound, and for a binding the record
        does not list (one other orgs could have written under the chaincode policy), and for a node's identity,
        which Session.party refuses whatever binds it (one an earlier contract version bound)."""
        if node_role_of(client_id) is not None:
            return None
        uscc = await self.client_bound(msp_id, client_id)
        party = await self.party(uscc) if uscc is not None else None
        return party if party is not None and lists_identity(party, msp_id, client_id) else None

    async def acting_for_others(self, party: Party) -> dict[str, str]:
        """The identities ``party``'s record lists that act for another party (their binding names it, and its
        record lists them too), each with that party's credit code. Writing their bindings again would take
        them from that party, whose record says otherwise; a binding naming a party whose record does not list
        the identity (or no party) is stray, and is not counted."""
        await self.prefetch(*((keys.CLIENT, party.msp_id, client_id) for client_id in party.client_ids))
        others = {}
        for client_id in party.client_ids:
            owner = await self.party_acted_for(party.msp_id, client_id)
            if owner is not None and owner.uscc != party.uscc:
                others[client_id] = owner.uscc
        return others

    async def binding_held_by(self, msp_id: str, client_id: str) -> list[str] | None:
        """The orgs a client identity's binding key-level policy names when it is not exactly ``msp_id``'s own
        (``["an unreadable policy"]`` if it cannot be read), else None (no policy, or the org's own, in the
        form this version writes or the one earlier versions wrote).

        Only other orgs can have set such a policy: a new binding key falls under the chaincode policy, so two
        of them can write it with a policy of their own in the same transaction. Fabric then invalidates any
        write or delete of the key that policy's orgs did not endorse, so the party's org cannot touch it."""
        held = await self.stub.get_state_validation_parameter(self.key(keys.CLIENT, msp_id, client_id))
        # the org's own as this version writes it, or as earlier ones did (its peer meets both: put_party
        # reseals it)
        if held is None or contract_policy_orgs(held) == [msp_id]:
            return None
        try:
            return KeyEndorsementPolicy(held).list_orgs()
        except (DecodeError, ValueError):   # not a SignaturePolicyEnvelope of MSP roles
            return ["an unreadable policy"]

    async def bindings_to_seal(self, party: Party) -> list[str]:
        """The identities ``party``'s record lists whose bindings its org writes again for it (``put_party``),
        and so the identities that act for it once that is done: all but those acting for another party
        (``acting_for_others``, left to it) and those whose binding key other orgs hold a policy on
        (``binding_held_by``: the party's org cannot write it, and the record decides anyway)."""
        others = await self.acting_for_others(party)
        # An id no certificate presents (an older contract stored any text as sent, padded or not) acts for no one.
        return [client_id for client_id in party.client_ids
                if presented_by_a_certificate(client_id) and client_id not in others
                and await self.binding_held_by(party.msp_id, client_id) is None]

    async def put_party(self, party: Party, client_ids: list[str]) -> None:
        """Write the party record and the bindings of ``client_ids`` (each naming the party), every key under
        the party org's key-level policy. Given ``bindings_to_seal``, a binding written by an older contract
        version (which set no policy) gets one, and a binding others removed or re-pointed at a party whose
        record does not list it is restored: the record is what decides. ``client_ids`` must hold no identity
        whose binding key other orgs hold (``binding_held_by``): Fabric would invalidate the transaction."""
        key = self.key(keys.PARTY, party.uscc)
        await self.stub.put_state(key, party.to_bytes())
        # Later changes to a party record, and to its live bindings, need its own org's endorsement. A binding
        # key written anew (or after an unbind) falls under the chaincode policy, so Session.party also
        # requires the party record to list the identity: a binding other orgs forge acts for no one.
        await self._set_policy(key, [party.msp_id])
        for client_id in client_ids:
            client_key = self.key(keys.CLIENT, party.msp_id, client_id)
            await self.stub.put_state(client_key, party.uscc.encode())
            await self._set_policy(client_key, [party.msp_id])

    async def release_client(self, msp_id: str, client_id: str) -> None:
        """Delete a client identity's binding (its key-level policy goes with it, as Fabric keeps metadata
        only with a value); binding it again later writes both anew. A binding key other orgs hold a policy on
        (``binding_held_by``) is left as it is: the party's org cannot delete it, and once the record no
        longer lists the identity, the binding acts for no one."""
        if await self.binding_held_by(msp_id, client_id) is None:
            await self.stub.del_state(self.key(keys.CLIENT, msp_id, client_id))

    # -- business request ids (idempotent retries)
    async def request(self, party_uscc: str, request_id: str) -> dict | None:
        """The record of ``party_uscc``'s request ``request_id``; None where it has none. A request id no
        transaction of the party recorded is a new key, which any two orgs may write: a value that is not such a
        record is refused ``record-unreadable``, as no retry can be answered from it."""
        raw = await self.stub.get_state(self.key(keys.REQUEST, party_uscc, request_id))
        if not raw:
            return None
        return parsed_object(raw, _REQUEST_FIELDS, keys.REQUEST, party_uscc, request_id,
                             remedy="No request can be recognised by this id while the record stands: send the "
                                    "request with a new request id")

    async def put_request(self, party: Party, request_id: str, record: dict) -> None:
        """Record ``party``'s request ``request_id`` under its org's key-level policy, as its party record is:
        a retry is answered from the record, so two orgs deleting it (under the chaincode-level policy any two
        could) would have the retry apply the effect a second time, a payment recorded twice."""
        key = self.key(keys.REQUEST, party.uscc, request_id)
        await self.stub.put_state(key, json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode())
        await self._set_policy(key, [party.msp_id])

    async def seal_request(self, key: str, party_uscc: str) -> bool:
        """Give ``key``, a request record an earlier contract version wrote for ``party_uscc`` without a
        policy, its party's org (``put_request``), where it has none and the party is registered; whether it
        wrote one. The write is validated against the chaincode-level policy that guards the record until
        then."""
        party = await self.party(party_uscc)
        if party is None:
            return False
        held = await self.stub.get_state_validation_parameter(key)
        return await self._seal_unguarded(key, [party.msp_id], held)
