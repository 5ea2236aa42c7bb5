"""Contracts: call a chaincode's functions."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Iterable

from ._commit import SubmittedTransaction
from ._context import Context
from ._proposal import (
    Argument,
    AsyncProposal,
    Proposal,
    Transient,
    as_tuple,
    build_proposal,
    function_name,
    organizations,
)
from ._retry import NO_RETRY, RetryPolicy, check_retry
from ._twins import Pause, Steps, awaiting, blocking
from .errors import CommitError, CommitStatusError, SubmitError, TransactionError


class SubmitResult(bytes):
    """What ``submit`` and ``submit_transaction`` return: the function's result (bytes, compared and decoded as
    bytes) that also names the transaction that committed it, ``transaction_id`` (after a retry, the attempt that
    committed). A caller that cannot use the result (a model that refuses a newer chaincode's answer) can still say
    which transaction committed."""

    transaction_id: str

    def __new__(cls, result: bytes, transaction_id: str) -> SubmitResult:
        made = super().__new__(cls, result)
        made.transaction_id = transaction_id
        return made

    def __reduce__(self):
        return SubmitResult, (bytes(self), self.transaction_id)


class _ContractBase:
    """What Contract and AsyncContract share. Each call is written once, as the body ``_name``
    that becomes the method ``name`` of both (see ``_twins``)."""

    def __init__(
        self, context: Context, channel: str, chaincode: str, contract_name: str | None, retry: RetryPolicy | None
    ) -> None:
        self._context = context
        self.channel = channel
        self.chaincode_name = chaincode
        self.contract_name = contract_name
        self._retry = retry or NO_RETRY

    def qualified_name(self, name: str | bytes) -> str | bytes:
        """The function name as the chaincode sees it: ``contract:function`` when the contract is named.

        Bytes in, bytes out: a function name may be bytes, as arguments may.
        """
        name = function_name(name)
        if not self.contract_name:
            return name
        if isinstance(name, bytes):
            return self.contract_name.encode("utf-8") + b":" + name
        return f"{self.contract_name}:{name}"

    def new_proposal(
        self,
        name: str,
        *,
        arguments: Iterable[Argument] = (),
        transient: Transient | None = None,
        endorsing_organizations: Iterable[str] | None = None,
    ) -> Proposal | AsyncProposal:
        """A proposal for one call, not yet signed or sent.

        ``transient`` data reaches the chaincode but not the ledger (private
        data, secrets). ``endorsing_organizations`` (MSP IDs) pins which orgs
        endorse, e.g. the members of a private data collection; by default the
        Gateway picks peers that satisfy the endorsement policy.
        """
        return build_proposal(
            self._context,
            channel=self.channel,
            chaincode=self.chaincode_name,
            function=self.qualified_name(name),
            arguments=arguments,
            transient=transient,
            endorsing_organizations=endorsing_organizations,
        )

    def _evaluate(
        self,
        name: str,
        *,
        arguments: Iterable[Argument] = (),
        transient: Transient | None = None,
        endorsing_organizations: Iterable[str] | None = None,
    ) -> Steps[bytes]:
        """Query with transient data or chosen organisations; returns the function's result."""
        proposal = self.new_proposal(
            name, arguments=arguments, transient=transient, endorsing_organizations=endorsing_organizations
        )
        return (yield proposal.evaluate())

    def _evaluate_transaction(self, name: str, *args: Argument) -> Steps[bytes]:
        """Query with positional arguments; returns the function's result."""
        return (yield self.evaluate(name, arguments=args))

    def _submit_async(
        self,
        name: str,
        *,
        arguments: Iterable[Argument] = (),
        transient: Transient | None = None,
        endorsing_organizations: Iterable[str] | None = None,
    ) -> Steps[SubmittedTransaction]:
        """Endorse and send to the orderer without waiting for the commit.

        Returns at once with ``.result`` and ``.status()`` to wait for the
        block later: use it to answer a user quickly, or to pipeline many
        transactions. A SubmitError carries the endorsed ``result``, which the
        transaction returns if it was ordered after all. A call cancelled (or
        interrupted by Ctrl-C) raises its CancelledError (KeyboardInterrupt) with
        ``transaction_id`` and ``may_have_been_ordered``: False while it was
        endorsed (nothing reached the orderer: it cannot commit), True once its
        envelope was handed to the orderer (it may commit).
        """
        proposal = self.new_proposal(
            name, arguments=arguments, transient=transient, endorsing_organizations=endorsing_organizations
        )
        with _given_up(proposal.transaction_id, may_have_been_ordered=False):
            transaction = yield proposal.endorse()
        try:
            deadline = self._context.deadline("submit", None)   # the signature's and the call's, as submit() has it
            with _given_up(transaction.transaction_id, may_have_been_ordered=False):
                # signed before it is handed to the orderer: given up while its signer works (or the signer
                # past Timeouts.submit), nothing was sent
                yield transaction._signing("submit", deadline, SubmitError)
            with _given_up(transaction.transaction_id, may_have_been_ordered=True):
                # the same deadline, what is left of it maybe nothing (0 s, a call that fails with
                # DEADLINE_EXCEEDED), which as seconds would be refused as a timeout of 0 given; through
                # submit(), the step a wrapper of the step objects sees (recfin's quote notes it as sent)
                return (yield transaction.submit(timeout=deadline))
        except SubmitError as error:
            # It may still commit (may_have_been_ordered), and its result (an ID the chaincode made) is
            # nowhere else.
            error.result = transaction.result
            raise

    def _submit(
        self,
        name: str,
        *,
        arguments: Iterable[Argument] = (),
        transient: Transient | None = None,
        endorsing_organizations: Iterable[str] | None = None,
        retry: RetryPolicy | None = None,
    ) -> Steps[SubmitResult]:
        """Submit and wait for the commit; returns the function's result (a :class:`SubmitResult`: bytes that
        name the committed transaction).

        Raises CommitError if the transaction committed as invalid, and CommitStatusError, whose
        ``result`` holds the endorsed result, if its commit status could not be obtained (its request
        failing before it was sent, a signer's error say, included). A SubmitError holds that
        ``result`` too. With a
        ``retry`` policy (or the Gateway's default), conflicts listed in the
        policy are retried with a new proposal (so a new transaction ID); the TransactionError that ends a
        call retried so names every attempt's ID (``attempted_transaction_ids``; a signer's own error, raised as
        it is, does not). Cancelled or interrupted, its
        CancelledError (KeyboardInterrupt) says how far it got, as ``submit_async``'s
        does (True also while it waits for the commit status), and, in ``earlier_transaction_ids``, the IDs of
        the attempts before the one it stopped in.
        """
        check_retry(retry)
        policy = retry or self._retry
        # Each attempt builds a new proposal from these: read once, or a retry would find a generator spent.
        arguments = as_tuple(arguments, "arguments")
        endorsing_organizations = organizations(endorsing_organizations, "endorsing_organizations")
        # the IDs of the attempts that committed as invalid: whatever ends the call names them all, as each is a
        # transaction of its own in the ledger and the logs, found by its ID alone
        invalid_attempts: list[str] = []
        try:
            while True:
                submitted = yield self.submit_async(
                    name, arguments=arguments, transient=transient, endorsing_organizations=endorsing_organizations
                )
                try:
                    with _given_up(submitted.transaction_id, may_have_been_ordered=True):
                        status = yield submitted.status()
                except CommitStatusError as error:
                    # The transaction may still commit, and its result (an ID the chaincode made) is nowhere else.
                    error.result = submitted.result
                    raise
                except Exception as error:
                    # The transaction is with the orderer: whatever kept its status request from going out
                    # (a remote signer failing to sign it) must not read as a failed submit, which the caller
                    # would submit anew.
                    raise _status_not_asked(submitted, error) from error
                if status.successful:
                    return SubmitResult(submitted.result, status.transaction_id)
                attempt = len(invalid_attempts) + 1
                if not policy.should_retry(attempt, status.code):
                    raise CommitError(transaction_id=status.transaction_id, validation_code=status.code,
                                      block_number=status.block_number, attempts=attempt,
                                      retried_codes=policy.retry_on if policy.max_attempts > 1 else None)
                invalid_attempts.append(status.transaction_id)
                # committed as invalid, it wrote nothing; the next attempt is not yet endorsed
                with _given_up(status.transaction_id, may_have_been_ordered=False):
                    yield Pause(policy.delay(attempt))
        except TransactionError as error:
            if invalid_attempts:
                error.after_attempts(invalid_attempts)
            raise
        except GIVEN_UP as stopped:
            # its transaction_id is the attempt it stopped in (the last invalid one, while it waited to retry)
            stopped.earlier_transaction_ids = tuple(
                attempt for attempt in invalid_attempts if attempt != getattr(stopped, "transaction_id", None))
            raise

    def _submit_transaction(self, name: str, *args: Argument, retry: RetryPolicy | None = None) -> Steps[SubmitResult]:
        """Submit with positional arguments and wait for the commit; returns the function's result."""
        return (yield self.submit(name, arguments=args, retry=retry))


GIVEN_UP = (asyncio.CancelledError, KeyboardInterrupt)
"""What stops a call its caller gave up on while it waited: an async call cancelled (``task.cancel()``, the
deadline of ``asyncio.wait_for`` or ``asyncio.timeout``), a blocking one interrupted by Ctrl-C."""


@contextmanager
def _given_up(transaction_id: str, *, may_have_been_ordered: bool) -> Iterator[None]:
    """A submit given up (:data:`GIVEN_UP`) inside the block says how far it got, on the cancellation or
    interrupt raised on as ever: ``transaction_id``, and ``may_have_been_ordered``, False while the proposal
    is endorsed (nothing was sent to the orderer, so the transaction cannot commit: no one else holds it
    signed) or after an attempt committed invalid, True once its envelope is handed to the orderer (it may
    commit). The innermost block it passes through, the step it stopped in, says it."""
    try:
        yield
    except GIVEN_UP as stopped:
        if not hasattr(stopped, "may_have_been_ordered"):
            stopped.transaction_id = transaction_id
            stopped.may_have_been_ordered = may_have_been_ordered
        raise


def _status_not_asked(submitted: SubmittedTransaction, error: Exception) -> CommitStatusError:
    """The CommitStatusError for a submitted transaction whose status request failed before it was sent."""
    unknown = CommitStatusError(
        f"the transaction was submitted, but its commit status request failed before it was sent "
        f"({type(error).__name__}: {error})",
        transaction_id=submitted.transaction_id,
        sent=False,
    )
    unknown.result = submitted.result
    return unknown


class Contract(_ContractBase):
    """One smart contract in a chaincode on a channel.

    Which call to use:

    - ``evaluate_transaction`` / ``evaluate``: queries. Runs on one peer, nothing
      is ordered or written.
    - ``submit_transaction`` / ``submit``: changes. Endorse, order, wait for
      the commit; raises CommitError if the transaction committed as invalid.
    - ``submit_async``: as submit, but returns once the orderer accepted the
      transaction, with the result and a Commit to wait on later.
    - ``new_proposal``: the step-by-step flow, to see the transaction ID early
      or to sign outside this process.
    """

    evaluate = blocking(_ContractBase._evaluate)
    evaluate_transaction = blocking(_ContractBase._evaluate_transaction)
    submit_async = blocking(_ContractBase._submit_async)
    submit = blocking(_ContractBase._submit)
    submit_transaction = blocking(_ContractBase._submit_transaction)


class AsyncContract(_ContractBase):
    """The async twin of :class:`Contract`: the same calls, awaited."""

    evaluate = awaiting(_ContractBase._evaluate)
    evaluate_transaction = awaiting(_ContractBase._evaluate_transaction)
    submit_async = awaiting(_ContractBase._submit_async)
    submit = awaiting(_ContractBase._submit)
    submit_transaction = awaiting(_ContractBase._submit_transaction)
