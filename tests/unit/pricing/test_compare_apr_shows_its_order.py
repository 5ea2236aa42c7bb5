"""`recfin finance compare` shows the APR column to the places the quote shows it (4), and to more where two
different APRs would still look alike: an offer ranked after another by cost never shows the same APR as it, so a
holder reading the table sees why it ranks where it does."""
from __future__ import annotations

from fractions import Fraction

from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing.money import APR_PERCENT_PLACES, percent_of, places_apart

from .test_compare_table_names import table_rows
from .test_pricing_cli import offers_file

RECEIVABLE = {"receivable_id": "RCV-1", "face_amount": 100_000_000, "due_date": "2027-03-01", "financing_id": "F-1"}


def bank(offer_id: str, rate: str, fees: int = 50_000) -> dict:
    return {"offer_id": offer_id, "financier": f"bank-{offer_id}", "advance_rate": "0.90", "discount_rate": rate,
            "fees": fees, "recourse": True, "day_count": "ACT/360", "expires_on": "2026-12-10"}


def compared(tmp_path, *offers: dict) -> list[dict[str, str]]:
    data = {"receivable": RECEIVABLE, "bank_offers": list(offers), "early_payments": []}
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", offers_file(tmp_path, data),
                                          "--on", "2026-12-01"])
    assert result.exit_code == 0, result.output
    return table_rows(result.stdout)


def test_two_offers_a_fiftieth_of_a_point_apart_show_two_aprs_in_their_order(tmp_path):
    # about 4.327% and 4.329% a year: 4.33% twice to 2 places, where OF-B ranks second all the same
    rows = compared(tmp_path, bank("OF-B", "0.04002"), bank("OF-A", "0.04"))
    assert [row["OFFER_ID"] for row in rows] == ["OF-A", "OF-B"]
    assert [row["APR"] for row in rows] == ["4.3265%", "4.3286%"]


def test_the_apr_column_is_shown_to_the_places_of_the_quote():
    assert APR_PERCENT_PLACES == 4
    assert percent_of(Fraction(43265, 1_000_000), APR_PERCENT_PLACES) == "4.3265%"


def test_aprs_alike_at_the_quotes_places_are_shown_to_the_places_that_part_them(tmp_path):
    # fees 1 fen apart: APRs about 0.00001 points apart, alike at 4 places
    rows = compared(tmp_path, bank("OF-B", "0.04", fees=50_001), bank("OF-A", "0.04"))
    assert [row["OFFER_ID"] for row in rows] == ["OF-A", "OF-B"]
    first, second = (row["APR"] for row in rows)
    assert first != second and first[:6] == second[:6] == "4.3265"
    assert len(first) == len(second) > len("4.3265%")   # one column, one number of places


def test_places_apart_counts_from_the_least_asked():
    assert places_apart(Fraction(1, 3), Fraction(2, 3), at_least=4) == 4
    assert places_apart(Fraction(43265, 10**6), Fraction(432651, 10**7)) == 5   # 4.3265% and 4.32651%
