"""One body for a sync method and its async twin.

A shared body is a generator. Wherever it calls the peer it yields what the
call returned: a value when the objects are of the sync family, an awaitable
when they are async (the transport and the classes a Gateway builds always
belong to one family). :func:`blocking` sends each value straight back;
:func:`awaiting` awaits it first, and throws an error raised by the await back
into the body at its ``yield``, so ``with``/``try`` blocks in the body see it
just as they see an error the sync call raised in place.

A body yields :class:`Pause` to wait without blocking an event loop, and
:class:`Offload` for work that may wait on something outside the process (a
signer over an HSM or a signing service). Work with a deadline runs in a
thread of its own in either family, waited for until the deadline: past it,
the body is given the Offload's ``gave_up()`` error and whatever the work
returns later is dropped (a Python thread cannot be stopped; a daemon thread
keeps neither the process nor ``asyncio.run`` waiting for it). Without a
deadline :func:`blocking` runs it in place, :func:`awaiting` in such a thread,
so the event loop runs its other tasks meanwhile. Either sends back what
``finish`` made of what the work returned, or throws what it raised into the
body at its ``yield``.

A transport of the other family shows itself here, at its first call, when
connect() could not tell its family (a wrapper whose calls are plain methods):
:func:`awaiting` refuses a step that is not awaitable and :func:`blocking` one
that is, each with a ValueError naming the connect function that takes it,
before the body takes any further step.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import functools
import inspect
import threading
import time
from dataclasses import dataclass, fields
from typing import Any, Callable, Generator, TypeVar

T = TypeVar("T")

Steps = Generator[Any, Any, T]
"""What a shared body returns: steps to run, and finally its result."""


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Offload:
    """A step that runs ``work()``, out of the event loop's thread in the async family."""

    work: Callable[[], Any]
    waits: bool = True
    """False for work known to take no more than a little CPU (a signature with an in-process key): the async
    twin then runs it in place too, sparing two thread switches, and no deadline applies."""
    deadline: float | None = None
    """Seconds to wait for work that waits; None for no deadline."""
    gave_up: Callable[[], BaseException] | None = None
    """The error the body is given when the deadline passes first (needed with a deadline)."""
    finish: Callable[[Any], Any] = lambda returned: returned
    """What is sent back to the body, made from what the work returned, in the body's own thread: nothing of a
    work given up on, which returns later in its thread, changes what the body holds."""


class _Run:
    """One run of a shared body, for both families: ``for step in run`` gives each step the body yields, and
    before the next one the loop hands back what that step gave (``reply``) or the error it raised (``fail``:
    thrown into the body at its ``yield``, which may handle it). Once the body returns, the loop ends and
    ``result`` holds what it returned."""

    def __init__(self, steps: Steps[Any]) -> None:
        self._steps = steps
        self._resume: Callable[[Any], Any] = steps.send
        self._given: Any = None
        self.result: Any = None

    def __iter__(self) -> "_Run":
        return self

    def __next__(self) -> Any:
        resume, given = self._resume, self._given
        self._resume, self._given = self._steps.send, None
        try:
            return resume(given)
        except StopIteration as finished:
            self.result = finished.value
            raise StopIteration from None

    def reply(self, value: Any) -> None:
        self._given = value

    def fail(self, error: BaseException) -> None:
        self._resume, self._given = self._steps.throw, error

    def end(self) -> None:
        """Closes the body where it stands: no later step is taken."""
        self._steps.close()


def blocking(body: Callable[..., Steps[T]]) -> Callable[..., T]:
    """The sync method that runs ``body``."""

    def method(*args, **kwargs):
        run = _Run(body(*args, **kwargs))
        for step in run:
            if isinstance(step, (Pause, Offload)):
                try:
                    run.reply(_waited_blocking(step))
                except BaseException as error:  # noqa: BLE001 - Ctrl-C in a sleep, the work's error: to the body
                    run.fail(error)
                continue
            if inspect.isawaitable(step) and not _of_this_package(body):
                run.end()
                raise ValueError(_mixed_families_message(body, args, kwargs, step, asynchronous=False))
            try:
                refuse_awaitable(step)
            except ValueError:
                run.end()
                raise
            run.reply(step)
        return run.result

    return _named_after(body, method)


def _waited_blocking(step: "Pause | Offload") -> Any:
    """What the sync method sends back for a Pause (slept out) or an Offload, as :func:`_awaitable` for its twin."""
    if isinstance(step, Offload):
        return done_blocking(step)
    if step.seconds:
        time.sleep(step.seconds)
    return None


def awaiting(body: Callable[..., Steps[T]]) -> Callable[..., Any]:
    """The coroutine method that runs ``body``, awaiting each step."""

    async def method(*args, **kwargs):
        run = _Run(body(*args, **kwargs))
        for step in run:
            if not isinstance(step, (Pause, Offload)) and not inspect.isawaitable(step):
                run.end()  # no later step: a submit after a sync endorse would be ordered unawaited
                if not _of_this_package(body):
                    raise ValueError(_mixed_families_message(body, args, kwargs, step, asynchronous=True))
                raise ValueError(
                    f"the transport returned {type(step).__name__}, not an awaitable: it is a sync transport, "
                    "which connect_async() cannot use. That call has already been made (its request reached the "
                    "peer, blocking the event loop); nothing after it was sent. Give the transport to connect(), "
                    "or give connect_async() an async transport (one whose calls return awaitables)"
                )
            try:
                run.reply(await _awaitable(step))
            except BaseException as error:  # noqa: BLE001 - handed to the body, which re-raises what it does not handle
                run.fail(error)
        return run.result

    return _named_after(body, method)


def _awaitable(step: Any) -> Any:
    """What the async twin awaits for ``step``: a Pause's sleep; an Offload's work in a thread of its own (a
    signer waiting on an HSM would otherwise hold up every task of the event loop); a transport call's
    awaitable."""
    if isinstance(step, Pause):
        return asyncio.sleep(step.seconds)
    if isinstance(step, Offload):
        return _awaited_within_deadline(step) if step.waits else _in_place(step)
    return step


async def _in_place(step: Offload) -> Any:
    return step.finish(step.work())


def done_blocking(step: Offload) -> Any:
    """What ``step`` gives, run as :func:`blocking` runs it, for a sync method that is no shared body."""
    return step.finish(_done_within_deadline(step))


async def done_awaiting(step: Offload) -> Any:
    """What ``step`` gives, run as :func:`awaiting` runs it, for an async step that is no shared body."""
    return await _awaitable(step)


def _done_within_deadline(step: Offload) -> Any:
    """What ``step.work()`` returned, for the blocking family: in place without a deadline (or for work that
    does not wait), else from its own thread, waited for until the deadline, and ``gave_up()`` past it."""
    if not step.waits or step.deadline is None:
        return step.work()
    running = _in_its_own_thread(step.work)
    done, _ = concurrent.futures.wait([running], timeout=step.deadline)
    if not done:
        raise step.gave_up()
    return running.result()


async def _awaited_within_deadline(step: Offload) -> Any:
    """What ``step.work()`` returned, for the async family: from its own thread, awaited until the deadline
    (if any), and ``gave_up()`` past it. Given up on, or cancelled, what it returns later is dropped."""
    running = asyncio.wrap_future(_in_its_own_thread(step.work))
    try:
        done, _ = await asyncio.wait({running}, timeout=step.deadline)
    finally:
        if not running.done():
            running.cancel()   # what the thread gives later is dropped, even once the loop is closed
    if not done:
        raise step.gave_up()
    return step.finish(running.result())


def _in_its_own_thread(work: Callable[[], T]) -> "concurrent.futures.Future[T]":
    """``work()`` started in a daemon thread of its own, with the caller's context variables, as
    ``asyncio.to_thread`` runs it: a thread that never ends (a signer that hangs) holds neither the
    interpreter's exit, nor ``asyncio.run``'s, nor a pool later work would queue behind."""
    running: concurrent.futures.Future = concurrent.futures.Future()
    running.set_running_or_notify_cancel()   # no longer cancellable: the thread's result always lands
    context = contextvars.copy_context()

    def run() -> None:
        try:
            returned = context.run(work)
        except BaseException as error:  # noqa: BLE001 - given to whoever waits for it
            running.set_exception(error)
        else:
            running.set_result(returned)

    threading.Thread(target=run, name="recfin-offload", daemon=True).start()
    return running


def refuse_awaitable(returned: Any) -> None:
    """A ValueError naming connect_async() for what a transport call made by the sync client returned,
    if it is an awaitable: an async transport given to connect(). A coroutine is closed without being
    run (so an ``async def`` call sent nothing, and leaves no "never awaited" warning)."""
    if not inspect.isawaitable(returned):
        return
    if inspect.iscoroutine(returned):
        returned.close()
        fate = "It was closed without being run, so nothing was sent"
    else:
        fate = "It was not awaited"
    raise ValueError(
        f"the transport returned {type(returned).__name__}, an awaitable: it is an async transport, which "
        f"connect() cannot use. {fate}. Give the transport to connect_async(), or give connect() a sync "
        "transport (calls that return their answers, or a class deriving from GatewayTransport)"
    )


def _of_this_package(body: Callable) -> bool:
    """Whether ``body`` is one of the gateway's own, whose steps are its transport's calls; a body of a client built
    on the gateway's objects (the receivables clients) yields the calls of the Contract and Network it was given."""
    module = getattr(body, "__module__", None) or ""
    return module == __package__ or module.startswith(f"{__package__}.")


def _mixed_families_message(body: Callable, args: tuple, kwargs: dict, step: Any, *, asynchronous: bool) -> str:
    """The message of a body run by one family (``asynchronous``: awaited) whose step came from a gateway object of
    the other: which client was given which objects, what became of the call, and what to give or use instead.

    The client is the body's own object (a bound method's, else its first argument); the objects named are the
    gateway objects of the other family among its attributes (``contract``, ``network``). A body its module makes
    functions of (client.ledger's ``current_config(qscc, ...)``), or given a gateway object itself as its first
    argument, is a function's: the function is named, with the gateway objects among its arguments and its twin
    function; a wrapper of a Contract given to it is no client."""
    owner = getattr(body, "__self__", None) or (args[0] if args else kwargs.get(_first_parameter(body)))
    if not _functions_running(body) and _family_of(owner) is None:
        given, advice = mixed_families_given_and_advice(
            type(owner).__name__, vars(owner) if hasattr(owner, "__dict__") else {}, asynchronous=asynchronous)
    else:
        function, twin = _function_and_twin(body, asynchronous)
        arguments = inspect.signature(body).bind_partial(*args, **kwargs).arguments
        gateway_objects = {name: value for name, value in arguments.items() if _family_of(value) is not None}
        given, advice = mixed_families_given_and_advice(function, gateway_objects, asynchronous=asynchronous,
                                                        twin_name=twin)
    if asynchronous:
        return (f"{given}: a call returned {type(step).__name__}, not an awaitable. That call has already run to its "
                "end, blocking the event loop (a submit so made was sent to the orderer); nothing after it was sent. "
                f"{advice}")
    if inspect.iscoroutine(step):
        step.close()
        fate = "it was closed without being run, so nothing was sent"
    else:
        fate = "it was not awaited"
    return f"{given}: a call returned {type(step).__name__}, an awaitable, and {fate}. {advice}"


def mixed_families_given_and_advice(client: str, held: dict[str, Any], *, asynchronous: bool,
                                    twin_name: str | None = None) -> tuple[str, str]:
    """What to say of ``client``, a client built on the gateway's objects of one family (``asynchronous``: one that
    awaits its calls), that holds objects of the other (``held``: what it holds, by the names it holds them under):
    which objects of the other family it was given, and what to give it instead, or the twin client to use with
    them. Said of objects no gateway class tells the family of (a wrapper) when it holds no gateway object of the
    other family: their calls told it. The twin is advised only for objects whose family is known: not when it
    holds one of its own family, nor, beside the other family's, one no gateway class tells the family of (a
    test's stand-in), with which the twin could be as mixed. ``twin_name``: the twin's name, where it is not the
    client's with Async added or taken away (a function's)."""
    others = [(name, type(value).__name__) for name, value in held.items() if _family_of(value) is (not asynchronous)]
    unknown = any(value is not None and _family_of(value) is None for value in held.values())
    twin = "" if any(_family_of(value) is asynchronous for value in held.values()) or (others and unknown) else \
        f", or use {twin_name or _twin_name(client)} with these{'' if asynchronous else ', awaiting its calls'}"
    given = (" and ".join(f"{_article(kind)} {kind} as its {name}" for name, kind in others)
             or f"objects whose calls return {'their answers' if asynchronous else 'awaitables'}")
    wanted = (" and ".join(f"the {_twin_name(kind)}" for _, kind in others)
              or ("an AsyncContract and AsyncNetwork" if asynchronous else "a Contract and Network"))
    if asynchronous:
        return (f"{client} awaits its calls, and was given {given}, of the sync client connect() makes",
                f"Give {client} {wanted} of a gateway from connect_async(){twin}")
    return (f"{client} runs each call to its end, and was given {given}, of the async client connect_async() makes",
            f"Give {client} {wanted} of a gateway from connect(){twin}")


def of_the_other_family(held: dict[str, Any], *, asynchronous: bool) -> bool:
    """Whether any of ``held`` is an object of the gateway's other family than ``asynchronous`` names: told by the
    classes a Gateway builds, so that an object of neither (a wrapper, a test's stand-in) is never one."""
    return any(_family_of(value) is (not asynchronous) for value in held.values())


def _first_parameter(body: Callable) -> str | None:
    return next(iter(inspect.signature(body).parameters), None)


def _functions_running(body: Callable) -> dict[bool, str]:
    """The names its module gives the functions that run ``body``, by family (True: the async one): the functions
    :func:`blocking` and :func:`awaiting` made of it (``current_config`` and ``current_config_async``), which their
    module may name as it likes; none for a client's method."""
    module = inspect.getmodule(body)
    return {inspect.iscoroutinefunction(value): name for name, value in vars(module).items()
            if getattr(value, "__wrapped__", None) is body and not name.startswith("_")} if module else {}


def _function_and_twin(body: Callable, asynchronous: bool) -> tuple[str, str]:
    """The names of the function of this family (``asynchronous``) that runs ``body`` and of its twin."""
    names = _functions_running(body)
    own = names.get(asynchronous, body.__name__)
    return own, names.get(not asynchronous, f"the {'sync' if asynchronous else 'async'} twin of {own}")


def _family_of(value: Any) -> bool | None:
    """True for an object of the gateway's async family (an AsyncContract...), False for one of its sync family,
    None for anything else."""
    from ._models import ASYNC, SYNC  # here: the models' modules import this one

    for models, asynchronous in ((ASYNC, True), (SYNC, False)):
        if isinstance(value, tuple(getattr(models, field.name) for field in fields(models))):
            return asynchronous
    return None


def _twin_name(name: str) -> str:
    """The name of a class's twin of the other family, as the twins are named: Contract and AsyncContract."""
    return name[len("Async"):] if name.startswith("Async") else f"Async{name}"


def _article(word: str) -> str:
    return "an" if word[:1] in "AEIOU" else "a"


def _named_after(body: Callable, method: Callable) -> Callable:
    """``method`` with the body's docs and parameters, named without the body's leading underscore,
    returning what the body finally returns (``Steps[bytes]`` -> ``bytes``)."""
    functools.update_wrapper(method, body)
    method.__name__ = body.__name__.lstrip("_")
    method.__qualname__ = f"{body.__qualname__.rpartition('.')[0]}.{method.__name__}".lstrip(".")
    signature = inspect.signature(body)
    method.__signature__ = signature.replace(return_annotation=_result_of(signature.return_annotation))
    return method


def _result_of(annotation):
    text = str(annotation)
    return text[len("Steps[") : -1] if text.startswith("Steps[") else inspect.Signature.empty
