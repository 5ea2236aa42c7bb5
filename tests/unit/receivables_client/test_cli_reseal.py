"""`recfin receivable reseal` over the real contract on MemoryLedger (the connection is ``TopologySessions``, as in
test_cli_pages_and_currencies.py): a claim frozen before a freeze added the regulator's org gets it back, endorsed
by the orgs its key named."""

from __future__ import annotations

import pytest

from chaincode.receivables import keys
from chaincode.shim import KeyEndorsementPolicy, create_composite_key

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import parties_on_the_contract, registered
from .test_cli_party_commands import ok, recfin

CORE_MSP, SUPPLIER_MSP, REGULATOR_MSP = "CoreEnterpriseMSP", "SupplierMSP", "RegulatorMSP"


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def claim_key(receivable_id: str) -> str:
    return create_composite_key(keys.RECEIVABLE, [receivable_id])


def key_orgs(channel: Channel, receivable_id: str) -> list[str]:
    return sorted(KeyEndorsementPolicy(channel.ledger.validation_parameters[claim_key(receivable_id)]).list_orgs())


def frozen_before_the_regulators_org_joined_a_freeze(channel: Channel, invoice_number: str) -> str:
    rid = registered(invoice_number)
    ok("receivable", "confirm", rid, "--as", "coreenterprise")
    ok("regulator", "freeze", rid, "--order", "ORDER-1", "--as", "regulator")
    kep = KeyEndorsementPolicy()
    kep.add_orgs("MEMBER", CORE_MSP, SUPPLIER_MSP)   # as a freeze before b8aeb33 left it
    channel.ledger.validation_parameters[claim_key(rid)] = kep.policy()
    return rid


def test_the_holder_or_the_regulator_reseals_a_claim_and_the_orgs_its_key_named_endorse_it(channel):
    rid = frozen_before_the_regulators_org_joined_a_freeze(channel, "26312000000012345670")
    shown = recfin("receivable", "reseal", rid, "--as", "supplier/supplier1")
    assert shown.exit_code == 0, shown.output
    assert f"orgs_before: [{CORE_MSP}, {SUPPLIER_MSP}]" in shown.output
    assert f"orgs_after: [{CORE_MSP}, {REGULATOR_MSP}, {SUPPLIER_MSP}]" in shown.output
    assert "member_form_resealed: yes" in shown.output   # the key was in the earlier form, MEMBER
    assert "entries_resealed: 0" in shown.output         # confirmed, unfinanced: no entry it covers
    assert channel.submits[-1].transaction == "ResealReceivable"
    assert channel.submits[-1].named == [CORE_MSP, SUPPLIER_MSP]
    # the reseal's transaction, as other writes print theirs (the claim's last change is not it)
    assert shown.output.splitlines()[-1] == f"tx: {channel.submits[-1].tx_id}"
    assert key_orgs(channel, rid) == [CORE_MSP, REGULATOR_MSP, SUPPLIER_MSP]
    # nothing left to reseal: refused by its rule, nothing written
    again = recfin("receivable", "reseal", rid, "--as", "regulator")
    assert again.exit_code != 0 and "nothing-to-reseal" in again.output
    assert [s.transaction for s in channel.submits].count("ResealReceivable") == 1
    # --json: the contract's answer, the regulator restoring its own org
    other = frozen_before_the_regulators_org_joined_a_freeze(channel, "26312000000012345671")
    assert ok("receivable", "reseal", other, "--as", "regulator") == {
        "receivable_id": other, "orgs_before": [CORE_MSP, SUPPLIER_MSP],
        "orgs_after": [CORE_MSP, REGULATOR_MSP, SUPPLIER_MSP], "member_form_resealed": True,
        "entries_resealed": 0, "tx_id": channel.submits[-1].tx_id}
    assert channel.submits[-1].named == [CORE_MSP, SUPPLIER_MSP]


def test_its_help_says_to_use_it_on_the_claims_upgrade_ledger_lists():
    shown = recfin("receivable", "reseal", "--help")
    assert shown.exit_code == 0
    assert "recfin chaincode upgrade-ledger" in " ".join(shown.output.split())
