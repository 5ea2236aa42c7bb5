"""The CLI commands are thin: they parse, call the SDK (here over the recording Contract double), and render."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date

import click
import pytest
from click.testing import CliRunner

from cli import connection, receivable_commands
from cli.receivable_commands import COMMANDS
from cli.regulator_commands import bookmark_token
from client.gateway.errors import EndorseError, ErrorDetail
from client.receivables import ReceivablesClient
from network.profiles import ConnectionProfile, Endpoint, UserIdentity

from . import fakes
from .fakes import BANK, CORE, TIER2, FakeContract

recfin = click.Group("recfin", commands={c.name: c for c in COMMANDS})


def profile(org: str) -> ConnectionProfile:
    user = UserIdentity(name="u1", role="client", msp_dir="/x/msp", cert="/x/cert.pem", key="/x/key", tls_cert="/x/t",
                        tls_key="/x/k")
    end = Endpoint(address="127.0.0.1:1", host_name_override="peer0", tls_root_cert="/x/ca.pem")
    return ConnectionProfile(org=org, msp_id="SupplierMSP", channel="receivables", chaincode="receivables",
                             gateway=end, peers=[end], orderers=[end], users={"u1": user})


@pytest.fixture
def ledger(monkeypatch):
    """Replace the connection with the recording double; remember who connected."""
    contract = FakeContract()
    contract.opened = []

    @contextmanager
    def open_session(org, user=None, data_root=None, *, admin=False):
        contract.opened.append((org, user, admin))
        p = profile(org)
        yield connection.Session(ReceivablesClient(contract), p, p.users["u1"])

    monkeypatch.setattr(connection, "open_session", open_session)
    # the commands' checks before connecting count today as the double's records do (fakes: made on 2026-03-02)
    monkeypatch.setattr(receivable_commands, "business_today", lambda: date(2026, 3, 2))
    return contract


def invoke(*args: str):
    return CliRunner().invoke(recfin, list(args))


def test_confirm_acts_as_the_core_enterprise_by_default_and_prints_the_tx(ledger):
    ledger.responses["ConfirmReceivable"] = ledger.responses["GetReceivable"] = fakes.receivable()
    res = invoke("receivable", "confirm", "R-1")
    assert res.exit_code == 0, res.output
    assert ledger.opened == [("coreenterprise", None, False)]
    call = ledger.only("submit")   # endorsed by the debtor's org and the holder's, read from the claim
    assert (call.kind, call.name, call.arguments) == ("submit", "ConfirmReceivable", ["R-1"])
    assert call.endorsing_organizations == ["CoreEnterpriseMSP", "SupplierMSP"]
    assert "status: CONFIRMED" in res.output and f"tx: {'ab' * 32}" in res.output


def test_transfer_in_yuan_sends_fen_and_json_prints_the_document(ledger):
    ledger.responses["TransferReceivable"] = fakes.receivable()
    res = invoke("receivable", "transfer", "R-1", "--to", TIER2, "--amount", "300.50",
                 "--as", "supplier/supplier1", "--json")
    assert res.exit_code == 0, res.output
    assert ledger.only().arguments[:3] == ["R-1", TIER2, "30050"]  # then the SDK's business request id
    assert ledger.opened == [("supplier", "supplier1", False)]
    # with the request id it was sent with, for a retry
    assert json.loads(res.output) == {**fakes.receivable(), "request_id": ledger.only().arguments[3]}


@pytest.mark.parametrize("amount", ["12.5.0", "1.005", "-3", "1,00.00", "12.5fen", "ten"])
def test_bad_amounts_are_usage_errors_and_send_nothing(ledger, amount):
    res = invoke("receivable", "transfer", "R-1", "--to", TIER2, "--amount", amount)
    assert res.exit_code == 2, res.output
    assert ledger.calls == []


def test_an_amount_in_another_currency_than_the_claims_is_a_usage_error_and_changes_nothing(ledger):
    ledger.responses["GetReceivable"] = fakes.receivable()   # a CNY claim
    res = invoke("receivable", "transfer", "R-1", "--to", TIER2, "--amount", "USD 10.00")
    assert res.exit_code == 2, res.output
    assert "'USD 10.00' is in USD, but the amount is in CNY" in res.output
    assert [(c.kind, c.name) for c in ledger.calls] == [("evaluate", "GetReceivable")]


def test_a_refusal_is_one_line_with_the_rule(ledger):
    ledger.errors["RequestFinancing"] = EndorseError(
        "failed to endorse transaction", transaction_id="tx-1",
        details=[ErrorDetail("peer0:8051", "SupplierMSP", "chaincode response 500, RULE financing-already-live: R-1 already has live financing F-1")])
    res = invoke("finance", "request", "R-1")
    assert res.exit_code == 1
    assert res.output.strip() == ("Error: RequestFinancing refused: RULE financing-already-live: "
                                  "R-1 already has live financing F-1")


def test_offer_sends_the_terms_as_transient_data(ledger):
    ledger.responses["MakeFinancingOffer"] = fakes.offer()
    ledger.responses["GetFinancing"] = {**fakes.financing(status="REQUESTED"), "offers": []}
    ledger.responses["GetReceivable"] = fakes.receivable()
    ledger.responses["WhoAmI"] = fakes.party(msp_id="BankMSP", role="financier")
    res = invoke("finance", "offer", "F-1", "--advance-rate", "0.9", "--discount-rate", "0.036", "--fees", "200.00",
                 "--expires", "2026-04-30")
    assert res.exit_code == 0, res.output
    assert ledger.opened == [("bank", None, False)]
    sent = ledger.calls[-1]
    assert sent.name == "MakeFinancingOffer" and sent.arguments == ["F-1"]
    terms = json.loads(sent.transient["terms"])
    assert {k: terms[k] for k in ("advance_rate", "discount_rate", "fees", "recourse", "expires_on")} == {
        "advance_rate": "0.9", "discount_rate": "0.036", "fees": 20_000, "recourse": False, "expires_on": "2026-04-30"}


def test_financing_cancel_sends_the_reason_as_the_holder_and_pins_the_three_orgs(ledger):
    ledger.responses["GetFinancing"] = {**fakes.financing(), "offers": []}
    ledger.responses["GetReceivable"] = fakes.receivable(status="FINANCED")
    ledger.responses["CancelFinancing"] = fakes.financing(status="CANCELLED", cancelled_on="2026-06-01",
                                                          cancellation_reason="not disbursed by the due date")
    res = invoke("finance", "cancel", "F-1", "--reason", "not disbursed by the due date")
    assert res.exit_code == 0, res.output
    assert ledger.opened == [("supplier", None, False)]
    sent = ledger.calls[-1]
    assert (sent.kind, sent.name, sent.arguments) == ("submit", "CancelFinancing", ["F-1", "not disbursed by the due date"])
    assert sent.endorsing_organizations == ["CoreEnterpriseMSP", "SupplierMSP", "BankMSP"]
    assert "status: CANCELLED" in res.output and "cancelled_on: 2026-06-01" in res.output
    as_bank = invoke("finance", "cancel", "F-1", "--reason", "credit line withdrawn", "--as", "bank/officer1", "--json")
    assert as_bank.exit_code == 0, as_bank.output
    assert json.loads(as_bank.output)["status"] == "CANCELLED"
    assert ledger.calls[-1].arguments == ["F-1", "credit line withdrawn"]


def test_financing_cancel_needs_a_reason_and_sends_nothing_without_one(ledger):
    res = invoke("finance", "cancel", "F-1")
    assert res.exit_code == 2 and "--reason" in res.output
    assert ledger.calls == []


DEMAND = {"on": "2026-06-02", "reason": "unpaid at maturity", "outstanding": 750_00, "currency": "CNY",
          "tx_id": "a" * 64}
# a command calling on the holder's recourse: its name, its transaction, the fields of the financing it returns,
# the lines that show them
RECOURSE_COMMANDS = [
    ("recourse", "ExerciseRecourse",
     {"status": "RECOURSED", "recourse_on": "2026-06-02", "recourse_reason": "unpaid at maturity"},
     ["CoreEnterpriseMSP", "SupplierMSP", "BankMSP"],
     ["status: RECOURSED", "recourse_on: 2026-06-02", "recourse_reason: unpaid at maturity"]),
    ("demand-recourse", "DemandRecourse",   # the financing record alone: the terms' collection's orgs
     {"status": "DISBURSED", "recourse_demands": [DEMAND]},
     ["SupplierMSP", "BankMSP"],
     ["status: DISBURSED", "recourse_demand: 2026-06-02, CNY 750.00 outstanding: unpaid at maturity"]),
]


@pytest.mark.parametrize("command, transaction, answered, orgs, shown", RECOURSE_COMMANDS,
                         ids=[c[0] for c in RECOURSE_COMMANDS])
def test_financing_recourse_is_the_banks_and_sends_the_accepted_terms_and_the_reason(ledger, command, transaction,
                                                                                      answered, orgs, shown):
    ledger.responses["GetFinancing"] = {**fakes.financing(status="DISBURSED"),
                                        "offers": [fakes.offer(status="ACCEPTED")]}
    ledger.responses["GetOfferTerms"] = fakes.terms(recourse=True)
    ledger.responses["GetReceivable"] = fakes.receivable(status="OVERDUE")
    ledger.responses[transaction] = fakes.financing(**answered)
    res = invoke("finance", command, "F-1", "--reason", "unpaid at maturity")
    assert res.exit_code == 0, res.output
    assert ledger.opened == [("bank", None, False)]   # the bank's command: its identity unless --as says otherwise
    sent = ledger.calls[-1]
    assert (sent.kind, sent.name, sent.arguments) == ("submit", transaction, ["F-1", "unpaid at maturity"])
    assert json.loads(sent.transient["terms"]) == fakes.terms(recourse=True)
    assert sent.endorsing_organizations == orgs
    assert set(shown) <= set(res.output.splitlines()), res.output
    assert res.output.splitlines()[-1] == f"tx: {fakes.financing()['last']['tx_id']}"
    as_json = invoke("finance", command, "F-1", "--reason", "unpaid", "--json")
    assert as_json.exit_code == 0 and \
        {field: json.loads(as_json.output)[field] for field in answered} == answered
    calls = len(ledger.calls)
    assert invoke("finance", command, "F-1").exit_code == 2 and len(ledger.calls) == calls  # no reason, nothing sent


def test_financing_get_shows_each_recourse_demand_on_a_line_of_its_own(ledger):
    demands = [{"on": "2026-06-02", "reason": "repurchase within 10 days", "outstanding": 750_00, "currency": "CNY",
                "tx_id": "a" * 64},
               {"on": "2026-06-15", "reason": "new deadline 2026-06-25", "outstanding": 500_00, "currency": "CNY",
                "tx_id": "b" * 64}]
    ledger.responses["GetFinancing"] = {**fakes.financing(status="DISBURSED", recourse_demands=demands,
                                                          last=fakes.action("DemandRecourse")),
                                        "offers": []}
    res = invoke("finance", "get", "F-1", "--as", "bank/officer1")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert [line for line in lines if line.startswith("recourse_demand")] == [
        "recourse_demand: 2026-06-02, CNY 750.00 outstanding: repurchase within 10 days",
        "recourse_demand: 2026-06-15, CNY 500.00 outstanding: new deadline 2026-06-25"]
    assert lines[-1] == f"tx: {fakes.action('DemandRecourse')['tx_id']}"
    assert "recourse_on" not in res.output   # demanded, not exercised
    as_json = json.loads(invoke("finance", "get", "F-1", "--as", "bank/officer1", "--json").output)
    assert as_json["recourse_demands"] == demands


def test_a_recourse_demands_reason_that_breaks_the_line_prints_escaped_on_its_own_line(ledger):
    """A demand recorded before the contract held reasons to one line may hold a line break (here forging an
    ``Error:`` line) or a right-to-left override: quoted with escapes, as a table's cell is."""
    demand = {"on": "2026-06-02", "outstanding": 750_00, "currency": "CNY", "tx_id": "a" * 64,
              "reason": "unpaid\nError: forged line \u202eevil"}
    ledger.responses["GetFinancing"] = {**fakes.financing(status="DISBURSED", recourse_demands=[demand],
                                                          last=fakes.action("DemandRecourse")), "offers": []}
    res = invoke("finance", "get", "F-1", "--as", "bank/officer1")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert [line for line in lines if line.startswith("recourse_demand")] == [
        r"recourse_demand: 2026-06-02, CNY 750.00 outstanding: 'unpaid\nError: forged line \u202eevil'"]
    assert not any(line.startswith("Error:") for line in lines)


def test_financing_get_shows_how_and_why_a_financing_ended_where_it_did(ledger):
    ledger.responses["GetFinancing"] = {**fakes.financing(status="RECOURSED", recourse_on="2026-06-02",
                                                          recourse_reason="unpaid at maturity"), "offers": []}
    res = invoke("finance", "get", "F-1", "--as", "bank/officer1")
    assert res.exit_code == 0, res.output
    assert "recourse_on: 2026-06-02" in res.output and "recourse_reason: unpaid at maturity" in res.output
    assert "cancelled_on" not in res.output   # what did not happen is not shown
    ledger.responses["GetFinancing"] = {**fakes.financing(), "offers": []}
    live = invoke("finance", "get", "F-1", "--as", "bank/officer1")
    assert "status: ACCEPTED" in live.output and "recourse" not in live.output


def test_withdraw_offer_is_the_banks_and_sends_the_offer_and_the_reason_to_the_gateways_plan(ledger):
    ledger.responses["WithdrawFinancingOffer"] = fakes.offer(status="WITHDRAWN", withdrawn_on="2026-03-05",
                                                              withdrawal_reason="terms revised")
    res = invoke("finance", "withdraw-offer", "O-1", "--reason", "terms revised")
    assert res.exit_code == 0, res.output
    assert ledger.opened == [("bank", None, False)]   # the bank's command: its identity unless --as says otherwise
    sent = ledger.calls[-1]
    assert (sent.kind, sent.name, sent.arguments) == ("submit", "WithdrawFinancingOffer", ["O-1", "terms revised"])
    # no private data and no key-level policy written: the Gateway plans the endorsement
    assert (sent.transient, sent.endorsing_organizations) == (None, None)
    assert "status: WITHDRAWN" in res.output and "withdrawal_reason: terms revised" in res.output
    as_json = invoke("finance", "withdraw-offer", "O-1", "--reason", "terms revised", "--json")
    assert as_json.exit_code == 0 and json.loads(as_json.output)["withdrawn_on"] == "2026-03-05"
    calls = len(ledger.calls)
    assert invoke("finance", "withdraw-offer", "O-1").exit_code == 2 and len(ledger.calls) == calls  # no reason


def test_financing_get_shows_when_and_why_an_offer_was_withdrawn_only_where_one_was(ledger):
    withdrawn = fakes.offer(id="O-1", status="WITHDRAWN", withdrawn_on="2026-03-05", withdrawal_reason="terms revised")
    ledger.responses["GetFinancing"] = {**fakes.financing(status="REQUESTED"),
                                        "offers": [withdrawn, fakes.offer(id="O-2")]}
    ledger.responses["GetOfferTerms"] = fakes.terms()
    shown = invoke("finance", "get", "F-1")
    assert shown.exit_code == 0, shown.output
    assert "WITHDRAWAL_REASON" in shown.output and "terms revised" in shown.output
    ledger.responses["GetFinancing"] = {**fakes.financing(status="REQUESTED"), "offers": [fakes.offer(id="O-2")]}
    assert "WITHDRAWAL_REASON" not in invoke("finance", "get", "F-1").output


def test_list_by_status_prints_the_next_bookmark_as_a_token_the_option_reads_back(ledger):
    composite = "\x00recfin.by-status\x00CONFIRMED\x00R-2\x00"
    ledger.responses["ListReceivablesByStatus"] = lambda args: fakes.page([fakes.receivable()],
                                                                          composite if args[2] == "" else "")
    res = invoke("receivable", "list", "--status", "CONFIRMED", "--page-size", "1")
    assert res.exit_code == 0, res.output
    assert ledger.only().arguments == ["CONFIRMED", "1", ""]
    token = "AHJlY2Zpbi5ieS1zdGF0dXMAQ09ORklSTUVEAFItMgA"   # base64url of the UTF-8, unpadded
    assert "R-00000000000000a1" in res.output and res.output.endswith(f"next page: --bookmark {token}\n")
    page = json.loads(invoke("receivable", "list", "--status", "CONFIRMED", "--json").output)
    assert (page["bookmark"], page["bookmark_token"]) == (composite, token)
    assert invoke("receivable", "list", "--status", "CONFIRMED", "--bookmark", token).exit_code == 0
    assert ledger.calls[-1].arguments == ["CONFIRMED", "20", composite]


def test_list_by_financier_sends_the_bank_and_the_debtor_or_none_and_follows_its_pages(ledger):
    composite = f"\x00recfin.by-financier\x00{BANK}\x00{CORE}\x00R-2\x00"
    pages = {"": fakes.page([fakes.receivable(id="R-1")], composite),
             composite: fakes.page([fakes.receivable(id="R-2")], "")}
    ledger.responses["ListReceivablesByFinancier"] = lambda args: pages[args[3]]
    res = invoke("receivable", "list", "--financier", BANK, "--page-size", "1", "--as", "bank/officer1")
    assert res.exit_code == 0, res.output
    assert ledger.only().arguments == [BANK, "", "1", ""]     # every debtor's
    assert "R-1" in res.output and res.output.endswith(f"next page: --bookmark {bookmark_token(composite)}\n")

    narrowed = invoke("receivable", "list", "--financier", BANK, "--debtor", CORE, "--page-size", "1", "--all",
                      "--json", "--as", "bank/officer1")
    assert narrowed.exit_code == 0, narrowed.output
    assert [r["id"] for r in json.loads(narrowed.output)] == ["R-1", "R-2"]
    assert [c.arguments for c in ledger.calls[-2:]] == [[BANK, CORE, "1", ""], [BANK, CORE, "1", composite]]

    every = invoke("receivable", "list", "--financier", BANK, "--all", "--json", "--as", "bank/officer1")
    assert [r["id"] for r in json.loads(every.output)] == ["R-1", "R-2"]
    page = json.loads(invoke("receivable", "list", "--financier", BANK, "--bookmark", bookmark_token(composite),
                             "--json").output)
    assert ([r["id"] for r in page["records"]], page["bookmark_token"]) == (["R-2"], "")
    assert ledger.calls[-1].arguments == [BANK, "", "20", composite]


@pytest.mark.parametrize("options", [["--financier", BANK, "--holder", TIER2],
                                     ["--financier", BANK, "--status", "FINANCED"]], ids=["holder", "status"])
def test_financier_with_holder_or_status_is_a_usage_error_and_sends_nothing(ledger, options):
    res = invoke("receivable", "list", *options, "--as", "bank/officer1")
    assert res.exit_code == 2, res.output
    assert "--financier lists a bank's claims and takes --debtor only" in res.output
    assert ledger.calls == []


def test_an_empty_financier_is_a_usage_error_and_debtor_alone_still_lists_by_debtor(ledger):
    res = invoke("receivable", "list", "--financier", " ", "--as", "bank/officer1")
    assert res.exit_code == 2 and "Invalid value for '--financier': empty" in res.output
    assert ledger.calls == []
    ledger.responses["ListReceivablesByDebtor"] = fakes.page([fakes.receivable()])
    assert invoke("receivable", "list", "--debtor", CORE, "--as", "coreenterprise").exit_code == 0
    assert (ledger.only().name, ledger.only().arguments) == ("ListReceivablesByDebtor", [CORE, "20", ""])


def _open_offer(offer_id: str) -> dict:
    doc = {**fakes.offer(id=offer_id, status="OPEN"), "debtor": CORE}
    del doc["expires_on"]   # private: the list of open offers shows none
    return doc


def test_finance_offers_lists_the_callers_own_bank_by_default_and_follows_its_pages(ledger):
    ledger.responses["WhoAmI"] = fakes.party(uscc=BANK, msp_id="BankMSP", role="financier")
    composite = f"\x00recfin.open-offer\x00{BANK}\x00{CORE}\x00O-2\x00"
    pages = {"": fakes.page([_open_offer("O-1")], composite), composite: fakes.page([_open_offer("O-2")], "")}
    ledger.responses["ListOffersByFinancier"] = lambda args: pages[args[3]]
    res = invoke("finance", "offers", "--page-size", "1")
    assert res.exit_code == 0, res.output
    assert ledger.opened == [("bank", None, False)]
    assert [(c.name, c.arguments) for c in ledger.calls] == [("WhoAmI", []), ("ListOffersByFinancier",
                                                                               [BANK, "", "1", ""])]
    header = res.output.splitlines()[0].split()
    assert header == ["ID", "FINANCING_ID", "RECEIVABLE_ID", "DEBTOR", "STATUS", "MADE_ON"]
    assert "O-1" in res.output and CORE in res.output
    assert res.output.endswith(f"next page: --bookmark {bookmark_token(composite)}\n")

    every = invoke("finance", "offers", "--debtor", CORE, "--page-size", "1", "--all", "--json")
    assert [(o["id"], o["debtor"]) for o in json.loads(every.output)] == [("O-1", CORE), ("O-2", CORE)]
    assert [c.arguments for c in ledger.calls[-2:]] == [[BANK, CORE, "1", ""], [BANK, CORE, "1", composite]]
    page = json.loads(invoke("finance", "offers", "--bookmark", bookmark_token(composite), "--json").output)
    assert ([o["id"] for o in page["records"]], page["bookmark_token"]) == (["O-2"], "")
    # one debtor's first page, as the help's example asks for it: the debtor goes with the page too
    one = invoke("finance", "offers", "--debtor", CORE, "--json")
    assert one.exit_code == 0 and ledger.calls[-1].arguments == [BANK, CORE, "20", ""]


def test_finance_offers_of_a_named_bank_asks_no_who_am_i_and_an_empty_code_is_a_usage_error(ledger):
    ledger.responses["ListOffersByFinancier"] = fakes.page([_open_offer("O-1")])
    res = invoke("finance", "offers", "--financier", BANK, "--as", "regulator", "--all")
    assert res.exit_code == 0, res.output
    assert (ledger.only().name, ledger.only().arguments) == ("ListOffersByFinancier", [BANK, "", "20", ""])
    assert ledger.opened == [("regulator", None, False)] and "O-1" in res.output
    # the regulator has no offers of its own: it names the bank, told so before anything is sent
    ledger.calls.clear()
    ledger.responses["WhoAmI"] = fakes.party(msp_id="RegulatorMSP", role="regulator")
    refused = invoke("finance", "offers", "--as", "regulator")
    assert refused.exit_code == 2 and "--financier" in refused.output and "name the bank" in refused.output
    assert [c.name for c in ledger.calls] == ["WhoAmI"]
    for option in ("--financier", "--debtor"):
        ledger.calls.clear()
        refused = invoke("finance", "offers", option, " ", "--as", "bank/officer1")
        assert refused.exit_code == 2 and f"Invalid value for '{option}': empty" in refused.output
        assert ledger.calls == []


def test_finance_offers_help_shows_an_example_and_the_withdrawal(ledger):
    res = invoke("finance", "offers", "--help")
    assert res.exit_code == 0
    assert "Example:" in res.output and "recfin finance withdraw-offer" in res.output


@pytest.mark.parametrize("tier", ["30:0.04:9", "30", "x:0.04", "30:", ":0.04", "-30:0.04"])
def test_a_tier_that_is_not_exactly_days_and_apr_is_a_usage_error_and_sends_nothing(ledger, tier):
    res = invoke("discount", "publish", "--tier", "60:0.05", "--tier", tier, "--expires", "2026-04-30")
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--tier'" in res.output and "write DAYS:APR" in res.output
    assert ledger.calls == []


@pytest.mark.parametrize("tier", ["0:0.04", "3661:0.04", "99999999999999999999:0.04", "9" * 5000 + ":0.04"])
def test_a_tier_outside_the_contracts_days_is_a_usage_error_and_sends_nothing(ledger, tier):
    res = invoke("discount", "publish", "--tier", tier, "--expires", "2026-04-30")
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--tier'" in res.output and "from 1 to 3660" in res.output
    assert ledger.calls == []


def test_tiers_are_sent_as_days_and_rate(ledger):
    ledger.responses["PublishDiscountOffer"] = fakes.discount_offer()
    res = invoke("discount", "publish", "--tier", "30:0.04", "--tier", " 60 : 0.05 ", "--expires", "2026-04-30")
    assert res.exit_code == 0, res.output
    sent = json.loads(ledger.only().arguments[0])
    assert sent["scale"] == [{"min_days_early": 30, "apr": "0.04"}, {"min_days_early": 60, "apr": "0.05"}]


def test_discount_withdraw_acts_as_the_core_enterprise_and_prints_the_withdrawn_offer(ledger):
    withdrawn = fakes.discount_offer(status="WITHDRAWN", withdrawn_on="2026-03-05",
                                     last=fakes.action("WithdrawDiscountOffer", CORE, "CoreEnterpriseMSP"))
    ledger.responses["WithdrawDiscountOffer"] = withdrawn
    res = invoke("discount", "withdraw", "D-1")
    assert res.exit_code == 0, res.output
    assert ledger.opened == [("coreenterprise", None, False)]
    call = ledger.only()
    assert (call.kind, call.name, call.arguments) == ("submit", "WithdrawDiscountOffer", ["D-1"])
    assert "status: WITHDRAWN" in res.output and "withdrawn_on: 2026-03-05" in res.output
    assert json.loads(invoke("discount", "withdraw", "D-1", "--json").output) == withdrawn


def test_party_register_connects_as_the_org_admin(ledger):
    ledger.responses["RegisterParty"] = fakes.party()
    res = invoke("party", "register", "--uscc", CORE, "--name", "Core", "--role", "core_enterprise",
                 "--client-id", "x509::CN=a::CN=ca", "--as", "coreenterprise")
    assert res.exit_code == 0, res.output
    assert ledger.opened == [("coreenterprise", None, True)]
    body = json.loads(ledger.only().arguments[0])
    assert body["client_ids"] == ["x509::CN=a::CN=ca"] and body["msp_id"] == "SupplierMSP"


def test_default_user_is_the_first_client_or_the_admin(tmp_path):
    p = profile("supplier")
    cert = tmp_path / "cert.pem"
    cert.write_text("its certificate file is there")
    first = p.users["u1"].model_copy(update={"cert": cert})
    admin = first.model_copy(update={"name": "admin", "role": "admin"})
    second = first.model_copy(update={"name": "u2"})
    p = p.model_copy(update={"users": {"admin": admin, "u1": first, "u2": second}})
    assert connection.default_user(p) == "u1"
    assert connection.default_user(p, admin=True) == "admin"
    only_admin = p.model_copy(update={"users": {"admin": admin}})
    with pytest.raises(Exception, match="no client user"):
        connection.default_user(only_admin)


def test_register_builds_the_registration_with_the_caller_as_seller(ledger, tmp_path):
    ledger.responses["WhoAmI"] = fakes.party()
    ledger.responses["RegisterReceivable"] = fakes.receivable(status="REGISTERED")
    ledger.responses["GetContractSettings"] = fakes.contract_settings()
    contract_file = tmp_path / "contract.pdf"
    contract_file.write_bytes(b"the trade contract")
    res = invoke("receivable", "register", "--debtor", CORE, "--face", "113,000.00", "--issue", "2026-03-02",
                 "--due", "2026-05-31", "--invoice", "26312000000012345678,2026-03-01,100000,13000",
                 "--contract-file", str(contract_file))
    assert res.exit_code == 0, res.output
    body = json.loads(ledger.calls[-1].arguments[0])
    assert body["face_amount"] == 11_300_000
    assert body["invoices"] == [{"number": "26312000000012345678", "code": "", "date": "2026-03-01",
                                 "amount": 10_000_000, "tax": 1_300_000, "seller_tax_id": fakes.TIER1,
                                 "buyer_tax_id": CORE}]
    import hashlib
    assert body["contract_hash"] == hashlib.sha256(b"the trade contract").hexdigest()


def test_demo_acts_as_users_of_the_shipped_topology_with_valid_credit_codes():
    from cli.demo_commands import ACTORS, PARTIES, REGULATOR_CODE_BODY
    from client.invoices.credit_code import credit_code_check_digit, is_valid_credit_code
    from network.topology import load

    topology = load()
    users = {org.name: {u.name: u for u in org.users} for org in topology.orgs}
    msp = {org.name: org.msp_id for org in topology.orgs}
    for key, (org, user) in ACTORS.items():
        assert user in users[org], f"{key}: {org} has no user {user}"
        code = users[org][user].attrs.get("recfin.enterprise")
        assert code is None or is_valid_credit_code(code), code
    for key, _name, _role, acting in PARTIES:
        assert set(acting) <= set(users[ACTORS[key][0]])
    assert {msp[org] for org, _ in ACTORS.values()} == {"CoreEnterpriseMSP", "SupplierMSP", "BankMSP", "RegulatorMSP"}
    assert is_valid_credit_code(REGULATOR_CODE_BODY + credit_code_check_digit(REGULATOR_CODE_BODY))


@pytest.mark.parametrize("rates, expected", [
    (["--apr", "0.05", "--tier", "30:0.04"],
     "give --apr RATE (a flat rate) or --tier DAYS:APR (a sliding scale), not both"),
    ([], "give the offer's rate: --apr RATE"),
])
def test_a_discount_offer_takes_its_rate_as_apr_or_tiers_checked_before_connecting(ledger, rates, expected):
    res = invoke("discount", "publish", *rates, "--expires", "2026-04-30")
    assert res.exit_code == 2, res.output
    assert expected in res.output
    assert ledger.opened == [] and ledger.calls == []
