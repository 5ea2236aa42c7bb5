"""A ledger call not answered within the delay says on stderr what it waits for (the peers' endorsement, the
orderer, the commit of its transaction, a peer's answer), and one answered within it says nothing. Each call runs
through the SDK's own Contract over an in-memory Gateway peer (tests/unit/client/gateway_fakes), whose answer
waits until the line has been written: no test depends on how long anything takes."""
from __future__ import annotations

import copy
import io
import os
import threading

import pytest

import cli.progress as progress
from cli.connection import open_session, raise_if_stopped_after_the_orderer
from cli.main import main
from cli.request_ids import AnswerLost
from client.gateway import Identity, connect, private_key_signer
from tests.unit.client.gateway_fakes import FakeTransport, make_key_and_cert

from . import test_hsm_commands

# a guard against a hang (a line that never comes), not a time anything is expected to take
HANG_GUARD_SECONDS = 60


class Stderr(io.StringIO):
    """A command's stderr, a terminal or not, that tells each text written to it."""

    def __init__(self, terminal: bool = False) -> None:
        super().__init__()
        self.terminal = terminal
        self.written = threading.Condition()

    def isatty(self) -> bool:
        return self.terminal

    def write(self, text):
        with self.written:
            done = super().write(text)
            self.written.notify_all()
        return done

    def wait_for(self, words: str) -> None:
        with self.written:
            assert self.written.wait_for(lambda: words in self.getvalue(), HANG_GUARD_SECONDS), self.getvalue()


class AnswersOnceSaid(FakeTransport):
    """A Gateway peer whose answer to ``held`` (evaluate, endorse, submit, commit_status) comes only once stderr
    holds what the test expects it to say meanwhile (``words_of`` the request), then raises ``then_raise`` if
    set."""

    def __init__(self, held: str, stderr: Stderr, words_of, then_raise: BaseException | None = None) -> None:
        super().__init__()
        self.held, self.stderr, self.words_of, self.then_raise = held, stderr, words_of, then_raise
        self.transaction_ids = []

    def _record(self, method, request, timeout=None):
        super()._record(method, request, timeout)
        if method != self.held:
            return
        self.stderr.wait_for(self.words_of(self.transaction_ids[-1]))
        if self.then_raise is not None:
            raise self.then_raise

    def evaluate(self, request, timeout):
        self.transaction_ids.append(request.transaction_id)
        return super().evaluate(request, timeout)

    def endorse(self, request, timeout):
        self.transaction_ids.append(request.transaction_id)
        return super().endorse(request, timeout)


@pytest.fixture(autouse=True)
def terminals_take_control_sequences(monkeypatch):
    """A terminal of these tests is one that takes the erase, whatever TERM they run under (a CI's may be dumb)."""
    monkeypatch.setenv("TERM", "xterm")


@pytest.fixture
def credentials():
    key, cert_pem = make_key_and_cert("user1@org1")
    return key, Identity("Org1MSP", cert_pem)


def contract_over(transport, credentials):
    key, identity = credentials
    gateway = connect(identity=identity, signer=private_key_signer(key), transport=transport)
    return progress.reporting_waits(gateway.get_network("receivables-channel").get_contract("receivables",
                                                                                         "Receivable"))


@pytest.fixture
def said_at_once(monkeypatch):
    """The delay 0: every call says what it waits for as soon as the timer's thread runs."""
    monkeypatch.setattr(progress, "PROGRESS_DELAY_SECONDS", 0)


def committing(tx):
    return f"waiting for transaction {tx} (RegisterReceivable) to commit..."


def test_a_submit_not_committed_within_the_delay_says_it_waits_for_its_commit(said_at_once, credentials,
                                                                             monkeypatch):
    stderr = Stderr()
    monkeypatch.setattr("sys.stderr", stderr)
    transport = AnswersOnceSaid("commit_status", stderr, committing)
    result = contract_over(transport, credentials).submit("RegisterReceivable", arguments=["{}"])
    assert bytes(result) == b"result"
    lines = stderr.getvalue().splitlines()
    tx = transport.transaction_ids[-1]
    # the timer's thread may say an earlier step first (a plain line each): the commit is said last
    assert lines[-1] == committing(tx)
    assert set(lines) <= {"waiting for the ledger to take RegisterReceivable...",
                          f"waiting for the peers to endorse RegisterReceivable (transaction {tx})...",
                          f"waiting for the orderer to take transaction {tx} (RegisterReceivable)...",
                          committing(tx)}, lines


def test_a_submit_waiting_for_its_endorsement_names_the_transaction(said_at_once, credentials, monkeypatch):
    stderr = Stderr()
    monkeypatch.setattr("sys.stderr", stderr)
    endorsing = lambda tx: f"waiting for the peers to endorse ConfirmReceivable (transaction {tx})..."  # noqa: E731
    transport = AnswersOnceSaid("endorse", stderr, endorsing)
    contract_over(transport, credentials).submit("ConfirmReceivable", arguments=["{}"])
    assert endorsing(transport.transaction_ids[-1]) in stderr.getvalue().splitlines()


def test_a_read_not_answered_within_the_delay_says_it_waits_for_a_peer(said_at_once, credentials, monkeypatch):
    stderr = Stderr()
    monkeypatch.setattr("sys.stderr", stderr)
    transport = AnswersOnceSaid("evaluate", stderr, lambda _tx: "waiting for a peer to answer GetReceivable...")
    assert contract_over(transport, credentials).evaluate("GetReceivable", arguments=["R1"]) == b"result"
    assert stderr.getvalue() == "waiting for a peer to answer GetReceivable...\n"


def test_on_a_terminal_the_line_is_rewritten_in_place_and_erased_once_answered(said_at_once, credentials,
                                                                               monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")   # a terminal wide enough for the whole line
    stderr = Stderr(terminal=True)
    monkeypatch.setattr("sys.stderr", stderr)
    transport = AnswersOnceSaid("commit_status", stderr, committing)
    contract_over(transport, credentials).submit("RegisterReceivable", arguments=["{}"])
    said = stderr.getvalue()
    assert "\n" not in said     # one line, rewritten: no line of it is left behind
    assert said.endswith(f"\r\x1b[K{committing(transport.transaction_ids[-1])}\r\x1b[K")


def test_on_a_terminal_narrower_than_the_line_it_is_cut_to_one_row(said_at_once, credentials, monkeypatch):
    # a line that wrapped would leave its first rows behind: the erase clears only the row the cursor is on
    monkeypatch.setenv("COLUMNS", "80")     # the width of a stand-in stream, which has no terminal of its own
    stderr = Stderr(terminal=True)
    monkeypatch.setattr("sys.stderr", stderr)
    transport = AnswersOnceSaid("commit_status", stderr, lambda tx: committing(tx)[:76])   # said, cut or not
    contract_over(transport, credentials).submit("RegisterReceivable", arguments=["{}"])
    rows = stderr.getvalue().split("\r\x1b[K")
    assert all(len(row) < 80 for row in rows), rows
    assert rows[-2] == committing(transport.transaction_ids[-1])[:76] + "..."


def test_a_terminal_that_says_it_has_no_width_is_taken_as_the_usual_width(monkeypatch):
    # a new pseudo-terminal (a container's, before its size is set) says it is 0 columns wide: no width, not none
    monkeypatch.setenv("COLUMNS", "80")
    screen_end, terminal_end = os.openpty()
    with open(terminal_end, "w") as terminal, open(screen_end, "rb", buffering=0) as screen:
        wait = progress.Wait(terminal, 0, "waiting for a peer to answer GetReceivable...")
        shown = b""
        while not shown.endswith(b"..."):
            shown += screen.read(1024)
        wait.end()
    assert shown == b"\r\x1b[Kwaiting for a peer to answer GetReceivable..."


def test_a_dumb_terminal_is_given_plain_lines(said_at_once, credentials, monkeypatch):
    # TERM=dumb (an editor's shell buffer) shows a control sequence as text: such a terminal gets what a log gets
    monkeypatch.setenv("TERM", "dumb")
    stderr = Stderr(terminal=True)
    monkeypatch.setattr("sys.stderr", stderr)
    transport = AnswersOnceSaid("evaluate", stderr, lambda _tx: "waiting for a peer to answer GetReceivable...")
    assert contract_over(transport, credentials).evaluate("GetReceivable", arguments=["R1"]) == b"result"
    assert stderr.getvalue() == "waiting for a peer to answer GetReceivable...\n"


def test_calls_answered_within_the_delay_say_nothing(credentials, monkeypatch):
    monkeypatch.setattr(progress, "PROGRESS_DELAY_SECONDS", 3600)
    for terminal in (False, True):
        stderr = Stderr(terminal)
        monkeypatch.setattr("sys.stderr", stderr)
        contract = contract_over(FakeTransport(), credentials)
        assert bytes(contract.submit("RegisterReceivable", arguments=["{}"])) == b"result"
        assert contract.evaluate("GetReceivable", arguments=["R1"]) == b"result"
        assert contract.submit_transaction("RegisterReceivable", "{}") == b"result"
        assert stderr.getvalue() == ""


def test_ctrl_c_while_the_commit_is_waited_for_still_says_it_may_have_committed(said_at_once, credentials,
                                                                                  monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")   # a terminal wide enough for the whole line
    stderr = Stderr(terminal=True)
    monkeypatch.setattr("sys.stderr", stderr)
    transport = AnswersOnceSaid("commit_status", stderr, committing, then_raise=KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt) as stopped:
        contract_over(transport, credentials).submit("RegisterReceivable", arguments=["{}"])
    tx = transport.transaction_ids[-1]
    assert stderr.getvalue().endswith("\r\x1b[K")   # the line erased: the stop's own line starts clean
    with pytest.raises(AnswerLost) as lost:
        raise_if_stopped_after_the_orderer(stopped.value)
    assert f"transaction {tx} may have committed all the same" in lost.value.message


def test_a_failed_call_leaves_no_line_to_come(credentials, monkeypatch):
    # the call fails before the delay passes: the timer is cancelled, and nothing is written after it either
    monkeypatch.setattr(progress, "PROGRESS_DELAY_SECONDS", 3600)
    stderr = Stderr()
    monkeypatch.setattr("sys.stderr", stderr)
    transport = FakeTransport()
    transport.fail["endorse"] = RuntimeError("peer gone")
    with pytest.raises(Exception):
        contract_over(transport, credentials).submit("RegisterReceivable", arguments=["{}"])
    assert getattr(progress._current, "wait", None) is None
    assert stderr.getvalue() == ""


def test_a_step_of_a_watched_call_copies_as_the_sdks_own_does(credentials):
    # copy.copy makes the object before its step is set: asking the step for an attribute then recursed
    proposal = contract_over(FakeTransport(), credentials).new_proposal("GetReceivable", arguments=["R1"])
    copied = copy.copy(proposal)
    assert copied.transaction_id == proposal.transaction_id
    assert copied.evaluate() == b"result"


data_root = test_hsm_commands.data_root     # the default topology's crypto and profiles


@pytest.fixture
def gateway_peer(monkeypatch):
    """Every session a command opens connects to ``transport`` (set by the test) rather than a peer's address."""
    import client.gateway

    given = {}

    def connect_to_the_fake(_address, *, identity, signer, timeouts=None, **_tls):
        return connect(identity=identity, signer=signer, transport=given["transport"], timeouts=timeouts)

    monkeypatch.setattr(client.gateway, "connect", connect_to_the_fake)
    return given


def test_every_session_a_command_opens_says_what_its_calls_wait_for(said_at_once, data_root, gateway_peer,
                                                                     monkeypatch):
    stderr = Stderr()
    monkeypatch.setattr("sys.stderr", stderr)
    gateway_peer["transport"] = AnswersOnceSaid("evaluate", stderr,
                                                lambda _tx: "waiting for a peer to answer GetReceivable...")
    with open_session("supplier", None, data_root) as session:
        assert session.client.contract.evaluate("GetReceivable", arguments=["R1"]) == b"result"
    assert stderr.getvalue() == "waiting for a peer to answer GetReceivable...\n"


def test_a_json_command_waiting_says_so_on_stderr_only(said_at_once, runner, data_root, gateway_peer, monkeypatch):
    said = threading.Event()
    put = progress.Wait._put

    def noted(self, text):
        put(self, text)
        said.set()

    monkeypatch.setattr(progress.Wait, "_put", noted)

    class AnswersOnceSaidOnTheRunnersStderr(FakeTransport):
        def evaluate(self, request, timeout):
            assert said.wait(HANG_GUARD_SECONDS)
            return super().evaluate(request, timeout)

    gateway_peer["transport"] = AnswersOnceSaidOnTheRunnersStderr()
    result = runner.invoke(main, ["receivable", "get", "R1", "--as", "supplier", "--data-root", str(data_root),
                                  "--json"])
    # the fake's answer is no receivable: the command fails, and stdout holds nothing either way
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("waiting for a peer to answer GetReceivable...\nError: ")
