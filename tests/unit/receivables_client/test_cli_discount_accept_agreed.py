"""`recfin discount accept` sends an acceptance only on terms its operator agreed to: at a prompt that shows
the offer's terms and what they pay on the claim, with --yes, or as read earlier (--as-read, the JSON `recfin
discount get --json` printed); without a terminal and without either option it is a usage error, and nothing
is sent."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from chaincode.receivables import keys
from chaincode.receivables.model import DiscountTerms
from cli import receivable_commands
from cli.main import main
from client.receivables import DiscountOffer

from . import test_accept_discount_offer_as_read as as_read_tests
from .test_accept_discount_offer_as_read import _rewrite_apr

HOLDER = ("--as", "supplier/supplier1")
# the claim `offered` registers: 1,130.00 due 2026-05-31; taken on the channel's 2026-03-02, 90 days early,
# at 5% ACT/360: a discount of 113000 x 0.05 x 90 / 360 = 1412.5 fen, half up 1413
PAID, DISCOUNT = "CNY 1,115.87", "CNY 14.13"


# the fixture: a confirmed claim of supplier1's and the core enterprise's 5% offer on it
offered = as_read_tests.offered


class _Terminal(io.BytesIO):
    """What the operator types, on a stdin that is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def on_the_channels_day(offered, monkeypatch):
    """``offered``, the command pricing the offer on the channel's business date, as the contract dates it."""
    channel = offered[0]
    monkeypatch.setattr(receivable_commands, "business_today", channel.today, raising=False)
    return offered


def _accept(offer_id: str, claim: str, *options: str, typed: bytes | None = None, stdin: str | None = None):
    given = _Terminal(typed) if typed is not None else stdin
    return CliRunner().invoke(main, ["discount", "accept", offer_id, claim, *HOLDER, *options], input=given)


def _sent(channel) -> list[str]:
    return [a.transaction for a in channel.activity if a.transaction == "AcceptDiscountOffer"]


def test_the_prompt_shows_the_terms_and_what_they_pay_and_no_sends_nothing(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    before = dict(channel.ledger.state)
    answered = _accept(offer_id, claim, typed=b"n\n")
    assert answered.exit_code == 0, answered.output
    said = " ".join(answered.output.split())
    assert f"discount offer {offer_id}" in said and "apr 0.05, ACT/360, expires 2026-04-01" in said, said
    assert f"paid {PAID}, discount {DISCOUNT}" in said and "90 days early" in said, said
    assert "accept" in said and "[y/N]" in said
    assert "not accepted: nothing was sent" in said, said
    assert _sent(channel) == [] and channel.ledger.state == before
    assert channel.document(keys.RECEIVABLE, claim)["status"] == "CONFIRMED"


def test_yes_at_the_prompt_settles_at_what_it_showed(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    answered = _accept(offer_id, claim, typed=b"y\n")
    assert answered.exit_code == 0, answered.output
    shown, _, after = answered.output.partition("[y/N]")
    assert f"paid {PAID}, discount {DISCOUNT}" in " ".join(shown.split())
    assert f"paid {PAID}, discount {DISCOUNT}" in after   # what the contract paid, printed after the claim
    settled = channel.document(keys.RECEIVABLE, claim)
    assert settled["status"] == "SETTLED" and settled["payments"][-1]["discount"] == 1413


def test_an_offer_the_contract_would_refuse_is_said_why_and_not_asked(on_the_channels_day, monkeypatch):
    channel, offer_id, claim = on_the_channels_day
    monkeypatch.setattr(receivable_commands, "business_today", lambda: channel.today(31))   # after 2026-04-01
    answered = _accept(offer_id, claim, typed=b"y\n")
    assert answered.exit_code == 1
    assert "not sent: not eligible: expired on 2026-04-01" in answered.output
    assert "[y/N]" not in answered.output
    assert _sent(channel) == []


def test_a_prompt_without_an_answer_sends_nothing_and_says_how_to_answer(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    unanswered = _accept(offer_id, claim, typed=b"")
    assert unanswered.exit_code == 1
    assert "give --yes" in unanswered.output and "--as-read FILE" in unanswered.output, unanswered.output
    assert _sent(channel) == []


def test_without_a_terminal_or_yes_it_is_a_usage_error_and_nothing_is_read_or_sent(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    calls = len(channel.activity)
    refused = _accept(offer_id, claim, stdin="y\n")
    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.output.split())
    assert "no terminal to ask in: answer it in a terminal, or give --yes" in said, said
    assert "--as-read FILE" in said
    assert len(channel.activity) == calls
    assert channel.document(keys.RECEIVABLE, claim)["status"] == "CONFIRMED"


def _read_earlier(tmp_path, offer_id: str, claim: str):
    """What a script saved of its look at the offer: `recfin discount get --json`."""
    read = CliRunner().invoke(main, ["discount", "get", offer_id, "--receivable", claim, *HOLDER, "--json"])
    assert read.exit_code == 0, read.output
    (saved := tmp_path / "offer.json").write_text(read.stdout)
    return saved


def test_the_json_discount_get_prints_has_the_terms_the_sdk_sends(on_the_channels_day, tmp_path):
    _, offer_id, claim = on_the_channels_day
    printed = json.loads(_read_earlier(tmp_path, offer_id, claim).read_text())
    as_read = json.loads(DiscountTerms.as_read(printed))
    assert as_read == {"apr": "0.05", "scale": None, "day_count": "ACT/360", "expires_on": "2026-04-01"}
    # what the command sends: the SDK's as_read of the document the file validates as
    assert DiscountTerms.as_read(DiscountOffer.model_validate(printed).to_json()) == json.dumps(
        as_read, separators=(",", ":"))


@pytest.mark.parametrize("from_stdin", [False, True])
def test_as_read_binds_the_acceptance_to_the_earlier_read(on_the_channels_day, tmp_path, from_stdin):
    channel, offer_id, claim = on_the_channels_day
    saved = _read_earlier(tmp_path, offer_id, claim)
    _rewrite_apr(channel, offer_id, "0.95")   # by the debtor's org, after the script's look
    before = dict(channel.ledger.state)

    def accept():
        if from_stdin:
            return _accept(offer_id, claim, "--as-read", "-", stdin=saved.read_text())
        return _accept(offer_id, claim, "--as-read", str(saved))

    refused = accept()
    assert refused.exit_code == 1, refused.output
    said = " ".join(refused.output.split())
    assert "discount-offer-changed" in said and "apr 0.95, read as 0.05" in said, said
    assert channel.ledger.state == before
    _rewrite_apr(channel, offer_id, "0.05")
    accepted = accept()
    assert accepted.exit_code == 0, accepted.output
    assert "[y/N]" not in accepted.output and f"paid {PAID}, discount {DISCOUNT}" in accepted.output
    assert channel.document(keys.RECEIVABLE, claim)["status"] == "SETTLED"


@pytest.mark.parametrize("written, problem", [
    (lambda offer: {**offer, "id": "D-00000000000000e2"}, "is discount offer D-00000000000000e2, not"),
    (lambda offer: {k: v for k, v in offer.items() if k != "expires_on"},
     "is not a discount offer's document"),
    (lambda offer: [offer], "is not a discount offer's document"),
])
def test_an_as_read_file_of_no_document_of_the_offer_is_a_usage_error_and_nothing_is_sent(
        on_the_channels_day, tmp_path, written, problem):
    channel, offer_id, claim = on_the_channels_day
    saved = _read_earlier(tmp_path, offer_id, claim)
    saved.write_text(json.dumps(written(json.loads(saved.read_text()))))
    calls = len(channel.activity)
    refused = _accept(offer_id, claim, "--as-read", str(saved))
    assert refused.exit_code == 2, refused.output
    assert problem in " ".join(refused.output.split()) and "--as-read" in refused.output
    assert len(channel.activity) == calls


@pytest.mark.parametrize("content", [None, "", "{x"])
def test_an_as_read_file_that_cannot_be_read_as_json_is_a_usage_error_naming_the_option(
        on_the_channels_day, tmp_path, content):
    # not there, empty, not JSON: it exited 1 naming no option, as a refusal does
    channel, offer_id, claim = on_the_channels_day
    saved = tmp_path / "offer.json"
    if content is not None:
        saved.write_text(content)
    calls = len(channel.activity)
    refused = _accept(offer_id, claim, "--as-read", str(saved))
    assert refused.exit_code == 2, refused.output
    assert f"Error: Invalid value for '--as-read': {saved}" in refused.output
    assert len(channel.activity) == calls


def test_a_claim_with_nothing_outstanding_is_said_so_and_not_asked(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    assert _accept(offer_id, claim, "--yes").exit_code == 0
    again = _accept(offer_id, claim, typed=b"y\n")
    assert again.exit_code == 1
    assert f"not sent: {claim} is settled: nothing is outstanding on it" in again.output, again.output
    assert _sent(channel) == ["AcceptDiscountOffer"]


def test_yes_and_as_read_together_are_a_usage_error_and_nothing_is_sent(on_the_channels_day, tmp_path):
    """They say different things: --yes the terms as read when sending, --as-read those of an earlier read."""
    channel, offer_id, claim = on_the_channels_day
    saved = _read_earlier(tmp_path, offer_id, claim)
    calls = len(channel.activity)
    refused = _accept(offer_id, claim, "--yes", "--as-read", str(saved))
    assert refused.exit_code == 2, refused.output
    assert "give one of them" in " ".join(refused.output.split())
    assert len(channel.activity) == calls and _sent(channel) == []


@pytest.mark.parametrize("from_stdin", [False, True])
def test_an_as_read_document_giving_apr_twice_is_a_usage_error_from_stdin_as_from_a_file(
        on_the_channels_day, tmp_path, from_stdin):
    # the first apr is what a reader of the document sees, the last the offer's: stdin was read with
    # json.loads, which kept the last and said nothing, and the claim settled on terms no one could tell were
    # agreed to
    channel, offer_id, claim = on_the_channels_day
    printed = _read_earlier(tmp_path, offer_id, claim).read_text()
    twice = printed.replace('"apr": "0.05"', '"apr": "0.01", "apr": "0.05"')
    assert twice.count('"apr"') == 2
    (saved := tmp_path / "twice.json").write_text(twice)
    before = dict(channel.ledger.state)
    refused = (_accept(offer_id, claim, "--as-read", "-", stdin=twice) if from_stdin else
               _accept(offer_id, claim, "--as-read", str(saved)))
    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.output.split())
    source = "stdin" if from_stdin else str(saved)
    assert (f"Invalid value for '--as-read': {source}: the key apr is given more than once in the top-level "
            f"object: keep one") in said, said
    assert _sent(channel) == [] and channel.ledger.state == before
    assert channel.document(keys.RECEIVABLE, claim)["status"] == "CONFIRMED"


@pytest.mark.parametrize("given, problem", [
    ("", "stdin is empty: give the discount offer"), (" \n", "stdin is empty"), ("{x", "stdin is not JSON"),
])
def test_as_read_stdin_that_cannot_be_read_as_json_is_a_usage_error_and_nothing_is_sent(
        on_the_channels_day, given, problem):
    channel, offer_id, claim = on_the_channels_day
    calls = len(channel.activity)
    refused = _accept(offer_id, claim, "--as-read", "-", stdin=given)
    assert refused.exit_code == 2, refused.output
    assert f"Invalid value for '--as-read': {problem}" in " ".join(refused.output.split()), refused.output
    assert len(channel.activity) == calls
