"""Two offers whose APRs are alike to the four places a comparison shows, but not exactly, are ranked by cost on the
exact figure, and every APR is said to as many places as tell the two apart, as the table's APR column shows them:
4.3265% and 4.3265% alone would leave a holder asking why one ranks first. The gap to the cheapest is said to as
many places as show it, never as 0.0000 points of an offer that costs more."""
from datetime import date

from client.pricing import BankOffer, ReceivableTerms, rank_proposals
from client.pricing.money import percent_of
from client.pricing.proposals import apr_places

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1),
                        financing_id="F-1")


def bank(offer_id: str, rate: str, fees: int = 50_000) -> BankOffer:
    return BankOffer(offer_id=offer_id, financier=f"bank-{offer_id}", advance_rate="0.90", discount_rate=rate,
                     fees=fees, recourse=True, day_count="ACT/360", expires_on=date(2026, 12, 31))


def test_the_dearer_of_two_offers_alike_at_four_places_says_its_rate_to_the_places_that_part_them():
    # fees 1 fen apart: about 0.000005 points apart
    ranked = rank_proposals(TERMS, ON, [bank("OF-B", "0.04", fees=50_001), bank("OF-A", "0.04")])
    a, b = ranked
    assert (a.offer_id, b.offer_id) == ("OF-A", "OF-B")
    assert percent_of(a.exact_apr, 4) == percent_of(b.exact_apr, 4) == "4.3265%" and a.exact_apr < b.exact_apr
    places = apr_places(ranked)
    assert places > 4 and percent_of(a.exact_apr, places) != percent_of(b.exact_apr, places)
    assert a.why.startswith(f"cheapest of 2 at {percent_of(a.exact_apr, places)} a year all-in;")
    assert b.why.startswith(f"#2 by cost: {percent_of(b.exact_apr, places)} a year, 0.000005 points above OF-A;")


def test_the_gap_to_the_cheapest_is_never_said_as_0_0000_points_of_an_offer_that_costs_more():
    ranked = rank_proposals(TERMS, ON, [bank("OF-A", "0.04"), bank("OF-B", "0.04", fees=50_001),
                                        bank("OF-D", "0.04", fees=50_002)])
    said = {p.offer_id: p.why for p in ranked}
    assert [p.offer_id for p in ranked] == ["OF-A", "OF-B", "OF-D"]
    assert all(" 0.0000 points" not in w and " 0.00000 points" not in w for w in said.values())
    assert said["OF-D"].startswith("#3 by cost: 4.326542% a year, 0.000009 points above OF-A;")


def test_offers_apart_at_four_places_say_them_to_four():
    ranked = {p.offer_id: p for p in rank_proposals(TERMS, ON, [bank("OF-B", "0.04002"), bank("OF-A", "0.04")])}
    assert ranked["OF-A"].why.startswith("cheapest of 2 at 4.3265% a year all-in;")
    assert ranked["OF-B"].why.startswith("#2 by cost: 4.3286% a year, 0.0021 points above OF-A;")
