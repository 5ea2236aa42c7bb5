"""`recfin finance quote` scores the debtor on its claims in the currency of the claim it prices, as `risk
score --currency` does, and says, as `risk score` does, which of the debtor's claims in other currencies the
score leaves out. It said nothing: a debtor whose dollar claims were all paid months late was graded, on its one
claim in yuan, as a debtor with no payments to go by, with nothing to tell the bank its record lay elsewhere."""
import asyncio
import json
from datetime import date

from click.testing import CliRunner

from cli import finance_commands
from cli.finance_commands import finance
from client.pricing import bank_config_path

from ..pricing.ledger_world import World


def test_a_quote_names_the_debtors_claims_in_other_currencies_left_out_of_its_score(monkeypatch, tmp_path):
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    w = World().serve(monkeypatch)
    net = w.net
    monkeypatch.setattr(finance_commands, "business_today", lambda: date.fromisoformat(net.today))
    tier1, core = net.actors["tier1"], net.actors["core"]
    dollars = [asyncio.run(net.confirmed(tier1, core, 5_000_000, due_in=30, currency="USD"))["id"]
               for _ in range(3)]
    net.advance(90)   # 60 days late
    for claim in dollars:
        w.client("core").record_payment(claim, 5_000_000)
    yuan = asyncio.run(net.confirmed(tier1, core, 100_000_000, due_in=90))["id"]
    w.client("tier1").request_financing(yuan)
    result = CliRunner().invoke(finance, ["quote", yuan, "--as", "bank", "--config",
                                          str(bank_config_path("bank")), "--on", net.today, "--json"])
    assert result.exit_code == 0, result.output
    said = result.stderr.replace("\n", " ")
    assert (f"note: {core.uscc} is scored on its claims in CNY only; its claims in other currencies (3 in "
            f"USD) are not in this score: run `recfin risk score {core.uscc}` with --currency USD to score "
            "those") in said
    # and in --json, for a bank's system that reads no stderr: what `risk score --json` names it
    data = json.loads(result.stdout)
    assert data["claims_in_other_currencies"] == {"USD": 3} and data["claims_not_counted"] == []
