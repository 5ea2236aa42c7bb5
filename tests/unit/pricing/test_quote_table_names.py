"""`recfin finance quote` names each line of its table as the same figure is placed in its --json
(`priced.apr` is {"priced": {"apr": ...}}), so a script written from what the operator saw finds every figure."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from click.testing import CliRunner

from cli.finance_commands import finance

from .ledger_world import CONFIG

OFFLINE = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--grade", "B", "--on", "2026-12-01"]
LABEL = re.compile(r"[a-z_]+(\.[a-z_]+)*")


def table_lines(output: str) -> dict[str, str]:
    """The table's ``label: value`` lines, by label (a prompt or note line is no label)."""
    pairs = (line.split(": ", 1) for line in output.splitlines() if ": " in line)
    return {label: value for label, value in pairs if LABEL.fullmatch(label)}


def placed(doc: dict, label: str):
    """The value at the place in ``doc`` that the label names, ``offer.discount_rate``:
    doc["offer"]["discount_rate"]."""
    for key in label.split("."):
        assert isinstance(doc, dict) and key in doc, f"the table's {label} is not in --json"
        doc = doc[key]
    return doc


def both(args: list[str], input: str | None = None) -> tuple[dict[str, str], dict]:
    shown = CliRunner().invoke(finance, args, input=input)
    as_json = CliRunner().invoke(finance, [*args, "--json"])
    assert shown.exit_code == as_json.exit_code, (shown.output, as_json.output)
    return table_lines(shown.stdout), json.loads(as_json.stdout)


def test_every_line_of_a_priced_quote_is_named_as_its_figure_is_placed_in_json():
    shown, data = both([*OFFLINE, "--due", "2027-03-01"])
    assert {"offer.discount_rate", "priced.apr", "priced.net_cash", "receivable_id"} <= shown.keys()
    for label in shown:
        placed(data, label)
    # the same figures, in the table's form: a term's percentage exact (two places at least), the APR's to 4, money
    assert shown["offer.discount_rate"] == f"{Decimal(placed(data, 'offer.discount_rate')) * 100:.2f}%" == "4.00%"
    assert shown["priced.apr"] == f"{Decimal(placed(data, 'priced.apr')) * 100:.4f}%" == "4.5338%"
    assert placed(data, "priced.net_cash") == 89_005_000 and shown["priced.net_cash"] == "CNY 890,050.00"


def test_every_line_of_a_declined_quote_is_named_as_its_figure_is_placed_in_json():
    shown, data = both([*OFFLINE, "--due", "2027-12-01"])
    assert "declined" in shown
    for label in shown:
        placed(data, label)


def test_every_line_of_a_quote_on_the_ledger_is_named_as_its_figure_is_placed_in_json(world):
    args = ["quote", world.receivable, "--as", "bank", "--config", CONFIG, "--grade", "A", "--on", world.today]
    shown, data = both(args, input="n\n")   # asked whether to offer: no
    assert shown["financing_id"] == world.financing and shown["debtor"] == world.uscc("core")
    for label in shown:
        placed(data, label)


def test_an_advance_rate_cut_to_fit_the_limit_is_shown_with_every_digit_the_offer_carries():
    # the exposure leaves 123,456.78 under the limit: the rate is cut to 0.12345678, which half up to two places
    # would read as 12.35%, a rate advancing 123,500.00, not the offer's
    shown, data = both([*OFFLINE, "--due", "2027-03-01", "--exposure", "119,876,543.22"])
    assert placed(data, "offer.advance_rate") == "0.12345678"
    assert shown["offer.advance_rate"] == "12.345678%"
    assert shown["priced.advance"] == "CNY 123,456.78"
