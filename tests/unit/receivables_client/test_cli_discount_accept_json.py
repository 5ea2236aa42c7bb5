"""`recfin discount accept --json` prints the terms the claim settled on, as the text does after the claim.

With --yes the offer is read as the acceptance is sent, so its JSON is the one place a script learns which
rate, day count and expiry it accepted. Over the real contract on MemoryLedger (``TopologySessions``)."""
from __future__ import annotations

import json

import pytest

from . import test_cli_and_contract_agree as on_the_contract
from .test_cli_party_commands import ok, recfin

channel = on_the_contract.channel    # the fixture: the story's parties registered on the contract
confirmed = on_the_contract.confirmed


def published(*terms: str) -> dict:
    return ok("discount", "publish", *terms, "--expires", "2026-04-01", "--as", "coreenterprise")


@pytest.mark.usefixtures("channel")
def test_the_json_of_an_acceptance_holds_the_flat_rate_accepted():
    rid = confirmed()
    offer = published("--apr", "0.05")
    accepted = ok("discount", "accept", offer["id"], rid, "--yes", "--as", "supplier/supplier1")
    assert accepted["status"] == "SETTLED" and accepted["payments"][-1]["method"] == "dynamic-discount"
    assert accepted["terms_accepted"] == {"apr": "0.05", "scale": None, "day_count": "ACT/360",
                                          "expires_on": "2026-04-01"}
    # the terms as `discount get --json` spells them, which --as-read takes back
    assert accepted["terms_accepted"] == {key: offer[key] for key in accepted["terms_accepted"]}


@pytest.mark.usefixtures("channel")
def test_the_json_of_an_acceptance_as_read_holds_the_scale_read(tmp_path):
    rid = confirmed()
    offer = published("--tier", "30:0.04", "--tier", "60:0.05", "--day-count", "ACT/365")
    saved = tmp_path / "offer.json"
    saved.write_text(json.dumps(offer))
    accepted = ok("discount", "accept", offer["id"], rid, "--as-read", str(saved),
                  "--as", "supplier/supplier1")
    assert accepted["terms_accepted"] == {"apr": None, "scale": [{"min_days_early": 30, "apr": "0.04"},
                                                                 {"min_days_early": 60, "apr": "0.05"}],
                                          "day_count": "ACT/365", "expires_on": "2026-04-01"}


@pytest.mark.usefixtures("channel")
def test_the_text_still_names_the_terms_after_the_claim():
    rid = confirmed()
    offer = published("--apr", "0.05")
    res = recfin("discount", "accept", offer["id"], rid, "--yes", "--as", "supplier/supplier1")
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[-1] == "on the terms read: apr 0.05, ACT/360, expires 2026-04-01"
