"""`recfin discount accept` at its prompt, on a claim under a financing its holder accepted, names the step
the contract names: an accepted financing is cancelled (`finance cancel`), a disbursed one ends only with the
claim settled; `finance withdraw` is for a request no bank has accepted, and is refused on either."""

from __future__ import annotations

from . import test_cli_discount_accept_agreed as agreed_tests
from .test_cli_and_contract_agree import OFFER
from .test_cli_discount_accept_agreed import _accept, _sent
from .test_cli_party_commands import ok

HOLDER = ("--as", "supplier/supplier1")

# the fixtures: a confirmed claim of supplier1's and the core enterprise's 5% offer on it, priced on the
# channel's business date
offered = agreed_tests.offered
on_the_channels_day = agreed_tests.on_the_channels_day


def _accepted_financing(claim: str) -> str:
    financing = ok("finance", "request", claim, *HOLDER)["id"]
    offer = ok("finance", "offer", financing, *OFFER, "--as", "bank/officer1")["id"]
    ok("finance", "accept", offer, *HOLDER)
    return financing


def _refused_at_the_prompt(channel, offer_id: str, claim: str) -> str:
    before = dict(channel.ledger.state)
    answered = _accept(offer_id, claim, typed=b"y\n")
    assert answered.exit_code == 1, answered.output
    assert _sent(channel) == [] and channel.ledger.state == before
    return " ".join(answered.output.split())


def test_an_accepted_financing_is_named_as_one_to_cancel_not_a_request_to_withdraw(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    financing = _accepted_financing(claim)
    said = _refused_at_the_prompt(channel, offer_id, claim)
    assert f"is financed ({financing}, accepted, not yet disbursed)" in said, said
    assert f"recfin finance cancel {financing}" in said, said
    assert "finance withdraw" not in said and "financing request" not in said, said


def test_a_disbursed_financing_is_named_as_one_no_step_ends_before_settlement(on_the_channels_day):
    channel, offer_id, claim = on_the_channels_day
    financing = _accepted_financing(claim)
    ok("finance", "disburse", financing, "--as", "bank/officer1")
    said = _refused_at_the_prompt(channel, offer_id, claim)
    assert f"is financed ({financing}, disbursed)" in said, said
    assert "early payment will not be possible on it" in said and "not takeable:" in said, said
    assert "finance withdraw" not in said and "not takeable now" not in said, said
