"""`recfin finance quote --yes` sends, with the version of the exposure it priced on, that read's uncounted offers:
an offer of the bank that two orgs hid from the read (its record rewritten to say it lapsed) and wrote back before
the quote's offer can then never be accepted, so the bank lends no more than the figures the quote held against its
limit. On the real contract in-process (the ``world`` fixture)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from chaincode.receivables import keys
from cli.finance_commands import finance
from client.receivables import FinancingTerms, ReceivablesClient, RuleViolation

from .ledger_world import CONFIG
from .test_quote_turns import quote_args


def test_a_quote_makes_an_offer_hidden_from_its_read_and_written_back_unacceptable(world, second_claim, monkeypatch):
    bank = world.client("bank")
    other = world.client("tier2").get_receivable(second_claim).financing_id
    hidden = bank.make_offer(other, FinancingTerms(advance_rate="0.9", discount_rate="0.04", fees=0, recourse=True,
                                                   day_count="ACT/360",
                                                   expires_on=date.fromisoformat(world.today) + timedelta(days=7)))
    record = world.net._key(keys.OFFER, hidden.id)
    original = world.net.ledger.state[record]
    # the debtor's and the holder's orgs rewrite the offer's record (under the chaincode policy) while the quote reads
    world.net.ledger.state[record] = json.dumps({**json.loads(original), "status": "LAPSED"}).encode()
    real_make_offer = ReceivablesClient.make_offer
    sent: list[dict] = []

    def make_offer(client, financing_id, terms, *args, **kwargs):
        world.net.ledger.state[record] = original      # written back OPEN before the quote's offer comes
        sent.append(kwargs)
        return real_make_offer(client, financing_id, terms, *args, **kwargs)

    monkeypatch.setattr(ReceivablesClient, "make_offer", make_offer)
    result = CliRunner().invoke(finance, quote_args(world, world.receivable, CONFIG, "--yes", "--json"))
    assert result.exit_code == 0, result.output
    assert [kwargs["uncounted_offers"] for kwargs in sent] == [(hidden.id,)]
    assert json.loads(result.stdout)["made_offer"]["status"] == "OPEN"
    with pytest.raises(RuleViolation) as refused:
        world.client("tier2").accept_offer(hidden.id)
    assert refused.value.rule == "offer-not-listed"
