"""`recfin discount accept` asks "accept ... on these terms?" on stderr, with or without --json: on stdout,
sent to a file, the question went unseen and the command seemed to hang. The terms it asks about (the
offer's, and what they pay on the claim today) are shown there too, before it: on stdout, sent to a file
(`> out.json`), the operator was asked to agree to terms never seen. stdout holds the command's result only:
the claim settled and the terms it settled on, its JSON, or that nothing was accepted."""

from __future__ import annotations

import json

from . import test_cli_discount_accept_agreed as agreed

# the fixtures: a confirmed claim of supplier1's, the core enterprise's 5% offer on it, priced on the
# channel's day
offered = agreed.offered
on_the_channels_day = agreed.on_the_channels_day


def _terms_then_question(stderr: str, offer_id: str, claim: str) -> None:
    """The offer's terms and what they pay, then the question about them, on stderr in that order."""
    terms = stderr.index(f"discount offer {offer_id} of ")
    pays = stderr.index(f"paid {agreed.PAID}, discount {agreed.DISCOUNT} (at 5.00% a year for 90 days early")
    question = stderr.index(f"accept {offer_id} on {claim} on these terms? [y/N]")
    assert terms < pays < question, stderr
    assert "apr 0.05, ACT/360, expires 2026-04-01" in stderr[terms:question]


def test_the_question_is_on_stderr_after_the_terms_and_no_sends_nothing(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    answered = agreed._accept(offer_id, claim, typed=b"n\n")
    assert answered.exit_code == 0, answered.output
    _terms_then_question(answered.stderr, offer_id, claim)
    assert answered.stdout == f"not accepted: nothing was sent, and {claim} is as it was\n"
    assert agreed._sent(channel) == []


def test_accepted_at_the_question_stdout_holds_only_the_claim_settled_and_its_terms(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    answered = agreed._accept(offer_id, claim, typed=b"y\n")
    assert answered.exit_code == 0, answered.output
    _terms_then_question(answered.stderr, offer_id, claim)
    assert f"discount offer {offer_id}" not in answered.stdout and "taken today" not in answered.stdout
    assert "on these terms?" not in answered.stdout
    lines = answered.stdout.splitlines()
    assert lines[0] == f"id: {claim}" and "status: SETTLED" in lines
    assert lines[-2:] == [f"paid {agreed.PAID}, discount {agreed.DISCOUNT}",   # what the contract paid
                          "on the terms read: apr 0.05, ACT/360, expires 2026-04-01"]
    assert agreed._sent(channel) == ["AcceptDiscountOffer"]


def test_with_json_stdout_is_the_claims_json_alone(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    answered = agreed._accept(offer_id, claim, "--json", typed=b"y\n")
    assert answered.exit_code == 0, answered.output
    _terms_then_question(answered.stderr, offer_id, claim)
    settled = json.loads(answered.stdout)
    assert settled["id"] == claim and settled["status"] == "SETTLED"
    assert settled["terms_accepted"]["apr"] == "0.05"
