"""The receivables contract across the four organisations' own peers.

The demo's full lifecycle runs as an operator would run it; then the rules that
matter most when one participant turns hostile are tried directly: a second
receivable on an invoice already used, a confirmed claim changed with the
endorsement of the wrong orgs, and a bank outside the deal reading its terms.
"""
from __future__ import annotations

import json
import secrets
from datetime import timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner

from cli.connection import open_session
from cli.demo_commands import business_today, credit_code_of
from cli.main import main
from client.gateway import CommitError, GatewayError
from client.receivables import CONTRACT_NAME, InvoiceInput, ReceivableRegistration


@pytest.fixture(scope="module")
def receivables_deployed(fabric_network):
    fabric_network.deploy_chaincode()  # the topology's chaincode: receivables, with its collections
    return fabric_network


@pytest.fixture(scope="module")
def demo_run(receivables_deployed):
    result = CliRunner().invoke(main, ["demo", "--json", "--data-root", str(receivables_deployed.data_root)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_whole_lifecycle_runs_across_the_four_orgs(demo_run, receivables_deployed):
    steps = demo_run["steps"]
    actors = {step["actor"] for step in steps}
    assert {"core", "tier1", "tier2", "bank", "regulator"} <= actors
    # Every accepted step committed with its own transaction.
    tx_ids = [step["tx_id"] for step in steps if step.get("tx_id")]
    assert len(tx_ids) == len(set(tx_ids)) > 10

    with open_session("regulator", data_root=receivables_deployed.data_root) as regulator:
        assert regulator.client.get_financing(demo_run["financing_id"]).status == "REPAID"


def test_double_financing_is_refused_on_the_ledger(demo_run):
    refusals = {step["rule"] for step in demo_run["steps"] if "rule" in step}
    assert "invoice-already-financed" in refusals


def test_a_confirmed_claim_changed_without_the_debtors_endorsement_fails_validation(demo_run, receivables_deployed):
    root = receivables_deployed.data_root
    with open_session("supplier", "supplier1", root) as tier1, open_session("supplier", "supplier2", root) as tier2, \
            open_session("coreenterprise", "treasurer", root) as core:
        today = business_today()
        debtor, holder = credit_code_of(core, ""), credit_code_of(tier1, "")
        invoice = InvoiceInput(number=f"{today:%y%m%d}{secrets.randbelow(10**14):014d}", date=today,
                               amount=Decimal("1000.00"), tax=Decimal("130.00"),
                               seller_tax_id=holder, buyer_tax_id=debtor)
        claim = tier1.client.register_receivable(ReceivableRegistration(
            debtor=debtor, face_amount=Decimal("1130.00"), issue_date=today, due_date=today + timedelta(days=60),
            invoices=[invoice], contract_hash=secrets.token_hex(32)))
        claim = core.client.confirm(claim.id)

        contract = tier1.gateway.get_network("receivables").get_contract("receivables", CONTRACT_NAME)
        # Supplier + regulator satisfy the chaincode's 2-of-4 policy, not the claim's
        # key-level policy (debtor's and holder's orgs).
        with pytest.raises(CommitError) as invalid:
            contract.submit(
                "TransferReceivable",
                arguments=[claim.id, credit_code_of(tier2, ""), "100"],
                endorsing_organizations=["SupplierMSP", "RegulatorMSP"],
            )
        assert invalid.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"
        after = tier1.client.get_receivable(claim.id)
        assert (after.status, after.holder, after.outstanding) == (claim.status, claim.holder, claim.outstanding)


def test_a_bank_outside_the_deal_cannot_read_its_terms(demo_run, receivables_deployed):
    root = receivables_deployed.data_root
    with open_session("regulator", data_root=root) as regulator:
        offer_id = regulator.client.get_financing(demo_run["financing_id"]).accepted_offer_id
        assert regulator.client.get_offer_terms(offer_id).advance_rate  # the regulator is a member
    with open_session("coreenterprise", data_root=root) as core:
        with pytest.raises(GatewayError):
            core.client.get_offer_terms(offer_id)
