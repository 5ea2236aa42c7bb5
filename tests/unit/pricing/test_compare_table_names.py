"""`recfin finance compare` names each column of its table, in capitals, by the key of the same figure in each
proposal of its --json (APR is proposals[].apr), so a script written from what the holder saw finds every figure."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

from click.testing import CliRunner

from cli.amounts import money
from cli.finance_commands import finance
from client.receivables import DiscountOfferRequest

from .test_finance_ledger import offer
from .test_pricing_cli import OFFERS, offers_file
from .test_quote_table_names import placed

AMOUNTS = {"net_cash", "interest", "fees"}   # fen in --json, money in the table
RATES = {"annual_rate", "apr"}                # decimal fractions in --json, percentages in the table


def table_rows(output: str) -> list[dict[str, str]]:
    """The table's rows by the names of its columns, as they are written (the line after the receivable's): each
    cell is what lies under its header, up to where the next column begins (a cell may hold spaces)."""
    header, *lines = output.split("\n\n")[0].splitlines()[1:]
    columns = list(re.finditer(r"\S+", header))   # a header holds no space
    bounds = [(c.start(), following.start() if following else None)
              for c, following in zip(columns, [*columns[1:], None])]
    return [{c.group(): line[start:end].strip() for c, (start, end) in zip(columns, bounds)} for line in lines]


def as_shown(key: str, value, proposal: dict, currency: str) -> str:
    """A proposal's figure from --json in the table's form."""
    if value is None or (key in AMOUNTS and not proposal["eligible"]):   # an offer not eligible pays nothing
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key in AMOUNTS:
        return money(value, currency)
    if key == "apr":   # to the quote's 4 places, all the 6-place fraction carries
        return f"{Decimal(value) * 100:.4f}%"
    if key in RATES:
        return f"{Decimal(value) * 100:.2f}%"
    return str(value)


def both(args: list[str]) -> tuple[list[dict[str, str]], dict]:
    shown = CliRunner().invoke(finance, args)
    as_json = CliRunner().invoke(finance, [*args, "--json"])
    assert shown.exit_code == as_json.exit_code == 0, (shown.output, as_json.output)
    return table_rows(shown.stdout), json.loads(as_json.stdout)


def assert_every_column_is_a_key_of_each_proposal(rows: list[dict[str, str]], data: dict) -> None:
    proposals = data["proposals"]
    assert [row["OFFER_ID"] for row in rows] == [p["offer_id"] for p in proposals]   # one row each, in order
    currency = data["receivable"]["currency"]
    for row, proposal in zip(rows, proposals):
        for header, cell in row.items():
            assert header == header.upper()
            key = header.lower()
            assert cell == as_shown(key, placed(proposal, key), proposal, currency), (proposal["offer_id"], header)


def test_every_column_of_a_comparison_from_a_file_is_a_key_of_each_proposal_in_json(tmp_path):
    expired = {**OFFERS["bank_offers"][0], "offer_id": "OF-OLD", "expires_on": "2026-11-30"}   # listed, not eligible
    data = {**OFFERS, "bank_offers": [*OFFERS["bank_offers"], expired]}
    rows, as_json = both(["compare", "RCV-1", "--offers", offers_file(tmp_path, data), "--on", "2026-12-01"])
    assert {"RANK_BY_COST", "ANNUAL_RATE", "DAY_COUNT", "INTEREST", "FEES", "APR", "FIRST_STEP"} <= rows[0].keys()
    assert_every_column_is_a_key_of_each_proposal(rows, as_json)
    of_a, *_, old = rows
    assert (of_a["APR"], of_a["NET_CASH"], of_a["INTEREST"], of_a["FEES"]) == \
        ("4.3265%", "CNY 890,500.00", "CNY 9,000.00", "CNY 500.00")
    assert old["OFFER_ID"] == "OF-OLD" and old["NET_CASH"] == old["APR"] == old["RANK_BY_COST"] == "-"
    assert rows[-2]["FIRST_STEP"] == "withdraw the financing request"   # DD-1: a cell with spaces


def test_every_column_of_a_comparison_on_the_ledger_is_a_key_of_each_proposal_in_json(world):
    offer(world, "bank", "0.05")
    expires = date.fromisoformat(world.today) + timedelta(days=30)
    world.client("core").publish_discount_offer(DiscountOfferRequest(apr="0.02", expires_on=expires))
    rows, as_json = both(["compare", world.receivable, "--as", "tier1", "--on", world.today])
    assert len(rows) == 2 and {row["SOURCE"] for row in rows} == {"bank", "early-payment"}
    assert_every_column_is_a_key_of_each_proposal(rows, as_json)
