"""A proposal's APR, fees included, is computed from the cash and the cost, no rate sent to the contract: fees large
beside the cash over a few days make it 1000 and more (146329% a year), and the proposal is still written out as
JSON (`finance compare --json`, `finance quote --json`), its APR in fixed point, not refused as a contract rate of
more than 3 digits before the point."""
import json
from datetime import date

from client.pricing import BankOffer, ReceivableTerms, rank_proposals

ON = date(2026, 12, 1)


def test_an_apr_above_a_contract_rates_digits_is_written_out():
    terms = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000, due_date=date(2026, 12, 3),
                            financing_id="F-1")
    dear = BankOffer(offer_id="OF-B", financier="bank-b", advance_rate="0.9", discount_rate="0.04", fees=80_000,
                     recourse=False, day_count="ACT/365", expires_on=date(2027, 1, 1))
    (proposal,) = rank_proposals(terms, ON, [dear], [])
    written = json.loads(proposal.model_dump_json())
    assert written["apr"] == "1463.291583"
    assert written["annual_rate"] == "0.04"
