"""A quote writes the debtor's probability as it was given, every digit, in fixed point: it is no rate sent to the
contract, so a model's probability written out to 17 places (`finance quote --probability`, from `risk score`'s
float) is not refused for having more places than a rate's 10."""
import json
from datetime import date
from decimal import Decimal

from client.pricing import ReceivableTerms
from client.pricing.config import bank_config_path, load_bank_config
from client.pricing.pricer import quote

TERMS = ReceivableTerms(receivable_id="RCV-1", face_amount=100_000_000, due_date=date(2027, 3, 1))


def test_a_probability_of_17_places_and_one_of_1e_minus_7_are_written_as_given():
    config = load_bank_config(bank_config_path("bank"))
    for given, written in (("0.029959999999999994", "0.029959999999999994"), ("1E-7", "0.0000001"), ("-0", "0")):
        q = quote(config, TERMS, grade="A", on=date(2026, 12, 1), probability_late=Decimal(given))
        assert json.loads(q.model_dump_json())["probability_late"] == written
