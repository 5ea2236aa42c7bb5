"""The receivables contract across the four organisations' own peers.

The demo's full lifecycle runs as an operator would run it; then the rules that
matter most when one participant turns hostile are tried directly: a second
receivable on an invoice already used, a confirmed claim changed with the
endorsement of the wrong orgs, a registered claim changed before its confirmation
without its creditor's org or its debtor's, and a bank outside the deal reading its terms.
A supplier withdraws a claim its debtor has not answered, and registers the invoice
again on a corrected claim.
A bank's attestation of an invoice verification is read by the supplier from
its own peer before it registers the claim. A bank quotes a claim from the
ledger (the debtor's payment record and its own exposure, read as the bank),
makes the offer, and the holder sees it ranked. A bank reads a debtor's payment
record (holders as tokens) and its own exposure, the regulator any bank's, and
the holder lists the debtor's discount offers on its claim. An accepted financing
the bank does not disburse is cancelled with the bank's org among the endorsers
(without it the claim's key-level policy invalidates the cancellation), after
which the debtor's and holder's orgs alone may change the claim again. An offer's
expiry stays off the public record, the block and the event, and an acceptance
without the offer's terms is refused and changes nothing.
"""
from __future__ import annotations

import json
import secrets
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner

from cli.connection import open_session
from cli.demo_commands import ACTORS, business_today, credit_code_of
from cli.main import main
from client.gateway import CommitError, EndorseError
from client.invoices.fingerprint import fingerprint_of
from client.ledger.endorsements import committed_transaction
from client.ledger.qscc import QSCC, transaction_by_id
from client.pricing import bank_config_path
from client.receivables import (
    CONTRACT_NAME, DiscountOfferRequest, FinancingTerms, InvoiceAttestationRequest, InvoiceInput,
    ReceivableRegistration, ReceivablesEvent, RuleViolation,
)
from client.receivables.errors import rule_violation_from

from .conftest import EVENT_WAIT, caught_up, peers_caught_up, register_claim


@pytest.fixture(scope="module")
def demo_run(receivables_deployed):
    # the fixture deployed the chaincode: the demo tells its story on the running network as it is
    result = CliRunner().invoke(main, ["demo", "--skip-setup", "--json", "--data-root",
                                       str(receivables_deployed.data_root)])
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
        claim = register_claim(tier1, core, "1000.00", "130.00", days=60)
        claim = caught_up(core, tier1).confirm(claim.id)
        caught_up(tier1, core)  # the transfer below is endorsed on the supplier's peer

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


def test_a_registered_claim_changed_without_its_creditors_or_its_debtors_org_fails_validation(
        demo_run, receivables_deployed):
    root = receivables_deployed.data_root
    with open_session("supplier", "supplier1", root) as tier1, open_session("coreenterprise", "treasurer", root) as core, \
            open_session("regulator", data_root=root) as regulator:
        claim = register_claim(tier1, core, "1000.00", "130.00", days=60)
        caught_up(core, tier1)  # every peer has the registration: each org named below can endorse

        def contract_of(session):
            return session.gateway.get_network("receivables").get_contract("receivables", CONTRACT_NAME)

        # The claim's key-level policy holds from registration on (debtor's and holder's orgs): two orgs that
        # meet the chaincode's 2-of-4 policy, one of them missing, cannot change it before its confirmation.
        attempts = [(contract_of(core), "RejectReceivable", [claim.id, "not owed"], ["CoreEnterpriseMSP", "BankMSP"]),
                    (contract_of(tier1), "WithdrawReceivable", [claim.id, "registered in error"],
                     ["SupplierMSP", "BankMSP"]),
                    (contract_of(regulator), "FreezeReceivable", [claim.id, f"ORDER-{secrets.token_hex(4)}"],
                     ["SupplierMSP", "RegulatorMSP"])]
        for contract, function, arguments, orgs in attempts:
            with pytest.raises(CommitError) as invalid:
                contract.submit(function, arguments=arguments, endorsing_organizations=orgs)
            assert invalid.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE", function
        after = tier1.client.get_receivable(claim.id)
        assert (after.status, after.frozen, after.holder) == ("REGISTERED", None, claim.holder)
        # left to the Gateway, the rejection is planned on the orgs the policy names, and commits
        assert caught_up(core, tier1).reject(claim.id, "not owed").status == "REJECTED"


def test_a_supplier_withdraws_a_claim_its_debtor_has_not_answered_and_its_invoice_backs_a_corrected_one(
        demo_run, receivables_deployed):
    root = receivables_deployed.data_root
    with open_session("supplier", "supplier1", root) as tier1, open_session("coreenterprise", "treasurer", root) as core:
        mistaken = register_claim(tier1, core, "1000.00", "130.00", days=60)
        caught_up(core, tier1)  # the debtor's peer, whose org the claim's policy names, has the registration
        # left to the Gateway, the withdrawal is planned on the orgs the policy names (the debtor's among them)
        withdrawn = tier1.client.withdraw(mistaken.id, "registered in error")
        assert (withdrawn.status, withdrawn.withdrawal_reason) == ("WITHDRAWN", "registered in error")
        assert withdrawn.withdrawn_on is not None
        invoice = mistaken.invoices[0]
        assert tier1.client.find_invoice(invoice.fingerprint).used is False     # released
        # every peer has the release, whichever two the Gateway asks to endorse the new registration
        corrected = caught_up(tier1, tier1).register_receivable(ReceivableRegistration(
            debtor=mistaken.debtor, face_amount=Decimal("1100.00"), issue_date=business_today(),
            due_date=mistaken.due_date, contract_hash=mistaken.contract_hash,
            invoices=[InvoiceInput(**invoice.model_dump(exclude={"fingerprint"}))]))
        assert (corrected.status, corrected.invoices[0].fingerprint) == ("REGISTERED", invoice.fingerprint)
        with pytest.raises(RuleViolation) as refused:   # WITHDRAWN is final: nothing takes the claim back
            caught_up(core, tier1).confirm(mistaken.id)
        assert refused.value.rule == "invalid-state"


def test_a_bank_outside_the_deal_cannot_read_its_terms(demo_run, receivables_deployed):
    root = receivables_deployed.data_root
    with open_session("regulator", data_root=root) as regulator:
        offer_id = regulator.client.get_financing(demo_run["financing_id"]).accepted_offer_id
        assert regulator.client.get_offer_terms(offer_id).advance_rate  # the regulator is a member
    # The bank whose offer lost (its org's peer holds the collection) and the debtor are refused by the contract.
    outsider = "bank2" if demo_run["chosen_bank"] == "bank" else "bank"
    for org, user in (ACTORS[outsider], ACTORS["core"]):
        with open_session(org, user, root) as reader:
            with pytest.raises(RuleViolation) as refused:
                reader.client.get_offer_terms(offer_id)
            assert refused.value.rule == "not-permitted-to-read", (org, user)


def test_a_bank_attests_an_invoice_and_the_supplier_registers_it(demo_run, receivables_deployed):
    root = receivables_deployed.data_root
    with open_session("bank", "officer1", root) as bank, open_session("supplier", "supplier1", root) as tier1, \
            open_session("coreenterprise", "treasurer", root) as core:
        today = business_today()
        debtor, seller = credit_code_of(core, ""), credit_code_of(tier1, "")
        number = f"{today:%y%m%d}{secrets.randbelow(10**14):014d}"
        checked = InvoiceAttestationRequest(
            seller_tax_id=seller, number=number, fingerprint=fingerprint_of(seller, "", number),
            buyer_tax_id=debtor, issue_date=today, total_with_tax=Decimal("1130.00"),
            sources=["reference-tax", "reference-registry"], outcome="pass", evidence_digest=secrets.token_hex(32))

        with pytest.raises(RuleViolation) as refused:  # the supplier cannot vouch for its own invoice
            tier1.client.attest_invoice_verification(checked)
        assert refused.value.rule == "role-not-permitted"

        record = bank.client.attest_invoice_verification(checked)
        assert record.attester == bank.client.who_am_i().uscc and record.attested.msp_id == "BankMSP"
        seen = caught_up(tier1, bank).invoice_attestations(checked.fingerprint)  # evaluated on the supplier org's peer
        assert seen == [record]

        claim = tier1.client.register_receivable(ReceivableRegistration(
            debtor=debtor, face_amount=Decimal("1130.00"), issue_date=today, due_date=today + timedelta(days=60),
            invoices=[InvoiceInput(number=number, date=today, amount=Decimal("1000.00"), tax=Decimal("130.00"),
                                   seller_tax_id=seller, buyer_tax_id=debtor)],
            contract_hash=secrets.token_hex(32)))
        assert claim.invoices[0].fingerprint == record.fingerprint
        assert caught_up(bank, tier1).find_invoice(record.fingerprint).receivable_id == claim.id


def test_a_bank_quotes_from_the_ledger_offers_and_the_holder_compares(demo_run, receivables_deployed):
    root = receivables_deployed.data_root
    with open_session("supplier", "supplier1", root) as tier1, open_session("coreenterprise", "treasurer", root) as core:
        claim = register_claim(tier1, core, "100000.00", "13000.00")
        debtor = claim.debtor
        caught_up(core, tier1).confirm(claim.id)
        financing = caught_up(tier1, core).request_financing(claim.id)

    cli = ["--data-root", str(root), "--json"]
    peers_caught_up()  # the commands below read on the regulator's and the bank's peers
    scored = CliRunner().invoke(main, ["risk", "score", debtor, "--as", "regulator", *cli])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)["features"]["confirmed_count"] >= 1  # the demo's claims and this one

    quoted = CliRunner().invoke(main, ["finance", "quote", claim.id, "--as", "bank/officer1", "--config",
                                       str(bank_config_path("bank")), "--yes", *cli])
    assert quoted.exit_code == 0, quoted.output
    made = json.loads(quoted.stdout)["made_offer"]
    assert made["financing_id"] == financing.id and made["status"] == "OPEN"
    peers_caught_up()  # the holder compares on its own peer the offer made on the bank's

    compared = CliRunner().invoke(main, ["finance", "compare", claim.id, "--as", "supplier/supplier1", *cli])
    assert compared.exit_code == 0, compared.output
    proposals = json.loads(compared.stdout)["proposals"]
    assert [p["offer_id"] for p in proposals if p["source"] == "bank"] == [made["id"]]
    assert all(p["counterparty"] == debtor for p in proposals if p["source"] == "early-payment")
    assert next(p for p in proposals if p["offer_id"] == made["id"])["eligible"]


def _claim(tier1, core, face: str, days: int):
    claim = register_claim(tier1, core, face, days=days)
    return caught_up(core, tier1).confirm(claim.id)


def _disbursed(bank, tier1, core, face: str, *, recourse: bool):
    """A claim of ``face`` due in 90 days, confirmed, then financed by the bank at 80 % and disbursed: claim,
    financing."""
    claim = _claim(tier1, core, face, 90)
    financing = caught_up(tier1, core).request_financing(claim.id)
    terms = FinancingTerms(advance_rate=Decimal("0.8"), discount_rate=Decimal("0.04"), recourse=recourse,
                           expires_on=business_today() + timedelta(days=5))
    offer = caught_up(bank, tier1).make_offer(financing.id, terms)
    caught_up(tier1, bank).accept_offer(offer.id)
    caught_up(bank, tier1).record_disbursement(financing.id)
    return claim, financing


def _when_reconciled(read):
    """A read of private data on a peer that may not have received it yet (dissemination is best effort)."""
    for _ in range(30):
        try:
            return read()
        except RuleViolation as refused:
            if refused.rule != "not-found":
                raise
            time.sleep(1)
    return read()


def test_the_reads_for_risk_and_pricing_across_the_orgs(demo_run, receivables_deployed):
    root = receivables_deployed.data_root
    with open_session("bank", "officer1", root) as bank, open_session("regulator", data_root=root) as regulator, \
            open_session("supplier", "supplier1", root) as tier1, open_session("coreenterprise", "treasurer", root) as core:
        debtor, bank_code = credit_code_of(core, ""), bank.client.who_am_i().uscc
        before = bank.client.financier_exposure(debtor).exposure_in("CNY")

        # a claim the bank finances: its principal is the bank's exposure, read from private data
        claim, _ = _disbursed(bank, tier1, core, "200000.00", recourse=True)
        exposure = bank.client.financier_exposure(debtor)
        assert exposure.exposure_in("CNY") == before + 16_000_000
        assert claim.id in {f.receivable_id for f in exposure.financings}
        caught_up(regulator, bank)
        seen_by_regulator = _when_reconciled(lambda: regulator.client.financier_exposure(debtor, bank_code))
        assert seen_by_regulator.exposure == exposure.exposure
        with pytest.raises(RuleViolation) as refused:
            core.client.financier_exposure(debtor)
        assert refused.value.rule == "role-not-permitted"

        # the bank's portfolio lists the claim, on every debtor's list and on its debtor's; for the bank and the
        # regulator only
        assert claim.id in [r.id for r in bank.client.iter_receivables("financier", bank_code)]
        on_debtor = regulator.client.list_by_financier(bank_code, debtor=debtor, page_size=5)
        assert on_debtor.records and {(r.financier, r.debtor) for r in on_debtor.records} == {(bank_code, debtor)}
        with pytest.raises(RuleViolation) as refused:
            tier1.client.list_by_financier(bank_code)
        assert refused.value.rule == "not-permitted-to-read"

        # the debtor's payment record: the bank sees holders as tokens, the regulator as credit codes
        as_bank = {r.receivable_id: r for r in bank.client.iter_payment_record(debtor)}
        as_regulator = {r.receivable_id: r for r in regulator.client.iter_payment_record(debtor)}
        assert claim.id in as_bank and as_bank[claim.id].financed_on == business_today()
        assert all(r.holder.startswith("H-") for r in as_bank.values())
        assert as_regulator[claim.id].holder == credit_code_of(tier1, "")
        with pytest.raises(RuleViolation) as refused:
            tier1.client.debtor_payment_record(debtor)
        assert refused.value.rule == "not-permitted-to-read"

        # the debtor's early-payment offer on another claim: listed for its holder, not for a bank
        other = _claim(tier1, core, "50000.00", 60)
        offer = core.client.publish_discount_offer(DiscountOfferRequest(
            apr=Decimal("0.04"), expires_on=business_today() + timedelta(days=10), receivable_ids=[other.id]))
        assert offer.id in [d.id for d in caught_up(tier1, core).iter_discount_offers(receivable_id=other.id)]
        assert offer.id not in [d.id for d in tier1.client.iter_discount_offers(receivable_id=claim.id)]
        with pytest.raises(RuleViolation) as refused:
            bank.client.list_discount_offers(debtor)
        assert refused.value.rule == "not-permitted-to-read"

        # the debtor withdraws it: its holder can no longer take it
        withdrawn = core.client.withdraw_discount_offer(offer.id)
        assert (withdrawn.status, withdrawn.withdrawn_on) == ("WITHDRAWN", business_today())
        with pytest.raises(RuleViolation) as refused:
            caught_up(tier1, core).accept_discount_offer(offer.id, other.id)
        assert refused.value.rule == "discount-offer-withdrawn"
        assert tier1.client.get_receivable(other.id).status == "CONFIRMED"


def test_a_cancelled_financing_needs_the_banks_endorsement_and_then_frees_the_claim(demo_run, receivables_deployed):
    root = receivables_deployed.data_root
    with open_session("bank", "officer1", root) as bank, open_session("supplier", "supplier1", root) as tier1, \
            open_session("supplier", "supplier2", root) as tier2, open_session("coreenterprise", "treasurer", root) as core:
        debtor = credit_code_of(core, "")
        claim = _claim(tier1, core, "30000.00", 60)
        financing = caught_up(tier1, core).request_financing(claim.id)
        terms = FinancingTerms(advance_rate=Decimal("0.9"), discount_rate=Decimal("0.036"), recourse=False,
                               expires_on=business_today() + timedelta(days=5))
        offer = caught_up(bank, tier1).make_offer(financing.id, terms)
        caught_up(tier1, bank).accept_offer(offer.id)
        contract = tier1.gateway.get_network("receivables").get_contract("receivables", CONTRACT_NAME)

        # the claim's key-level policy names the bank's org while the financing is live: without it, invalid
        with pytest.raises(CommitError) as invalid:
            contract.submit("CancelFinancing", arguments=[financing.id, "not disbursed"],
                            endorsing_organizations=["CoreEnterpriseMSP", "SupplierMSP"])
        assert invalid.value.validation_code_name == "ENDORSEMENT_POLICY_FAILURE"
        assert tier1.client.get_financing(financing.id).status == "ACCEPTED"

        cancelled = tier1.client.cancel_financing(financing.id, "not disbursed")  # debtor, holder and bank endorse
        assert (cancelled.status, cancelled.cancelled_on) == ("CANCELLED", business_today())
        after = tier1.client.get_receivable(claim.id)
        assert (after.status, after.financing_id, after.financier) == ("CONFIRMED", None, None)
        assert claim.id not in {f.receivable_id for f in caught_up(bank, tier1).financier_exposure(debtor).financings}

        # the bank's org left the policy: the debtor's and holder's orgs alone now move the claim
        contract.submit("TransferReceivable", arguments=[claim.id, credit_code_of(tier2, ""), "3000000"],
                        endorsing_organizations=["CoreEnterpriseMSP", "SupplierMSP"])
        assert tier2.client.get_receivable(claim.id).holder == credit_code_of(tier2, "")


def test_a_withdrawn_offer_leaves_the_banks_open_offers_and_the_bank_offers_again(demo_run, receivables_deployed):
    """WithdrawFinancingOffer writes no private data and no key with a key-level policy: the Gateway's own plan
    endorses it. The holder can no longer accept the offer, and it no longer counts against the bank's limit."""
    root = receivables_deployed.data_root
    with open_session("bank", "officer1", root) as bank, open_session("supplier", "supplier1", root) as tier1, \
            open_session("coreenterprise", "treasurer", root) as core:
        debtor = credit_code_of(core, "")
        claim = _claim(tier1, core, "30000.00", 90)
        financing = caught_up(tier1, core).request_financing(claim.id)
        terms = FinancingTerms(advance_rate=Decimal("0.8"), discount_rate=Decimal("0.04"), recourse=False,
                               expires_on=business_today() + timedelta(days=5))
        offer = caught_up(bank, tier1).make_offer(financing.id, terms)
        assert offer.id in {o.offer_id for o in bank.client.financier_exposure(debtor).offers}
        # the bank finds it among its open offers, every debtor's and its debtor's; the holder may not list them
        bank_code = bank.client.who_am_i().uscc
        assert offer.id in [o.id for o in bank.client.iter_offers_by_financier(bank_code, page_size=5)]
        on_debtor = bank.client.list_offers_by_financier(bank_code, debtor=debtor, page_size=5)
        assert on_debtor.records and {(o.financier, o.debtor, o.status) for o in on_debtor.records} == \
            {(bank_code, debtor, "OPEN")}
        with pytest.raises(RuleViolation) as refused:
            tier1.client.list_offers_by_financier(bank_code)
        assert refused.value.rule == "not-permitted-to-read"
        withdrawn = bank.client.withdraw_offer(offer.id, "terms revised")
        assert (withdrawn.status, withdrawn.withdrawn_on, withdrawn.withdrawal_reason) == \
            ("WITHDRAWN", business_today(), "terms revised")
        assert offer.id not in {o.offer_id for o in bank.client.financier_exposure(debtor).offers}
        assert offer.id not in [o.id for o in bank.client.iter_offers_by_financier(bank_code, debtor)]
        with pytest.raises(RuleViolation) as refused:
            caught_up(tier1, bank).accept_offer(offer.id)
        assert refused.value.rule == "invalid-state", refused.value
        read = bank.client.financier_exposure(debtor)      # the version the withdrawal left as it was
        again = bank.client.make_offer(financing.id, terms, exposure_version=read.version)
        assert caught_up(tier1, bank).accept_offer(again.id).accepted_offer_id == again.id
        # an offer priced on that read, after the bank's offer on the debtor moved the version, is refused
        other = caught_up(tier1, core).request_financing(_claim(tier1, core, "1000.00", 90).id)
        # terms of another financing carry a salt of their own: the client refuses to send one salt twice
        terms = terms.model_copy(update={"salt": secrets.token_hex(16)})
        with pytest.raises(RuleViolation) as refused:
            caught_up(bank, tier1).make_offer(other.id, terms, exposure_version=read.version)
        assert refused.value.rule == "exposure-changed", refused.value
        now = bank.client.financier_exposure(debtor)
        assert now.version == read.version + 1
        assert bank.client.make_offer(other.id, terms, exposure_version=now.version).status == "OPEN"


def test_recourse_goes_to_the_peers_with_the_accepted_terms_and_comes_back_refused_by_rule(
        demo_run, receivables_deployed):
    """Recourse taken needs a claim past its due date, which a network on today's date cannot reach within a run
    (tests/unit/receivables/test_recourse.py takes the contract there). Here the SDK reads the accepted terms back
    from the bank's peer, the debtor's, holder's and bank's peers endorse, and each refusal comes back by its rule,
    changing nothing."""
    root = receivables_deployed.data_root
    with open_session("bank", "officer1", root) as bank, open_session("supplier", "supplier1", root) as tier1, \
            open_session("coreenterprise", "treasurer", root) as core:
        for recourse, refused_by in ((True, "not-yet-due"), (False, "without-recourse")):
            claim, financing = _disbursed(bank, tier1, core, "20000.00", recourse=recourse)
            with pytest.raises(RuleViolation) as refused:
                caught_up(bank, tier1).exercise_recourse(financing.id, "the debtor did not pay")
            assert refused.value.rule == refused_by, refused.value
            # the demand that comes before it is refused by the same rule, in the same order
            with pytest.raises(RuleViolation) as refused:
                bank.client.demand_recourse(financing.id, "repurchase within 10 days")
            assert refused.value.rule == refused_by, refused.value
            shown = bank.client.get_financing(financing.id)
            assert (shown.status, shown.recourse_demands) == ("DISBURSED", [])
            assert tier1.client.get_receivable(claim.id).financier == credit_code_of(bank, "")


def test_an_offers_expiry_stays_off_the_ledger_and_its_acceptance_needs_the_terms(demo_run, receivables_deployed):
    root = receivables_deployed.data_root
    with open_session("bank", "officer1", root) as bank, open_session("supplier", "supplier1", root) as tier1, \
            open_session("coreenterprise", "treasurer", root) as core:
        claim = _claim(tier1, core, "40000.00", 60)
        financing = caught_up(tier1, core).request_financing(claim.id)
        expiry = business_today() + timedelta(days=9)   # a day no public record of the claim carries (due in 60)
        terms = FinancingTerms(advance_rate=Decimal("0.85"), discount_rate=Decimal("0.038"), recourse=True,
                               expires_on=expiry)
        offer = caught_up(bank, tier1).make_offer(financing.id, terms)
        offered_in = bank.client.last_committed_block
        hidden = expiry.isoformat().encode()
        caught_up(tier1, bank)   # the holder reads, and submits, on its own peer the offer made on the bank's
        network = tier1.gateway.get_network(tier1.profile.channel)
        contract = network.get_contract(tier1.profile.chaincode, CONTRACT_NAME)

        # the public financing record, read raw by the holder: the offer and its terms' hash, not its expiry
        answer = contract.evaluate("GetFinancing", arguments=[financing.id])
        public = {o["id"]: o for o in json.loads(answer)["offers"]}[offer.id]
        assert public["terms_hash"] == offer.terms_hash and "expires_on" not in public
        assert hidden not in answer

        # the offer's transaction as the holder's peer committed it: its public writes hold the offer, its private
        # ones only hashes, so no byte of it spells the expiry; nor does the FinancingOffered event
        processed = transaction_by_id(network.get_contract(QSCC), tier1.profile.msp_id, tier1.profile.channel,
                                      offer.tx_id)
        committed = committed_transaction(processed)
        assert committed.validation == "VALID"
        assert any(w.value and offer.id.encode() in w.value for a in committed.actions for w in a.writes)
        assert hidden not in processed.SerializeToString()
        raw_event = network.chaincode_events(tier1.profile.chaincode, start_block=offered_in).first(
            lambda e: e.transaction_id == offer.tx_id, timeout=EVENT_WAIT)
        event = ReceivablesEvent.from_chaincode_event(raw_event)
        assert (event.name, event.details["offer_id"]) == ("FinancingOffered", offer.id)
        assert "expires_on" not in event.details and hidden not in raw_event.payload

        # accepted without its terms (transient `terms`), the offer is refused and the request stays open
        before = tier1.client.get_financing(financing.id)
        with pytest.raises(EndorseError) as refused:
            contract.submit("AcceptFinancingOffer", arguments=[offer.id])
        violation = rule_violation_from(refused.value, "AcceptFinancingOffer")
        assert violation is not None and violation.rule == "terms-missing", refused.value
        after = tier1.client.get_financing(financing.id)
        assert after == before and (after.status, after.accepted_offer_id) == ("REQUESTED", None)
        assert [o.status for o in after.offers if o.id == offer.id] == ["OPEN"]

        # the holder's peer has the terms, the expiry among them; the SDK reads them there and accepts
        assert _when_reconciled(lambda: tier1.client.get_offer_terms(offer.id)).expires_on == expiry
        accepted = tier1.client.accept_offer(offer.id)
        assert (accepted.status, accepted.accepted_offer_id, accepted.financier) == \
            ("ACCEPTED", offer.id, offer.financier)
        assert [o.status for o in tier1.client.get_financing(financing.id).offers if o.id == offer.id] == ["ACCEPTED"]
