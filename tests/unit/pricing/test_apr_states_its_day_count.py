"""An APR says the day count it is on: ACT/365, a 365-day year, whatever the offer's own basis, so that a holder
comparing an ACT/360 offer with an ACT/365 one, in `finance compare` or a quote, does not read the offer's
DAY_COUNT, shown beside it, as the APR's."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from click.testing import CliRunner

from cli.finance_commands import finance

from .test_quote_table_names import table_lines

OFFERS = {"receivable": {"receivable_id": "RCV-1", "face_amount": 100_000_000, "due_date": "2027-03-01",
                         "financing_id": "F-1"},
          "bank_offers": [
              {"offer_id": "OF-360", "financier": "bank-a", "advance_rate": "0.90", "discount_rate": "0.04",
               "fees": 50_000, "recourse": True, "day_count": "ACT/360", "expires_on": "2026-12-10"},
              {"offer_id": "OF-365", "financier": "bank-b", "advance_rate": "0.90", "discount_rate": "0.0405",
               "fees": 0, "recourse": True, "day_count": "ACT/365", "expires_on": "2026-12-10"},
              {"offer_id": "OF-GONE", "financier": "bank-c", "advance_rate": "0.90", "discount_rate": "0.03",
               "fees": 0, "recourse": True, "day_count": "ACT/360", "expires_on": "2026-11-30"}],
          "early_payments": []}


def compare(tmp_path, *extra: str):
    path = tmp_path / "offers.json"
    path.write_text(json.dumps(OFFERS))
    result = CliRunner().invoke(finance, ["compare", "RCV-1", "--offers", str(path), "--on", "2026-12-01", *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def over_a_365_day_year(p: dict) -> Decimal:
    exact = Fraction(p["interest"] + p["fees"], p["net_cash"]) * 365 / p["days"]
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.000001"), ROUND_HALF_UP)


def test_each_apr_compared_names_act_365_and_is_on_it_whatever_the_offers_day_count(tmp_path):
    proposals = {p["offer_id"]: p for p in json.loads(compare(tmp_path, "--json"))["proposals"]}
    for offer_id in ("OF-360", "OF-365"):
        p = proposals[offer_id]
        assert p["apr_day_count"] == "ACT/365"
        assert Decimal(p["apr"]) == over_a_365_day_year(p)
    assert proposals["OF-360"]["day_count"] == "ACT/360"
    # an offer not eligible has no APR, so no day count of one
    assert proposals["OF-GONE"]["apr"] is None and proposals["OF-GONE"]["apr_day_count"] is None


def test_the_compare_table_says_what_day_count_its_apr_is_on(tmp_path):
    out = compare(tmp_path)
    assert "APR_DAY_COUNT" in out.splitlines()[1]
    row = next(line for line in out.splitlines() if "OF-360" in line.split())
    assert row.split().count("ACT/360") == 1 and "ACT/365" in row.split()


def test_a_quote_says_its_apr_is_on_act_365_beside_an_act_360_offer():
    args = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2027-03-01", "--grade", "B",
            "--on", "2026-12-01"]
    rows = table_lines(CliRunner().invoke(finance, args).stdout)
    assert rows["offer.day_count"] == "ACT/360" and rows["priced.apr_day_count"] == "ACT/365"
    doc = json.loads(CliRunner().invoke(finance, [*args, "--json"]).stdout)
    assert doc["priced"]["apr_day_count"] == "ACT/365"
