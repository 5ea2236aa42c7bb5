"""Quotes of one bank on one debtor take turns on a host, and an offer that ends above the limit says so.

The lock itself (client/pricing/quote_lock.py) between threads and between processes, then `recfin finance
quote` on the real contract in-process (the ``world`` fixture): two quotes at once in threads, a quote that gives
up waiting, and an offer of the bank committed between a quote's read and its offer, as a quote on another host
would commit it. Ordered by events and barriers, never by sleeping; the waits on them are bounded only so that a
broken lock fails the test instead of hanging it.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from chaincode.receivables import keys
from cli.finance_commands import finance
from client.pricing import QuoteLockTimeout, quote_lock
from client.gateway.errors import GatewayError
from client.pricing.quote_lock import quote_lock_path
from client.receivables import FinancingTerms, Offer, ReceivablesClient

from .ledger_world import CHANNEL, CONFIG, LIMIT

REPO = Path(__file__).parents[3]
HANG_GUARD = 60   # seconds: only how long a broken lock may hang a test before it fails
BANK, DEBTOR = "BankMSP", "91110000MA1K000011"


# ---- the lock


def test_a_second_holder_waits_for_the_first_and_hears_whom_it_waits_for(tmp_path):
    told, done = [], []
    waiting = threading.Event()

    def second():
        def heard(holder: str) -> None:
            told.append(holder)
            waiting.set()
        with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, waiting=heard, holder="the second"):
            done.append("second holds it")

    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, holder="pid 1 quoting R-1"):
        other = threading.Thread(target=second)
        other.start()
        assert waiting.wait(HANG_GUARD)
        done.append("first lets go")
    other.join(HANG_GUARD)
    assert done == ["first lets go", "second holds it"]
    assert told == ["pid 1 quoting R-1"]
    assert quote_lock_path(tmp_path, CHANNEL, BANK, DEBTOR).read_text() == ""   # free again: nobody named in it


def test_a_wait_of_zero_seconds_gives_up_at_once_naming_the_holder_and_never_runs_the_block(tmp_path):
    ran, told = [], []
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, holder="pid 1 quoting R-1"):
        with pytest.raises(QuoteLockTimeout) as refused:
            with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, timeout=0, waiting=told.append):
                ran.append(True)
    assert ran == [] and told == []   # no wait announced that does not happen
    assert refused.value.holder == "pid 1 quoting R-1"
    assert refused.value.path == quote_lock_path(tmp_path, CHANNEL, BANK, DEBTOR)


def test_quotes_on_another_debtor_or_of_another_bank_do_not_wait(tmp_path):
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR):
        with quote_lock(tmp_path, CHANNEL, BANK, "91110000MA1K000022", timeout=0), \
                quote_lock(tmp_path, CHANNEL, "Bank2MSP", DEBTOR, timeout=0):
            pass


def test_a_name_that_is_no_plain_file_name_keys_a_lock_inside_the_folder(tmp_path):
    odd = quote_lock_path(tmp_path, CHANNEL, "../Bank MSP", "../../etc")
    assert odd.parent.parent == tmp_path / CHANNEL and ".." not in odd.parts
    assert odd == quote_lock_path(tmp_path, CHANNEL, "../Bank MSP", "../../etc")   # the same name, the same lock
    with quote_lock(tmp_path, CHANNEL, "../Bank MSP", "../../etc"):
        with pytest.raises(QuoteLockTimeout):
            with quote_lock(tmp_path, CHANNEL, "../Bank MSP", "../../etc", timeout=0):
                pass


def test_the_lock_excludes_another_process_until_it_ends(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import os, sys
            from client.pricing import quote_lock
            with quote_lock({str(tmp_path)!r}, {CHANNEL!r}, {BANK!r}, {DEBTOR!r},
                            holder=f"pid {{os.getpid()}} quoting R-9"):
                print("held", flush=True)
                sys.stdin.readline()
        """)], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(QuoteLockTimeout) as refused:
            with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, timeout=0):
                pass
        assert refused.value.holder == f"pid {holder.pid} quoting R-9"
    finally:
        holder.communicate("\n", timeout=HANG_GUARD)
    assert holder.returncode == 0
    with quote_lock(tmp_path, CHANNEL, BANK, DEBTOR, timeout=0):   # its end let go of the lock
        pass


# ---- `recfin finance quote` on the ledger


def quote_args(world, receivable: str, config: str, *extra: str) -> list[str]:
    return ["quote", receivable, "--as", "bank", "--config", config, "--grade", "A", "--on", world.today, *extra]


class ThreadStreams(io.TextIOBase):
    """sys.stdout or sys.stderr for commands run in threads at once: each thread's text kept apart; ``heard`` is
    told each thread's text so far after every write."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, heard=lambda ident, text: None) -> None:
        self._texts: dict[int, str] = {}
        self._guard = threading.Lock()
        self._heard = heard

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("text only")   # so that click takes this for a text stream, not a binary one
        ident = threading.get_ident()
        with self._guard:
            self._texts[ident] = self._texts.get(ident, "") + text
            so_far = self._texts[ident]
        self._heard(ident, so_far)
        return len(text)

    def of(self, ident: int) -> str:
        return self._texts.get(ident, "")


@dataclass
class Run:
    """One command run in a thread: its exit code, its error line, and any exception that is no command error."""

    args: list[str]
    ident: int | None = None
    exit_code: int | None = None
    error: str = ""
    crash: BaseException | None = None

    def __call__(self) -> None:
        self.ident = threading.get_ident()
        try:
            finance.main(self.args, prog_name="recfin finance", standalone_mode=False)
            self.exit_code = 0
        except click.ClickException as exc:
            self.exit_code, self.error = exc.exit_code, exc.format_message()
        except BaseException as exc:   # kept for the test to show, not lost in the thread
            self.crash = exc


def test_two_quotes_at_once_take_turns_and_the_second_prices_with_what_the_first_offered(
        world, second_claim, small_limit, monkeypatch):
    first_offering, second_waiting = threading.Event(), threading.Event()
    real_make_offer = ReceivablesClient.make_offer

    def make_offer(client, *args, **kwargs):
        # the first quote, holding its turn, offers only once the second is waiting for it: both have read the
        # receivable by then, and without turns both would now read the same room
        if not first_offering.is_set():
            first_offering.set()
            assert second_waiting.wait(HANG_GUARD), "the second quote never waited"
        return real_make_offer(client, *args, **kwargs)

    monkeypatch.setattr(ReceivablesClient, "make_offer", make_offer)
    out = ThreadStreams()
    err = ThreadStreams(lambda ident, text: "waiting for another quote" in text and second_waiting.set())
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    first = Run(quote_args(world, world.receivable, small_limit, "--yes", "--json"))
    second = Run(quote_args(world, second_claim, small_limit, "--yes", "--json"))
    threads = [threading.Thread(target=first)]
    threads[0].start()
    assert first_offering.wait(HANG_GUARD)
    threads.append(threading.Thread(target=second))
    threads[1].start()
    for thread in threads:
        thread.join(HANG_GUARD)
    monkeypatch.undo()
    for run in (first, second):
        assert run.crash is None and run.exit_code == 0, (run.crash, run.error, err.of(run.ident))
    bank, debtor = world.net.actors["bank"].msp, world.uscc("core")
    said = err.of(second.ident)
    assert f"waiting for another quote of {bank} on {debtor} (pid " in said
    assert f"quoting {world.receivable} as bank) to make or decline its offer" in said
    assert "waiting" not in err.of(first.ident)
    made, then = json.loads(out.of(first.ident)), json.loads(out.of(second.ident))
    assert (made["open_offers"], made["available"], made["priced"]["advance"]) == (0, LIMIT, 95_000_000)
    # the second read after the first offer was on the ledger: it took only what that left
    assert (then["open_offers"], then["available"], then["priced"]["advance"]) == (95_000_000, 55_000_000, 55_000_000)
    assert then["after_offer"] == {"currency": "CNY", "exposure": 0, "open_offers": LIMIT, "debtor_limit": LIMIT,
                                   "over_limit_by": 0}
    assert world.client("bank").financier_exposure(debtor).committed_in("CNY") == LIMIT   # no room used twice


@pytest.mark.parametrize("no_wait", ["0", "-0"])   # -0 is 0, and said so
def test_a_quote_that_gives_up_waiting_for_its_turn_offers_nothing(world, tmp_path, no_wait):
    bank, debtor = world.net.actors["bank"].msp, world.uscc("core")
    folder = tmp_path / "home" / "locks" / "quotes"   # the recfin home's, as the world fixture sets it
    with quote_lock(folder, CHANNEL, bank, debtor, holder="pid 4242 quoting R-other as bank/officer2"):
        result = CliRunner().invoke(finance, quote_args(world, world.receivable, CONFIG, "--yes", "--lock-timeout",
                                                        no_wait))
    assert result.exit_code == 1
    assert "waiting" not in result.stderr   # no wait announced that does not happen
    assert (f"no offer made on {world.financing}: another quote of {bank} on {debtor} (pid 4242 quoting R-other as "
            f"bank/officer2) still held {folder / CHANNEL / bank / debtor}.lock after 0 s (--lock-timeout); nothing "
            f"was offered") in result.stderr
    assert world.client("tier1").get_financing(world.financing).offers == []
    assert world.client("bank").financier_exposure(debtor).committed_in("CNY") == 0


def offer_meanwhile(world, second_claim: str, monkeypatch, *, counted: bool = True) -> list[Offer]:
    """Between a quote's read and its offer, a quote of the same bank on another host (no turn shared) offers on the
    debtor's other claim: 95% of 1,000,000.00, which with the quote's own 950,000.00 is above LIMIT. The list
    gets that other offer once it is made. ``counted=False``: the count of the bank's offers on the debtor is put
    back as it was, as if the other offer had escaped it, to reach what the quote does should an offer ever do so
    (the contract's version check would refuse the quote's offer otherwise)."""
    real_make_offer = ReceivablesClient.make_offer
    elsewhere: list[Offer] = []

    def make_offer(client, financing_id, terms, *args, **kwargs):
        other = world.client("tier2").get_receivable(second_claim).financing_id
        count = world.net._key(keys.EXPOSURE_VERSION, world.uscc("bank"), world.uscc("core"))
        before = world.net.ledger.state.get(count)
        elsewhere.append(real_make_offer(world.client("bank"), other, FinancingTerms(
            advance_rate="0.95", discount_rate="0.04", fees=0, recourse=True, day_count="ACT/360",
            expires_on=date.fromisoformat(world.today) + timedelta(days=7))))
        if not counted:
            world.net.ledger.state.pop(count) if before is None else world.net.ledger.state.update({count: before})
        return real_make_offer(client, financing_id, terms, *args, **kwargs)

    monkeypatch.setattr(ReceivablesClient, "make_offer", make_offer)
    return elsewhere


def test_an_offer_another_host_made_after_the_quotes_read_stops_the_quotes_offer(world, second_claim, small_limit,
                                                                                monkeypatch):
    """The quote's offer carries the version of the exposure it was priced on; the other host's offer moved it, so
    the contract refuses the quote's, which would have taken the bank above its limit: nothing of it is offered."""
    elsewhere = offer_meanwhile(world, second_claim, monkeypatch)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes", "--json"))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert (f"Error: no offer made on {world.financing}: another offer of the bank on {world.uscc('core')} came "
            "after this quote read the bank's exposure (from this host or another), so its figures are out of date "
            "and the limit CNY 1,500,000.00 might not hold; run the quote again to price on the new figures "
            "(MakeFinancingOffer refused: RULE exposure-changed: the exposure of ") in result.stderr
    debtor = world.uscc("core")
    assert {o.offer_id for o in world.client("bank").financier_exposure(debtor).offers} == {elsewhere[0].id}
    assert world.client("tier1").get_financing(world.financing).offers == []


def test_an_offer_the_count_did_not_see_is_reported_once_this_offer_is_on_the_ledger(
        world, second_claim, small_limit, monkeypatch):
    elsewhere = offer_meanwhile(world, second_claim, monkeypatch, counted=False)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes", "--json"))
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert data["priced"]["advance"] == 95_000_000 and data["made_offer"] is not None   # priced on the whole room
    assert data["after_offer"] == {"currency": "CNY", "exposure": 0, "open_offers": 190_000_000,
                                   "debtor_limit": LIMIT, "over_limit_by": 40_000_000}
    assert data["withdrawn_offer"] is None   # without --withdraw-over-limit the offer stands
    bank, debtor = world.net.actors["bank"].msp, world.uscc("core")
    made = data["made_offer"]["id"]
    said = result.stderr
    assert (f"{made} is offered on {world.financing}, and with it {bank} is above its limit on "
            f"{debtor}: exposure CNY 0.00 + open offers CNY 1,900,000.00 (this one's included) = CNY 1,900,000.00, "
            f"over the debtor limit CNY 1,500,000.00 by CNY 400,000.00") in said
    assert f"The offer stands until it expires on {data['made_offer']['expires_on']}" in said
    assert f"recfin finance withdraw-offer {made} --reason 'above the debtor limit' --as bank" in said
    assert f"recfin finance cancel {world.financing} --reason 'above the debtor limit' --as bank" in said
    # both offers stand, as the message says: the quote withdraws its own only with --withdraw-over-limit
    offers = world.client("bank").financier_exposure(debtor).offers
    assert {o.offer_id for o in offers} == {elsewhere[0].id, made}


def test_an_offer_whose_second_read_of_the_exposure_fails_says_the_offer_stands(world, small_limit, monkeypatch):
    real_exposure, reads = ReceivablesClient.financier_exposure, []

    def financier_exposure(client, *args, **kwargs):
        reads.append(args)
        if len(reads) == 2:   # the read once the offer is on the ledger
            raise GatewayError("peer0.bank.example.com:7051 unavailable")
        return real_exposure(client, *args, **kwargs)

    monkeypatch.setattr(ReceivablesClient, "financier_exposure", financier_exposure)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit, "--yes", "--json"))
    assert result.exit_code == 1
    made = json.loads(result.stdout)["made_offer"]
    assert (f"{made['id']} is offered on {world.financing}, but the bank's exposure to {world.uscc('core')} could "
            f"not be read again to check it against the limit CNY 1,500,000.00: peer0.bank.example.com:7051 "
            f"unavailable. The offer stands") in result.stderr
    assert [o.id for o in world.client("tier1").get_financing(world.financing).offers] == [made["id"]]


def test_a_quote_offered_on_the_prompt_holds_its_turn_until_then_and_frees_it(world, small_limit, tmp_path,
                                                                              monkeypatch):
    bank, debtor = world.net.actors["bank"].msp, world.uscc("core")
    lock = quote_lock_path(tmp_path / "home" / "locks" / "quotes", CHANNEL, bank, debtor)
    seen, real_confirm = [], click.confirm

    def confirm(*args, **kwargs):   # what the lock file says while the prompt waits for the answer
        seen.append(lock.read_text())
        return real_confirm(*args, **kwargs)

    monkeypatch.setattr(click, "confirm", confirm)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, small_limit), input="y\n")
    assert result.exit_code == 0, result.output
    assert "offered O-" in result.output
    assert len(seen) == 1 and seen[0] == f"holder pid {os.getpid()} quoting {world.receivable} as bank\n"
    assert lock.read_text() == ""   # free again


@pytest.mark.parametrize("extra, expected", [
    (["--face", "1,000,000", "--due", "2027-03-01"], "with --face and --due nothing is offered"),
    (["--json"], "with --json and without --yes nothing is offered"),
])
def test_lock_timeout_is_refused_where_no_offer_can_be_made(world, extra, expected):
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, CONFIG, "--lock-timeout", "5", *extra))
    assert result.exit_code == 2 and expected in result.output
    assert world.opened == []   # refused before connecting


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "soon"])
def test_lock_timeout_must_be_a_number_of_seconds(world, value):
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, CONFIG, "--yes", "--lock-timeout",
                                                    value))
    assert result.exit_code == 2 and "--lock-timeout" in result.output
    assert world.opened == []


def test_the_lock_file_holding_pending_offers_is_its_owners_alone_an_earlier_ones_too(tmp_path):
    """The file notes pending offers' advances and private expiries: no other user of the host reads it under the
    usual umask, and a file an earlier version made readable by all is made the owner's alone once opened."""
    path = quote_lock_path(tmp_path, "receivables", "BankMSP", "91110000MA1K00002Y")
    old_umask = os.umask(0o022)
    try:
        with quote_lock(tmp_path, "receivables", "BankMSP", "91110000MA1K00002Y"):
            assert path.stat().st_mode & 0o777 == 0o600
        path.chmod(0o644)
        with quote_lock(tmp_path, "receivables", "BankMSP", "91110000MA1K00002Y"):
            assert path.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old_umask)
