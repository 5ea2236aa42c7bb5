"""`discount get` of a sliding-scale offer and `receivable get` of a split claim, as people read them: the
scale's tiers and the claim's parts as key=value lists, never Python reprs; --json keeps the contract's document."""

from __future__ import annotations

import pytest

from tests.unit.receivables_client.test_cli_pages_and_currencies import parties_on_the_contract, registered
from tests.unit.receivables_client.test_cli_party_commands import ok, recfin


@pytest.fixture
def channel(monkeypatch, tmp_path):
    return parties_on_the_contract(monkeypatch, tmp_path)


def lines(*args: str) -> dict[str, str]:
    res = recfin(*args)
    assert res.exit_code == 0, res.output
    return dict(line.split(": ", 1) for line in res.output.splitlines() if ": " in line)


def test_a_scale_and_a_split_claims_parts_read_as_key_values(channel):
    rid = registered("26312000000012345678")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("receivable", "transfer", rid, "--to", "91320500MA1K00003D", "--amount", "300.00", "--as", "supplier/supplier1")
    offer = ok("discount", "publish", "--tier", "30:0.04", "--tier", "60:0.05", "--expires", "2026-04-01",
               "--receivable", f"{rid}.1", "--as", "coreenterprise")
    shown = lines("discount", "get", offer["id"], "--as", "coreenterprise")
    assert shown["scale"] == "[{min_days_early=30, apr=0.04}, {min_days_early=60, apr=0.05}]"
    assert shown["receivable_ids"] == f"[{rid}.1]"
    assert lines("receivable", "get", rid, "--as", "supplier/supplier1")["children"] == f"[{rid}.1, {rid}.2]"
    assert ok("discount", "get", offer["id"], "--as", "coreenterprise")["scale"] == [
        {"min_days_early": 30, "apr": "0.04"}, {"min_days_early": 60, "apr": "0.05"}]


def test_the_holder_of_a_part_reads_the_offer_on_its_parent_by_naming_the_part(channel):
    rid = registered("26312000000012345679")
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    offer = ok("discount", "publish", "--apr", "0.05", "--expires", "2026-04-01", "--receivable", rid,
               "--as", "coreenterprise")
    ok("receivable", "transfer", rid, "--to", "91320500MA1K00003D", "--amount", "300.00", "--as", "supplier/supplier1")
    refused = recfin("discount", "get", offer["id"], "--as", "supplier/supplier2")
    assert refused.exit_code == 1, refused.output
    shown = ok("discount", "get", offer["id"], "--receivable", f"{rid}.1", "--as", "supplier/supplier2")
    assert (shown["id"], shown["receivable_ids"]) == (offer["id"], [rid])
