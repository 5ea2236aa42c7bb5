"""What one transaction of the receivables contract knows, and how its refusals reach the runtime.

``Session`` is built once per transaction (``ReceivablesContract._session``) and carries the store, the network's
configuration, the business date and the caller; ``rules`` turns a domain ``RuleViolation`` into the runtime's
``ContractError``. Every transaction uses both, so they stand apart from the transactions themselves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from chaincode.contract import ContractError

from . import config as cfg
from . import events, keys
from .arguments import _request_id
from .errors import RuleViolation, _identity, rule, shown
from .identity import is_org_admin, lists_identity, node_role_of, node_role_of_certificate
from .model import Action, Party
from .store import Store


def rules(method):
    """Turn a domain :class:`RuleViolation` into the runtime's ``ContractError``."""

    @functools.wraps(method)
    async def wrapper(self, ctx, *args, **kwargs):
        try:
            return await method(self, ctx, *args, **kwargs)
        except RuleViolation as exc:
            raise ContractError(str(exc)) from None

    return wrapper


@dataclass
class Session:
    """What one transaction knows: the store, the network's configuration, the date, the caller."""

    ctx: Any
    store: Store
    config: cfg.NetworkConfig
    today: date
    now: str
    tx_id: str

    @property
    def today_iso(self) -> str:
        return self.today.isoformat()

    @property
    def binding(self) -> tuple[str, str, str]:
        """The record binding the caller's identity to its party, for ``Store.prefetch``: a transaction
        that must read a record before it knows its party reads it with this one."""
        ci = self.ctx.client_identity
        return keys.CLIENT, ci.msp_id, ci.id

    async def caller_code(self) -> str | None:
        """The credit code the caller's identity is bound to, or None (an unbound identity)."""
        ci = self.ctx.client_identity
        return await self.store.client_bound(ci.msp_id, ci.id)

    async def read_with_party(self, *records: tuple[str, ...]) -> None:
        """Read ``records`` with the caller's party record, in one round trip: for a transaction that
        read its first records with ``binding`` and learnt from them what it reads next."""
        uscc = await self.caller_code()
        await self.store.prefetch(*([(keys.PARTY, uscc)] if uscc is not None else []), *records)

    async def party(self, *prefetch: tuple[str, ...], request_id: str = "") -> Party:
        """The registered party the caller acts for.

        ``prefetch`` names records the transaction reads next (see ``Store.prefetch``), read with the
        caller's binding; with a ``request_id`` its request record is read with the party, for ``replay``.
        """
        ci = self.ctx.client_identity
        # whatever a binding says (an older contract bound a node's id as any other): see identity.py. An id read
        # more than one way is a node's where any reading is, as binding it is refused (``node_role_of``)
        by_certificate = node_role_of_certificate(ci.certificate)
        if (node := by_certificate or node_role_of(ci.id)) is not None:
            carries = (f"its certificate carries OU={node}" if by_certificate else
                       f"its id is also that of a certificate carrying OU={node}, as a DN value holding :: lets it "
                       "be read")
            raise rule("identity-of-a-node", f"{_identity(ci.id)} of {shown(ci.msp_id)} is a {node}'s identity "
                       f"({carries}), which acts for no party: send this as a client identity bound to the party "
                       "(--as ORG/USER)")
        await self.store.prefetch(self.binding, *prefetch)
        uscc = await self.caller_code()
        if uscc is not None and request_id and keys.is_request_id(request_id):
            await self.store.prefetch((keys.PARTY, uscc), (keys.REQUEST, uscc, request_id))
        party = await self.store.party(uscc) if uscc is not None else None
        if party is None and is_org_admin(ci):
            # the admin is the one the advice below sends a client to: an admin acts for no party
            raise rule("caller-not-a-party", f"{_identity(ci.id)} is an admin of {shown(ci.msp_id)}, which acts for "
                       "no party: send this as a client identity bound to the party (--as ORG/USER), or register "
                       "the party and bind a client identity to it first (recfin party register, party bind)")
        if party is None:
            raise rule("caller-not-a-party", f"client identity {_identity(ci.id)} of {shown(ci.msp_id)} acts for no "
                       "registered party: ask your org admin to register the party or bind this identity")
        # The binding alone is not trusted. A new key falls under the chaincode policy (any two orgs), so
        # two other orgs could write a binding of their own identity to this party; the party record,
        # under its own org's key-level policy, must list the identity too.
        if not lists_identity(party, ci.msp_id, ci.id):
            raise rule("caller-not-a-party", f"client identity {_identity(ci.id)} of {shown(ci.msp_id)} is bound to "
                       f"{party.uscc}, whose record does not list it: ask {party.msp_id}'s admin to bind it "
                       f"(recfin party bind)")
        # The role on the party record was allowed when the party was registered; a later chaincode definition
        # may have taken it from the org (org_roles). Such a party acts in no role, reads included: every
        # role-based permission starts from the party this returns.
        self.ensure_role_allowed(party, "acts")
        return party

    def ensure_role_allowed(self, party: Party, does: str, way_on: str = "") -> None:
        """Refused when the configuration no longer lets ``party``'s org hold the role its record names: as the
        caller it ``acts`` in no role; as a debtor or recipient it ``takes part`` in none (a claim it held or owed
        could not be acted on by it). ``way_on``: what the caller, when it is not ``party``, can do meanwhile,
        added to the refusal when there is something."""
        if not self.config.may_hold(party.msp_id, party.role):
            allowed = ", ".join(self.config.org_roles.get(party.msp_id, ())) or "no role"
            raise rule("role-not-allowed-for-org", f"{shown(party.name)} ({party.uscc}) is registered as a "
                       f"{party.role}, but this network's configuration lets parties of {party.msp_id} "
                       f"be {allowed} (org_roles): "
                       f"it {does} in no role until a new chaincode definition gives the org that role again"
                       + (f"; {way_on}" if way_on else ""))

    async def party_with_role(self, *roles: str, prefetch: tuple[tuple[str, ...], ...] = (),
                              request_id: str = "") -> Party:
        party = await self.party(*prefetch, request_id=request_id)
        if party.role not in roles:
            allowed = " or ".join(roles)
            raise rule("role-not-permitted", f"{shown(party.name)} ({party.uscc}) is a {party.role}: "
                       f"only a {allowed} may do this, and a party's role does not change: the call is for an "
                       f"identity acting for a {allowed} to send")
        return party

    def action(self, name: str, by: str) -> Action:
        return Action(action=name, by=by, msp_id=self.ctx.client_identity.msp_id, at=self.now, tx_id=self.tx_id)

    async def replay(self, party: Party, request_id: str, transaction: str, *args: str,
                     same_request: Callable[[Any], bool] | None = None) -> Any | None:
        """The recorded result of ``request_id`` (a retry), or None for a new request (or no request id).

        Called right after the caller is known and before any state-dependent
        guard: a retry of a committed transfer must be answered even though the
        caller no longer holds the claim. ``same_request``: whether arguments
        written otherwise than the recorded ones ask for the same as its result
        shows (a rate spelled 0.050 or 0.05).
        """
        if not request_id:
            return None
        _request_id(request_id)
        record = await self.store.request(party.uscc, request_id)
        if record is None:
            return None
        if record["transaction"] != transaction or (
                record["arguments"] != keys.arguments_hash(transaction, args)
                and not (same_request is not None and same_request(record["result"]))):
            raise rule("request-id-reused", f"request id {request_id} of {party.uscc} was used by transaction "
                       f"{record['tx_id']} for other arguments: GetRequest (recfin request get {request_id}) shows "
                       f"what it applied; send a new request id for a new request")
        return record["result"]

    async def remember(self, party: Party, request_id: str, transaction: str, args: tuple[str, ...],
                       result: Any) -> Any:
        """Record the result of a request with an id, so a retry returns it instead of repeating the effect."""
        if request_id:
            await self.store.put_request(party, request_id, {
                "transaction": transaction, "arguments": keys.arguments_hash(transaction, args),
                "tx_id": self.tx_id, "at": self.now, "result": result})
        return result

    def emit(self, name: str, receivable_id: str | None, /, **details: Any) -> None:
        # positional-only: a detail may be called ``name`` (PartyRenamed's)
        self.ctx.stub.set_event(name, events.payload(name, receivable_id, self.tx_id, **details))
