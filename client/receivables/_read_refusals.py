"""The reads the SDK makes for an action's sake, and the refusals of them that say only who the caller is: the
action is then sent all the same, for the contract to refuse it by its own rule."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from client.gateway._twins import Steps

from .errors import RuleViolation


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
    that the action it was read for is sent and refused by its own rule. Any other refusal is raised.

    A read of an :class:`~client.receivables.AsyncReceivablesClient` returns a coroutine, which is refused
    only when awaited: for it this returns an awaitable, whose await gives the read's answer or None the same
    way (``await unless_refused_the_read(lambda: client.get_receivable(receivable_id))``)."""
    try:
        answer = read()
    except RuleViolation as refusal:
        return _none_if_refused_the_caller(refusal)
    if inspect.isawaitable(answer):
        return _awaited_unless_refused(answer)
    return answer


async def _awaited_unless_refused(answer: Awaitable[T]) -> T | None:
    """:func:`unless_refused_the_read` of an async client's read: ``answer`` awaited."""
    try:
        return await answer
    except RuleViolation as refusal:
        return _none_if_refused_the_caller(refusal)


def _none_if_refused_the_caller(refusal: RuleViolation) -> None:
    """None for a refused read that says only who the caller is (:func:`refuses_the_caller`); ``refusal``
    raised on otherwise."""
    if not refuses_the_caller(refusal):
        raise refusal
    return None


def _unless_refused_the_read_steps(read: Callable[[], Any]) -> Steps[Any]:
    """:func:`unless_refused_the_read` as a body both clients run (``client.gateway._twins``): what ``read()``
    answers, awaited first by the async client; None when the contract refuses the caller the read."""
    try:
        return (yield read())
    except RuleViolation as refusal:
        return _none_if_refused_the_caller(refusal)
