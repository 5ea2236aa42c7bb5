"""Errors of the receivables API.

::

    ReceivablesError                 anything this package raises on purpose
    ├── RuleViolation                the contract refused the call: .rule (code), .detail,
    │                                .transaction_id; __cause__ is the client.gateway error
    ├── RefusedBeforeSending         (also an ArgumentRefused) the contract's own check, run by this client,
    │                                refused an argument, so the call was not sent: .transaction, .rule,
    │                                .detail, .sent (False)
    ├── UnreadableAnswer             (also a ValueError) the contract answered with a document this
    │                                client cannot read: .committed (True for a submit: it committed),
    │                                .transaction, .transaction_id, .answer (the raw bytes); .request_id
    │                                for a submit that carried one; .of_no_version (an answer no contract
    │                                version gives)
    └── CheckpointOfAnotherLedger    (also a ValueError) an events checkpoint whose transaction the peer
                                     answers its ledger does not hold (``check_checkpoint``): .channel,
                                     .block_number, .transaction_id

Each pickles and copies with every field (a ProcessPool worker's error reaches the caller whole), as the
``client.gateway`` errors do.

An argument the chaincode runtime refused before the contract ran (a wrong number of arguments, text that
is not JSON) is a RuleViolation too, ``argument-invalid`` (the contract's ``invalid_arguments`` hook).
Failures that are not the contract's refusals (peer unreachable, MVCC conflict at commit, a function the
chaincode does not have: :func:`lacks_the_transaction`) come through unchanged as
``client.gateway.errors.GatewayError`` subclasses.
Wrong Python arguments raise ``TypeError`` (a float amount) or ``ValueError`` (a negative amount, an empty
id), before anything is sent; one the contract's own check refuses (a transfer of 0, a multi-line reason) raises
``RefusedBeforeSending``, a ValueError naming the rule as a RuleViolation does. Each of them is
:class:`ArgumentRefused` (a ValueError) or :class:`ArgumentTypeRefused` (a TypeError), ``sent`` False, so that
a caller who counts what reached the peers tells the client's own refusals from the peers' answers by type,
not by words (a request model's own ``pydantic.ValidationError``, raised as the call builds it, aside)::

    ValueError
    └── ArgumentRefused              an argument this client refused; nothing was sent
        └── RefusedBeforeSending     ... by the contract's own check, naming its rule
    TypeError
    └── ArgumentTypeRefused          an argument of a type this client does not take; nothing was sent
"""

from __future__ import annotations

import copy
import re

from client.gateway.errors import GatewayError, _rebuild_error

__all__ = ["ReceivablesError", "RuleViolation", "RefusedBeforeSending", "UnreadableAnswer", "CheckpointOfAnotherLedger",
           "ArgumentRefused", "ArgumentTypeRefused",
           "rule_violation_from",
           "RULE_PATTERN", "UNKNOWN_TRANSACTION", "lacks_the_transaction", "while_reading", "reworded"]

RULE_PATTERN = re.compile(r"RULE ([a-z0-9]+(?:-[a-z0-9]+)*): ([^\n]*)")
"""How the contract words a refusal: ``RULE <code>: <what to do>``, inside the peer's message
(e.g. ``chaincode response 500, RULE not-the-holder: ...``)."""

UNKNOWN_TRANSACTION = "is not a transaction of contract"
"""How the contract refuses a function it does not have (``chaincode.contract`` ``ContractBase.unknown_transaction``:
``function 'receivables:X' is not a transaction of contract 'receivables'``), as the chaincode deployed before that
transaction existed answers a call of it."""


class ReceivablesError(Exception):
    """Base of the errors raised by ``client.receivables``."""

    def __reduce__(self):
        # The subclasses take keyword-only fields, which Exception's pickling (the class called with ``args``)
        # cannot pass: rebuilt as client.gateway's errors are, so that they cross process boundaries (a
        # ProcessPool worker's UnreadableAnswer) and copy.copy() keeps every field.
        return _rebuild_error, (type(self), self.args, self.__dict__)


class RuleViolation(ReceivablesError):
    """The contract refused the call because a business rule was broken; nothing was written.

    ``rule`` is the stable code listed in docs/receivables.md (``not-the-holder``,
    ``invoice-already-financed``...), ``detail`` the contract's advice,
    ``transaction`` the contract function, ``transaction_id`` the Fabric tx id,
    ``gateway_error`` (also ``__cause__``) the original error with each peer's message.
    """

    def __init__(self, rule: str, detail: str, *, transaction: str, gateway_error: GatewayError) -> None:
        self.rule = rule
        self.detail = detail
        self.transaction = transaction
        self.transaction_id: str | None = getattr(gateway_error, "transaction_id", None)
        self.gateway_error = gateway_error
        super().__init__(f"{transaction} refused: RULE {rule}: {detail}")


class ArgumentRefused(ValueError):
    """An argument this client refused before anything was sent (``sent`` is False): a value of the right type that
    names nothing (an empty id), that no record holds (an id padded with spaces), that the ledger does not take (a
    negative amount)... A ValueError, as such a refusal always was, in the same words; not a
    :class:`ReceivablesError`, which a caller catches as an answer about the ledger."""

    sent = False


class ArgumentTypeRefused(TypeError):
    """An argument of a type this client does not take (a float amount, a number for an id, a dict for a request
    model), refused before anything was sent (``sent`` is False). A TypeError, as it always was, in the same
    words."""

    sent = False


class RefusedBeforeSending(ReceivablesError, ArgumentRefused):
    """The contract would refuse the call for one of its arguments, whatever the ledger holds, and the client, which
    ran the contract's own check of it, sent nothing (``sent`` is False) and read nothing for it but, for a
    registration's due date (``check_payment_term``), the network's settings the check holds it to and, given the
    request id it is to be sent with, that no call under it committed (the contract would answer that one's result).

    ``rule`` and ``detail`` are those the contract would answer with, as a :class:`RuleViolation` from the peers
    carries them, so one handler can tell both apart by ``rule``; ``transaction`` is the contract function that was
    not sent. A ValueError too, as an argument of the right type but a wrong value always was: a caller catching
    ValueError still catches it. No ``transaction_id``: no transaction was made.
    """

    sent = False

    def __init__(self, transaction: str, rule: str, detail: str) -> None:
        self.transaction = transaction
        self.rule = rule
        self.detail = detail
        super().__init__(f"{transaction} would be refused: RULE {rule}: {detail}; nothing was sent")


NO_VERSION_ANSWERS = "answer-of-no-contract-version"
"""The type of the error a model raises (``pydantic_core.PydanticCustomError``) for an answer that no version of the
contract gives, such as an UpgradeLedger page whose ``done`` and ``bookmark`` disagree: :class:`UnreadableAnswer`
then says so (``of_no_version``) rather than advising a newer recfin, which would read it no better."""


class UnreadableAnswer(ReceivablesError, ValueError):
    """The contract answered with a document of a shape this client does not know (most likely a newer contract
    version's, with a field this version of the models does not have), so it cannot be returned as its model.

    ``committed`` is True for a submit: its transaction committed before the answer was read, so what it did is on
    the ledger and the call must not be sent again as though it had failed (under the same request id it changes
    nothing). ``transaction_id`` names that transaction (None where the Contract does not tell it); ``answer`` is the
    raw answer, ``problem`` what the model found wrong with it, ``transaction`` the contract function. A
    submit that carried a business request id keeps it as ``request_id`` (the fresh one a call without one
    made included), whose record (``client.request(request_id).result``) holds the answer as JSON. False for
    an evaluate, which wrote nothing. A ValueError too, as is the model's own ``ValidationError`` (its
    ``__cause__``). ``of_no_version``: the answer is one no version of the contract gives
    (:data:`NO_VERSION_ANSWERS`), not a newer version's.
    """

    def __init__(self, transaction: str, answer: bytes, problem: str, *, committed: bool,
                 transaction_id: str | None = None, of_no_version: bool = False) -> None:
        self.transaction = transaction
        self.answer = bytes(answer)
        self.problem = problem
        self.committed = committed
        self.transaction_id = transaction_id
        # ``of_no_version``: no version of the contract answers so (:data:`NO_VERSION_ANSWERS`): a newer recfin
        # reads it no better
        self.of_no_version = of_no_version
        upgrade = ("no version of the contract answers so, and no recfin reads it (do the peers run other chaincode "
                   "under its name?)" if of_no_version else
                   "upgrade recfin to the contract's version to read such answers")
        if committed:
            in_tx = f" in transaction {transaction_id}" if transaction_id else ""
            message = (f"{transaction} committed{in_tx}, but its answer cannot be read ({problem}): what it did is "
                       f"on the ledger, so do not send it again as new; {upgrade}")
        else:
            message = f"{transaction} answered with a document this client cannot read ({problem}); {upgrade}"
        super().__init__(message)


class CheckpointOfAnotherLedger(ReceivablesError, ValueError):
    """An events checkpoint whose last transaction (``transaction_id``, of block ``block_number``) the peer answers
    its ledger of ``channel`` does not hold. The Gateway passes over every chaincode event until it meets that
    transaction, so resumed from it a stream gives no event, ever, and no error: the checkpoint is another ledger's
    (a network set up anew, another network's with the same channel and chaincode names), or this peer is behind
    the one that gave that event. A ValueError too: the checkpoint given is the wrong one."""

    def __init__(self, *, channel: str, block_number: int | None, transaction_id: str) -> None:
        self.channel = channel
        self.block_number = block_number
        self.transaction_id = transaction_id
        super().__init__(
            f"the checkpoint resumes after transaction {transaction_id} of block {block_number}, which the peer's "
            f"ledger of channel {channel} does not hold: it is the checkpoint of another ledger (a network set up "
            "anew, or another network's), or this peer is behind the one that gave that event; the gateway, which "
            "passes over every event until it meets that transaction, would give none. To read this ledger's "
            "events, start from a start_block (0: every event) with a new checkpoint")


def rule_violation_from(error: GatewayError, transaction: str) -> RuleViolation | None:
    """The rule a gateway error reports, or None when it is not a contract refusal.

    The peers' messages (``details``) are searched first, then the error's own message.
    """
    for text in _messages(error):
        match = RULE_PATTERN.search(text or "")
        if match:
            return RuleViolation(match.group(1), match.group(2).strip(), transaction=transaction, gateway_error=error)
    return None


def lacks_the_transaction(error: GatewayError) -> bool:
    """Whether ``error`` says that the chaincode has no such transaction (:data:`UNKNOWN_TRANSACTION`): one deployed
    before it existed, for the caller to do without it (or have the chaincode upgraded), not a refusal of the call.
    The peers' messages are searched, then the error's own, as :func:`rule_violation_from` searches them."""
    return any(UNKNOWN_TRANSACTION in (text or "") for text in _messages(error))


def while_reading(error: RuleViolation | GatewayError, reading: str) -> RuleViolation | GatewayError:
    """``error``, met by a read the SDK made of its own accord to plan a call (not a call its caller made), told with
    what it was reading and why (``reading``), in parentheses after what it says: a RuleViolation's ``detail``, which
    its line shows (``<transaction> refused: RULE <rule>: <detail>``), a GatewayError's ``message``. Of the same
    class, every other field as it was, so that a caller telling errors apart by them (``rule``, ``code``) still
    can. Its ``__cause__`` is the GatewayError the read met (a RuleViolation's ``gateway_error``), as for a refusal
    of a call the caller made, so it is raised as it is (``raise while_reading(...)``), with no ``from``."""
    if isinstance(error, RuleViolation):
        told = RuleViolation(error.rule, f"{error.detail} ({reading})", transaction=error.transaction,
                             gateway_error=error.gateway_error)
        told.__cause__ = error.gateway_error
    else:
        told = reworded(error, f"{error.message} ({reading})")
        told.__cause__ = error
    return told


def reworded(error: GatewayError, message: str) -> GatewayError:
    """A copy of ``error`` saying ``message``: of the same class, every other field as it was, whatever the subclass
    (``sent``, ``code``, ``details``: GatewayError.__reduce__), and ``str()`` showing it as the constructor renders
    it."""
    told = copy.copy(error)
    told.message = message
    told.args = (told._render(),)
    return told


def _messages(error: GatewayError) -> list[str]:
    """What ``error`` says: each peer's message (``details``), then its own."""
    return [d.message for d in error.details] + [error.message]
