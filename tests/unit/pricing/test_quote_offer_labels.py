"""`finance quote --json`: ``offer.offer_id`` and ``offer.financier`` are labels from the bank's
configuration, not the ledger's id and credit code (``made_offer`` has those), and docs/risk-and-pricing.md
says so; the labels are what lets the offline quote's ``offer`` load back as a bank offer of a
`finance compare --offers` file."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.finance_commands import finance

from .ledger_world import CONFIG

DOCS = Path(__file__).parents[3] / "docs" / "risk-and-pricing.md"


def test_the_offer_carries_the_configurations_labels_and_made_offer_the_ledgers(world):
    result = CliRunner().invoke(finance, ["quote", world.receivable, "--as", "bank", "--config", CONFIG,
                                          "--on", world.today, "--grade", "A", "--yes", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["offer"]["offer_id"], data["offer"]["financier"]) == (f"bank:{world.receivable}", "bank")
    made = data["made_offer"]
    [on_the_ledger] = world.client("tier1").get_financing(world.financing).offers
    assert (made["id"], made["financier"]) == (on_the_ledger.id, world.uscc("bank"))


def test_the_docs_say_the_offers_id_and_financier_are_labels_and_where_the_ledgers_are():
    flat = " ".join(DOCS.read_text(encoding="utf-8").split())
    assert ("`offer` also has two labels the pricer gives it from the configuration, which are not the "
            "ledger's and which the ledger never holds: `financier`, the bank's name there (`bank`, not its "
            "credit code), and `offer_id`, that name and the receivable's id (`bank:RCV-1`)") in flat
    assert ("an offer the quote made is `made_offer`, with the ledger's `id` (`O-...`, what `finance accept` "
            "and `finance withdraw-offer` take) and `financier`, the bank's credit code") in flat
    # no longer listed among the terms the offer carries on the ledger
    assert "`expires_on`, with `financier` and `offer_id`), and `priced`" not in flat


def offline_quote_compared(tmp_path, *, owed_now: int) -> tuple[dict, dict]:
    """`finance quote --face 1,000,000 --json` of RCV-1 (grade B, on 2026-12-01), its ``offer`` written as the bank
    offer of a `finance compare --offers` file whose RCV-1 owes ``owed_now`` fen, and compared: the offer and the
    one proposal."""
    runner = CliRunner()
    quoted = runner.invoke(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due",
                                     "2027-03-01", "--grade", "B", "--on", "2026-12-01", "--json"])
    assert quoted.exit_code == 0, quoted.output
    offer = json.loads(quoted.stdout)["offer"]
    offers = tmp_path / "offers.json"
    offers.write_text(json.dumps({"receivable": {"receivable_id": "RCV-1", "face_amount": owed_now,
                                                 "due_date": "2027-03-01", "financing_id": "F-1"},
                                  "bank_offers": [offer]}), encoding="utf-8")
    compared = runner.invoke(finance, ["compare", "RCV-1", "--offers", str(offers), "--on", "2026-12-01",
                                       "--json"])
    assert compared.exit_code == 0, compared.output
    [proposal] = json.loads(compared.stdout)["proposals"]
    return offer, proposal


def test_the_offline_quotes_offer_loads_back_as_an_offers_file_bank_offer(tmp_path):
    offer, proposal = offline_quote_compared(tmp_path, owed_now=100_000_000)
    assert (offer["offer_id"], offer["financier"]) == ("bank:RCV-1", "bank")
    assert (proposal["offer_id"], proposal["counterparty"], proposal["takeable_now"]) == \
        ("bank:RCV-1", "bank", True)
