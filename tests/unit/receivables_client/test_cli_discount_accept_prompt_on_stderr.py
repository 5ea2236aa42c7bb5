"""`recfin discount accept` asks "accept ... on these terms?" on stderr, with or without --json: on stdout, sent
to a file, the question went unseen and the command seemed to hang."""

from __future__ import annotations

from . import test_cli_discount_accept_agreed as agreed

# the fixtures: a confirmed claim of supplier1's, the core enterprise's 5% offer on it, priced on the channel's day
offered = agreed.offered
on_the_channels_day = agreed.on_the_channels_day


def test_the_question_is_on_stderr_and_no_sends_nothing(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    answered = agreed._accept(offer_id, claim, typed=b"n\n")
    assert answered.exit_code == 0, answered.output
    assert f"accept {offer_id} on {claim} on these terms? [y/N]" in answered.stderr
    assert "on these terms?" not in answered.stdout
    assert f"discount offer {offer_id}" in answered.stdout   # the terms it asks about, shown as before
    assert agreed._sent(channel) == []
