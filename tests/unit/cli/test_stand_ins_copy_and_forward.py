"""The CLI's stand-ins for another object (the session's contract noting its commits, the demo's client noting its
calls, sys.stderr noting its open line, the SDK's steps) are the object for all they do not define, and copy as a
plain object does: a forwarding ``__getattr__`` asked for ``__setstate__`` on the empty object ``copy.copy`` makes
used to look for the wrapped object, which was not set yet, and recursed until RecursionError."""
from __future__ import annotations

import copy
import io
import pickle
from types import SimpleNamespace

import pytest

from cli.connection import _CommitsNoted
from cli.demo_commands import _CallsNoted
from cli.forwarding import Forwarding
from cli.main import _LineEndTrackingStderr
from cli.progress import StepOfTheSdk


class _Contract:
    label = "receivables"

    def submit(self, name: str, **options):
        return SimpleNamespace(transaction_id=f"tx-{name}")

    def evaluate(self, name: str, **options):
        return f"read {name}"


def test_commits_noted_copies_and_forwards():
    committed: list[str] = []
    noted = _CommitsNoted(_Contract(), committed)
    copied = copy.copy(noted)
    assert copied.label == "receivables" and copied.evaluate("GetParty") == "read GetParty"
    copied.submit("ConfirmReceivable")
    noted.submit("RejectReceivable")
    assert committed == ["tx-ConfirmReceivable", "tx-RejectReceivable"]   # one list, as the original's


def test_calls_noted_copies_and_notes_only_calls():
    turns = SimpleNamespace(calling=None)
    client = SimpleNamespace(last_committed_block=7, get_party=lambda uscc: uscc)
    copied = copy.copy(_CallsNoted(client, turns))
    assert copied.last_committed_block == 7 and turns.calling is None   # a value read is no call
    assert copied.get_party("X") == "X" and turns.calling == "get_party"
    with pytest.raises(AttributeError):
        copied.no_such_method   # noqa: B018 -- the client's own AttributeError, not a recursion


def test_line_end_tracking_stderr_copies_pickles_and_forwards():
    tracking = _LineEndTrackingStderr(io.StringIO())
    tracking.write("Accept? [y/N]: ")
    for again in (copy.copy(tracking), pickle.loads(pickle.dumps(tracking))):
        assert again.line_left_open is True
        again.write("y\n")
        assert again.line_left_open is False and again.getvalue() == "Accept? [y/N]: y\n"
    assert tracking.line_left_open is True   # the copies' lines are their own


def test_steps_of_the_sdk_copy_as_the_step():
    class Endorsed(StepOfTheSdk):
        def __init__(self, step):
            self._wrapped = step

    step = Endorsed(SimpleNamespace(transaction_id="abc"))
    assert copy.copy(step).transaction_id == "abc" and copy.deepcopy(step).transaction_id == "abc"


def test_a_stand_in_not_yet_holding_its_object_says_so():
    empty = Forwarding.__new__(Forwarding)   # as copy and pickle make one
    assert not hasattr(empty, "__setstate__") and not hasattr(empty, "anything")
