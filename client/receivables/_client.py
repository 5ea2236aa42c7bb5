"""ReceivablesClient: the business operations of the receivables contract, typed."""

from __future__ import annotations

import functools
import inspect
import json
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar

from fabric_protos.peer import transaction_pb2
from fabric_protos.peer.lifecycle import lifecycle_pb2
from pydantic import TypeAdapter, ValidationError

from chaincode.receivables.collections import collection_name
from chaincode.receivables.store import UNCOUNTED_OFFERS_MAX, uncounted_offers_problem
from client.gateway import RetryPolicy
from client.gateway._proposal import as_tuple
from client.gateway._twins import Steps, awaiting, blocking
from client.gateway.errors import EndorseError, EvaluateError, GatewayError, SubmitError
from client.ledger.lifecycle import LIFECYCLE, chaincode_definition_steps, chaincode_endorsement, collection_orgs
from client.ledger.msp import application_msp_ids
from client.ledger.qscc import QSCC, LedgerReadError, current_config_steps

from ._events import AsyncReceivablesEvents, ReceivablesEvents
from ._models import (
    STATUSES,
    AssignmentNotice,
    DiscountOffer,
    DiscountOfferPage,
    DiscountOfferRequest,
    FinancierExposure,
    Financing,
    FinancingTerms,
    FinancingView,
    HistoryEntry,
    IdentityParty,
    InvoiceAttestation,
    InvoiceAttestationRequest,
    InvoiceLookup,
    LedgerUpgrade,
    ListedOffer,
    Offer,
    OfferPage,
    OfferTerms,
    Page,
    Party,
    PartyHistoryEntry,
    PartyRegistration,
    PaymentRecord,
    PaymentRecordPage,
    PaymentResult,
    Provenance,
    Receivable,
    ReceivableRegistration,
    Request,
    RequestRecord,
    Reseal,
    Role,
    Statistics,
    TransferResult,
    fen_sent,
)
from ..money import LEDGER_MAX_FEN, MAX_FEN, Amount
from .errors import (RuleViolation, UnreadableAnswer, lacks_the_transaction, reworded, rule_violation_from,
                     while_reading)

CONTRACT_NAME = "receivables"
"""The contract's name in the chaincode: functions are ``receivables:<Transaction>``."""

QUERIES = frozenset({
    "FindIdentityParty", "FindInvoice", "GetAssignmentNotice", "GetDebtorPaymentRecord", "GetDiscountOffer",
    "GetFinancierExposure", "GetFinancing", "GetInvoiceAttestations", "GetOfferTerms", "GetParty", "GetPartyHistory",
    "GetProvenance", "GetReceivable", "GetReceivableEndorsers", "GetReceivableHistory", "GetRequest", "GetStatistics",
    "ListDiscountOffers", "ListOffersByFinancier", "ListReceivablesByDebtor", "ListReceivablesByFinancier",
    "ListReceivablesByHolder", "ListReceivablesByStatus", "WhoAmI"})
"""The contract's queries (tagged ``evaluate`` in its metadata), which this client evaluates and never submits.

The contract cannot tell an evaluated call from a submitted one, and a submitted call's answer is in the proposal
response that goes into the block, for every org of the channel: ``GetOfferTerms`` would put an offer's private
terms there, ``GetFinancierExposure`` a bank's advances. The generic Gateway client knows no contract's metadata,
so the refusal is here (``_Operations._options``, before anything is sent)."""

_HISTORY = TypeAdapter(list[HistoryEntry])
_PARTY_HISTORY = TypeAdapter(list[PartyHistoryEntry])
_ATTESTATIONS = TypeAdapter(list[InvoiceAttestation])
_MSP_IDS = TypeAdapter(list[str])


def _text(value: str, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


def new_request_id() -> str:
    """A fresh business request id (uuid4 hex): the contract answers a retry with the same id with the first result."""
    return uuid.uuid4().hex


RACE_RETRY = RetryPolicy(max_attempts=3, backoff=0.1, retry_on=frozenset({
    transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.PHANTOM_READ_CONFLICT,
    transaction_pb2.ENDORSEMENT_POLICY_FAILURE}))
"""Endorse and submit again, at most three times in all, a transaction that lost a race for a claim or an invoice.

Another transaction committed first and changed a key this one read (``MVCC_READ_CONFLICT``), a range of
keys it read (``PHANTOM_READ_CONFLICT``: a registration where the network requires attestations reads its
invoices' attestations, as the first attestation of an invoice does, and an attestation of one committed
meanwhile adds to them), or the key-level policy of a claim it writes (``ENDORSEMENT_POLICY_FAILURE``:
confirmation, transfers across orgs, financing, repayment, freezes and unfreezes write it). Either way the
invalidated transaction wrote nothing, and endorsing it again reads the ledger as it is now, so the second
try is either valid or refused by a business rule that names what changed. Calls whose endorsing orgs are
fixed before the first try (``register_party``, ``confirm``, ``make_offer``, ``record_disbursement``,
``cancel_financing``, ``reseal_receivable`` and any call given ``endorsing_organizations``) go to the same orgs each time: after a
race that changed who must endorse, their tries end in the same CommitError; call again to plan anew. The CLI uses this policy;
``ReceivablesClient(..., retry=RACE_RETRY)`` opts an integration in (docs/sdk-receivables.md).
"""


READ_REFUSALS = frozenset({"not-permitted-to-read", "role-not-allowed-for-org"})
"""The rules by which the contract refuses a read because of who the caller is, not what the ledger holds:
``not-permitted-to-read`` (not a party to the claim) and ``role-not-allowed-for-org`` (the caller's party acts in no
role). A caller refused a read of a claim or financing for one of them is refused any action on it too, so a
method that reads only to choose endorsers (or the CLI, to check an amount's currency) sends the action anyway
for the contract to name the action's own rule. Any other refusal of the read (``not-found`` from a peer a block
behind, ``caller-not-a-party``) is raised: the action would be sent blind, to the wrong orgs or unchecked."""


def refuses_the_caller(violation: RuleViolation) -> bool:
    """Whether a refused read says only that the caller may not read it (:data:`READ_REFUSALS`)."""
    return violation.rule in READ_REFUSALS


T = TypeVar("T")


def unless_refused_the_read(read: Callable[[], T]) -> T | None:
    """What ``read`` returns; None when the contract refuses the caller the read (:func:`refuses_the_caller`), so
    that the action it was read for is sent and refused by its own rule. Any other refusal is raised."""
    try:
        return read()
    except RuleViolation as refusal:
        if not refuses_the_caller(refusal):
            raise
        return None


async def _unless_refused_the_async_read(read: Callable[[], Awaitable[T]]) -> T | None:
    """The async twin of :func:`unless_refused_the_read`."""
    try:
        return await read()
    except RuleViolation as refusal:
        if not refuses_the_caller(refusal):
            raise
        return None


def _request_id(value: str | None) -> str:
    """The business request id to send: a fresh one for ``None``, else the caller's.

    ``""`` is refused: the contract reads an empty id as "no request id" and would apply every retry again, so
    an id that went missing upstream (``order.get("ref", "")``) must fail here instead of losing exactly-once.
    """
    if value is None:
        return new_request_id()
    text = _text(value, "request_id")
    if not text:
        raise ValueError("request_id '': a request id is 1 to 128 letters, digits, '-', '_', '.' or ':' (unique per "
                         "party); pass None for a fresh one")
    return text


def _page_size(value: int) -> str:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise ValueError(f"page_size {value!r}: ask for 1 to 100 records per page")
    return str(value)


def _date_text(value: date | None, what: str) -> str:
    """A date argument: ``""`` for none (the contract's today), else YYYY-MM-DD."""
    if value is None:
        return ""
    # a datetime is a date too, but its isoformat() carries the time, which the contract refuses as no date
    if isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime.date, not a datetime: pass {what}.date() for its calendar day")
    if not isinstance(value, date):
        raise TypeError(f"{what} must be a datetime.date, not {type(value).__name__}")
    return value.isoformat()


DISCOUNT_OFFER_SCOPES = ("open", "all")

OFFER_SALTS_KEPT = 10_000
"""How many of its offers' salts a client keeps, the most recent, to refuse one sent again on another financing
(about 100 bytes each: 1 MB). Salts are drawn afresh for each FinancingTerms, so a salt reused by mistake (one
terms object offered on two financings) is one from a recent offer; an older one goes out unchecked."""


def _json(request: Request) -> str:
    """A request as the argument sent: validated again as it stands (``Request.to_json``), so one changed since it
    was built (``model_copy(update=...)`` validates nothing) goes out converted, or raises before it is sent."""
    return json.dumps(request.to_json(), separators=(",", ":"), ensure_ascii=False)


class _Operations:
    """The contract's operations as calls; :class:`ReceivablesClient` runs them blocking,
    :class:`AsyncReceivablesClient` awaits them. Same arguments, same models."""

    def __init__(self, contract: Any, network: Any | None = None, *, retry: RetryPolicy | None = None) -> None:
        """contract: a ``client.gateway`` Contract of the ``receivables`` chaincode; network: its Network (for
        events and cross-org waits; without it ``last_committed_block`` is None, ``catch_up`` of clients that
        committed nothing returns at once and any real wait raises ValueError); retry: the RetryPolicy every
        submit of this client carries (default: the Gateway's)."""
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError(f"retry must be a client.gateway.RetryPolicy, not {type(retry).__name__}")
        self.contract = contract
        self.network = network
        self.retry = retry
        # the salt of each offer this client sent, and its financing: one salt in two holders' offers would let
        # either find the other's terms from the public terms_hash (``_offer`` refuses it); the most recent
        # OFFER_SALTS_KEPT only, so that a long-lived client does not grow without bound
        self._offer_salts: OrderedDict[str, str] = OrderedDict()

    def _call(self, kind: str, name: str, args: Sequence[str], model: Any, *,
              transient: dict[str, bytes] | None = None, endorsing_organizations: Sequence[str] | None = None):
        raise NotImplementedError

    def _options(self, kind: str, name: str, args: Sequence[str], transient, endorsing_organizations
                 ) -> dict[str, Any]:
        """The Gateway call's options; a query is refused as a submit (:data:`QUERIES`), before anything is sent."""
        if kind == "submit" and name in QUERIES:
            raise ValueError(f"{name} is a query of the contract: evaluate it (submitted, its answer would go into "
                             "a block, for every org of the channel to read); nothing was sent")
        options: dict[str, Any] = {"arguments": list(args)}
        if transient is not None:
            options["transient"] = transient
        if endorsing_organizations is not None:
            options["endorsing_organizations"] = list(as_tuple(endorsing_organizations, "endorsing_organizations"))
        if kind == "submit" and self.retry is not None:
            options["retry"] = self.retry
        return options

    @staticmethod
    def _answer(kind: str, name: str, model: Any, payload: bytes) -> Any:
        """The contract's answer as ``model``; :class:`UnreadableAnswer` when it is not of that shape.

        A submit's answer is read after its transaction committed, so a failure to read it must never pass for a
        failed call: the error says it committed and names the transaction, and a caller that retries on failure
        (``cli.request_ids``) treats it as a call that took effect.

        The models keep refusing fields they do not know (``Document``), also in answers, rather than skipping
        them for forward compatibility with a newer contract: a claim's documents are what a bank finances on
        (``client.receivables.audit`` decides from them), and a field added by a newer contract may change what the
        others mean (a new encumbrance, a partial freeze), so a client that dropped it would act on an incomplete
        claim without knowing. A new contract version is one the orgs approve (Fabric's lifecycle), which is when
        their clients are upgraded too; a client left behind fails its reads loudly, and its writes say what
        committed.
        """
        transaction_id = getattr(payload, "transaction_id", None)   # a submit's SubmitResult names its transaction
        try:
            if isinstance(model, TypeAdapter):
                answer = model.validate_json(payload)
            else:
                answer = model.model_validate_json(payload)
        except Exception as problem:  # whatever the reading met, the answer cannot be given as its model
            raise UnreadableAnswer(name, payload, _problem_in(problem), committed=kind == "submit",
                                   transaction_id=transaction_id) from problem
        # a party record keeps no last change (only its registration), so a write's own transaction is known only
        # from the submit: kept on the Party it returns, as Party.tx_id
        if kind == "submit" and isinstance(answer, Party) and transaction_id is not None:
            answer.written_in(transaction_id)
        return answer

    @staticmethod
    def _refusal(error: GatewayError, name: str) -> Exception:
        violation = rule_violation_from(error, name)
        if violation is None:
            return error
        violation.__cause__ = error
        return violation

    def _submit(self, name: str, *args: str, model: Any, transient: dict[str, bytes] | None = None,
                endorsing_organizations: Sequence[str] | None = None):
        return self._call("submit", name, args, model, transient=transient,
                          endorsing_organizations=endorsing_organizations)

    def _evaluate(self, name: str, *args: str, model: Any, endorsing_organizations: Sequence[str] | None = None):
        return self._call("evaluate", name, args, model, endorsing_organizations=endorsing_organizations)

    # ------------------------------------------------------------ parties

    @staticmethod
    def _party_request(uscc: str, name: str, role: Role, msp_id: str, client_ids: Iterable[str]) -> PartyRegistration:
        """The registration, checked before anything is read or sent."""
        return PartyRegistration(uscc=uscc, name=name, role=role, msp_id=msp_id,
                                 client_ids=list(as_tuple(client_ids, "client_ids")))

    def _party_registration(self, request: PartyRegistration, endorsing_organizations: Sequence[str] | None):
        return self._submit("RegisterParty", _json(request), model=Party,
                            endorsing_organizations=endorsing_organizations)

    def bind_party_identity(self, uscc: str, client_id: str) -> Party:
        """An org admin lets one more client identity act for a party of its org.

        Refused, as ``RuleViolation``, for an identity acting for a party already (``identity-already-bound``), and
        for one whose binding key other orgs hold a key-level policy on (``binding-held-by-other-orgs``: issue the
        user a certificate with another name, ``recfin org user add``, and bind that)."""
        return self._submit("BindPartyIdentity", _text(uscc, "uscc"), _text(client_id, "client_id"), model=Party)

    def unbind_party_identity(self, uscc: str, client_id: str) -> Party:
        """An org admin stops a client identity acting for a party of its org (an employee left, a key was lost).

        Any identity the party record lists is taken off it; its binding is deleted where it names this party.
        Refused, as ``RuleViolation``, for an identity the party's record does not list (``identity-not-bound``)
        and when no other identity it lists would act for the party (``last-identity-of-party``: bind another
        first)."""
        return self._submit("UnbindPartyIdentity", _text(uscc, "uscc"), _text(client_id, "client_id"), model=Party)

    def find_identity_party(self, msp_id: str, client_id: str) -> IdentityParty:
        """Which party a client identity of org ``msp_id`` acts for (``.party``; None: it acts for none), as every
        transaction decides it: its binding names the party and the party's record lists it. ``.bound_to`` is the
        credit code the binding names all the same (with ``.party`` None: a party whose record does not list it).
        For an admin of that org (before unbinding a leaver), the identity itself and the regulator;
        others are refused (``not-permitted-to-read``)."""
        return self._evaluate("FindIdentityParty", _text(msp_id, "msp_id"), _text(client_id, "client_id"),
                              model=IdentityParty)

    def get_party(self, uscc: str) -> Party:
        return self._evaluate("GetParty", _text(uscc, "uscc"), model=Party)

    def party_history(self, uscc: str, *, endorsing_organizations: Sequence[str] | None = None) -> list[PartyHistoryEntry]:
        """Every write of a party record, oldest first (the tx ids ``client.receivables.audit`` checks); whoever
        may ``get_party`` may ask (``endorsing_organizations`` as for :meth:`get_receivable`)."""
        return self._evaluate("GetPartyHistory", _text(uscc, "uscc"), model=_PARTY_HISTORY,
                              endorsing_organizations=endorsing_organizations)

    def who_am_i(self) -> Party:
        """The party the calling identity acts for."""
        return self._evaluate("WhoAmI", model=Party)

    # ------------------------------------------------------------ register, confirm, reject, withdraw, transfer

    def register_receivable(self, registration: ReceivableRegistration, *, request_id: str | None = None) -> Receivable:
        """A supplier registers a claim on a core enterprise, backed by invoices; it becomes creditor and holder.

        ``request_id`` (default: a new uuid4 hex) makes a retry of this call return the first result.
        """
        if not isinstance(registration, ReceivableRegistration):
            raise TypeError("register_receivable takes a ReceivableRegistration")
        return self._submit("RegisterReceivable", _json(registration), _request_id(request_id), model=Receivable)

    def _confirmation(self, receivable_id: str, endorsing_organizations: Sequence[str] | None):
        return self._submit("ConfirmReceivable", _text(receivable_id, "receivable_id"), model=Receivable,
                            endorsing_organizations=endorsing_organizations)

    def _channel_orgs_of(self, msp_id: str) -> Steps[list[str] | None]:
        """The channel's application orgs, read from its config block through a peer of ``msp_id``'s org;
        None without the gateway Network (a client built on a Contract alone cannot ask)."""
        if self.network is None:
            return None
        config = yield from current_config_steps(self.network.get_contract(QSCC), msp_id, self.network.name)
        return application_msp_ids(config)

    def _with_another_org(self, msp_id: str, send: Callable[[list[str] | None], Any]) -> Steps[Any]:
        """``send`` endorsed by ``msp_id`` and one other org of the channel: two orgs, as the chaincode's "any two
        orgs" policy asks of a new key, one of them the org that must have endorsed it for an audit
        (``client.receivables.audit``) to find its endorsement. The other org is the first in name order whose
        peers can endorse: when the Gateway finds none of that org's (its peers down, or without the chaincode)
        or they all fail, the next is tried, each once. ``send(None)`` (the Gateway plans) when the channel's
        orgs cannot be read (no Network) or it has no other org."""
        orgs = yield from self._channel_orgs_of(msp_id)
        others = [org for org in orgs or () if org != msp_id]
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
                           "them, or name orgs whose peers are up (endorsing_organizations, `--endorsing-org MSP`)", transaction_id=unable[-1].transaction_id, code=unable[-1].code,
                           details=[detail for error in unable for detail in error.details]) from unable[-1]

    def _confirm_steps(self, receivable_id: str, receivable: Receivable | None) -> Steps[Receivable]:
        """The confirmation endorsed by the debtor's org and the holder's; where they are one org, by the orgs
        :meth:`_one_org_endorsers` names, and an EndorseError then says why they were asked (:meth:`_sent_to`). Left
        to the Gateway's plan when the caller may not read the claim, so that the contract says why it refuses the
        confirmation as well."""
        def send(orgs: list[str] | None) -> Any:
            return self._confirmation(receivable_id, orgs)

        if receivable is None:
            return (yield send(None))
        if receivable.debtor_msp != receivable.holder_msp:
            return (yield send([receivable.debtor_msp, receivable.holder_msp]))
        endorsers = yield from self._one_org_endorsers(receivable.debtor_msp, receivable_id,
                                                       f"confirming {receivable_id}")
        return (yield from self._sent_to(endorsers, send))

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
        written (docs/receivables.md, "Key-level policies"), and the keys written beside it that carry no policy of
        their own (the claim's index entries, the financing of one org's holder and bank, an assignment notice)
        against the chaincode's endorsement policy, as its committed definition holds it (``recfin chaincode
        deploy``: any two orgs by default, or a ``--signature-policy`` of the operator's). So the orgs the key names
        are read (:meth:`receivable_endorsers`) and named, ``org`` first, the org an audit looks for (named all the
        same were the key to leave it out), and, where they do not meet the chaincode's policy (one asking three
        orgs, or naming the regulator's org in no part), the fewest other orgs of the channel that meet it with them
        (:meth:`EndorsementRule.fewest_added <client.ledger.lifecycle.EndorsementRule.fewest_added>`): no other org
        is asked, so a peer down in one (a second bank's) stops nothing. ``terms_write``: (the action's name, the
        financing) where the change writes to the financing's terms' collection, whose policy asks ``org`` and a
        regulator org, read from the same definition (:meth:`_terms_orgs_in`) and named too.

        The key's orgs, the definition and the channel's orgs are read from peers of ``org``, the caller's own
        wherever the contract takes the change: another org's peer, left to the Gateway, could answer with its own
        org, to be sent the proposal (a disbursement's terms). A failure of one of these reads (a peer a block
        behind: ``not-found``; no peer of ``org`` up; an ACL refusal), other than those :meth:`_key_orgs_plan` takes
        as no plan, is raised, saying what was read and why (:func:`~client.receivables.errors.while_reading`), and
        nothing is sent; so is a ValueError where no orgs of the channel meet the chaincode's policy with the key's.
        Where the key's orgs are no plan (:meth:`_key_orgs_plan` says when), every org of the channel
        (:meth:`_every_org_endorsers`).

        Without the Network neither the definition nor the channel's orgs can be read: a change that carries a
        bank's accepted terms (``carries_terms``, or ``terms_write``) goes to ``org`` and the orgs the key names
        (:meth:`_key_orgs_alone`), members of the terms' collection, so that the Gateway, left to plan, cannot send
        the terms to another org (a competing bank); any other change is left to the Gateway's plan (``orgs``
        None)."""
        if self.network is None:
            if carries_terms or terms_write:
                return (yield from self._key_orgs_alone(org, receivable_id, action))
            return _Endorsers(None)
        endorsers, why = yield from self._key_orgs_plan(org, receivable_id, action, terms_write)
        if endorsers is not None:
            return endorsers
        return (yield from self._every_org_endorsers(org, action, why))

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

    def _key_orgs_plan(self, org: str, receivable_id: str, action: str, terms_write: tuple[str, str] | None
                       ) -> Steps[tuple[_Endorsers | None, str]]:
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
        terms to all of them."""
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
        if not chaincode_policy.rule.met_by(orgs):
            channel_orgs = yield from self._channel_orgs_for(org, action)
            added = chaincode_policy.rule.fewest_added(orgs, channel_orgs)
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
        """The channel's application orgs (:meth:`_channel_orgs_of`), read for ``action``, a change to a claim of
        ``org``'s parties, by a client with its Network; a GatewayError saying what was read and why
        (:func:`~client.receivables.errors.while_reading`) where they cannot be, and nothing is sent."""
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

    def _terms_endorsers(self, what: str, financing_id: str, org: str, debtor_msp: str | None = None
                         ) -> Steps[list[str]]:
        """Who endorses ``what``, a write to the terms' collection of ``financing_id`` whose holder and bank are
        both parties of ``org``: the claim's debtor's org (``debtor_msp``, where the write changes the claim too),
        ``org`` and the regulator org(s) that collection's policy asks for (:meth:`_terms_orgs_in`), read from the
        chaincode's committed definition through a peer of ``org`` itself (:meth:`_committed_definition`): left to
        choose, the Gateway could ask another org's peer, which could answer with its own org as the "regulator" and
        be sent the terms. ValueError, nothing sent, where the client has no Network to ask, the definition cannot be
        read, or the collection's orgs cannot be told from it: the message names the orgs to pass
        (:func:`_one_org_terms_refusal`)."""
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
        return orgs

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
            return (yield from self._terms_endorsers("make_offer", financing_id, bank_msp))
        return [claim.holder_msp, bank_msp]

    def _claim_orgs(self, financing: FinancingView, claim: Receivable, bank_msp: str | None, what: str,
                    writes_terms: bool, carries_terms: bool) -> Steps[_Endorsers]:
        """Who endorses ``what``, a change to the claim of ``financing``: the orgs of :func:`_parties_orgs`; where
        they are one, the orgs :meth:`_one_org_endorsers` names. ``writes_terms``: the change writes to the terms'
        collection, whose policy needs a regulator org where the holder and the bank are one org: the debtor's org
        (of another org), that org and a regulator org (:meth:`_terms_endorsers`); with a debtor of that org too,
        that regulator org among the ones :meth:`_one_org_endorsers` names. ``carries_terms``: the change carries
        the accepted terms (transient ``terms``), which :meth:`_one_org_endorsers` keeps from a Gateway's plan."""
        if writes_terms and financing.financier_msp == financing.holder_msp != claim.debtor_msp:
            return _Endorsers((yield from self._terms_endorsers(what, financing.id, financing.holder_msp,
                                                                claim.debtor_msp)))
        orgs = _parties_orgs(financing, claim, bank_msp)
        if len(orgs) > 1:
            return _Endorsers(orgs)
        return (yield from self._one_org_endorsers(orgs[0], claim.id, f"{what} on {financing.id}",
                                                   (what, financing.id) if writes_terms else None, carries_terms))

    def _register_party_steps(self, request: PartyRegistration) -> Steps[Party]:
        """The registration endorsed by the party's org and another of the channel (:meth:`_with_another_org`)."""
        return (yield from self._with_another_org(request.msp_id,
                                                  lambda orgs: self._party_registration(request, orgs)))

    def reject(self, receivable_id: str, reason: str) -> Receivable:
        """The debtor rejects a claim it does not owe; the invoices behind it are released."""
        return self._submit("RejectReceivable", _text(receivable_id, "receivable_id"),
                                                    _text(reason, "reason"), model=Receivable)

    def withdraw(self, receivable_id: str, reason: str) -> Receivable:
        """The creditor withdraws a claim it registered that its debtor has not confirmed (REGISTERED, not
        frozen), any day, its due date passed or not: WITHDRAWN, with ``withdrawal_reason`` and ``withdrawn_on``;
        the invoices behind it are released for a new registration."""
        return self._submit("WithdrawReceivable", _text(receivable_id, "receivable_id"), _text(reason, "reason"),
                            model=Receivable)

    def transfer(self, receivable_id: str, to: str, amount: Amount, *, request_id: str | None = None) -> TransferResult:
        """The holder passes ``amount`` of a confirmed claim to supplier ``to`` (credit code).

        The whole outstanding amount moves the claim; less splits it into
        ``<id>.1`` (to the recipient) and ``<id>.2`` (kept), in ``children_records``.
        ``request_id`` (default: a new uuid4 hex) makes a retry of this call return the first result.
        """
        # a part of a claim already on the ledger: held to the cap it may have been stored under, as the contract does
        return self._submit("TransferReceivable", _text(receivable_id, "receivable_id"), _text(to, "to"),
                            str(fen_sent(amount, "amount", cap=LEDGER_MAX_FEN)), _request_id(request_id),
                            model=TransferResult)

    split = transfer

    # ------------------------------------------------------------ financing

    def request_financing(self, receivable_id: str) -> Financing:
        """The holder asks banks to finance a confirmed claim."""
        return self._submit("RequestFinancing", _text(receivable_id, "receivable_id"), model=Financing)

    def withdraw_financing(self, financing_id: str) -> Financing:
        return self._submit("WithdrawFinancing", _text(financing_id, "financing_id"), model=Financing)

    def _offer(self, financing_id: str, terms: FinancingTerms, endorsing_organizations: Sequence[str],
               exposure_version: int | None, uncounted_offers: Sequence[str] | None):
        # sent only when given: a contract before the version takes the financing id alone, and one before the
        # uncounted offers no third argument
        version = [] if exposure_version is None else [_exposure_version(exposure_version)]
        if uncounted := _uncounted_offers(uncounted_offers):
            version = [*(version or [""]), uncounted]
        transient = terms.transient()     # checked as sent: the salt below is the one that goes out
        # an offer sent again on the same financing (after a lost answer, or withdrawn and made again) sends the
        # same bytes; the same salt on another financing is refused. It is held from before the send, so that two
        # offers under way at once cannot both take it, and kept as sent unless the call failed before anything
        # could be ordered (a failed transaction's public write, terms_hash included, is in its block all the same)
        financing_id = _text(financing_id, "financing_id")
        earlier = self._offer_salts.get(terms.salt)
        if earlier is not None and earlier != financing_id:
            raise ValueError(f"these terms carry the salt of this client's offer on financing {earlier}: each offer "
                             "needs its own, or a holder reading its terms could find the other's from the public "
                             "terms_hash; build FinancingTerms anew, or copy them with "
                             "model_copy(update={'salt': secrets.token_hex(16)}); nothing was sent")
        self._keep_salt(terms.salt, financing_id)
        held = earlier is None     # this call's to let go of if nothing went out
        try:
            answer = self._submit("MakeFinancingOffer", financing_id, *version, transient=transient,
                                  endorsing_organizations=endorsing_organizations, model=Offer)
        except BaseException as error:
            self._unless_ordered(error, terms.salt, held)
            raise
        if inspect.isawaitable(answer):
            return self._awaited_offer(answer, terms.salt, financing_id, held)
        self._keep_salt(terms.salt, financing_id)    # sent: kept, whatever another call let go of meanwhile
        return answer

    async def _awaited_offer(self, answer: Awaitable[Offer], salt: str, financing_id: str, held: bool) -> Offer:
        """The async client's offer, its salt let go of as :meth:`_unless_ordered` says."""
        try:
            offer = await answer
        except BaseException as error:
            self._unless_ordered(error, salt, held)
            raise
        self._keep_salt(salt, financing_id)
        return offer

    def _keep_salt(self, salt: str, financing_id: str) -> None:
        """Notes ``salt`` as this client's offer's on ``financing_id``, keeping the most recent
        :data:`OFFER_SALTS_KEPT`."""
        self._offer_salts[salt] = financing_id
        self._offer_salts.move_to_end(salt)
        while len(self._offer_salts) > OFFER_SALTS_KEPT:
            self._offer_salts.popitem(last=False)

    def _unless_ordered(self, error: BaseException, salt: str, held: bool) -> None:
        """Lets go of the salt ``_offer`` held for an offer that failed with ``error`` before anything could reach
        a block: a refused endorsement (a mistyped financing id, say) or a submit no orderer took. Any other
        failure (a lost answer, a transaction invalidated in its block) may have published its terms_hash."""
        gateway_error = error if isinstance(error, GatewayError) else error.__cause__
        unsent = isinstance(gateway_error, (EndorseError, EvaluateError)) or (
            isinstance(gateway_error, SubmitError) and not gateway_error.may_have_been_ordered)
        if held and unsent:
            self._offer_salts.pop(salt, None)

    def withdraw_offer(self, offer_id: str, reason: str) -> Offer:
        """The bank that made an open offer takes it back: no holder can accept it afterwards, and it leaves the
        bank's open offers on the debtor (``financier_exposure``). The bank may then offer on the request again.

        Refused for an offer accepted (``invalid-state``: ``cancel_financing`` ends its financing before
        disbursement), lapsed or already withdrawn, and for any other caller; a freeze of the claim does not stop
        it. ``reason`` is on the public record: it should name no limit or exposure.
        """
        return self._submit("WithdrawFinancingOffer", _text(offer_id, "offer_id"), _text(reason, "reason"),
                            model=Offer)

    def _acceptance(self, offer_id: str, terms: OfferTerms | None):
        # no terms only where the contract refuses the caller their read (not the claim's holder): the contract
        # then says why it refuses the acceptance
        return self._submit("AcceptFinancingOffer", _text(offer_id, "offer_id"),
                            transient=None if terms is None else terms.as_request().transient(), model=Financing)

    def _disbursement(self, financing_id: str, terms: FinancingTerms | None, endorsing_organizations: Sequence[str]):
        # no terms only where none could be read back (no accepted offer, or a financing the caller may not read):
        # the contract refuses such a disbursement before it reads them
        return self._submit("RecordDisbursement", _text(financing_id, "financing_id"),
                            transient=None if terms is None else terms.transient(),
                            endorsing_organizations=endorsing_organizations, model=Financing)

    def acknowledge_assignment(self, notice_id: str) -> AssignmentNotice:
        """The debtor acknowledges the assignment notice: it will pay the financier. Only while the financing is
        DISBURSED: once it is repaid the contract refuses it (``invalid-state``)."""
        return self._submit("AcknowledgeAssignment", _text(notice_id, "notice_id"), model=AssignmentNotice)

    def record_repayment(self, financing_id: str) -> Financing:
        """The financier records that it was repaid; the financing closes and the claim is settled."""
        return self._submit("RecordRepayment", _text(financing_id, "financing_id"), model=Financing)

    def _cancellation(self, financing_id: str, reason: str, endorsing_organizations: Sequence[str]):
        return self._submit("CancelFinancing", _text(financing_id, "financing_id"), _text(reason, "reason"),
                            endorsing_organizations=endorsing_organizations, model=Financing)

    def _recourse(self, transaction: str, financing_id: str, reason: str, terms: FinancingTerms | None,
                  endorsing_organizations: Sequence[str]):
        """DemandRecourse or ExerciseRecourse: the same arguments, terms and orgs."""
        # no terms only where none could be read back, as for a disbursement: the contract says why it refuses
        return self._submit(transaction, _text(financing_id, "financing_id"), _text(reason, "reason"),
                            transient=None if terms is None else terms.transient(),
                            endorsing_organizations=endorsing_organizations, model=Financing)

    # ------------------------------------------------------------ discounting, settlement, overdue

    def publish_discount_offer(self, offer: DiscountOfferRequest, *, request_id: str | None = None) -> DiscountOffer:
        """The debtor offers early payment on its confirmed payables (a flat APR or a sliding scale).

        ``request_id`` (default: a new uuid4 hex) makes a retry of this call return the first offer.
        """
        if not isinstance(offer, DiscountOfferRequest):
            raise TypeError("publish_discount_offer takes a DiscountOfferRequest")
        return self._submit("PublishDiscountOffer", _json(offer), _request_id(request_id), model=DiscountOffer)

    def accept_discount_offer(self, offer_id: str, receivable_id: str) -> Receivable:
        """The holder takes early payment at the discounted amount; the claim settles."""
        return self._submit("AcceptDiscountOffer", _text(offer_id, "offer_id"),
                                                    _text(receivable_id, "receivable_id"), model=Receivable)

    def withdraw_discount_offer(self, offer_id: str) -> DiscountOffer:
        """The debtor withdraws an open early-payment offer it published; no holder can accept it afterwards.

        Claims already settled under it stay settled. A second withdrawal is refused (``discount-offer-withdrawn``),
        so a retry after a lost answer learns that the first one committed.
        """
        return self._submit("WithdrawDiscountOffer", _text(offer_id, "offer_id"), model=DiscountOffer)

    def _payment_steps(self, receivable_id: str, amount: Amount, request_id: str | None) -> Steps[PaymentResult]:
        """The payment, and its transaction (:attr:`PaymentResult.tx_id`): a split claim is paid through its
        leaves and keeps the split as its own last change, so the transaction that recorded the payment is read
        from the request record, which names it on a retry answered from the record too."""
        # as for transfer: a payment is a part of a claim already on the ledger
        args = (_text(receivable_id, "receivable_id"), str(fen_sent(amount, "amount", cap=LEDGER_MAX_FEN)),
                _request_id(request_id))
        paid = yield self._submit("RecordPayment", *args, model=PaymentResult)
        if paid.status == "SPLIT":
            try:
                paid.recorded_in((yield self.request(args[-1])).tx_id)
            # the payment committed all the same, whatever the read met (a record that does not parse is a
            # ValueError): its tx_id stays None, never an error that would have the caller pay again
            except (RuleViolation, GatewayError, ValueError) as exc:
                paid.tx_id_unread(f"{type(exc).__name__}: {exc}".splitlines()[0])
        return paid

    def record_overdue(self, receivable_id: str) -> Receivable:
        """Mark a claim unpaid after its due date (its debtor, holder or financier)."""
        return self._submit("RecordOverdue", _text(receivable_id, "receivable_id"), model=Receivable)

    mark_overdue = record_overdue

    # ------------------------------------------------------------ invoice verification

    def attest_invoice_verification(self, attestation_request: InvoiceAttestationRequest, *,
                                    request_id: str | None = None) -> InvoiceAttestation:
        """A bank signs what data sources said about an invoice; the ledger adds who and when.

        Build the request with ``InvoiceAttestationRequest.from_evidence`` (or use
        ``client.invoices.attest.attest_verification``, which verifies and attests in one call).
        ``request_id`` (default: a new uuid4 hex) makes a retry of this call return the first record.
        """
        if not isinstance(attestation_request, InvoiceAttestationRequest):
            raise TypeError("attest_invoice_verification takes an InvoiceAttestationRequest")
        return self._submit("AttestInvoiceVerification", _json(attestation_request), _request_id(request_id),
                            model=InvoiceAttestation)

    def invoice_attestations(self, fingerprint: str) -> list[InvoiceAttestation]:
        """Every verification attestation of an invoice, oldest first (any registered party may ask)."""
        return self._evaluate("GetInvoiceAttestations", _text(fingerprint, "fingerprint"), model=_ATTESTATIONS)

    # ------------------------------------------------------------ regulator

    def freeze(self, receivable_id: str, order_reference: str) -> Receivable:
        """The regulator freezes a claim under an order; nothing changes until it is unfrozen.

        A split claim is refused (``invalid-state``): freeze its parts. A frozen part also stops payments over
        its tree."""
        return self._submit("FreezeReceivable", _text(receivable_id, "receivable_id"),
                                                    _text(order_reference, "order_reference"), model=Receivable)

    def unfreeze(self, receivable_id: str, order_reference: str, *, lifts: str | None = None) -> Receivable:
        """The regulator lifts a freeze order of a claim, citing ``order_reference``, the order that lifts it.

        ``lifts`` names the freeze order lifted, one in effect (``frozen``) or queued (``queued_freezes``); None
        lifts the one in effect. A blank ``lifts`` raises ValueError, sending nothing: it names no order, and
        taken as the one in effect it would lift the order with priority. The claim stays frozen while another
        order binds it (a queued order takes effect when the one in effect is lifted), and is free only when the
        last is lifted. A ``lifts`` that binds no order of the claim is refused ``freeze-order-not-found``,
        naming those that do; an order recorded by another regulator org is refused ``not-the-ordering-regulator``
        (any regulator lifts it once that org is no longer one, or its party is not registered)."""
        # sent only when given: a contract before queued orders takes the claim id and the lifting order alone
        named = [] if lifts is None else [_text(lifts, "lifts")]
        if named and not lifts.strip():
            raise ValueError("lifts is blank: name the freeze order lifted, or pass lifts=None to lift the order "
                             "in effect")
        return self._submit("UnfreezeReceivable", _text(receivable_id, "receivable_id"),
                            _text(order_reference, "order_reference"), *named, model=Receivable)

    def _reseal_steps(self, receivable_id: str, endorsing_organizations: Sequence[str] | None) -> Steps[Reseal]:
        """The reseal endorsed by the orgs the claim's key names now (:meth:`receivable_endorsers`): Fabric validates
        a change of a key's policy against the policy the key carries, so they, and neither the orgs due nor the
        Gateway's plan, must endorse it. Left to the Gateway's plan where the caller may not read the claim (the
        contract then says why it refuses the reseal as well) or the key carries no policy: the chaincode-level
        policy guards such a key, so the orgs the Gateway names for it endorse the reseal, which gives the key the
        orgs due."""
        receivable_id = _text(receivable_id, "receivable_id")
        if endorsing_organizations is None:
            try:
                endorsing_organizations = (yield self.receivable_endorsers(receivable_id)) or None
            except RuleViolation as refusal:
                if not refuses_the_caller(refusal):
                    raise
        return (yield self._submit("ResealReceivable", receivable_id, model=Reseal,
                                   endorsing_organizations=endorsing_organizations))

    # ------------------------------------------------------------ queries

    def get_receivable(self, receivable_id: str, *,
                       endorsing_organizations: Sequence[str] | None = None) -> Receivable:
        """A receivable by id; ``endorsing_organizations`` (MSP IDs): a peer of which orgs answers (an auditor
        names its own, ``client.receivables.audit``), else the Gateway chooses."""
        return self._evaluate("GetReceivable", _text(receivable_id, "receivable_id"), model=Receivable,
                              endorsing_organizations=endorsing_organizations)

    def history(self, receivable_id: str, *, endorsing_organizations: Sequence[str] | None = None) -> list[HistoryEntry]:
        """Every change of a receivable, oldest first (``endorsing_organizations`` as for :meth:`get_receivable`)."""
        return self._evaluate("GetReceivableHistory", _text(receivable_id, "receivable_id"), model=_HISTORY,
                              endorsing_organizations=endorsing_organizations)

    def provenance(self, receivable_id: str) -> Provenance:
        """Ancestors up to the registered root, and the tree of children; a child the caller may not read
        (``get_receivable`` would be refused) comes ``redacted``, with its id, parent and children only."""
        return self._evaluate("GetProvenance", _text(receivable_id, "receivable_id"), model=Provenance)

    def receivable_endorsers(self, receivable_id: str, *,
                             endorsing_organizations: Sequence[str] | None = None) -> list[str]:
        """The MSP IDs the key-level policy of the claim's key names, sorted ([] when none): the orgs whose
        endorsement any change of it needs. Stored when the claim's policy was last written, so they may differ
        from the regulator orgs of today (a claim frozen before an org joined does not name it).
        ``endorsing_organizations`` as for :meth:`get_receivable`."""
        return self._evaluate("GetReceivableEndorsers", _text(receivable_id, "receivable_id"), model=_MSP_IDS,
                              endorsing_organizations=endorsing_organizations)

    def find_invoice(self, fingerprint: str) -> InvoiceLookup:
        """Whether an invoice fingerprint already backs a receivable (any registered party may ask)."""
        return self._evaluate("FindInvoice", _text(fingerprint, "fingerprint"), model=InvoiceLookup)

    def list_by_holder(self, holder: str, *, page_size: int = 20, bookmark: str = "") -> Page:
        return self._page("ListReceivablesByHolder", holder, page_size, bookmark)

    def list_by_debtor(self, debtor: str, *, page_size: int = 20, bookmark: str = "") -> Page:
        return self._page("ListReceivablesByDebtor", debtor, page_size, bookmark)

    def list_by_status(self, status: str, *, page_size: int = 20, bookmark: str = "") -> Page:
        if status not in STATUSES:
            raise ValueError(f"status {status!r} is not one of {', '.join(STATUSES)}")
        return self._page("ListReceivablesByStatus", status, page_size, bookmark)

    def list_by_financier(self, financier: str, *, debtor: str | None = None, page_size: int = 20,
                          bookmark: str = "") -> Page:
        """A page of the claims a bank finances (from acceptance until repayment, cancellation or recourse), by
        debtor then id: every debtor's, or ``debtor``'s only. The bank itself or the regulator."""
        return self._evaluate("ListReceivablesByFinancier", _text(financier, "financier"),
                              _text(debtor or "", "debtor"), _page_size(page_size), _text(bookmark, "bookmark"),
                              model=Page)

    def list_offers_by_financier(self, financier: str, *, debtor: str | None = None, page_size: int = 20,
                                 bookmark: str = "") -> OfferPage:
        """A page of a bank's offers still OPEN (made, not yet accepted, lapsed or withdrawn), by debtor then offer
        id: every debtor's, or ``debtor``'s only; each the offer's public record and its claim's ``debtor``. The
        bank itself or the regulator. Expired offers are listed too (their expiry is private: ``get_offer_terms``);
        ``withdraw_offer`` takes any of them back."""
        return self._evaluate("ListOffersByFinancier", _text(financier, "financier"), _text(debtor or "", "debtor"),
                              _page_size(page_size), _text(bookmark, "bookmark"), model=OfferPage)

    def _lister(self, by: str):
        lister = {"holder": self.list_by_holder, "debtor": self.list_by_debtor, "status": self.list_by_status,
                  "financier": self.list_by_financier}.get(by)
        if lister is None:
            raise ValueError(f"list by {by!r}: choose holder, debtor, status or financier")
        return lister

    def _page(self, name: str, value: str, page_size: int, bookmark: str) -> Page:
        return self._evaluate(name, _text(value, "value"), _page_size(page_size), _text(bookmark, "bookmark"), model=Page)

    def statistics(self) -> Statistics:
        """The regulator's view: exposure, financed share and overdue amounts per debtor."""
        return self._evaluate("GetStatistics", model=Statistics)

    def get_financing(self, financing_id: str) -> FinancingView:
        return self._evaluate("GetFinancing", _text(financing_id, "financing_id"), model=FinancingView)

    def get_offer_terms(self, offer_id: str) -> OfferTerms:
        """An offer's private terms (holder, offering bank, regulator), from a peer of the collection."""
        return self._evaluate("GetOfferTerms", _text(offer_id, "offer_id"), model=OfferTerms)

    def get_assignment_notice(self, notice_id: str) -> AssignmentNotice:
        return self._evaluate("GetAssignmentNotice", _text(notice_id, "notice_id"), model=AssignmentNotice)

    def get_discount_offer(self, offer_id: str, *, receivable_id: str | None = None) -> DiscountOffer:
        """A debtor's early-payment offer (the debtor, suppliers, the regulator).

        ``receivable_id``: a receivable you may read that the offer covers; the offer is then shown as
        :meth:`list_discount_offers` by that receivable shows it, so the holder of part ``R.1`` reads an offer
        listing ``R`` (refused without it: ``not-permitted-to-read``). An offer not covering it is refused
        (``discount-offer-not-for-receivable``).
        """
        # sent only when given: a contract before the argument takes the offer id alone
        receivable = _text(receivable_id or "", "receivable_id")
        return self._evaluate("GetDiscountOffer", _text(offer_id, "offer_id"), *([receivable] if receivable else []),
                              model=DiscountOffer)

    def list_discount_offers(self, debtor: str | None = None, receivable_id: str | None = None, *, page_size: int = 20,
                             bookmark: str = "", scope: str = "open") -> DiscountOfferPage:
        """A page of a debtor's early-payment offers, oldest first (the debtor, suppliers, the regulator).

        Name the debtor, or a receivable you may read for only the offers that
        cover it. ``scope="open"``: not withdrawn and not expired today; ``"all"``: every one.
        """
        if not debtor and not receivable_id:
            raise ValueError("name the debtor or a receivable whose discount offers to list")
        if scope not in DISCOUNT_OFFER_SCOPES:
            raise ValueError(f"scope {scope!r} is not one of {', '.join(DISCOUNT_OFFER_SCOPES)}")
        return self._evaluate("ListDiscountOffers", _text(debtor or "", "debtor"),
                              _text(receivable_id or "", "receivable_id"), _page_size(page_size),
                              _text(bookmark, "bookmark"), scope, model=DiscountOfferPage)

    def debtor_payment_record(self, debtor: str, *, page_size: int = 100, bookmark: str = "",
                              as_of: date | None = None) -> PaymentRecordPage:
        """A page of the debtor's claims as the ledger stood at the end of ``as_of`` (default: the contract's
        today), for risk scoring: banks (holders as opaque tokens), the debtor itself and the regulator."""
        return self._evaluate("GetDebtorPaymentRecord", _text(debtor, "debtor"), _page_size(page_size),
                              _text(bookmark, "bookmark"), _date_text(as_of, "as_of"), model=PaymentRecordPage)

    def financier_exposure(self, debtor: str, financier: str | None = None) -> FinancierExposure:
        """A bank's outstanding financed principal on the debtor's claims: a bank's own (``financier``
        None), or as the regulator, the bank ``financier``'s."""
        return self._evaluate("GetFinancierExposure", _text(debtor, "debtor"), _text(financier or "", "financier"),
                              model=FinancierExposure)

    def request(self, request_id: str, party: str | None = None) -> RequestRecord:
        """What a business request id of yours (or, as an org admin or the regulator, of ``party``) was recorded
        with: the transaction that first applied it and its result. A request id no attempt of which committed
        raises RuleViolation ``not-found``: sending the call again with the same id applies it once."""
        return self._evaluate("GetRequest", _text(request_id, "request_id"), _text(party or "", "party"),
                              model=RequestRecord)

    # ------------------------------------------------------------ ledger upgrade

    def upgrade_ledger(self, page_size: int = 20, bookmark: str = "") -> LedgerUpgrade:
        """One page of the ledger upgrade (an admin of the regulator's org; anyone else, the regulator itself too, is
        refused ``role-not-permitted``, since its pages name claim ids and the regulator changes only freeze state): writes the index and fingerprint entries records
        of earlier contract versions lack, and the key-level policy of a claim without one whose orgs due are two
        or more (``claim_policies``: one they left REGISTERED or REJECTED, or REGISTERED and rejected or withdrawn
        since, and one of any status written while its orgs due were one org) and of a financing they accepted
        without one (``financing_policies``),
        reports invoices registered twice under two spellings
        (``collisions``). Start with bookmark "" and pass each page's ``bookmark`` until ``done``
        (``recfin chaincode upgrade-ledger`` does). Safe to run again: it writes only what is missing."""
        return self._submit("UpgradeLedger", _page_size(page_size), _text(bookmark, "bookmark"), model=LedgerUpgrade)

    # ------------------------------------------------------------ read-your-writes across orgs

    @property
    def last_committed_block(self) -> int | None:
        """The highest block in which a change submitted through this client's gateway committed; None before
        the first, and always None without a Network (nothing then tells which block a change went into)."""
        return None if self.network is None else self.network.last_committed_block

    def _network_to_wait_on(self) -> Any:
        if self.network is None:
            raise ValueError("waiting for a block needs the gateway Network: ReceivablesClient(contract, network)")
        return self.network

    @staticmethod
    def _latest_block_of(others: Sequence["_Operations"]) -> int | None:
        blocks = [other.last_committed_block for other in others if other.last_committed_block is not None]
        return max(blocks, default=None)

    # ------------------------------------------------------------ events

    def events(self, *, start_block: int | None = None, checkpoint: Any = None, network: Any | None = None):
        """The contract's chaincode events, typed, without end (close to stop).

        Needs the ``client.gateway`` Network (given here or to the constructor).
        Starts at the next block, at ``start_block``, or at the checkpoint.
        """
        network = network or self.network
        if network is None:
            raise ValueError("events need the gateway Network: ReceivablesClient(contract, network) or events(network=...)")
        raw = network.chaincode_events(self.contract.chaincode_name, start_block=start_block, checkpoint=checkpoint)
        return self._events_class(raw)

    _events_class: type = ReceivablesEvents


REGISTER_PARTY_DOC = """An org admin registers an enterprise of its own org and the client identities that act for it
(``client_id_of(cert)`` gives an identity's id).

A party record is a new key, under the chaincode's "any two orgs" policy, and an audit of a claim
(``client.receivables.audit``) takes the record only if the org it names endorsed its first write. The
Gateway, left to plan, endorses first on a peer of its own org, which need not be the party's, so the
endorsers are named: the party's org (``msp_id``) and one other org of the channel, the first in name order,
read from the channel's config block (qscc, through a peer of ``msp_id``'s org). When the Gateway finds no peer
of that other org able to endorse (``failed to find any endorsing peers for org(s)``: its peers are down or
lack the chaincode), the registration goes to the next other org, each tried once; nothing was ordered in
between. A client built without its Network cannot read the channel and leaves the plan to the Gateway. Pass
``endorsing_organizations`` to choose the orgs yourself (they are sent as given).
"""

CONFIRM_DOC = """The debtor confirms (确权) the claim: its irrevocable promise to pay at maturity.

The claim's key-level policy, set at its registration, asks the debtor's org and the holder's. A claim an
earlier contract version registered has none until ``UpgradeLedger`` or this confirmation gives it one, so
the chaincode's "any two orgs" policy applies, which two orgs the debtor's org need not be among; a bank
auditing the claim (``client.receivables.audit``) finances it only on the debtor's org's endorsement of the
confirmation, and the creditor's of it and of every change before it. So the endorsers are named, whatever
the claim's age: the debtor's org and the holder's, read from the claim (``get_receivable``). When they are one org,
the claim's policy names that org and the orgs whose parties may be the regulator, which the channel's config
block does not tell: the orgs the claim's key names are read (:meth:`receivable_endorsers`, from a peer of that
org) and named, that org first. The index entries the confirmation writes carry no key-level policy, so Fabric
checks them against the chaincode's endorsement policy, read from its committed definition (through a peer of that
org too): where the key's orgs do not meet it (a ``--signature-policy`` asking three orgs, or naming no regulator
org), the fewest other orgs of the channel that do with them are named as well. No other org is asked, so a peer
down in one (a second bank's) stops nothing; when an org named has no peer able to endorse, nothing is ordered and
the EndorseError names it, the orgs the key names and what to do. A failure of a read of the key's orgs, the
definition or the channel's orgs (a peer a block behind: ``not-found``; no peer of that org up; an ACL refusal) is
raised, its rule or code as it was, saying what was read; nothing is sent. So is a ValueError naming the chaincode's
policy where no orgs of the channel meet it with the key's (every org could not either). Where the key's orgs are
no plan (the caller may not read them; a chaincode from before GetReceivableEndorsers; a key naming fewer than two
orgs, as an earlier contract version left it; a definition that names a channel policy, ``--channel-policy``, holds
none, names a validation plugin of its own or does not decode), that org and every other org of the channel are
named (read as ``register_party`` reads them), and an EndorseError says why every org was asked. A client built without its Network can read
neither: it leaves the confirmation of such a claim to the Gateway's plan. A caller the contract does not let read
the claim is sent to the Gateway's plan, for the contract to say why it refuses the confirmation. Pass
``endorsing_organizations`` (MSP IDs) to choose the orgs yourself (docs/sdk-receivables.md, "Who endorses").
"""

MAKE_OFFER_DOC = """A bank offers terms on a financing request. The terms travel as transient data (``terms``).

Endorsement is pinned to the holder's org and the bank's own org (the collection's policy),
so no other org's peer receives the terms: unpinned, the gateway would simulate first on a
peer of its own org, member of the collection or not. By default both are looked up
(``get_financing``, ``get_receivable`` and ``who_am_i``): the holder's org is the claim's, not
the request record's copy (the contract refuses a request naming another, ``invalid-state``).
Where the claim's holder is a party of the bank's own org, the collection needs a regulator org
to endorse with it: that org and the first in name order of the collection's other members,
read from the chaincode's committed definition (``_lifecycle``, through a peer of that org).
Where the client has no Network, the definition cannot be read or names no such collection:
ValueError, nothing sent, unless ``endorsing_organizations`` names them. Pass
``endorsing_organizations`` to skip the look-ups; the orgs given are sent as they are. A caller
the contract does not let read the financing or its claim cannot offer on it either: the offer
then goes to the caller's own org alone, and the contract's own refusal comes back
(``role-not-permitted``, ``invalid-state``...), not the read's. Any other refusal of the read
(``not-found`` from a peer a block behind) is raised, and nothing is sent.

``exposure_version``: the ``version`` of the :meth:`financier_exposure` read the offer was priced on (the bank's
exposure on the claim's debtor). The contract refuses the offer (``exposure-changed``) if the version has moved
since (another offer of the bank on the debtor: the change that can raise the exposure), so an offer priced
within the bank's limit on that read keeps the bank within it, whichever host made the other offer; read the exposure again and price again. ``exposure-version-ahead``: the endorsing peer has not
caught up with the one the exposure was read from yet; send it again shortly. Without a version the offer is made
as before (and moves the version all the same); a contract before the version takes no second argument, and the
SDK sends none then.

``uncounted_offers``: the ``uncounted_offers`` of that same read, the bank's offers on the debtor its figures left
out (lapsed, expired, or their record rewritten by other orgs). The contract drops the bank's entries of those
offers, so that none of them can be accepted afterwards (``offer-not-listed``), even one written back OPEN after
the read, which moves no version, nor disbursed if accepted before the offer committed (``offer-uncounted``): send them whenever the offer is priced on the read. Offer ids as the read gave
them (ValueError otherwise, nothing sent); none or empty sends nothing, as a contract before them takes.
"""

DISBURSEMENT_DOC = """The financing bank records the advance, passing the accepted terms again (transient ``terms``).

Without ``terms`` they are read back from the private data (``get_offer_terms`` of the
accepted offer). Endorsement is pinned to the debtor's, holder's and bank's orgs: the
claim's key-level policy needs all three, and the gateway refuses to plan a proposal
with transient data beyond the collection's members (the debtor's org is not one). Where the
holder and the bank are parties of one org (and the debtor of another), the collection needs a
regulator org as well, found as :meth:`make_offer` finds it (ValueError, nothing sent, where it
cannot be, unless ``endorsing_organizations`` names the debtor's org, that org and a regulator org).
Where the debtor is a party of that org too, the orgs the claim's key names (that org and the regulator's,
:meth:`receivable_endorsers`), those the collection needs and any the chaincode's endorsement policy asks besides
are named, as for a :meth:`confirm` of such a claim (every org of the channel where those are no plan, which sends
the terms to orgs outside the collection; a read of the definition that fails is raised, nothing sent). Without the
Network, which the definition is read through, that org and the orgs the claim's key names: members of the
collection, so the terms reach no other org, though a chaincode policy they do not meet would make the transaction
invalid (where they cannot be read, or leave that org alone, ValueError, nothing sent: pass
``endorsing_organizations``).
A caller the contract does not let read the financing (not its bank) or its claim (a bank that
has left it), or a financing with no accepted offer (no terms to read back), is sent to the
contract all the same (to the caller's own org, and without terms where there are none), so its
own refusal comes back:
``not-the-financier``, ``invalid-state``... Any other refusal of the read (``not-found`` from a
peer a block behind) is raised, and nothing is sent.
"""


DEMAND_RECOURSE_DOC = """The financing bank, unpaid by the debtor past the due date, calls on the holder to take the
claim back (回购通知), on the ledger.

For a financing accepted on terms with recourse (``recourse: true``): the financing stays DISBURSED, the demand
is appended to ``recourse_demands`` (with what the debtor still owed then; ``latest_recourse_demand`` is its
last); the claim is unchanged and the debtor may still pay the bank. The
bank may demand again on a later day; a second demand the same day is refused (``recourse-already-demanded``), as
:meth:`exercise_recourse` is (``without-recourse``, ``not-yet-due``...). The accepted terms are read back as for
:meth:`exercise_recourse`; the financing record it writes alone carries the holder's and the bank's orgs' policy
from acceptance, so those two endorse, members of the terms' collection: the terms reach no org outside it (where
one org both holds and finances, the financing has no policy of its own and the debtor's is added, as the
chaincode policy needs two; where the debtor is a party of that org too, the orgs the claim's key names, that org
and the regulator's, and any the chaincode's endorsement policy asks besides, as for a :meth:`confirm` of such a
claim; without the Network, that org and the orgs the claim's key names, as for :meth:`record_disbursement`, not
the Gateway's plan, which could send the terms to another org).
"""


RECOURSE_DOC = """The financing bank, unpaid by the debtor past the due date, takes the claim back to its holder.

For a financing accepted on terms with recourse (``recourse: true``), once the holder has paid the bank back
as their agreement says (it cannot be undone; a demand before it, :meth:`demand_recourse`, is not required): the
financing ends RECOURSED, the claim is the holder's again (OVERDUE), its assignment notice is RELEASED and the
debtor pays the holder from then on; the financing keeps its demands. Terms without recourse are refused
(``without-recourse``), as is a claim not yet past its due date (``not-yet-due``). The accepted terms
and the orgs that endorse are found as for :meth:`record_disbursement` (the claim's policy in force still
names the bank's org), but no terms' collection is written, so none of its orgs is added; a client without its
Network names that org and the orgs the claim's key names for a claim of one org's parties, as
:meth:`record_disbursement` does, not the Gateway's plan, which could send the terms to another org.
"""


ACCEPT_OFFER_DOC = """The holder accepts one offer; the others lapse; the claim becomes FINANCED.

The offer's terms (its expiry among them) are private: they are read from the caller's own peer
(``get_offer_terms``) and passed again as transient ``terms``, for the contract to check them against
the offer's hash and refuse an expired offer (``offer-expired``). A caller the contract does not let read
them (not the holder) is sent to the contract without them, so its own refusal comes back
(``not-the-holder``...). Any other refusal of the read is raised, and nothing is sent.
"""


CANCEL_DOC = """The holder, or the bank whose offer was accepted, ends an accepted financing not yet disbursed.

The bank leaves the claim: a FINANCED claim is CONFIRMED again (it can be paid, and before its due
date financed anew or transferred), an OVERDUE one stays OVERDUE (only payment is left for it). A
disbursed financing is refused (``financing-disbursed``: repayment ends it).
Endorsement is pinned to the debtor's, holder's and bank's orgs: the claim's key-level
policy in force names all three until this transaction drops the bank (the gateway would
plan the same orgs). They are looked up (``get_financing`` and ``get_receivable``) unless
``endorsing_organizations`` is given; where they are one org, the orgs the claim's key names
and any the chaincode's endorsement policy asks besides are named, as for a :meth:`confirm` of
such a claim (the Gateway plans them for a client without its Network). A caller the contract does not let read
the financing (neither its holder nor its bank), or its claim (a bank that has left it), is sent to the contract all
the same, to its own org, so its refusal comes back (``not-the-holder``, ``not-the-financier``,
``invalid-state``...), not the read's. Any other
refusal of the read (``not-found`` from a peer a block behind) is raised, and nothing is sent.
"""


RECORD_PAYMENT_DOC = """The debtor records a payment (spread pro rata over the leaves of a split claim).

``request_id`` (default: a new uuid4 hex) makes a retry of this call return the first result. The result's
``tx_id`` is the payment's transaction: for a split claim, whose own last change stays the split, it is read
from the request record (one more evaluate), so a retry answered from the record names the first payment's too.
A negative ``amount`` raises ValueError before anything is sent.
"""


RESEAL_DOC = """Rewrite the key-level policy of a claim whose key names fewer orgs than due to the orgs due now
(``upgrade_ledger`` lists such a claim in ``claims_to_reseal``): a claim frozen before a freeze added the regulator's
org, or one of one org's parties an earlier contract version guarded by that org alone. Its debtor, its holder, its
bank while financed, or the regulator calls it; nothing else of the claim changes. Answers a :class:`Reseal`
(``orgs_before``, ``orgs_after``, and ``tx_id``, the reseal's transaction: the claim's ``last`` does not change).

Fabric validates a change of a key's policy against the policy the key carries, so the orgs it names now must
endorse: they are read first (:meth:`receivable_endorsers`) and named. A caller the contract does not let read the
claim is sent to the Gateway's plan, for the contract to say why it refuses the reseal, and so is a claim whose
key has no policy (the chaincode-level policy guards it, so the Gateway's orgs endorse the reseal, which gives it
the orgs due: ``orgs_before`` empty; ``upgrade_ledger`` seals such a key too). Refused
``nothing-to-reseal`` where the key names every org due already (nothing is written), ``not-a-party-to-claim``
for anyone else. Pass ``endorsing_organizations`` (MSP IDs) to choose the orgs yourself: the key's orgs must be
among them (the orgs due may be too).
"""


def _parties_orgs(financing: FinancingView, receivable: Receivable, bank_msp: str | None) -> list[str]:
    """The orgs of the debtor, the holder and the bank of a financing: who endorses a change to a financed claim
    (``bank_msp`` standing for a bank the financing does not name yet; None: no one). One org where a single
    org's parties are all three: the claim's key then names it and the regulator's org(s), and the financing's
    key has no policy of its own (the chaincode's endorsement policy guards it), so the caller names the orgs a
    confirmation of such a claim names (``_Operations._one_org_endorsers``)."""
    return _unique([receivable.debtor_msp, financing.holder_msp, financing.financier_msp or bank_msp])


def _one_org_terms_refusal(what: str, financing_id: str, org: str, parties: list[str], why: str) -> ValueError:
    """Where one org's parties hold and finance, the terms' collection needs that org and a regulator org to
    endorse a write (chaincode.receivables.collections), and the SDK reads which orgs those are from the chaincode's
    committed definition (:meth:`_Operations._terms_endorsers`). Where it cannot (``why``), it does not guess:
    naming every org of the channel, as a confirmation whose claim's key-level policy cannot be read does, would
    send the terms to orgs outside the collection, so the caller names them (``parties``: the orgs to name besides
    a regulator org)."""
    return ValueError(
        f"{what} on {financing_id}: its holder and its bank are both parties of {org}, so the terms' collection "
        f"needs {org} and a regulator org to endorse, which the SDK reads from the chaincode's committed "
        f"definition, and {why}; name the endorsing orgs yourself "
        f"(endorsing_organizations, `--endorsing-org MSP`): {', '.join(parties)} and a regulator org")


class _Endorsers(NamedTuple):
    """The orgs the SDK names to endorse a change (``orgs``; None: the Gateway plans them) and, where it chose them
    for a claim of one org's parties (:meth:`_Operations._one_org_endorsers`), what an EndorseError then says:
    ``action``, the change; ``org``, that org; ``asked``, which orgs were asked and why (:meth:`explained`)."""

    orgs: Sequence[str] | None
    action: str = ""
    org: str = ""
    asked: str = ""

    def explained(self, error: EndorseError) -> EndorseError | None:
        """``error`` said again with why these orgs were asked and what to do, where the Gateway found no peer able
        to endorse of an org other than ``org`` (it may be the regulator's, which the claim's key names: nothing was
        ordered, and nothing is tried without it). None where there is nothing to add: orgs not chosen so, an error
        naming no such org, or ``org`` itself among those that could not (the caller's own, which it names)."""
        unable = _orgs_without_endorser(error)
        if not self.asked or not unable or self.org in unable:
            return None
        return reworded(error, f"{self.action} needs {self.org} and {self.asked} and {', '.join(unable)} could not "
                               f"({error.message}); start a peer of {', '.join(unable)} with the chaincode, or name the "
                               f"endorsing orgs yourself, {self.org} and the orgs the claim's key names among them "
                               "(endorsing_organizations, `--endorsing-org MSP`)")


def _reading(what: str, org: str, action: str) -> str:
    """What a failed read the SDK made to plan ``action`` (a change to a claim of ``org``'s parties) says it was
    reading (:func:`~client.receivables.errors.while_reading`): ``what``, on a peer of ``org``, and that nothing was
    sent."""
    return (f"reading {what}, on a peer of {org}, to choose who endorses {action}: nothing was sent; name the "
            "endorsing orgs yourself to send it without this read (endorsing_organizations, `--endorsing-org MSP`)")


def _besides(orgs: list[str], more: list[str], why: str) -> str:
    """How an EndorseError names the orgs of ``more`` not in ``orgs`` and ``why`` they were asked too ("" for
    none): the continuation of :attr:`_Endorsers.asked`."""
    added = [org for org in more if org not in orgs]
    return f", and {', '.join(added)}, {why}" if added else ""


def _on_one_line(error: Exception) -> str:
    """What ``error`` says, on one line, as the CLI shows a refusal: a GatewayError renders each peer's detail on a
    line of its own, so they are joined to its message here."""
    if isinstance(error, GatewayError):
        return "; ".join([error.message, *map(str, error.details)])
    return str(error)


def _uncounted_offers(value: Sequence[str] | None) -> str:
    """``make_offer``'s ``uncounted_offers`` as sent: the JSON list of the offer ids ``financier_exposure`` answered
    in ``uncounted_offers``; "" for none."""
    if value is None:
        return ""
    ids = list(value) if isinstance(value, Sequence) and not isinstance(value, (str, bytes)) else None
    if problem := uncounted_offers_problem(ids, f"uncounted_offers is {value!r}",
                                           "give the uncounted_offers financier_exposure answered with the version, "
                                           f"a sequence of at most {UNCOUNTED_OFFERS_MAX} offer ids"):
        raise ValueError(problem)
    return json.dumps(ids) if ids else ""


def _exposure_version(value: int) -> str:
    """``make_offer``'s ``exposure_version`` as sent: a version ``financier_exposure`` answered (an int from 0)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"exposure_version is {value!r}: give the version financier_exposure answered, an int "
                         "from 0")
    return str(value)


def _deal_orgs(financing: FinancingView | None) -> list[str]:
    """The holder's and the bank's orgs of an accepted financing, the parties' orgs among the members of its terms'
    collection (the regulator's is the other): who endorses a change to the financing record alone (its key's
    policy from acceptance; the chaincode's any two orgs for one an earlier contract version accepted, until
    UpgradeLedger gives it its policy), so that the
    terms it carries reach no org outside the collection. None where the caller may not read the financing or it
    has no bank yet; one org where it both holds and finances (too few for the chaincode policy, which guards such a
    financing: the caller adds the debtor's)."""
    if financing is None or not financing.financier_msp:
        return []
    return _unique([financing.holder_msp, financing.financier_msp])


def _check_terms(terms: Any, what: str, *, cap: int | None = None) -> None:
    """``terms`` are FinancingTerms with fees within ``cap``: a new offer's within the cap on amounts sent (None), terms
    repeated at disbursement within the cap they may have been stored under (``OfferTerms.as_request()`` reads
    them so, and its result must not pass as a new offer's)."""
    if not isinstance(terms, FinancingTerms):
        raise TypeError(f"{what} takes FinancingTerms")
    fen_sent(terms.fees, "fees", cap=MAX_FEN if cap is None else cap)   # raises, before anything is read or sent
    terms.checked()     # and so does any other term changed since they were built (model_copy validates nothing)


def _accepted_offer(financing: FinancingView | None) -> str | None:
    """The accepted offer whose terms a disbursement passes again; None when there are none to read (the
    financing unreadable to the caller, or no offer accepted), and the contract then says why it refuses."""
    return None if financing is None else financing.accepted_offer_id


class ReceivablesClient(_Operations):
    """The receivables contract as Python methods (blocking).

    Build it on a ``client.gateway`` Contract of the ``receivables`` chaincode
    (``network.get_contract("receivables", "receivables")``), and the Network for
    events and cross-org waits (``catch_up``). Changes are submitted (endorsed, ordered, committed before the method
    returns); queries are evaluated on one peer. Every method returns the document
    the contract returned, as a model (one not of the model's shape raises
    :class:`~client.receivables.errors.UnreadableAnswer`, which for a submit says that it committed). A refusal
    raises :class:`~client.receivables.errors.RuleViolation` with the rule's code.

    The identity of the gateway connection is the caller: the contract decides
    from it what the caller may do (see the authorization matrix in
    docs/receivables.md). Submits leave the choice of endorsers to the Gateway, which
    plans it from the key-level policies of the keys the transaction writes; ``register_party``
    and ``confirm`` (the orgs an audit looks for), ``make_offer`` and ``record_disbursement``
    (terms as transient data), ``demand_recourse``, ``exercise_recourse``, ``cancel_financing`` and ``reseal_receivable``
    (the orgs the claim's key names) name their orgs: see
    "Who endorses" in docs/sdk-receivables.md.
    """

    def _call(self, kind, name, args, model, *, transient=None, endorsing_organizations=None):
        options = self._options(kind, name, args, transient, endorsing_organizations)
        try:
            payload = self.contract.submit(name, **options) if kind == "submit" else self.contract.evaluate(name, **options)
        except GatewayError as error:
            refusal = self._refusal(error, name)
            if refusal is error:
                raise
            raise refusal from error
        return self._answer(kind, name, model, payload)

    def _readable_financing(self, financing_id: str) -> FinancingView | None:
        """The financing, for choosing who endorses an action on it; None when the contract refuses the caller
        the read (:data:`READ_REFUSALS`), and any other refusal raised.

        Whoever may offer on, disburse or cancel a financing may read it (a bank while it is requested, its
        holder, its bank), so a caller refused the read is refused the action too: the action is then sent to
        the caller's own org, for the contract to say which of its rules refuses it (``not-the-financier``
        rather than the read's ``not-permitted-to-read``). A ``not-found`` (a peer a block behind) is raised:
        sent to the caller's org alone, the action would miss the orgs the claim's policy needs."""
        return unless_refused_the_read(lambda: self.get_financing(financing_id))

    def _readable_claim(self, financing: FinancingView | None) -> Receivable | None:
        """The claim of ``financing`` (None for none), None where the caller may not read it, as
        :meth:`_readable_financing` reads the financing."""
        return None if financing is None else unless_refused_the_read(
            lambda: self.get_receivable(financing.receivable_id))

    def register_party(self, uscc: str, name: str, role: Role, msp_id: str, client_ids: Iterable[str], *,
                       endorsing_organizations: Sequence[str] | None = None) -> Party:
        request = self._party_request(uscc, name, role, msp_id, client_ids)
        if endorsing_organizations is None:
            return blocking(self._register_party_steps)(request)
        return self._party_registration(request, endorsing_organizations)

    register_party.__doc__ = REGISTER_PARTY_DOC

    def confirm(self, receivable_id: str, *, endorsing_organizations: Sequence[str] | None = None) -> Receivable:
        if endorsing_organizations is None:
            claim = unless_refused_the_read(lambda: self.get_receivable(_text(receivable_id, "receivable_id")))
            return blocking(self._confirm_steps)(receivable_id, claim)
        return self._confirmation(receivable_id, endorsing_organizations)

    confirm.__doc__ = CONFIRM_DOC

    def record_payment(self, receivable_id: str, amount: Amount, *, request_id: str | None = None) -> PaymentResult:
        return blocking(self._payment_steps)(receivable_id, amount, request_id)

    record_payment.__doc__ = RECORD_PAYMENT_DOC
    settle = record_payment

    def make_offer(self, financing_id: str, terms: FinancingTerms,
                   endorsing_organizations: Sequence[str] | None = None, *,
                   exposure_version: int | None = None, uncounted_offers: Sequence[str] | None = None) -> Offer:
        _check_terms(terms, "make_offer")
        _uncounted_offers(uncounted_offers)   # refused before any look-up, as the terms are
        if endorsing_organizations is None:
            financing = self._readable_financing(financing_id)
            claim = self._readable_claim(financing)
            endorsing_organizations = blocking(self._offer_orgs)(financing_id, claim, self.who_am_i().msp_id)
        return self._offer(financing_id, terms, endorsing_organizations, exposure_version, uncounted_offers)

    make_offer.__doc__ = MAKE_OFFER_DOC

    def wait_for_block(self, block_number: int, *, timeout: float | None = None) -> int:
        """Return once this client's gateway peer has committed ``block_number`` (see :meth:`catch_up`).

        Returns the block the peer delivered (its newest, if it had ``block_number`` already). Raises
        ``client.gateway.BlockWaitTimeoutError`` after ``timeout`` seconds (default: the gateway's
        ``Timeouts.wait_for_block``), and ValueError for a client built without its Network.
        """
        return self._network_to_wait_on().wait_for_block(block_number, timeout=timeout)

    def catch_up(self, *others: "ReceivablesClient", timeout: float | None = None) -> int | None:
        """Wait until this client's peer has every change the ``others`` submitted; the block waited for, or None.

        Use it when the next step is another org's: the supplier registers through its own peer, then
        ``core.catch_up(supplier)`` before ``core.confirm(...)`` makes sure the core enterprise's peer has
        the claim (each peer commits blocks on its own; without the wait the confirmation may be refused
        ``not-found``). Nothing is waited for when the others committed nothing through a Network.
        """
        block = self._latest_block_of(others)
        if block is not None:
            self.wait_for_block(block, timeout=timeout)
        return block

    def accept_offer(self, offer_id: str) -> Financing:
        return self._acceptance(offer_id, unless_refused_the_read(lambda: self.get_offer_terms(offer_id)))

    accept_offer.__doc__ = ACCEPT_OFFER_DOC

    def _accepted_terms_and_orgs(self, financing_id: str, terms: FinancingTerms | None,
                                 endorsing_organizations: Sequence[str] | None, what: str, *,
                                 claim_changes: bool = True, writes_terms_collection: bool = False):
        """The accepted terms (read back from the bank's peer unless given) and the orgs that endorse (unless
        given: the debtor's, holder's and bank's where the action changes the claim; where it changes the
        financing record alone, the holder's and bank's) of a bank's action on an accepted financing, as
        :class:`_Endorsers`. ``writes_terms_collection``: the action writes to the terms' collection, whose policy a
        regulator org must meet with the holder's where it is the bank's org too (:meth:`_terms_endorsers`)."""
        if terms is not None:
            _check_terms(terms, what, cap=LEDGER_MAX_FEN)
        financing = None
        if terms is None or endorsing_organizations is None:
            financing = self._readable_financing(financing_id)
        if terms is None and (offer_id := _accepted_offer(financing)) is not None:
            terms = self.get_offer_terms(offer_id).as_request()
        if endorsing_organizations is not None:
            return terms, _Endorsers(endorsing_organizations)
        deal = _deal_orgs(financing) if not claim_changes else []
        if len(deal) > 1:
            return terms, _Endorsers(deal)
        # the claim changes, or one org holds and finances: the three
        return terms, self._orgs_of_financing(financing, caller_as_bank=True, what=what,
                                              writes_terms=writes_terms_collection, carries_terms=terms is not None)

    def _orgs_of_financing(self, financing: FinancingView | None, *, caller_as_bank: bool, what: str,
                           writes_terms: bool = False, carries_terms: bool = False) -> _Endorsers:
        """Who endorses ``what``, a change to the claim of ``financing``: its debtor's, holder's and bank's orgs
        (with ``caller_as_bank``, the caller's standing for a bank not named yet). Where the caller may not read the
        financing, or its claim (a bank that has left it), the caller's own org: the change is sent all the
        same, for the contract to refuse it by its own rule, not the read's. Where the debtor's, holder's and
        bank's orgs are one, the orgs :meth:`_one_org_endorsers` names; ``writes_terms``: the change writes to the
        terms' collection, which may need a regulator org too, ``carries_terms``: it carries the accepted terms
        (:meth:`_claim_orgs`)."""
        claim = self._readable_claim(financing)
        if claim is None:
            return _Endorsers([self.who_am_i().msp_id])
        caller = caller_as_bank and not financing.financier_msp
        return blocking(self._claim_orgs)(financing, claim, self.who_am_i().msp_id if caller else None, what,
                                          writes_terms, carries_terms)

    def record_disbursement(self, financing_id: str, terms: FinancingTerms | None = None,
                            endorsing_organizations: Sequence[str] | None = None) -> Financing:
        terms, endorsers = self._accepted_terms_and_orgs(financing_id, terms, endorsing_organizations,
                                                         "record_disbursement", writes_terms_collection=True)
        return blocking(self._sent_to)(endorsers, lambda orgs: self._disbursement(financing_id, terms, orgs))

    record_disbursement.__doc__ = DISBURSEMENT_DOC

    def exercise_recourse(self, financing_id: str, reason: str, terms: FinancingTerms | None = None,
                          endorsing_organizations: Sequence[str] | None = None) -> Financing:
        terms, endorsers = self._accepted_terms_and_orgs(financing_id, terms, endorsing_organizations,
                                                         "exercise_recourse")
        return blocking(self._sent_to)(
            endorsers, lambda orgs: self._recourse("ExerciseRecourse", financing_id, reason, terms, orgs))

    exercise_recourse.__doc__ = RECOURSE_DOC

    def demand_recourse(self, financing_id: str, reason: str, terms: FinancingTerms | None = None,
                        endorsing_organizations: Sequence[str] | None = None) -> Financing:
        terms, endorsers = self._accepted_terms_and_orgs(financing_id, terms, endorsing_organizations,
                                                         "demand_recourse", claim_changes=False)
        return blocking(self._sent_to)(
            endorsers, lambda orgs: self._recourse("DemandRecourse", financing_id, reason, terms, orgs))

    demand_recourse.__doc__ = DEMAND_RECOURSE_DOC

    def cancel_financing(self, financing_id: str, reason: str,
                         endorsing_organizations: Sequence[str] | None = None) -> Financing:
        endorsers = _Endorsers(endorsing_organizations)
        if endorsing_organizations is None:
            endorsers = self._orgs_of_financing(self._readable_financing(financing_id), caller_as_bank=False,
                                                what="cancel_financing")
        return blocking(self._sent_to)(endorsers, lambda orgs: self._cancellation(financing_id, reason, orgs))

    cancel_financing.__doc__ = CANCEL_DOC

    def reseal_receivable(self, receivable_id: str, *,
                          endorsing_organizations: Sequence[str] | None = None) -> Reseal:
        return blocking(self._reseal_steps)(receivable_id, endorsing_organizations)

    reseal_receivable.__doc__ = RESEAL_DOC

    @staticmethod
    def _walk(fetch: Callable[[str], Any]) -> Iterator[Any]:
        """The records of every page ``fetch(bookmark)`` returns, following bookmarks to the end."""
        bookmark = ""
        while True:
            page = fetch(bookmark)
            yield from page.records
            if not page.bookmark or page.bookmark == bookmark:
                return
            bookmark = page.bookmark

    def iter_receivables(self, by: str, value: str, *, page_size: int = 50) -> Iterator[Receivable]:
        """Every receivable of a listing (``by`` = ``holder``, ``debtor``, ``status`` or ``financier``: every
        debtor's), page after page."""
        lister = self._lister(by)
        return self._walk(lambda bookmark: lister(value, page_size=page_size, bookmark=bookmark))

    def iter_offers_by_financier(self, financier: str, debtor: str | None = None, *,
                                 page_size: int = 50) -> Iterator[ListedOffer]:
        """Every offer of a bank's list of open offers (see :meth:`list_offers_by_financier`), page after page."""
        return self._walk(lambda bookmark: self.list_offers_by_financier(
            financier, debtor=debtor, page_size=page_size, bookmark=bookmark))

    def iter_payment_record(self, debtor: str, *, as_of: date | None = None,
                            page_size: int = 100) -> Iterator[PaymentRecord]:
        """Every claim of the debtor's payment record, page after page, all as of the first page's date."""
        def fetch(bookmark: str) -> PaymentRecordPage:
            nonlocal as_of
            page = self.debtor_payment_record(debtor, page_size=page_size, bookmark=bookmark, as_of=as_of)
            as_of = page.as_of  # later pages at the same date, even if the contract's day turns meanwhile
            return page
        return self._walk(fetch)

    def iter_discount_offers(self, debtor: str | None = None, receivable_id: str | None = None, *,
                             scope: str = "open", page_size: int = 50) -> Iterator[DiscountOffer]:
        """Every discount offer of a listing (see :meth:`list_discount_offers`), page after page."""
        return self._walk(lambda bookmark: self.list_discount_offers(
            debtor, receivable_id, page_size=page_size, bookmark=bookmark, scope=scope))


def _awaited(method: Callable[..., Awaitable[T]]) -> Callable[..., Coroutine[Any, Any, T]]:
    """``method`` as a coroutine function: the checks of its arguments that ``method`` makes before its call
    exists run when the coroutine is awaited, not when it is called. Same name, docstring and signature
    (``__wrapped__``)."""

    @functools.wraps(method)
    async def awaited(*args, **kwargs):
        return await method(*args, **kwargs)

    return awaited


def _every_call_awaited(*iterators: str) -> Callable[[type], type]:
    """A class decorator that makes every public method of the class, its own or inherited, a coroutine function
    whose every argument error comes when it is awaited (:func:`_awaited`), but the ``iterators`` (entered with
    ``async for``, not awaited). Methods written ``async def`` are wrapped too: Python binds a call's arguments to
    the signature before it makes the coroutine, so a wrong or missing keyword would raise at the call.

    The shared :class:`_Operations` methods check their arguments before they call the async ``_call``, so
    unwrapped they would raise a bad argument at the call, while the methods written ``async def`` raise it at the
    ``await``: a caller handling errors around the ``await`` (``asyncio.gather``, ``create_task``) would miss the
    first kind, and coroutines already made for the same ``gather`` would be left never awaited. Aliases
    (``split = transfer``) stay one function."""

    def decorate(cls: type) -> type:
        coroutine_of: dict[Callable, Callable] = {}
        for name in dir(cls):
            method = inspect.getattr_static(cls, name)
            if name.startswith("_") or name in iterators or not inspect.isfunction(method):
                continue
            if method not in coroutine_of:
                coroutine_of[method] = _awaited(method)
                # named as this class's (an alias by its own function's name), so that it pickles and a
                # never-awaited warning names the public class, not the private base
                coroutine_of[method].__qualname__ = f"{cls.__qualname__}.{method.__name__}"
            setattr(cls, name, coroutine_of[method])
        return cls

    return decorate


@_every_call_awaited("iter_receivables", "iter_offers_by_financier", "iter_payment_record", "iter_discount_offers",
                     "events")
class AsyncReceivablesClient(_Operations):
    """The async twin of :class:`ReceivablesClient`, over a ``client.gateway`` AsyncContract:
    the same methods and models, awaited (the ``iter_*`` methods and ``events`` give async iterators). Every
    awaited method is a coroutine function: a bad argument raises when it is awaited, never at the call."""

    async def _call(self, kind, name, args, model, *, transient=None, endorsing_organizations=None):
        options = self._options(kind, name, args, transient, endorsing_organizations)
        try:
            if kind == "submit":
                payload = await self.contract.submit(name, **options)
            else:
                payload = await self.contract.evaluate(name, **options)
        except GatewayError as error:
            refusal = self._refusal(error, name)
            if refusal is error:
                raise
            raise refusal from error
        return self._answer(kind, name, model, payload)

    async def _readable_financing(self, financing_id: str) -> FinancingView | None:
        """The async twin of :meth:`ReceivablesClient._readable_financing`."""
        return await _unless_refused_the_async_read(lambda: self.get_financing(financing_id))

    async def _readable_claim(self, financing: FinancingView | None) -> Receivable | None:
        """The async twin of :meth:`ReceivablesClient._readable_claim`."""
        return None if financing is None else await _unless_refused_the_async_read(
            lambda: self.get_receivable(financing.receivable_id))

    async def register_party(self, uscc: str, name: str, role: Role, msp_id: str, client_ids: Iterable[str], *,
                             endorsing_organizations: Sequence[str] | None = None) -> Party:
        request = self._party_request(uscc, name, role, msp_id, client_ids)
        if endorsing_organizations is None:
            return await awaiting(self._register_party_steps)(request)
        return await self._party_registration(request, endorsing_organizations)

    register_party.__doc__ = REGISTER_PARTY_DOC

    async def confirm(self, receivable_id: str, *, endorsing_organizations: Sequence[str] | None = None) -> Receivable:
        if endorsing_organizations is None:
            claim = await _unless_refused_the_async_read(
                lambda: self.get_receivable(_text(receivable_id, "receivable_id")))
            return await awaiting(self._confirm_steps)(receivable_id, claim)
        return await self._confirmation(receivable_id, endorsing_organizations)

    confirm.__doc__ = CONFIRM_DOC

    async def record_payment(self, receivable_id: str, amount: Amount, *,
                             request_id: str | None = None) -> PaymentResult:
        return await awaiting(self._payment_steps)(receivable_id, amount, request_id)

    record_payment.__doc__ = RECORD_PAYMENT_DOC
    settle = record_payment

    async def make_offer(self, financing_id: str, terms: FinancingTerms,
                         endorsing_organizations: Sequence[str] | None = None, *,
                         exposure_version: int | None = None,
                         uncounted_offers: Sequence[str] | None = None) -> Offer:
        _check_terms(terms, "make_offer")
        _uncounted_offers(uncounted_offers)   # refused before any look-up, as the terms are
        if endorsing_organizations is None:
            financing = await self._readable_financing(financing_id)
            claim = await self._readable_claim(financing)
            endorsing_organizations = await awaiting(self._offer_orgs)(financing_id, claim,
                                                                      (await self.who_am_i()).msp_id)
        return await self._offer(financing_id, terms, endorsing_organizations, exposure_version, uncounted_offers)

    make_offer.__doc__ = MAKE_OFFER_DOC

    async def wait_for_block(self, block_number: int, *, timeout: float | None = None) -> int:
        """The async twin of :meth:`ReceivablesClient.wait_for_block`."""
        return await self._network_to_wait_on().wait_for_block(block_number, timeout=timeout)

    async def catch_up(self, *others: "_Operations", timeout: float | None = None) -> int | None:
        """The async twin of :meth:`ReceivablesClient.catch_up` (the others may be sync or async clients)."""
        block = self._latest_block_of(others)
        if block is not None:
            await self.wait_for_block(block, timeout=timeout)
        return block

    async def accept_offer(self, offer_id: str) -> Financing:
        terms = await _unless_refused_the_async_read(lambda: self.get_offer_terms(offer_id))
        return await self._acceptance(offer_id, terms)

    accept_offer.__doc__ = ACCEPT_OFFER_DOC

    async def _accepted_terms_and_orgs(self, financing_id: str, terms: FinancingTerms | None,
                                       endorsing_organizations: Sequence[str] | None, what: str, *,
                                       claim_changes: bool = True, writes_terms_collection: bool = False):
        """The async twin of :meth:`ReceivablesClient._accepted_terms_and_orgs`."""
        if terms is not None:
            _check_terms(terms, what, cap=LEDGER_MAX_FEN)
        financing = None
        if terms is None or endorsing_organizations is None:
            financing = await self._readable_financing(financing_id)
        if terms is None and (offer_id := _accepted_offer(financing)) is not None:
            terms = (await self.get_offer_terms(offer_id)).as_request()
        if endorsing_organizations is not None:
            return terms, _Endorsers(endorsing_organizations)
        deal = _deal_orgs(financing) if not claim_changes else []
        if len(deal) > 1:
            return terms, _Endorsers(deal)
        # the claim changes, or one org holds and finances: the three
        return terms, await self._orgs_of_financing(financing, caller_as_bank=True, what=what,
                                                    writes_terms=writes_terms_collection,
                                                    carries_terms=terms is not None)

    async def _orgs_of_financing(self, financing: FinancingView | None, *, caller_as_bank: bool, what: str,
                                 writes_terms: bool = False, carries_terms: bool = False) -> _Endorsers:
        """The async twin of :meth:`ReceivablesClient._orgs_of_financing`."""
        claim = await self._readable_claim(financing)
        if claim is None:
            return _Endorsers([(await self.who_am_i()).msp_id])
        caller = caller_as_bank and not financing.financier_msp
        return await awaiting(self._claim_orgs)(financing, claim, (await self.who_am_i()).msp_id if caller else None,
                                                what, writes_terms, carries_terms)

    async def record_disbursement(self, financing_id: str, terms: FinancingTerms | None = None,
                                  endorsing_organizations: Sequence[str] | None = None) -> Financing:
        terms, endorsers = await self._accepted_terms_and_orgs(financing_id, terms, endorsing_organizations,
                                                               "record_disbursement", writes_terms_collection=True)
        return await awaiting(self._sent_to)(endorsers, lambda orgs: self._disbursement(financing_id, terms, orgs))

    record_disbursement.__doc__ = DISBURSEMENT_DOC

    async def exercise_recourse(self, financing_id: str, reason: str, terms: FinancingTerms | None = None,
                                endorsing_organizations: Sequence[str] | None = None) -> Financing:
        terms, endorsers = await self._accepted_terms_and_orgs(financing_id, terms, endorsing_organizations,
                                                               "exercise_recourse")
        return await awaiting(self._sent_to)(
            endorsers, lambda orgs: self._recourse("ExerciseRecourse", financing_id, reason, terms, orgs))

    exercise_recourse.__doc__ = RECOURSE_DOC

    async def demand_recourse(self, financing_id: str, reason: str, terms: FinancingTerms | None = None,
                              endorsing_organizations: Sequence[str] | None = None) -> Financing:
        terms, endorsers = await self._accepted_terms_and_orgs(financing_id, terms, endorsing_organizations,
                                                               "demand_recourse", claim_changes=False)
        return await awaiting(self._sent_to)(
            endorsers, lambda orgs: self._recourse("DemandRecourse", financing_id, reason, terms, orgs))

    demand_recourse.__doc__ = DEMAND_RECOURSE_DOC

    async def cancel_financing(self, financing_id: str, reason: str,
                               endorsing_organizations: Sequence[str] | None = None) -> Financing:
        endorsers = _Endorsers(endorsing_organizations)
        if endorsing_organizations is None:
            endorsers = await self._orgs_of_financing(await self._readable_financing(financing_id),
                                                      caller_as_bank=False, what="cancel_financing")
        return await awaiting(self._sent_to)(endorsers, lambda orgs: self._cancellation(financing_id, reason, orgs))

    cancel_financing.__doc__ = CANCEL_DOC

    async def reseal_receivable(self, receivable_id: str, *,
                                endorsing_organizations: Sequence[str] | None = None) -> Reseal:
        return await awaiting(self._reseal_steps)(receivable_id, endorsing_organizations)

    reseal_receivable.__doc__ = RESEAL_DOC

    @staticmethod
    async def _walk(fetch: Callable[[str], Awaitable[Any]]) -> AsyncIterator[Any]:
        """The records of every page ``await fetch(bookmark)`` returns, following bookmarks to the end."""
        bookmark = ""
        while True:
            page = await fetch(bookmark)
            for record in page.records:
                yield record
            if not page.bookmark or page.bookmark == bookmark:
                return
            bookmark = page.bookmark

    def iter_receivables(self, by: str, value: str, *, page_size: int = 50) -> AsyncIterator[Receivable]:
        """Every receivable of a listing (``by`` = ``holder``, ``debtor``, ``status`` or ``financier``: every
        debtor's), page after page (``async for``)."""
        lister = self._lister(by)
        return self._walk(lambda bookmark: lister(value, page_size=page_size, bookmark=bookmark))

    def iter_offers_by_financier(self, financier: str, debtor: str | None = None, *,
                                 page_size: int = 50) -> AsyncIterator[ListedOffer]:
        """Every offer of a bank's list of open offers (``async for``), page after page."""
        return self._walk(lambda bookmark: self.list_offers_by_financier(
            financier, debtor=debtor, page_size=page_size, bookmark=bookmark))

    def iter_payment_record(self, debtor: str, *, as_of: date | None = None,
                            page_size: int = 100) -> AsyncIterator[PaymentRecord]:
        """Every claim of the debtor's payment record (``async for``), all as of the first page's date."""
        async def fetch(bookmark: str) -> PaymentRecordPage:
            nonlocal as_of
            page = await self.debtor_payment_record(debtor, page_size=page_size, bookmark=bookmark, as_of=as_of)
            as_of = page.as_of
            return page
        return self._walk(fetch)

    def iter_discount_offers(self, debtor: str | None = None, receivable_id: str | None = None, *,
                             scope: str = "open", page_size: int = 50) -> AsyncIterator[DiscountOffer]:
        """Every discount offer of a listing (``async for``), page after page."""
        return self._walk(lambda bookmark: self.list_discount_offers(
            debtor, receivable_id, page_size=page_size, bookmark=bookmark, scope=scope))

    _events_class = AsyncReceivablesEvents


NO_ENDORSING_PEERS = "failed to find any endorsing peers for org(s):"
"""How Fabric's Gateway refuses named orgs it has no peer of with the chaincode (registry.planForOrgs)."""


def _no_endorser_of(error: EndorseError, org: str) -> bool:
    """Whether ``error`` says that ``org``, and no other named org, could not endorse (:func:`_orgs_without_endorser`).
    Nothing was sent to the orderer, so the same proposal can go to another org instead."""
    return _orgs_without_endorser(error) == [org]


def _orgs_without_endorser(error: EndorseError) -> list[str]:
    """The named orgs ``error`` says could not endorse: those the Gateway found no peer of (down, or without the
    chaincode), else the orgs of the peers that failed, each once; empty when it names none."""
    message = error.message or ""
    if NO_ENDORSING_PEERS in message:
        return [name.strip() for name in message.split(NO_ENDORSING_PEERS, 1)[1].split(",")]
    return list(dict.fromkeys(detail.msp_id for detail in error.details))


def _problem_in(error: Exception, shown: int = 3) -> str:
    """What a model found wrong with an answer, on one line: the first ``shown`` fields' paths and problems, and
    how many more (a document of another shape entirely has one per field)."""
    if not isinstance(error, ValidationError):
        return f"{type(error).__name__}: {error}".splitlines()[0]
    problems = [": ".join(filter(None, (".".join(str(part) for part in e["loc"]), e["msg"]))) for e in error.errors()]
    more = f"; and {len(problems) - shown} more" if len(problems) > shown else ""
    return "; ".join(problems[:shown]) + more


def _unique(items: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out
