"""An offer whose outcome its quote could not learn: noted in the lock file before it is sent, asked for again.

First the notes themselves (client/pricing/quote_lock.py): kept when a turn ends, and when its process is killed;
then the offer's transaction id noted before the real SDK endorses it (client.gateway over the scripted Gateway
peer of tests/unit/client); then `recfin finance quote` on the real contract in-process (the ``world`` fixture),
its offer's answer lost the ways a Gateway loses it: the commit status not received, a submit that may have been
ordered, Ctrl-C. Nothing here sleeps or times anything: the waits for a commit status are set to one ask.
"""

from __future__ import annotations

import importlib
import json
import signal
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import click
import grpc
import pytest
from click.testing import CliRunner
from fabric_protos.peer import transaction_pb2

import cli.quote_turn as quote_turn
from cli.finance_commands import finance
from cli.quote_turn import _noting_offers
from client.gateway import EndorseError, ErrorDetail, RetryPolicy, Status, SubmitError
from client.pricing import QuoteLockTimeout, quote_lock
from client.pricing.quote_lock import PendingOffer, _file_name, ask_outcome, quote_lock_path
from client.receivables import FinancingTerms

from ..client.gateway_fakes import FakeTransport
from .ledger_world import CHANNEL, unknown_outcome
from .test_quote_turns import HANG_GUARD, quote_args

REPO = Path(__file__).parents[3]
BANK, DEBTOR = "BankMSP", "91110000MA1K000011"
TX = "ab" * 32
# the module, not the function client.pricing names after it
quote_lock_module = importlib.import_module("client.pricing.quote_lock")
gateway_twins = importlib.import_module("client.gateway._twins")   # where the SDK pauses between attempts


def pending(transaction_id: str = TX, financing_id: str = "F-1", advance: int = 95_000_000,
            expires_on: date = date(2026, 3, 9)) -> PendingOffer:
    return PendingOffer(transaction_id, financing_id, advance, "CNY", expires_on)


# ---- the lock file's names and notes


def test_a_name_that_reads_like_a_digest_is_digested_too_so_that_two_names_never_share_a_file(tmp_path):
    digest = _file_name("Bank/MSP")
    assert digest.startswith("sha256-")
    assert quote_lock_path(tmp_path, CHANNEL, "Bank/MSP", DEBTOR) != \
        quote_lock_path(tmp_path, CHANNEL, digest, DEBTOR)
    assert (quote_lock_path(tmp_path, CHANNEL, BANK, "x/y")
            != quote_lock_path(tmp_path, CHANNEL, BANK, _file_name("x/y")))
    # on a file system that ignores case, SHA256-... would name sha256-...'s file
    assert _file_name(digest.upper()).startswith("sha256-") and _file_name(digest.upper()) != digest
    assert _file_name(BANK) == BANK and _file_name(DEBTOR) == DEBTOR   # plain names stay readable


def test_a_pending_offer_stays_in_the_file_when_its_turn_ends_and_the_next_holder_reads_it(tmp_path):
    path = quote_lock_path(tmp_path, CHANNEL, BANK, DEBTOR)
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, holder="pid 1 quoting R-1") as turn:
        assert turn.pending == ()
        turn.note(pending())
        assert path.read_text() == f"holder pid 1 quoting R-1\npending {TX} F-1 95000000 CNY 2026-03-09\n"
    assert path.read_text() == f"pending {TX} F-1 95000000 CNY 2026-03-09\n"   # free, with its note
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, timeout=0, holder="pid 2 quoting R-2") as turn:
        assert turn.pending == (pending(),)
        turn.forget(TX)
        assert turn.pending == ()
    assert path.read_text() == ""


def test_a_new_attempt_replaces_the_note_of_the_one_whose_outcome_is_known(tmp_path):
    earlier, then = pending(), pending("cd" * 32)
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR) as turn:
        turn.note(pending("ef" * 32, "F-2"))   # another quote's, left before
        turn.note(earlier)
        turn.note(then, replacing=earlier.transaction_id)
        assert turn.pending == (pending("ef" * 32, "F-2"), then)


def test_a_turn_that_is_over_notes_nothing(tmp_path):
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR) as turn:
        pass
    with pytest.raises(RuntimeError, match="is over: an offer is noted and made only within its turn"):
        turn.note(pending())
    assert quote_lock_path(tmp_path, CHANNEL, BANK, DEBTOR).read_text() == ""


def test_lines_that_are_no_pending_offer_are_not_read_as_one(tmp_path):
    path = quote_lock_path(tmp_path, CHANNEL, BANK, DEBTOR)
    path.parent.mkdir(parents=True)
    path.write_text(f"holder pid 9 quoting R-9\npending {TX} F-1 lots CNY 2026-03-09\npending short F-1 1 CNY "
                    f"2026-03-09\n{pending().line()}\n")
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, timeout=0) as turn:
        assert turn.pending == (pending(),)


def test_a_transaction_noted_twice_in_the_file_is_read_once(tmp_path):
    path = quote_lock_path(tmp_path, CHANNEL, BANK, DEBTOR)
    path.parent.mkdir(parents=True)
    other = pending("cd" * 32, "F-2")
    path.write_text(f"holder pid 9 quoting R-9\n{pending().line()}\n{other.line()}\n{pending().line()}\n")
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, timeout=0) as turn:
        assert turn.pending == (pending(), other)
    assert path.read_text() == f"{pending().line()}\n{other.line()}\n"   # and written once


def test_a_writer_killed_before_it_cuts_the_file_to_length_leaves_no_line_twice(tmp_path, monkeypatch):
    path = quote_lock_path(tmp_path, CHANNEL, BANK, DEBTOR)
    first, second = pending("cd" * 32, "F-2", advance=10_000_000), pending()
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, holder="pid 1 quoting R-1") as turn:
        turn.note(first)
        turn.note(second)

        def killed(fd, length):   # kill -9 lands after the new text is written, before the file is cut to it
            raise SystemExit("killed")

        with monkeypatch.context() as kill:
            kill.setattr(quote_lock_module.os, "ftruncate", killed)
            with pytest.raises(SystemExit):
                turn.forget(first.transaction_id)
        lines = path.read_text().splitlines()
        assert [p for line in lines if (p := PendingOffer.parse(line)) is not None] == [second]
        assert lines[0] == "holder pid 1 quoting R-1" and set(lines[2:]) == {""}   # the old tail blanked


def test_a_line_that_is_no_note_recfin_writes_is_not_read_as_one():
    tx = "ab" * 32
    assert PendingOffer.parse(f"pending {tx} F-1 95000000 CNY 2026-03-09") is not None
    for advance in ("-5", "+5", "９５", "1e3"):   # a hand edit: no advance the contract could have made
        assert PendingOffer.parse(f"pending {tx} F-1 {advance} CNY 2026-03-09") is None


def test_a_note_left_on_another_channel_is_never_read(tmp_path):
    with quote_lock(tmp_path, "old-channel", BANK, DEBTOR) as turn:
        turn.note(pending())
    assert quote_lock_path(tmp_path, "old-channel", BANK, DEBTOR) != quote_lock_path(tmp_path, CHANNEL, BANK, DEBTOR)
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, timeout=0) as turn:   # nor is its lock this channel's
        assert turn.pending == ()


def test_a_note_outlives_its_process_killed_with_its_offer_on_the_way(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from datetime import date
            from client.pricing.quote_lock import PendingOffer, quote_lock
            with quote_lock({str(tmp_path)!r}, {CHANNEL!r}, {BANK!r}, {DEBTOR!r}, holder="pid 9 quoting R-9") as turn:
                turn.note(PendingOffer({TX!r}, "F-1", 95000000, "CNY", date(2026, 3, 9)))
                print("noted", flush=True)
                sys.stdin.readline()
        """)], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "noted\n"
        with pytest.raises(QuoteLockTimeout):
            with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, timeout=0):
                pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate(timeout=HANG_GUARD)
    assert holder.returncode == -signal.SIGKILL
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, timeout=0) as turn:   # free at once, the note in it
        assert turn.pending == (pending(),)


class Peer:
    """A Network whose commit status answers come from a list, one per ask: a Status, or CommitStatusError."""

    def __init__(self, *answers) -> None:
        self.answers, self.asked = list(answers), []

    def new_commit(self, transaction_id):
        peer = self

        class Commit:
            def status(self, *, timeout=None):
                peer.asked.append((transaction_id, timeout))
                answer = peer.answers.pop(0)
                if isinstance(answer, Exception):
                    raise answer
                return answer
        return Commit()


def test_the_outcome_is_asked_again_while_the_peer_cannot_tell(monkeypatch):
    monkeypatch.setattr(quote_lock_module, "ASK_AGAIN_AFTER_SECONDS", 0)
    peer = Peer(unknown_outcome(TX), unknown_outcome(TX), Status(TX, 12, transaction_pb2.VALID))
    assert ask_outcome(peer, TX, within=HANG_GUARD) == Status(TX, 12, transaction_pb2.VALID)
    assert [asked for asked, _ in peer.asked] == [TX, TX, TX]


def test_an_outcome_the_peer_cannot_tell_within_the_wait_is_none_after_one_ask_at_least():
    peer = Peer(unknown_outcome(TX), Status(TX, 12, transaction_pb2.VALID))
    assert ask_outcome(peer, TX, within=0) is None
    assert peer.asked == [(TX, quote_lock_module.ASK_AT_LEAST_SECONDS)]


# ---- the offer's transaction id, before the SDK sends anything


def test_each_attempt_of_the_offer_is_noted_before_the_sdk_endorses_it(credentials):
    from client.gateway import connect, private_key_signer

    key, identity = credentials
    transport = FakeTransport()
    # the session contract's submit commits; then the noting copy's first attempt loses a race, its second commits
    transport.commit_codes = [transaction_pb2.VALID, transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.VALID]
    gateway = connect(identity=identity, signer=private_key_signer(key), transport=transport)
    contract = gateway.get_network("receivables-channel").get_contract("receivables", "receivables")
    noted = []
    noting = _noting_offers(contract, lambda tx: noted.append((tx, len(transport.requests("endorse")))))
    noting.evaluate("GetFinancing", arguments=["F-1"])   # a read sends nothing to note
    contract.submit("MakeFinancingOffer", arguments=["F-1"])   # the session's own contract notes nothing
    assert noted == []
    del transport.calls[:]
    result = noting.submit("MakeFinancingOffer", arguments=["F-1"],
                           retry=RetryPolicy(max_attempts=2, backoff=0,
                                             retry_on=frozenset({transaction_pb2.MVCC_READ_CONFLICT})))
    endorsed = [request.transaction_id for request in transport.requests("endorse")]
    assert len(endorsed) == 2 and result.transaction_id == endorsed[1]
    assert noted == [(endorsed[0], 0), (endorsed[1], 1)]   # each noted before its own endorsement


@pytest.fixture
def credentials():
    from ..client.gateway_fakes import make_key_and_cert
    from client.gateway import Identity

    key, cert_pem = make_key_and_cert("officer1@bank")
    return key, Identity("BankMSP", cert_pem)


def financing_unread(client, financing_id):
    """The SDK's read of the financing to choose the offer's endorsers, as for a caller refused it (no financing: the
    bank's own org endorses). A body of steps, as the SDK's read is: it takes none."""
    return None
    yield


def interrupted_offer(tmp_path, monkeypatch, credentials, script):
    """The quote's offer made with the real SDK over the scripted Gateway peer, ``script(transport)`` setting where
    Ctrl-C lands; what it raised, the transaction ids endorsed, the requests sent and the notes it left."""
    from client.gateway import connect, private_key_signer
    from client.receivables import RACE_RETRY, ReceivablesClient

    key, identity = credentials
    transport = FakeTransport()
    script(transport)
    gateway = connect(identity=identity, signer=private_key_signer(key), transport=transport)
    network = gateway.get_network(CHANNEL)
    client = ReceivablesClient(network.get_contract("receivables", "receivables"), network, retry=RACE_RETRY)
    monkeypatch.setattr(ReceivablesClient, "_readable_financing", financing_unread)
    # the party the offer is made as: a bank (a party that is no financier has its offer sent to its own org alone)
    monkeypatch.setattr(ReceivablesClient, "who_am_i", lambda self: SimpleNamespace(msp_id=BANK, role="financier"))
    session = SimpleNamespace(client=client, profile=SimpleNamespace(msp_id=BANK, channel=CHANNEL))
    offer = SimpleNamespace(advance_rate="0.95", discount_rate="0.04", fees=0, recourse=True, day_count="ACT/360",
                            expires_on=date(2026, 3, 9))
    priced = SimpleNamespace(offer=offer, priced=SimpleNamespace(advance=95_000_000))
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR) as turn, click.Context(click.Command("quote")):
        with pytest.raises(click.ClickException) as raised:
            quote_turn.offer_in_turn(session, turn, SimpleNamespace(financing_id="F-1", currency="CNY"),
                                     priced, "bank")
    endorsed = [request.transaction_id for request in transport.requests("endorse")]
    sent = {method: len(transport.requests(method)) for method in ("endorse", "submit", "commit_status")}
    left = quote_lock_path(tmp_path, CHANNEL, BANK, DEBTOR).read_text()
    return raised.value, endorsed, sent, left


def test_ctrl_c_while_the_offer_is_endorsed_forgets_it_as_nothing_was_sent(tmp_path, monkeypatch, credentials):
    def script(transport):
        transport.fail["endorse"] = KeyboardInterrupt()

    error, (tx,), sent, left = interrupted_offer(tmp_path, monkeypatch, credentials, script)
    assert error.exit_code == 130 and sent == {"endorse": 1, "submit": 0, "commit_status": 0}
    assert error.format_message() == (f"no offer made on F-1: interrupted before its transaction {tx} was sent to the "
                                      f"orderer; nothing was sent that could commit. Run the quote again")
    assert left == ""


def test_ctrl_c_in_the_pause_after_an_attempt_committed_invalid_forgets_it_as_nothing_committed(
        tmp_path, monkeypatch, credentials):
    def script(transport):
        transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.VALID]

        def pause(seconds):   # the SDK's pause before it tries again
            raise KeyboardInterrupt
        monkeypatch.setattr(gateway_twins.time, "sleep", pause)

    error, (tx,), sent, left = interrupted_offer(tmp_path, monkeypatch, credentials, script)
    assert error.exit_code == 130 and sent == {"endorse": 1, "submit": 1, "commit_status": 1}
    assert error.format_message() == (
        f"no offer made on F-1: interrupted after its transaction {tx} committed in block 7 as invalid "
        f"(MVCC_READ_CONFLICT), before it was tried again; nothing was committed. Run the quote again")
    assert left == ""


def test_ctrl_c_once_the_offer_committed_says_so_and_forgets_it(tmp_path, monkeypatch, credentials):
    from client.receivables import ReceivablesClient

    def script(transport):
        def interrupted(*args):   # Ctrl-C as the committed answer is read
            raise KeyboardInterrupt
        monkeypatch.setattr(ReceivablesClient, "_answer", staticmethod(interrupted))

    error, (tx,), sent, left = interrupted_offer(tmp_path, monkeypatch, credentials, script)
    assert error.exit_code == 130 and sent == {"endorse": 1, "submit": 1, "commit_status": 1}
    assert error.format_message() == (f"the offer on F-1 committed (transaction {tx}, block 7), but the quote was "
                                      f"interrupted before reading it back: `recfin finance get F-1 --as bank` lists "
                                      f"it")
    assert left == ""


def test_ctrl_c_once_the_offer_was_sent_and_before_its_status_came_keeps_it_noted(tmp_path, monkeypatch, credentials):
    def script(transport):
        transport.fail["commit_status"] = KeyboardInterrupt()

    error, (tx,), sent, left = interrupted_offer(tmp_path, monkeypatch, credentials, script)
    assert error.exit_code == 130 and sent == {"endorse": 1, "submit": 1, "commit_status": 1}
    assert error.format_message().startswith(f"the offer on F-1 may still commit: whether its transaction {tx} "
                                             f"committed is not known (interrupted)")
    assert left == f"pending {tx} F-1 95000000 CNY 2026-03-09\n"


# ---- `recfin finance quote`, its offer's answer lost


@pytest.fixture
def one_ask(monkeypatch):
    """A quote asks for a commit status once, however long it would wait on a real peer."""
    monkeypatch.setattr(quote_turn, "OUTCOME_WAIT_SECONDS", 0)
    monkeypatch.setattr(quote_turn, "PENDING_ASK_SECONDS", 0)


def lock_file(world, tmp_path) -> Path:
    return quote_lock_path(tmp_path / "home" / "locks" / "quotes", CHANNEL, world.net.actors["bank"].msp,
                           world.uscc("core"))


def lose_the_next_offer(world, loss, *, commit: str) -> dict:
    """The next MakeFinancingOffer's answer is lost with ``loss`` (an exception, or a callable taking the
    transaction id); ``commit``: "before" the loss (it committed all the same), or "later" (kept, run by
    ``sent["commit"]()``), or "never". ``sent`` gets the transaction id and the lock file's text at the loss."""
    sent: dict = {}

    def lost(transaction_id, run):
        sent["tx"] = transaction_id
        sent["lock"] = sent["path"].read_text()
        if commit == "before":
            run()
        elif commit == "later":
            sent["commit"] = run
        raise loss(transaction_id) if callable(loss) else loss

    world.commits.lost["MakeFinancingOffer"] = lost
    return sent


def test_an_offer_whose_outcome_stays_unknown_is_counted_by_the_next_quote_and_the_bank_stays_within_its_limit(
        world, second_claim, small_limit, tmp_path, one_ask):
    held_while_asked = []

    def still_unknown():   # whether the quote that asks holds its turn meanwhile
        try:
            with quote_lock(tmp_path / "home" / "locks" / "quotes", CHANNEL, world.net.actors["bank"].msp,
                            world.uscc("core"), timeout=0):
                held_while_asked.append(False)
        except QuoteLockTimeout:
            held_while_asked.append(True)
        return unknown_outcome(sent["tx"])

    def lost(transaction_id):
        world.commits.answers[transaction_id] = still_unknown
        return unknown_outcome(transaction_id)

    sent = lose_the_next_offer(world, lost, commit="later")
    sent["path"] = lock_file(world, tmp_path)
    first = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes", "--json"))
    tx = sent["tx"]
    assert f"\npending {tx} {world.financing} 95000000 CNY " in sent["lock"]   # on disk before it was sent
    assert first.exit_code == 1, first.output
    said = first.stderr
    assert f"the outcome of the offer's transaction {tx} is not known" in said
    assert (f"Error: the offer on {world.financing} may still commit: whether its transaction {tx} committed is not "
            f"known (") in said
    assert "counts its advance CNY 950,000.00 as taken" in said
    assert f"`recfin finance get {world.financing} --as bank` lists the bank's offer on it" in said
    assert f"To check: `recfin transaction status {tx} --as bank` says whether it committed" in said, said
    assert f"network.new_commit('{tx}').status()" in said
    assert world.commits.asked == [tx] and held_while_asked == [True]   # asked again, its turn kept
    assert lock_file(world, tmp_path).read_text().startswith(f"pending {tx} {world.financing} 95000000 CNY ")

    second = CliRunner().invoke(finance, quote_args(world, second_claim, small_limit, "--yes", "--json"))
    assert second.exit_code == 0, second.output
    assert held_while_asked == [True, True]   # the next quote asked for it first, in its own turn
    data = json.loads(second.stdout)
    assert [p["transaction_id"] for p in data["pending_offers"]] == [tx]
    assert (data["open_offers"], data["available"], data["priced"]["advance"]) == (95_000_000, 55_000_000, 55_000_000)
    assert f"note: offer transaction {tx} on {world.financing}, left by an earlier quote, may still commit" in \
        second.stderr
    assert lock_file(world, tmp_path).read_text().startswith(f"pending {tx} ")   # still not known: still noted

    # the first offer can no longer commit: it read the count of the bank's offers on the debtor before the
    # second offer moved it (on the network, MVCC_READ_CONFLICT; run now, the contract refuses it)
    with pytest.raises(EndorseError, match="exposure-changed"):
        sent["commit"]()
    world.commits.answers[tx] = Status(tx, 9, transaction_pb2.MVCC_READ_CONFLICT)
    debtor = world.uscc("core")
    assert world.client("bank").financier_exposure(debtor).committed_in("CNY") == 55_000_000   # within the limit
    # a quote that takes its turn (the prompt, answered no) asks again: invalid, it is forgotten and no longer
    # counted (the bank's own offer on this request is the one being quoted again)
    third = CliRunner().invoke(finance, quote_args(world, second_claim, small_limit), input="n\n")
    assert third.exit_code == 0, third.output
    assert "open_offers: CNY 0.00" in third.stdout and "left by an earlier quote" not in third.stderr
    assert lock_file(world, tmp_path).read_text() == ""


def test_an_offer_whose_commit_status_comes_when_asked_again_is_reported_as_made(world, small_limit, tmp_path,
                                                                                 one_ask):
    sent = lose_the_next_offer(world, unknown_outcome, commit="before")
    sent["path"] = lock_file(world, tmp_path)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes", "--json"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (offer,) = world.client("tier1").get_financing(world.financing).offers
    assert data["made_offer"]["id"] == offer.id and data["after_offer"]["open_offers"] == 95_000_000
    assert world.commits.asked == [sent["tx"]]
    assert lock_file(world, tmp_path).read_text() == ""


def test_the_offer_reported_as_made_is_the_one_its_transaction_made_not_one_the_bank_withdrew(
        world, small_limit, tmp_path, one_ask):
    from .test_finance_ledger import offer

    # offers are listed by id, a hash: of the four of the bank, the first listed is this quote's 1 time in 4
    earlier = []
    for rate in ("0.05", "0.045", "0.04"):
        earlier.append(offer(world, "bank", rate))
        world.client("bank").withdraw_offer(earlier[-1], "terms revised")
    sent = lose_the_next_offer(world, unknown_outcome, commit="before")
    sent["path"] = lock_file(world, tmp_path)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes", "--json"))
    assert result.exit_code == 0, result.output
    offers = {o.id: o.status for o in world.client("tier1").get_financing(world.financing).offers}
    (made,) = [i for i, status in offers.items() if status == "OPEN"]
    assert [offers[o] for o in earlier] == ["WITHDRAWN"] * 3 and json.loads(result.stdout)["made_offer"]["id"] == made


def test_an_offer_that_committed_invalid_when_asked_again_was_not_made(world, small_limit, tmp_path, one_ask):
    def lost(transaction_id):
        world.commits.answers[transaction_id] = Status(transaction_id, 14, transaction_pb2.MVCC_READ_CONFLICT)
        return unknown_outcome(transaction_id)

    sent = lose_the_next_offer(world, lost, commit="never")
    sent["path"] = lock_file(world, tmp_path)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes"))
    assert result.exit_code == 1
    assert (f"no offer made on {world.financing}: its transaction {sent['tx']} committed in block 14 as invalid "
            f"(MVCC_READ_CONFLICT); nothing was offered") in result.stderr
    assert world.client("tier1").get_financing(world.financing).offers == []
    assert lock_file(world, tmp_path).read_text() == ""


def test_a_submit_that_may_have_been_ordered_is_asked_for_like_a_lost_commit_status(world, small_limit, tmp_path,
                                                                                   one_ask):
    # an orderer's stream broke after the send: it may have taken the transaction
    broken = [ErrorDetail("orderer0:7050", "OrdererMSP", "error reading from server: EOF")]
    sent = lose_the_next_offer(world, lambda tx: SubmitError("no orderers could successfully process transaction",
                                                             transaction_id=tx, code=grpc.StatusCode.UNAVAILABLE,
                                                             details=broken),
                               commit="never")
    sent["path"] = lock_file(world, tmp_path)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes"))
    assert result.exit_code == 1 and f"may still commit: whether its transaction {sent['tx']}" in result.stderr
    assert world.commits.asked == [sent["tx"]]
    assert lock_file(world, tmp_path).read_text().startswith(f"pending {sent['tx']} ")


def test_a_submit_the_gateway_refused_to_order_is_no_pending_offer(world, small_limit, tmp_path, one_ask):
    sent = lose_the_next_offer(world, lambda tx: SubmitError("access denied", transaction_id=tx,
                                                             code=grpc.StatusCode.PERMISSION_DENIED), commit="never")
    sent["path"] = lock_file(world, tmp_path)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes"))
    assert result.exit_code == 1 and "access denied" in result.stderr and "may still commit" not in result.stderr
    assert world.commits.asked == []
    assert lock_file(world, tmp_path).read_text() == ""


def test_ctrl_c_while_the_offer_waits_for_its_commit_leaves_it_noted_for_the_next_quote(
        world, second_claim, small_limit, tmp_path, one_ask):
    sent = lose_the_next_offer(world, KeyboardInterrupt(), commit="later")
    sent["path"] = lock_file(world, tmp_path)
    first = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes"))
    tx = sent["tx"]
    assert first.exit_code == 130
    assert (f"Error: the offer on {world.financing} may still commit: whether its transaction {tx} committed is not "
            f"known (interrupted)") in first.stderr
    assert world.commits.asked == []   # Ctrl-C: no asking again
    second = CliRunner().invoke(finance, quote_args(world, second_claim, small_limit, "--yes", "--json"))
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout)["priced"]["advance"] == 55_000_000   # what the first offer would leave
    # the first, endorsed before the second moved the count of the bank's offers on the debtor, cannot commit after
    # it (on the network, MVCC_READ_CONFLICT; run now, the contract refuses it): the bank stays within its limit
    with pytest.raises(EndorseError, match="exposure-changed"):
        sent["commit"]()
    assert world.client("bank").financier_exposure(world.uscc("core")).committed_in("CNY") == 55_000_000


@pytest.mark.parametrize("why", ["expired", "withdrawn", "offered on", "its own request"])
def test_a_pending_offer_that_can_add_nothing_any_more_is_not_counted(world, second_claim, small_limit, tmp_path,
                                                                       one_ask, why):
    today = date.fromisoformat(world.today)
    left = pending(financing_id=world.financing, expires_on=today - timedelta(days=1) if why == "expired" else
                   today + timedelta(days=7))
    with quote_lock(tmp_path / "home" / "locks" / "quotes", CHANNEL, world.net.actors["bank"].msp,
                    world.uscc("core")) as turn:
        turn.note(left)   # as a quote killed with its offer on the way leaves it
    if why == "withdrawn":
        world.client("tier1").withdraw_financing(world.financing)
    if why == "offered on":   # the bank's offer on that request: the one noted, or one that excludes it
        world.client("bank").make_offer(world.financing, FinancingTerms(
            advance_rate="0.5", discount_rate="0.04", fees=0, recourse=True, day_count="ACT/360",
            expires_on=today + timedelta(days=7)))
    claim = world.receivable if why == "its own request" else second_claim
    result = CliRunner().invoke(finance, quote_args(world, claim, small_limit, "--yes", "--json"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["pending_offers"] == [] and "left by an earlier quote" not in result.stderr
    assert data["open_offers"] == (50_000_000 if why == "offered on" else 0)
    kept = lock_file(world, tmp_path).read_text()
    assert kept == ("" if why != "its own request" else f"{left.line()}\n")


def test_two_pending_offers_on_one_request_count_once_at_the_larger_advance(world, second_claim, small_limit,
                                                                          tmp_path, one_ask):
    today = date.fromisoformat(world.today)
    smaller = pending("cd" * 32, world.financing, advance=60_000_000, expires_on=today + timedelta(days=7))
    larger = pending(financing_id=world.financing, expires_on=today + timedelta(days=7))
    with quote_lock(tmp_path / "home" / "locks" / "quotes", CHANNEL, world.net.actors["bank"].msp,
                    world.uscc("core")) as turn:
        turn.note(smaller)   # the same quote run twice, its outcome lost each time
        turn.note(larger)
    result = CliRunner().invoke(finance, quote_args(world, second_claim, small_limit, "--yes", "--json"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["transaction_id"] for p in data["pending_offers"]] == [TX]
    assert (data["open_offers"], data["priced"]["advance"]) == (95_000_000, 55_000_000)
    assert (f"note: offer transaction {TX} on {world.financing}, left by an earlier quote, may still commit: its "
            f"advance CNY 950,000.00 (the largest of the 2 offer transactions on {world.financing} whose outcome is "
            f"not known: the contract takes one offer per bank and request, so only one can commit) counts as "
            f"taken") in result.stderr
    assert lock_file(world, tmp_path).read_text() == f"{smaller.line()}\n{larger.line()}\n"   # both still unknown


def test_a_pending_offer_on_a_financing_the_ledger_does_not_have_is_dropped_saying_so(world, small_limit, tmp_path,
                                                                                     one_ask):
    left = pending(financing_id="F-0123456789abcdef", expires_on=date.fromisoformat(world.today) + timedelta(days=7))
    with quote_lock(tmp_path / "home" / "locks" / "quotes", CHANNEL, world.net.actors["bank"].msp,
                    world.uscc("core")) as turn:
        turn.note(left)   # as a recfin home kept across a reset of the network leaves it
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes", "--json"))
    assert result.exit_code == 0, result.output
    assert (f"note: offer transaction {TX} on F-0123456789abcdef, left by an earlier quote, is dropped from "
            f"{lock_file(world, tmp_path)}: the ledger has no financing F-0123456789abcdef") in result.stderr
    data = json.loads(result.stdout)
    assert data["pending_offers"] == [] and data["made_offer"] is not None
    assert lock_file(world, tmp_path).read_text() == ""


def test_a_pending_offer_whose_financing_the_ledger_will_not_show_stops_the_quote_naming_the_file(
        world, second_claim, small_limit, tmp_path, one_ask, monkeypatch):
    from client.gateway import GatewayError
    from client.receivables import ReceivablesClient, RuleViolation

    left = pending(financing_id="F-0123456789abcdef", expires_on=date.fromisoformat(world.today) + timedelta(days=7))
    with quote_lock(tmp_path / "home" / "locks" / "quotes", CHANNEL, world.net.actors["bank"].msp,
                    world.uscc("core")) as turn:
        turn.note(left)
    read = ReceivablesClient.get_financing

    def get_financing(client, financing_id):
        if financing_id != left.financing_id:
            return read(client, financing_id)
        raise RuleViolation("caller-not-a-party", "the caller acts for no party", transaction="GetFinancing",
                            gateway_error=GatewayError("refused"))

    monkeypatch.setattr(ReceivablesClient, "get_financing", get_financing)
    result = CliRunner().invoke(finance, quote_args(world, second_claim, small_limit, "--yes"))
    assert result.exit_code == 1
    assert (f"Error: no offer made: the financing F-0123456789abcdef of offer transaction {TX}, left pending in "
            f"{lock_file(world, tmp_path)} by an earlier quote, could not be read (GetFinancing refused: RULE "
            f"caller-not-a-party: the caller acts for no party). Once you know that transaction cannot commit, "
            f"delete its line") in result.stderr
    assert lock_file(world, tmp_path).read_text() == f"{left.line()}\n"   # kept: its outcome is not known
