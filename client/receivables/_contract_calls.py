"""How an operation reaches the contract: the Gateway call's options (a query is never submitted), a refusal raised
as the contract's RuleViolation, the answer read as its model."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Sequence
from typing import Any

from fabric_protos.peer import transaction_pb2
from pydantic import TypeAdapter, ValidationError

from client.gateway import RetryPolicy
from client.gateway._twins import Steps
from client.gateway.errors import CommitStatusError, GatewayError, SubmitError

from ._models import Party
from ._validation_problems import _problem_in
from ._arguments import _values
from .errors import NO_VERSION_ANSWERS, ArgumentRefused, ArgumentTypeRefused, UnreadableAnswer, rule_violation_from


CONTRACT_NAME = "receivables"
"""The contract's name in the chaincode: functions are ``receivables:<Transaction>``."""

QUERIES = frozenset({
    "FindIdentityParty", "FindInvoice", "GetAssignmentNotice", "GetContractSettings", "GetDebtorPaymentRecord",
    "GetDisbursement", "GetDiscountOffer", "GetFinancierExposure", "GetFinancing", "GetInvoiceAttestations",
    "GetOfferTerms", "GetParty", "GetPartyHistory", "GetProvenance", "GetReceivable", "GetReceivableEndorsers",
    "GetReceivableHistory", "GetRequest", "GetStatistics", "ListDiscountOffers", "ListOffersByFinancier",
    "ListReceivablesByDebtor", "ListReceivablesByFinancier", "ListReceivablesByHolder",
    "ListReceivablesByStatus", "WhoAmI"})
"""The contract's queries (tagged ``evaluate`` in its metadata), which this client evaluates and never submits.

The contract cannot tell an evaluated call from a submitted one, and a submitted call's answer is in the proposal
response that goes into the block, for every org of the channel: ``GetOfferTerms`` would put an offer's private
terms there, ``GetFinancierExposure`` a bank's advances. The generic Gateway client knows no contract's metadata,
so the refusal is here (``_Operations._options``, before anything is sent)."""


WITH_REQUEST_ID = frozenset({"AcceptDiscountOffer", "AttestInvoiceVerification", "PublishDiscountOffer",
                             "RecordPayment", "RegisterReceivable", "TransferReceivable"})
"""The contract's transactions that take a business request id, as their last argument, and apply it once."""


def may_have_committed(error: BaseException) -> bool:
    """Whether the call that raised ``error`` may have committed all the same, whatever it raised: its commit
    status was not received (``CommitStatusError``); its send failed after the orderer may have taken it
    (``SubmitError.may_have_been_ordered``); it committed with an answer this client cannot read
    (:class:`UnreadableAnswer` ``committed``); or its caller gave up on it (:data:`CALL_GIVEN_UP`) after its
    transaction was handed to the orderer (the Gateway's ``may_have_been_ordered``), after it committed
    (``committed``, a split claim's payment read back), or, with a request id, while it was submitted by a
    Contract that does not say how far it got (as the note on it says). A failed endorsement sent nothing, a
    ``CommitError`` wrote nothing, a refusal (:class:`RuleViolation`, :class:`RefusedBeforeSending`) changed
    nothing, and a query cancelled wrote nothing.

    True: call again with the same request id (``error.request_id``), which applies it at most once, or read
    ``client.request(error.request_id)``; never send it under a new one, which would apply it twice."""
    if isinstance(error, UnreadableAnswer):
        return error.committed
    if isinstance(error, CALL_GIVEN_UP):
        if getattr(error, "committed", False):
            return True
        ordered = getattr(error, "may_have_been_ordered", None)
        return ordered is True or (ordered is None and hasattr(error, "request_id"))
    if isinstance(error, CommitStatusError):
        return True
    return isinstance(error, SubmitError) and error.may_have_been_ordered


CALL_GIVEN_UP = (asyncio.CancelledError, KeyboardInterrupt)
"""What ends a call its caller gave up on while it waited: an async call cancelled (``task.cancel()``,
the deadline of ``asyncio.wait_for`` or ``asyncio.timeout``, whose TimeoutError is raised from it),
Ctrl-C. The Gateway's submit says on it how far the transaction got (``may_have_been_ordered``): given up
while it was endorsed, nothing reached the orderer and it cannot commit; given up after its envelope was
handed to the orderer, a submit that carried a request id may have committed."""


def _retry_advice(request_id: str, why: str = "") -> str:
    """The note on the error of a submit with ``request_id`` that may have committed (``why``, said after "it
    may have committed": how its answer was lost): the CLI's words for a lost answer
    (``cli.request_ids.exactly_once``), with the SDK's calls where the CLI names its commands."""
    return (f"request id {request_id}: it may have committed{why}; call again with "
            f"request_id={request_id!r} to apply it at most once, or client.request({request_id!r}) to see "
            "whether it did")


def _given_up_how(stopped: BaseException) -> str:
    return "cancelled" if isinstance(stopped, asyncio.CancelledError) else "interrupted"


RACE_RETRY = RetryPolicy(max_attempts=3, backoff=0.1, retry_on=frozenset({
    transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.PHANTOM_READ_CONFLICT,
    transaction_pb2.ENDORSEMENT_POLICY_FAILURE}))
"""Endorse and submit again, at most three times in all, a transaction that lost a race for a claim or an invoice.

Another transaction committed first and changed a key this one read (``MVCC_READ_CONFLICT``), a range of keys it
read (``PHANTOM_READ_CONFLICT``: a registration or an offer's acceptance where the network requires attestations
reads its invoices' attestations, as the first attestation of an invoice does, and an attestation of one committed
meanwhile adds to them), or the key-level policy of a claim it writes (``ENDORSEMENT_POLICY_FAILURE``: confirmation,
transfers across orgs, financing, repayment, the bank's recourse exercised, freezes and unfreezes write it). Either
way the invalidated transaction wrote nothing, and endorsing it again reads the ledger as it is now, so the second
try is either valid or refused by a business rule that names what changed. Calls whose endorsing orgs are fixed
before the first try (``register_party``, ``confirm``, ``make_offer``, ``record_disbursement``,
``cancel_financing``, ``demand_recourse``, ``exercise_recourse``, ``reseal_receivable`` and any call given
``endorsing_organizations``) go to the same orgs each time: after a race that changed who must endorse, their tries
end in the same CommitError; call again to plan anew. The CLI uses this policy;
``ReceivablesClient(..., retry=RACE_RETRY)`` opts an integration in (docs/sdk-receivables.md).
"""


@functools.cache
def _run_by(run_steps: Callable[[Callable[..., Steps[Any]]], Callable[..., Any]],
            body: Callable[..., Steps[Any]]) -> Callable[..., Any]:
    """``body``, a function of the client and a call's arguments, as ``run_steps`` runs it, made once for each client
    kind rather than at every call: making it copies the body's name and signature (``_twins._named_after``), about
    ten times the CPU of a call's own steps, on the path every call of the contract takes."""
    return run_steps(body)


def _orgs_named(endorsing_organizations: Sequence[str]) -> list[str]:
    """``endorsing_organizations`` as sent: MSP IDs, at least one. Empty, it would be no choice at all, and the
    Gateway would plan the orgs itself (a confirmation to orgs an audit does not take, a read from any org's peer):
    refused, as is a name that is no text or blank, before anything is sent."""
    orgs = list(_values(endorsing_organizations, "endorsing_organizations"))
    if not orgs:
        raise ArgumentRefused("endorsing_organizations is empty, which names no org: name the MSP IDs whose peers are "
                              "to endorse or answer, or pass None to leave the choice to the SDK; nothing was sent")
    for org in orgs:
        if not isinstance(org, str):
            raise ArgumentTypeRefused(f"endorsing_organizations holds {org!r}, a {type(org).__name__}: name each org "
                                      "by its MSP ID, a str; nothing was sent")
        if not org.strip():
            raise ArgumentRefused(f"endorsing_organizations holds {org!r}, which names no org: give each org's MSP ID; "
                             "nothing was sent")
    return orgs


class _ContractCalls:
    """Each operation as one call of the contract: ``_submit`` or ``_evaluate``, through ``_call``, whose body both
    clients share and each runs its way (``_run_steps``). Uses the ``contract`` and ``retry`` :class:`_Operations`
    keeps."""

    def _call(self, kind: str, name: str, args: Sequence[str], model: Any, *,
              transient: dict[str, bytes] | None = None, endorsing_organizations: Sequence[str] | None = None):
        """``name`` submitted or evaluated with ``args``, its answer as ``model``: the answer of the blocking
        client, a coroutine of the async one (:attr:`_run_steps`)."""
        return _run_by(self._run_steps, type(self)._call_steps)(self, kind, name, args, model, transient,
                                                                 endorsing_organizations)

    def _call_steps(self, kind: str, name: str, args: Sequence[str], model: Any, transient: dict[str, bytes] | None,
                    endorsing_organizations: Sequence[str] | None) -> Steps[Any]:
        options = self._options(kind, name, args, transient, endorsing_organizations)
        call = self.contract.submit if kind == "submit" else self.contract.evaluate
        try:
            payload = yield call(name, **options)
        except GatewayError as error:
            refusal = self._refusal(error, name)
            if refusal is error:
                self._name_request_id(error, kind, name, args)
                raise
            raise refusal from error
        except CALL_GIVEN_UP as given_up:
            # Ctrl-C, a cancellation or a deadline while it waited: its request id named, and raised on (never
            # swallowed)
            self._name_request_id(given_up, kind, name, args)
            raise
        return self._answer(kind, name, args, model, payload)

    _run_steps: Callable[[Callable[..., Steps[Any]]], Callable[..., Any]]
    """How this client runs a body the two clients share (``client.gateway._twins``): ``blocking`` in
    :class:`ReceivablesClient` (the call returns the result), ``awaiting`` in :class:`AsyncReceivablesClient` (the
    call returns a coroutine)."""

    def _options(self, kind: str, name: str, args: Sequence[str], transient, endorsing_organizations
                 ) -> dict[str, Any]:
        """The Gateway call's options; a query is refused as a submit (:data:`QUERIES`), before anything is sent."""
        if kind == "submit" and name in QUERIES:
            raise ArgumentRefused(f"{name} is a query of the contract: evaluate it (submitted, its answer would go "
                                  "into a block, for every org of the channel to read); nothing was sent")
        options: dict[str, Any] = {"arguments": list(args)}
        if transient is not None:
            options["transient"] = transient
        if endorsing_organizations is not None:
            options["endorsing_organizations"] = _orgs_named(endorsing_organizations)
        if kind == "submit" and self.retry is not None:
            options["retry"] = self.retry
        return options

    @staticmethod
    def _answer(kind: str, name: str, args: Sequence[str], model: Any, payload: bytes) -> Any:
        """The contract's answer as ``model``; :class:`UnreadableAnswer` when it is not of that shape.

        A submit's answer is read after its transaction committed, so a failure to read it must never pass for a
        failed call: the error says it committed and names the transaction, and a caller that retries on failure
        (``cli.request_ids``) treats it as a call that took effect. A submit that carried a request id keeps
        it on the error (:meth:`_name_request_id`), a fresh one the call made included: the request record it
        names (``client.request(id).result``, JSON) holds the answer, which this client could not read.

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
            of_no_version = isinstance(problem, ValidationError) and any(
                error["type"] == NO_VERSION_ANSWERS for error in problem.errors())
            unreadable = UnreadableAnswer(name, payload, _problem_in(problem), committed=kind == "submit",
                                          transaction_id=transaction_id, of_no_version=of_no_version)
            _ContractCalls._name_request_id(unreadable, kind, name, args)
            raise unreadable from problem
        # a party record keeps no last change (only its registration), so a write's own transaction is known only
        # from the submit: kept on the Party it returns, as Party.tx_id
        if kind == "submit" and isinstance(answer, Party) and transaction_id is not None:
            answer.written_in(transaction_id)
        return answer

    @staticmethod
    def _name_request_id(error: GatewayError | BaseException, kind: str, name: str,
                         args: Sequence[str]) -> None:
        """Keep on ``error`` the request id a submit of ``name`` carried (``error.request_id``), and where it
        may have committed, say so with how to retry it safely (a note in its traceback); where it committed
        with an answer this client cannot read (:class:`UnreadableAnswer`), where its record is.

        The id is the only way to retry such a call at most once, and a fresh one (``request_id=None``) was
        made inside the call: without it here, its caller could only send the call again under a new id,
        which applies it twice when the first attempt committed. ``error`` is a GatewayError, or the
        :data:`CALL_GIVEN_UP` that stopped the call while it waited (kept on it, and re-raised by the
        caller: a cancellation is never swallowed): one that came while the proposal was endorsed says the
        transaction cannot commit, one after the orderer was handed it that it may have committed."""
        if kind != "submit" or name not in WITH_REQUEST_ID or not args:
            return
        request_id = args[-1]
        error.request_id = request_id
        if isinstance(error, CALL_GIVEN_UP):
            how = _given_up_how(error)
            # the Gateway says how far it got; None: a contract of another client, which does not say
            reached_orderer = getattr(error, "may_have_been_ordered", None)
            transaction = getattr(error, "transaction_id", None)
            if reached_orderer is False:
                # nothing sent to the orderer, or (between retries) all sent committed as invalid
                error.add_note(f"request id {request_id}: {name} was {how} before a transaction of it "
                               f"that can commit reached the orderer: transaction {transaction} cannot "
                               f"commit; call again with request_id={request_id!r} to apply it, once")
            elif reached_orderer:
                error.add_note(_retry_advice(request_id, f" ({name} was {how} after its transaction "
                                                         f"{transaction} was handed to the orderer)"))
            else:
                error.add_note(_retry_advice(request_id, f" ({name} was {how} while it was submitted: "
                                                         "whether it reached the orderer cannot be told)"))
        elif isinstance(error, UnreadableAnswer):
            error.add_note(f"request id {request_id}: {name} committed; "
                           f"client.request({request_id!r}).result holds its answer as JSON, and a call "
                           "again with that id changes nothing")
        elif may_have_committed(error):
            error.add_note(_retry_advice(request_id))

    @staticmethod
    def _name_committed_request_id(stopped: BaseException, name: str, request_id: str) -> None:
        """Keep on ``stopped`` (a :data:`CALL_GIVEN_UP`) the request id of a submit of ``name`` that committed
        before its caller gave up on what the operation still had to read, and say so (``committed`` True on
        it, for a caller to tell it from one that may have committed): the caller has no result, and a call
        under a new id would apply it twice."""
        stopped.request_id = request_id
        stopped.committed = True
        stopped.add_note(f"request id {request_id}: {name} committed, and was {_given_up_how(stopped)} "
                         f"while the SDK read what it recorded; client.request({request_id!r}) returns "
                         f"its result, as a call again with request_id={request_id!r} does, which changes "
                         "nothing")

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
