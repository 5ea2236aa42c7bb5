"""`recfin receivable list` pages as a shell carries them, and amounts in a claim's own currency, over the real
contract on MemoryLedger.

The commands, the SDK and the contract run for real; the connection is ``TopologySessions`` (the topology's orgs
and users, each with its certificate). A bookmark the contract returns is a composite key holding NUL bytes,
which no command-line argument can carry: the CLI prints and reads it as a token.
"""

from __future__ import annotations

import re

import pytest

from cli import connection, receivable_commands
from client.invoices.credit_code import credit_code_check_digit
from network.contract_config import network_config
from network.topology import load as load_topology

from ..ledger_contract import Channel, TopologySessions
from .test_cli_party_commands import ok, recfin

CORE, TIER1, TIER2, BANK = "91310000MA1K000019", "91310000MA1K00002C", "91320500MA1K00003D", "91110000MA1K00006B"
REGULATOR_BODY = "11110000MB000001X"
PARTIES = [("coreenterprise", CORE, "Core", "core_enterprise", "treasurer"),
           ("supplier", TIER1, "Tier-1", "supplier", "supplier1"),
           ("supplier", TIER2, "Tier-2", "supplier", "supplier2"),
           ("bank", BANK, "Bank", "financier", "officer1"),
           ("regulator", REGULATOR_BODY + credit_code_check_digit(REGULATOR_BODY), "Regulator", "regulator",
            "inspector1")]
SHELL_SAFE = re.compile(r"[A-Za-z0-9_-]+")


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def parties_on_the_contract(monkeypatch, tmp_path) -> Channel:
    """The story's parties registered on the contract, the commands connected to it through ``TopologySessions``."""
    topology = load_topology()
    sessions = TopologySessions(Channel(network_config(topology)), topology, tmp_path)
    monkeypatch.setattr(connection, "open_session", sessions.open_session)
    # the commands' checks before connecting count today as the contract does: the channel's business date
    monkeypatch.setattr(receivable_commands, "business_today", sessions.channel.today)
    for org, uscc, name, role, user in PARTIES:
        ok("party", "register", "--uscc", uscc, "--name", name, "--role", role, "--client", user,
           "--as", f"{org}/admin")
    return sessions.channel


def register(number: str, *, face: str = "1,130.00", invoice_amounts: str = "1000.00,130.00",
             currency: str = "CNY"):
    return recfin("receivable", "register", "--as", "supplier/supplier1", "--debtor", CORE, "--face", face,
                  "--currency", currency, "--issue", "2026-03-02", "--due", "2026-05-31",
                  "--invoice", f"{number},2026-03-01,{invoice_amounts}", "--contract-hash", "c" * 64)


def registered(number: str, **kwargs) -> str:
    res = register(number, **kwargs)
    assert res.exit_code == 0, res.output
    return res.output.split()[1]  # "id: R-..."


# ------------------------------------------------------------------ paging from a shell

def test_the_next_page_is_a_shell_safe_token_that_lists_the_rest(channel):
    ids = {registered(f"2631200000001234567{i}") for i in range(3)}
    first = recfin("receivable", "list", "--page-size", "2", "--as", "supplier/supplier1")
    assert first.exit_code == 0, first.output
    hint = first.output.strip().splitlines()[-1]
    assert hint.startswith("next page: --bookmark ")
    token = hint.removeprefix("next page: --bookmark ")
    assert SHELL_SAFE.fullmatch(token), token   # the contract's bookmark holds NULs, which argv cannot carry

    rest = recfin("receivable", "list", "--page-size", "2", "--bookmark", token, "--as", "supplier/supplier1")
    assert rest.exit_code == 0, rest.output
    assert "next page" not in rest.output
    shown = {line.split()[0] for line in first.output.splitlines() + rest.output.splitlines()
             if line.startswith("R-")}
    assert shown == ids


def test_a_json_page_keeps_the_contracts_bookmark_and_adds_the_token_the_option_takes(channel):
    ids = {registered(f"2631200000001234567{i}") for i in range(3)}
    first = ok("receivable", "list", "--page-size", "2", "--as", "supplier/supplier1")
    assert "\x00" in first["bookmark"]   # the SDK's page, as the contract returned it
    assert SHELL_SAFE.fullmatch(first["bookmark_token"])
    rest = ok("receivable", "list", "--page-size", "2", "--bookmark", first["bookmark_token"],
              "--as", "supplier/supplier1")
    assert (rest["bookmark"], rest["bookmark_token"]) == ("", "")
    assert {r["id"] for r in first["records"] + rest["records"]} == ids


@pytest.mark.parametrize("token", ["not a token!", "A", "_w", "AHJlY2Zpbi5ieS1ob2xkZXIA="])
def test_a_bookmark_that_is_not_a_token_is_a_usage_error_naming_the_option(channel, token):
    sent = len(channel.submits)
    res = recfin("receivable", "list", "--bookmark", token, "--as", "supplier/supplier1")
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--bookmark'" in res.output and "is not a bookmark token" in res.output
    assert len(channel.submits) == sent


# ------------------------------------------------------------------ amounts in the claim's currency

def test_a_claim_in_usd_takes_usd_amounts_and_refuses_cny_ones(channel):
    refused = register("26312000000012345678", face="CNY 1,130.00", currency="USD")
    assert refused.exit_code == 2, refused.output
    assert "Invalid value for '--face'" in refused.output and "is in CNY, but the amount is in USD" in refused.output
    assert channel.documents("recfin.receivable") == {}

    rid = registered("26312000000012345678", face="USD 1,130.00", invoice_amounts="USD 1000.00,USD 130.00",
                     currency="USD")
    assert ok("receivable", "get", rid, "--as", "supplier/supplier1")["face_amount"] == 113_000
    ok("receivable", "confirm", rid, "--as", "coreenterprise")

    for command, option in [("pay", "--as coreenterprise"), ("transfer", f"--to {TIER2} --as supplier/supplier1")]:
        res = recfin("receivable", command, rid, "--amount", "CNY 100", *option.split())
        assert res.exit_code == 2, res.output
        assert "Invalid value for '--amount'" in res.output and "is in CNY, but the amount is in USD" in res.output
    assert ok("receivable", "get", rid, "--as", "supplier/supplier1")["outstanding"] == 113_000

    paid = recfin("receivable", "pay", rid, "--amount", "USD 100", "--as", "coreenterprise")
    assert paid.exit_code == 0, paid.output
    assert "USD 1,030.00" in paid.output and "USD 100.00" in paid.output and "CNY" not in paid.output


def test_history_provenance_and_terms_print_the_claims_currency(channel):
    rid = registered("26312000000012345678", face="1,130.00", currency="USD")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("receivable", "transfer", rid, "--to", TIER2, "--amount", "USD 130.00", "--as", "supplier/supplier1")

    history = recfin("receivable", "history", rid, "--as", "supplier/supplier1")
    assert history.exit_code == 0, history.output
    assert "USD 1,130.00" in history.output and "CNY" not in history.output
    provenance = recfin("receivable", "provenance", f"{rid}.1", "--as", "supplier/supplier2")
    assert provenance.exit_code == 0, provenance.output
    assert f"^ {rid}" in provenance.output and "USD 1,130.00" in provenance.output
    assert "outstanding USD 130.00" in provenance.output and "CNY" not in provenance.output

    financing = ok("finance", "request", f"{rid}.2", "--as", "supplier/supplier1")["id"]
    offer = ["finance", "offer", financing, "--advance-rate", "0.9", "--discount-rate", "0.03",
             "--expires", "2026-04-30", "--as", "bank/officer1"]
    wrong = recfin(*offer, "--fees", "CNY 20.00")
    assert wrong.exit_code == 2, wrong.output
    assert "Invalid value for '--fees'" in wrong.output and "is in CNY, but the amount is in USD" in wrong.output
    offer_id = ok(*offer, "--fees", "USD 20.00")["id"]
    assert ok("finance", "terms", offer_id, "--as", "bank/officer1")["fees"] == 2_000
    terms = recfin("finance", "terms", offer_id, "--as", "bank/officer1")
    assert terms.exit_code == 0, terms.output
    assert "fees: 20.00 (in the claim's currency)" in terms.output and "CNY" not in terms.output
