"""Offers equal on cost or on cash are ranked apart by the tie-breaks alone, and each one's why says which."""
from datetime import date

from client.pricing import BankOffer, ReceivableTerms, rank_proposals

ON = date(2026, 12, 1)
TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1),
                        financing_id="F-1")


def bank(offer_id: str, *, advance: str = "0.90", rate: str = "0.04", fees: int = 0,
         recourse: bool = True) -> BankOffer:
    return BankOffer(offer_id=offer_id, financier=f"bank-{offer_id}", advance_rate=advance, discount_rate=rate,
                     fees=fees, recourse=recourse, day_count="ACT/360", expires_on=date(2026, 12, 31))


def why(ranked) -> dict[str, str]:
    return {p.offer_id: p.why for p in ranked}


def test_identical_offers_say_they_are_as_good_and_what_put_one_first():
    ranked = rank_proposals(TERMS, ON, [bank("OF-B"), bank("OF-A"), bank("OF-C", recourse=False)])
    assert [p.offer_id for p in ranked] == ["OF-C", "OF-A", "OF-B"]
    said = why(ranked)
    # not "0.0000 points above OF-C" and "CNY 0.00 less now than OF-C": nothing said why it ranks second
    assert said["OF-A"].startswith("#2 by cost: 4.0965% a year, as cheap as OF-C, after OF-C, which is without "
                                   "recourse; #2 by cash: as much cash now (CNY 891,000.00) as OF-C, after OF-C, "
                                   "which is without recourse;")
    assert said["OF-B"].startswith("#3 by cost: 4.0965% a year, as cheap as OF-C and OF-A, after OF-A by offer id "
                                   "alone: the two are alike in all else; #3 by cash: as much cash now "
                                   "(CNY 891,000.00) as OF-C and OF-A, after OF-A by offer id alone")
    assert said["OF-C"].startswith("cheapest of 3 at 4.0965% a year all-in, as are OF-A and OF-B, ranked after it; "
                                   "most cash now (CNY 891,000.00; as much from OF-A and OF-B, ranked after it);")
    assert all("0.0000 points" not in w and "CNY 0.00 less" not in w for w in said.values())


def test_as_cheap_but_less_cash_is_said_so():
    # 90% and 80% of the claim at 4% for 90 days, no fees: 9,000.00 on 891,000.00 and 8,000.00 on 792,000.00, both
    # 1/99 of the cash for 90 days, the same APR exactly
    more, less = rank_proposals(TERMS, ON, [bank("SMALL", advance="0.80"), bank("LARGE")])
    assert (more.offer_id, less.offer_id) == ("LARGE", "SMALL") and more.exact_apr == less.exact_apr
    assert less.why.startswith("#2 by cost: 4.0965% a year, as cheap as LARGE, after LARGE, which pays CNY 99,000.00 "
                               "more now; #2 by cash: CNY 99,000.00 less now than LARGE;")


def test_as_much_cash_but_dearer_is_said_so():
    # 91% of the claim less 9,100.00 interest and 9,900.00 fees pays what 90% less 9,000.00 interest does, at a cost of
    # 19,000.00 against 9,000.00
    cheap, dear = rank_proposals(TERMS, ON, [bank("DEAR", advance="0.91", fees=990_000), bank("CHEAP")], by="cash")
    assert (cheap.offer_id, dear.offer_id) == ("CHEAP", "DEAR") and cheap.net_cash == dear.net_cash
    assert dear.why.startswith("#2 by cost: 8.6482% a year, 4.5517 points above CHEAP; #2 by cash: as much cash now "
                               "(CNY 891,000.00) as CHEAP, after CHEAP, which costs less a year all-in (4.0965% "
                               "against 8.6482%);")
