"""A bank's audit of the demo's claims on the real network: the confirmation and the party records were endorsed
by the orgs they name, as the SDK sends them, every signature verifies against the channel's own MSPs, the
claim the debtor's org confirmed is the claim its registration wrote (the creditor's org's, ``expected_msp``),
and the invoice registry holds the claim's invoice for it.

The demo registers its parties and confirms its claim through the SDK, which names the endorsing orgs of both
(the party's own org and another; the debtor's org and the holder's). The audit reads the blocks from a peer of
the auditor's own org: qscc for the transactions and the config block, the contract for the histories.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.connection import open_session
from cli.main import main
from client.receivables.audit import ReceivableAudit

from .conftest import peers_caught_up


@pytest.fixture(scope="module")
def demo_claims(receivables_deployed) -> dict[str, str]:
    result = CliRunner().invoke(main, ["demo", "--skip-setup", "--json", "--data-root",
                                       str(receivables_deployed.data_root)])
    assert result.exit_code == 0, result.output
    peers_caught_up()
    root, moved, kept = json.loads(result.stdout)["ledger"][:3]   # then the disputed claim, left frozen
    return {"root": root["id"], "moved": moved["id"], "kept": kept["id"]}


def test_the_regulator_audits_the_demos_confirmed_claim_and_every_check_passes(demo_claims, receivables_deployed):
    result = CliRunner().invoke(main, ["receivable", "audit", demo_claims["root"], "--as", "regulator",
                                       "--data-root", str(receivables_deployed.data_root), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["passed"] and report["auditor_msp"] == "RegulatorMSP"
    assert [(c["what"], c["expected_msp"]) for c in report["checks"]] == [
        ("confirmation", "CoreEnterpriseMSP"), ("changes before confirmation", "SupplierMSP"),
        ("debtor party record", "CoreEnterpriseMSP"), ("holder party record", "SupplierMSP"),
        ("invoice registry", "")]                     # read on the auditor's own peer: no org endorses it
    # the claim as confirmed is the one registered; read from values, the check counts no endorsement
    before = report["checks"][1]
    assert before["reason"].startswith(f"its confirmation ({before['tx_id']}) wrote {demo_claims['root']} as its "
                                       "registration") and before["verified_endorsers"] == []


def test_the_financing_bank_audits_the_split_part_it_financed(demo_claims, receivables_deployed):
    with open_session("bank", "officer2", receivables_deployed.data_root) as bank2:
        report = ReceivableAudit.of(bank2.client, bank2.profile.msp_id).audit(demo_claims["kept"])
        assert report.passed, report.checks
        # the split that created the part is what the audit checked, with the debtor's org among its endorsers;
        # created confirmed, the part had no change before its confirmation: its root's are checked, the root's
        # writes read back from the bank's own peer's blocks where the contract refuses the bank its history
        confirmation = report.checks[0]
        assert "CoreEnterpriseMSP" in confirmation.verified_endorsers
        before = next(c for c in report.checks if c.what == "changes before confirmation")
        assert before.passed and before.subject == demo_claims["root"]
        assert before.reason.startswith(f"{demo_claims['kept']} was split from {demo_claims['root']}"), before.reason
        written = bank2.client.party_history(report.debtor, endorsing_organizations=[bank2.profile.msp_id])
        debtor_record = next(c for c in report.checks if c.what == "debtor party record")
        assert written[0].msp_id == "CoreEnterpriseMSP" and debtor_record.tx_id == written[0].tx_id


def test_transaction_status_reads_the_confirmation_from_the_askers_own_peer(demo_claims,
                                                                           receivables_deployed):
    """`recfin transaction status` of the demo's confirmation: committed VALID, in the block and calling the
    function the audit found; an id no transaction has is not found (exit 4)."""
    data_root = str(receivables_deployed.data_root)
    report = CliRunner().invoke(main, ["receivable", "audit", demo_claims["root"], "--as", "regulator",
                                       "--data-root", data_root, "--json"])
    confirmation = json.loads(report.stdout)["checks"][0]["tx_id"]
    result = CliRunner().invoke(main, ["transaction", "status", confirmation, "--as", "bank", "--data-root",
                                       data_root, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert (answer["committed"], answer["validation"], answer["peer_msp"]) == (True, "VALID", "BankMSP")
    assert answer["function"].endswith("ConfirmReceivable") and answer["block"] > 0
    unknown = CliRunner().invoke(main, ["transaction", "status", "0" * 64, "--as", "bank", "--data-root",
                                        data_root])
    assert unknown.exit_code == 4, unknown.output
    assert unknown.output.startswith("NOT FOUND: ")
