"""An --offers file and a bank's pricing held to what the ledger holds: a claim with nothing outstanding is refused
whatever its financing, dates are YYYY-MM-DD strings, and a currency is one of hundredths."""
import copy
import json
from datetime import date
from pathlib import Path

import pytest

from cli.finance_commands import finance
from client.pricing import (EarlyPaymentOffer, PricingConfigError, ReceivableTerms, bank_config_path, load_bank_config,
                            rank_proposals)

from ..cli_errors import error_line, invoke as run_command

OFFERS = json.loads((Path(__file__).parents[3] / "client" / "pricing" / "samples" / "offers.json").read_text())


def compare(tmp_path, change):
    data = copy.deepcopy(OFFERS)
    change(data)
    path = tmp_path / "offers.json"
    path.write_text(json.dumps(data))
    return run_command(finance, "compare", "RCV-1", "--offers", path, "--on", "2026-12-01")


@pytest.mark.parametrize("status, says", [
    ("SETTLED", "RCV-1 is settled: nothing is outstanding on it, so nothing is left to finance or pay early"),
    ("SPLIT", "RCV-1 was split: nothing is outstanding on it, so nothing is left to finance or pay early; compare "
              "the part you hold"),
])
def test_compare_refuses_a_claim_with_nothing_outstanding_though_the_file_gives_its_financing(tmp_path, status, says):
    # the sample's financing_id is still in the file: the early-payment offer was ranked first, "withdraw the request"
    result = compare(tmp_path, lambda data: data["receivable"].update(status=status))
    assert result.exit_code == 1
    assert error_line(result).endswith(f"offers.json: {says}")
    assert "DD-1" not in result.output


def test_rank_proposals_refuses_a_settled_claim_as_the_ledger_reader_does():
    terms = ReceivableTerms(receivable_id="RCV-1", face_amount=100, due_date=date(2027, 3, 1), status="SETTLED",
                            financing_id="F-1", financing_status="REQUESTED")
    with pytest.raises(ValueError, match="^RCV-1 is settled: nothing is outstanding on it"):
        rank_proposals(terms, date(2026, 12, 1), [])


@pytest.mark.parametrize("where, field, value", [
    (("receivable",), "due_date", 0),
    (("receivable",), "due_date", "0"),
    (("receivable",), "due_date", "20270301"),
    (("bank_offers", 0), "expires_on", 20261210),
    (("early_payments", 0), "expires_on", "2027-W01-1"),
])
def test_compare_refuses_a_date_not_written_yyyy_mm_dd(tmp_path, where, field, value):
    def change(data):
        node = data
        for key in where:
            node = node[key]
        node[field] = value
    result = compare(tmp_path, change)
    assert result.exit_code == 2
    path = ".".join(map(str, where + (field,)))
    assert f"{path}: {field} is {value!r}: give a calendar date as YYYY-MM-DD" in error_line(result)


@pytest.mark.parametrize("currency", ["JPY", "KWD", "XXX"])
def test_a_pricing_config_in_a_currency_not_of_hundredths_is_refused(tmp_path, currency):
    path = tmp_path / "bank.yaml"
    path.write_text(bank_config_path("bank").read_text().replace("currency: CNY", f"currency: {currency}", 1))
    with pytest.raises(PricingConfigError, match=f"currency: {currency}'s minor unit is not a hundredth"):
        load_bank_config(path)


def test_a_claim_an_earlier_contract_registered_in_yen_is_still_compared(tmp_path):
    # the contract refuses a new claim in JPY, but one registered before that rule is on the ledger, and its holder
    # compares its offers (as the ledger reader gives them, or in a file of that shape)
    result = compare(tmp_path, lambda data: data["receivable"].update(currency="JPY"))
    assert result.exit_code == 0, result.output
    assert "JPY" in result.output and "minor unit" not in result.output


def test_a_claim_currency_is_still_a_three_letter_code(tmp_path):
    result = compare(tmp_path, lambda data: data["receivable"].update(currency="yen"))
    assert result.exit_code == 2
    assert "receivable.currency: 'yen' is not a currency" in error_line(result)


def test_early_payment_on_an_overdue_claim_with_a_request_is_not_ranked_behind_a_withdrawal_a_financed_one_is():
    # withdrawing the request would leave the claim OVERDUE, and the contract discounts only a CONFIRMED one
    terms = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1),
                            status="OVERDUE", financing_id="F-1")
    early = EarlyPaymentOffer.model_validate(OFFERS["early_payments"][0])
    [dd] = rank_proposals(terms, date(2026, 12, 1), [], [early])
    assert (dd.eligible, dd.takeable_now, dd.first_step, dd.rank_by_cost) == (True, False, None, None)
    assert dd.why.startswith("not takeable: RCV-1 has a live financing request F-1")
    assert "RCV-1 is OVERDUE, and the contract takes an offer only on a CONFIRMED claim" in dd.why
    # a FINANCED claim is the financing's doing: cancelling an accepted one makes it CONFIRMED again
    financed = terms.model_copy(update={"status": "FINANCED", "financing_status": "ACCEPTED"})
    [dd] = rank_proposals(financed, date(2026, 12, 1), [], [early])
    assert (dd.takeable_now, dd.first_step, dd.rank_by_cost) == (False, "cancel the accepted financing", 1)
