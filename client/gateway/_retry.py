"""Retrying transactions that lost a read conflict."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field

from fabric_protos.peer import transaction_pb2

from ..timeouts import check_seconds


@dataclass(frozen=True)
class RetryPolicy:
    """Submit again, with a new proposal and transaction ID, when a commit fails on a conflict.

    A transaction invalidated by ``MVCC_READ_CONFLICT`` read a key another
    transaction changed first; endorsing it afresh reads the new value. Only
    the validation codes in ``retry_on`` are retried, at most
    ``max_attempts`` submissions in all, sleeping ``backoff * attempt``
    seconds between them. Retry only transactions that are safe to run
    again: each attempt is a new transaction.

    ``retry_on`` takes ``TxValidationCode`` numbers or names (``"MVCC_READ_CONFLICT"``),
    one or several, of :data:`CURABLE_CODES` (the codes a new endorsement can cure); it is kept
    as a frozenset of numbers. Any other code (``VALID``, ``DUPLICATE_TXID``, ``BAD_PAYLOAD``...)
    is a ValueError naming it and why a retry cannot cure it.
    """

    max_attempts: int = 3
    backoff: float = 0.0
    retry_on: frozenset[int] = field(default_factory=lambda: frozenset({transaction_pb2.MVCC_READ_CONFLICT}))

    def __post_init__(self) -> None:
        try:
            if isinstance(self.max_attempts, bool):
                raise TypeError
            # any integer (numpy's too), and a float holding a whole number, as before this was checked
            attempts = operator.index(self.max_attempts) if not isinstance(self.max_attempts, float) \
                else int(self.max_attempts) if self.max_attempts.is_integer() else None
            if attempts is None:
                raise TypeError
        except TypeError:
            raise TypeError(
                f"RetryPolicy.max_attempts must be an int (submissions in all, e.g. 3), "
                f"not {type(self.max_attempts).__name__} {self.max_attempts!r}"
            ) from None
        object.__setattr__(self, "max_attempts", attempts)
        if self.max_attempts < 1:
            raise ValueError(f"RetryPolicy.max_attempts must be at least 1 (1: no retry), not {self.max_attempts}")
        check_seconds("RetryPolicy.backoff", self.backoff, none_allowed=False)
        # Checked here, not when a commit fails: a bad policy must not replace the CommitError it was asked about.
        object.__setattr__(self, "retry_on", validation_codes(self.retry_on))

    def should_retry(self, attempt: int, validation_code: int) -> bool:
        """Whether to try again after ``attempt`` (1-based) failed with ``validation_code``."""
        return attempt < self.max_attempts and validation_code in self.retry_on

    def delay(self, attempt: int) -> float:
        """Seconds to wait after ``attempt`` (1-based) failed, before the next one; the sync client
        sleeps, the async one awaits, so a policy never blocks an event loop."""
        return self.backoff * attempt


def check_retry(retry) -> None:
    """Refuse a ``retry`` that is neither None nor a RetryPolicy, naming what was given.

    Taken, it would pass unnoticed while commits succeed, then replace the CommitError (its transaction ID,
    validation code and block) with an AttributeError at the first conflict it was meant to retry.
    """
    if retry is None or isinstance(retry, RetryPolicy):
        return
    given = f"the class {retry.__name__} itself" if isinstance(retry, type) else f"{type(retry).__name__} {retry!r:.80}"
    raise TypeError(f"retry must be a RetryPolicy or None, not {given}: give one made with its options, "
                    "e.g. retry=RetryPolicy(max_attempts=3, backoff=0.2)")


def validation_codes(codes) -> frozenset[int]:
    """``codes`` (a TxValidationCode number or name, or an iterable of them) as a frozenset of numbers.

    Raises ValueError naming a code that is not a TxValidationCode, TypeError for anything else.
    """
    if isinstance(codes, (int, str)):
        codes = [codes]
    try:
        given = list(codes)
    except TypeError:
        raise TypeError(
            f"retry_on {codes!r}: give TxValidationCode numbers or names, e.g. {{\"MVCC_READ_CONFLICT\"}}"
        ) from None
    return frozenset(_validation_code(code) for code in given)


_CODES = transaction_pb2.TxValidationCode

CURABLE_CODES = frozenset({
    transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.PHANTOM_READ_CONFLICT,
    transaction_pb2.ENDORSEMENT_POLICY_FAILURE, transaction_pb2.EXPIRED_CHAINCODE,
})
"""The validation codes a new endorsement can cure, the only ones ``retry_on`` takes.

Each says the ledger moved between endorsement and validation: a key read changed (``MVCC_READ_CONFLICT``), a
range read gained or lost a key (``PHANTOM_READ_CONFLICT``), the chaincode's or a key's endorsement policy changed
(``ENDORSEMENT_POLICY_FAILURE``: a fresh endorsement is planned against the policy as it is now), or the chaincode
was upgraded under the v1.x lifecycle (``EXPIRED_CHAINCODE``: a fresh endorsement runs the new version). Only a Fabric
2.x peer sets that one, on a channel without the V2_0 application capability; Fabric 3 removed the v1.x lifecycle, and
an upgrade under the new one is an ``MVCC_READ_CONFLICT`` on the definition the endorsement read. A retry of any of
them cannot apply anything twice: an invalid transaction wrote nothing. Every other code is refused when the policy is
made, with its reason from ``_NOT_CURABLE``: retrying it would repeat the failure, or apply a committed transaction
twice.
"""

_MALFORMED = ("the transaction the client built and signed is malformed, and each attempt is built and signed "
              "the same way")
_CHAINCODE_OUTPUT = ("the chaincode's answer or its read-write set is malformed or writes what it may not, and a "
                     "new endorsement runs the same chaincode on the same arguments")
_NOT_CURABLE = {
    transaction_pb2.VALID: "the transaction committed: sent anew it would apply a second time",
    transaction_pb2.DUPLICATE_TXID: ("a transaction with its ID is already on the ledger, so it may have committed: "
                                     "sent anew it could apply a second time"),
    transaction_pb2.NOT_VALIDATED: "it marks a transaction not validated yet, never the code a commit ends with",
    transaction_pb2.INVALID_OTHER_REASON: ("its cause is not known (an envelope the peer could not read, a "
                                           "validation plugin's own error), so a retry is a guess"),
    transaction_pb2.CHAINCODE_VERSION_CONFLICT: ("no Fabric peer sets it (a chaincode upgraded between endorsement "
                                                 "and validation is an MVCC_READ_CONFLICT on its definition, or "
                                                 "EXPIRED_CHAINCODE under the v1.x lifecycle)"),
    transaction_pb2.INVALID_CHAINCODE: "the chaincode is not defined or not callable on the channel",
    transaction_pb2.TARGET_CHAIN_NOT_FOUND: "the channel the transaction names does not exist on the peer",
    transaction_pb2.INVALID_CONFIG_TRANSACTION: "a channel configuration update is not a chaincode transaction",
    **{code: _MALFORMED for code in (
        transaction_pb2.NIL_ENVELOPE, transaction_pb2.BAD_PAYLOAD, transaction_pb2.BAD_COMMON_HEADER,
        transaction_pb2.BAD_CREATOR_SIGNATURE, transaction_pb2.INVALID_ENDORSER_TRANSACTION,
        transaction_pb2.UNSUPPORTED_TX_PAYLOAD, transaction_pb2.BAD_PROPOSAL_TXID, transaction_pb2.UNKNOWN_TX_TYPE,
        transaction_pb2.MARSHAL_TX_ERROR, transaction_pb2.NIL_TXACTION, transaction_pb2.BAD_HEADER_EXTENSION,
        transaction_pb2.BAD_CHANNEL_HEADER)},
    **{code: _CHAINCODE_OUTPUT for code in (
        transaction_pb2.BAD_RESPONSE_PAYLOAD, transaction_pb2.BAD_RWSET, transaction_pb2.ILLEGAL_WRITESET,
        transaction_pb2.INVALID_WRITESET)},
}


def _validation_code(code) -> int:
    number = _known_validation_code(code)
    if number not in CURABLE_CODES:
        curable = ", ".join(f"{_CODES.Name(c)} ({c})" for c in sorted(CURABLE_CODES))
        why = _NOT_CURABLE.get(number, "a new endorsement cannot cure it")
        raise ValueError(f"retry_on: {_CODES.Name(number)} ({number}) cannot be retried: {why}; "
                         f"retry_on takes only the codes a new endorsement can cure: {curable}")
    return number


def _known_validation_code(code) -> int:
    known = _CODES
    if isinstance(code, str) and code in known.keys():
        return known.Value(code)
    if isinstance(code, int) and not isinstance(code, bool) and code in known.values():
        return int(code)
    if isinstance(code, (str, int)) and not isinstance(code, bool):
        raise ValueError(
            f"retry_on: {code!r} is not a TxValidationCode; give one of its numbers or names, "
            "e.g. MVCC_READ_CONFLICT (11) or PHANTOM_READ_CONFLICT (12)"
        )
    raise TypeError(f"retry_on: {code!r} is a {type(code).__name__}; give TxValidationCode numbers or names")


NO_RETRY = RetryPolicy(max_attempts=1)
