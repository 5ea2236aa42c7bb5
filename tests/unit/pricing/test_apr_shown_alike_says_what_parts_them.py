"""Two offers whose APRs are alike to the two places the comparison shows, but not exactly, are ranked by cost on
the exact figure: the one ranked after says by how much, to as many places as tell the two apart, where the
table's 4.33% and 4.33% alone leave a holder asking why one ranks first."""
from datetime import date

from client.pricing import BankOffer, ReceivableTerms, rank_proposals
from client.pricing.money import percent_of

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1),
                        financing_id="F-1")


def bank(offer_id: str, rate: str, fees: int = 50_000) -> BankOffer:
    return BankOffer(offer_id=offer_id, financier=f"bank-{offer_id}", advance_rate="0.90", discount_rate=rate,
                     fees=fees, recourse=True, day_count="ACT/360", expires_on=date(2026, 12, 31))


def test_the_dearer_of_two_offers_shown_at_one_apr_says_how_much_dearer_it_is():
    cheaper, dearer, cheapest = bank("OF-A", "0.04"), bank("OF-B", "0.04002"), bank("OF-C", "0.0405", fees=0)
    ranked = {p.offer_id: p for p in rank_proposals(TERMS, ON, [dearer, cheaper, cheapest])}
    a, b = ranked["OF-A"], ranked["OF-B"]
    assert (a.rank_by_cost, b.rank_by_cost) == (2, 3)
    assert percent_of(a.exact_apr) == percent_of(b.exact_apr) == "4.33%" and a.exact_apr < b.exact_apr
    places = next(n for n in range(3, 10) if percent_of(a.exact_apr, n) != percent_of(b.exact_apr, n))
    assert b.why.startswith(f"#3 by cost: 4.33% a year, 0.18 points above OF-C, and above OF-A, alike at 2 places: "
                            f"{percent_of(b.exact_apr, places)} against {percent_of(a.exact_apr, places)};")
    # the one ranked before it shows a rate of its own
    assert "alike" not in a.why and "alike" not in ranked["OF-C"].why


def test_the_gap_to_the_cheapest_is_never_said_as_0_00_points_of_an_offer_that_costs_more():
    # about 4.327%, 4.329% and 4.331%: the third is 0.004 points above the first, which 2 places would say as 0.00
    ranked = rank_proposals(TERMS, ON, [bank("OF-A", "0.04"), bank("OF-B", "0.04002"), bank("OF-D", "0.04004")])
    said = {p.offer_id: p.why for p in ranked}
    assert [p.offer_id for p in ranked] == ["OF-A", "OF-B", "OF-D"]
    assert all("0.00 points" not in w for w in said.values())
    assert said["OF-D"].startswith("#3 by cost: 4.33% a year, 0.004 points above OF-A, and above OF-B, alike at 2 "
                                   "places: ")


def test_an_offer_ranked_after_the_cheapest_shown_alike_says_so_too():
    ranked = {p.offer_id: p for p in rank_proposals(TERMS, ON, [bank("OF-B", "0.04002"), bank("OF-A", "0.04")])}
    # the gap to the cheapest, the offer just before it, is not said twice, nor as 0.00 points
    assert ranked["OF-B"].why.startswith("#2 by cost: 4.33% a year, above OF-A, alike at 2 places: 4.329% against "
                                         "4.327%;")
