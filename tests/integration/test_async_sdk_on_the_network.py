"""The async client, ``AsyncReceivablesClient``, awaited on the real network for every call it makes.

The sync client's calls (through ``recfin``) never reach the async client's own code: its endorsement planning,
its reads before a write, its async iterators and event stream. Here each of its methods that `recfin bench` does
not already await (registration, transfer, split, reads before a write) is awaited across the
four orgs' own peers: parties and their identities; a claim rejected, one withdrawn by its creditor, a claim
frozen, unfrozen, paid in part and read every way; financing from request to repayment, and a cancelled one; early payment offered, taken and withdrawn;
an invoice attestation; a page of the ledger upgrade. The contract's events of those transactions come through
the async event stream and read as their typed details.

Claims are registered through the sync client (``register_claim``, as elsewhere in the suite): registering is
not what is tried here, and the async ``register_receivable`` runs under ``recfin bench``.
"""
from __future__ import annotations

import asyncio
import secrets
from contextlib import AsyncExitStack, ExitStack
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from bench.network_session import open_client
from cli.connection import Session, default_user, open_session
from cli.demo_commands import ACTORS, business_today
from client.invoices.credit_code import credit_code_check_digit
from client.invoices.fingerprint import fingerprint_of
from client.receivables import (AsyncReceivablesClient, CheckpointOfAnotherLedger, DiscountOfferRequest,
                                FinancingTerms, InvoiceAttestationRequest, Receivable, ReceivablesEvent,
                                RefusedBeforeSending, RuleViolation)
from network import profiles

from .conftest import EVENT_WAIT, claim_registration, peers_caught_up, register_claim


async def everywhere() -> int:
    """Every peer of the channel has every change made so far (the next step may run, or be endorsed, on any
    org's peer); the newest block's number."""
    return await asyncio.to_thread(peers_caught_up)


async def clients(stack: AsyncExitStack, root, *actors: str) -> list[AsyncReceivablesClient]:
    """An async client for each of the demo's ``actors`` (``tier1``, ``core``...), as its user."""
    return [await open_client(stack, *ACTORS[actor], root) for actor in actors]


def sync_sessions(stack: ExitStack, root, *actors: str):
    return [stack.enter_context(open_session(*ACTORS[actor], root)) for actor in actors]


async def events_of(client: AsyncReceivablesClient, start_block: int, tx_ids: set[str]) -> dict[str, ReceivablesEvent]:
    """The contract's events of the transactions ``tx_ids``, from ``start_block`` on, by transaction."""
    async def collect() -> dict[str, ReceivablesEvent]:
        found: dict[str, ReceivablesEvent] = {}
        async with client.events(start_block=start_block) as stream:
            async for event in stream:
                if event.tx_id in tx_ids:
                    found[event.tx_id] = event
                    if len(found) == len(tx_ids):
                        return found
        return found

    return await asyncio.wait_for(collect(), EVENT_WAIT)


async def confirmed(holder: Session, debtor: Session, debtor_client: AsyncReceivablesClient,
                    *claims: tuple[str, int]) -> list[Receivable]:
    """Claims of ``holder`` on ``debtor`` (yuan, days to maturity), registered and confirmed (the confirmation
    awaited), on every peer."""
    registered = [register_claim(holder, debtor, amount, days=days) for amount, days in claims]
    await everywhere()
    done = [await debtor_client.confirm(claim.id) for claim in registered]
    await everywhere()
    return done


def new_credit_code() -> str:
    body = f"9132{secrets.randbelow(10**13):013d}"
    return body + credit_code_check_digit(body)


def terms() -> FinancingTerms:
    return FinancingTerms(advance_rate=Decimal("0.8"), discount_rate=Decimal("0.04"), recourse=True,
                          expires_on=business_today() + timedelta(days=5))


def test_an_org_admin_registers_a_party_and_binds_and_unbinds_its_identities(receivables_deployed, party_codes):
    root = receivables_deployed.data_root
    supplier = profiles.load("supplier", root)
    code = new_credit_code()
    first, second = (f"x509::CN=async-{secrets.token_hex(4)}::CN=ca.supplier" for _ in range(2))

    async def scenario():
        async with AsyncExitStack() as stack:
            admin = await open_client(stack, "supplier", default_user(supplier, admin=True), root)
            tier1, regulator = await clients(stack, root, "tier1", "regulator")

            party = await admin.register_party(code, "Async Castings Co.", "supplier", supplier.msp_id, [first])
            assert (party.uscc, party.msp_id, party.client_ids) == (code, supplier.msp_id, [first])
            await everywhere()
            assert (await admin.bind_party_identity(code, second)).client_ids == [first, second]
            found = await admin.find_identity_party(supplier.msp_id, second)
            assert (found.party.uscc, found.bound_to) == (code, code)
            assert (await admin.unbind_party_identity(code, first)).client_ids == [second]
            assert (await admin.rename_party(code, "Async Castings Group Co.")).name == "Async Castings Group Co."
            await everywhere()

            assert (await regulator.get_party(code)).client_ids == [second]
            history = await regulator.party_history(code)
            assert len(history) == 3 and history[0].tx_id == party.tx_id and history[0].msp_id == supplier.msp_id
            assert (await tier1.who_am_i()).uscc == party_codes["tier1"]

    asyncio.run(scenario())


def test_the_contract_settings_are_read_and_a_due_date_past_the_term_refused_before_sending(receivables_deployed):
    root = receivables_deployed.data_root

    async def scenario():
        with ExitStack() as sync_stack:
            tier1_session, core_session = sync_sessions(sync_stack, root, "tier1", "core")
            async with AsyncExitStack() as stack:
                tier1, bank = await clients(stack, root, "tier1", "bank")
                settings = await bank.contract_settings()
                assert settings.payment_term and len(settings.config_digest) == 64
                assert (await tier1.check_payment_term(claim_registration(tier1_session, core_session, "100.00",
                                                                          days=30))) == settings
                with pytest.raises(RefusedBeforeSending) as refused:
                    await tier1.check_payment_term(claim_registration(tier1_session, core_session, "100.00",
                                                                      days=800))
                assert refused.value.rule == "payment-term-too-long"

    asyncio.run(scenario())


def test_a_claim_rejected_frozen_paid_and_read_through_the_async_client(receivables_deployed, party_codes):
    root = receivables_deployed.data_root
    holder_code, debtor_code = party_codes["tier1"], party_codes["core"]
    order, lift = f"order-{secrets.token_hex(4)}", f"lift-{secrets.token_hex(4)}"

    async def scenario():
        with ExitStack() as sync_stack:
            tier1_session, core_session = sync_sessions(sync_stack, root, "tier1", "core")
            async with AsyncExitStack() as stack:
                tier1, core, regulator = await clients(stack, root, "tier1", "core", "regulator")
                refused_claim = register_claim(tier1_session, core_session, "500.00")
                mistaken_claim = register_claim(tier1_session, core_session, "700.00")
                claim = register_claim(tier1_session, core_session, "1000.00", days=60)
                start = await everywhere()

                rejected = await core.reject(refused_claim.id, "not owed")
                assert (rejected.status, rejected.rejection_reason) == ("REJECTED", "not owed")
                withdrawn = await tier1.withdraw(mistaken_claim.id, "registered in error")
                assert (withdrawn.status, withdrawn.withdrawal_reason) == ("WITHDRAWN", "registered in error")
                released = await tier1.find_invoice(mistaken_claim.invoices[0].fingerprint)   # its own peer committed it
                assert (released.used, released.receivable_id) == (False, None)
                await core.confirm(claim.id)
                paper_number = f"{secrets.randbelow(10**8):08d}"
                linked = await tier1.link_paper_identity(claim.id, claim.invoices[0].number, "144031900111",
                                                         paper_number)
                assert linked.invoices[0].paper_number == paper_number
                await everywhere()
                frozen = await regulator.freeze(claim.id, order)
                assert frozen.frozen.order_reference == order
                await everywhere()
                # this version's freeze names the regulator's org on the key: endorsed by the orgs the key names
                # (read first), the reseal is refused, nothing to write
                with pytest.raises(RuleViolation) as nothing:
                    await regulator.reseal_receivable(claim.id)
                assert nothing.value.rule == "nothing-to-reseal"
                unfrozen = await regulator.unfreeze(claim.id, lift)
                assert unfrozen.frozen is None
                await everywhere()
                paid = await core.record_payment(claim.id, Decimal("100.00"))
                assert (paid.outstanding, [a.amount for a in paid.allocations]) == (90_000, [10_000])
                with pytest.raises(RuleViolation) as refused:
                    await tier1.mark_overdue(claim.id)
                assert refused.value.rule == "not-yet-due"
                await everywhere()

                actions = {entry.action for entry in await tier1.history(claim.id)}
                assert {"RegisterReceivable", "ConfirmReceivable", "FreezeReceivable", "UnfreezeReceivable",
                        "RecordPayment"} <= actions
                family = await tier1.provenance(claim.id)
                assert (family.root_id, family.tree.id, family.tree.outstanding) == (claim.id, claim.id, 90_000)
                used = await regulator.find_invoice(claim.invoices[0].fingerprint)
                assert (used.used, used.receivable_id, used.live) == (True, claim.id, True)

                held = await tier1.list_by_holder(holder_code, page_size=5)
                assert held.records and {r.holder for r in held.records} == {holder_code}
                owed = await core.list_by_debtor(debtor_code, page_size=5)
                assert owed.records and {r.debtor for r in owed.records} == {debtor_code}
                refused_page = await regulator.list_by_status("REJECTED", page_size=5)
                assert refused_page.records and {r.status for r in refused_page.records} == {"REJECTED"}
                assert claim.id in [r.id async for r in tier1.iter_receivables("holder", holder_code, page_size=5)]
                assert (await regulator.statistics()).count_by_status["REJECTED"] >= 1

                seen = await events_of(tier1, start, {rejected.last.tx_id, withdrawn.last.tx_id, frozen.last.tx_id,
                                                      unfrozen.last.tx_id, paid.last.tx_id})
                typed = {event.name: event.typed() for event in seen.values()}
                assert typed["ReceivableRejected"].reason == "not owed"
                assert typed["ReceivableWithdrawn"].reason == "registered in error"
                assert typed["ReceivableFrozen"].order_reference == order
                assert (typed["ReceivableUnfrozen"].order_reference, typed["ReceivableUnfrozen"].lifted) == (lift, order)
                assert (typed["PaymentRecorded"].amount, typed["PaymentRecorded"].currency) == (10_000, "CNY")

                # a checkpoint after an event of this ledger is its own; one naming a transaction it never held
                # (another ledger's) would have events() resumed from it give nothing, and is refused
                paid_event, msp_id = seen[paid.last.tx_id], tier1_session.profile.msp_id
                await tier1.check_checkpoint(SimpleNamespace(block_number=paid_event.block_number,
                                                             transaction_id=paid_event.tx_id), msp_id=msp_id)
                with pytest.raises(CheckpointOfAnotherLedger):
                    await tier1.check_checkpoint(SimpleNamespace(block_number=paid_event.block_number,
                                                                 transaction_id=secrets.token_hex(32)), msp_id=msp_id)

    asyncio.run(scenario())


def test_financing_from_request_to_repayment_and_a_cancelled_one(receivables_deployed, party_codes):
    root = receivables_deployed.data_root
    debtor_code = party_codes["core"]

    async def scenario():
        with ExitStack() as sync_stack:
            tier1_session, core_session = sync_sessions(sync_stack, root, "tier1", "core")
            async with AsyncExitStack() as stack:
                tier1, core, bank = await clients(stack, root, "tier1", "core", "bank")
                claim, unpaid = await confirmed(tier1_session, core_session, core, ("20000.00", 90), ("3000.00", 60))

                # a request withdrawn after an offer, then financed, disbursed, acknowledged, repaid
                financing = await tier1.request_financing(claim.id)
                await everywhere()
                await bank.make_offer(financing.id, terms())
                await everywhere()
                assert (await tier1.withdraw_financing(financing.id)).status == "WITHDRAWN"
                await everywhere()
                financing = await tier1.request_financing(claim.id)
                await everywhere()
                # an offer the bank takes back, then makes again on the same request
                withdrawn = await bank.make_offer(financing.id, terms())
                await everywhere()
                # found among the bank's open offers, on its debtor's list and on every debtor's, then gone
                bank_code = (await bank.who_am_i()).uscc
                listed = await bank.list_offers_by_financier(bank_code, debtor=debtor_code, page_size=5)
                assert listed.records and {(o.financier, o.debtor, o.status) for o in listed.records} == \
                    {(bank_code, debtor_code, "OPEN")}
                assert withdrawn.id in [o.id async for o in bank.iter_offers_by_financier(bank_code, page_size=5)]
                assert (await bank.withdraw_offer(withdrawn.id, "rate out of date")).status == "WITHDRAWN"
                await everywhere()
                assert withdrawn.id not in [o.id async for o in bank.iter_offers_by_financier(bank_code, debtor_code)]
                offer = await bank.make_offer(financing.id, terms())
                assert (await bank.get_offer_terms(offer.id)).advance_rate == Decimal("0.8")
                await everywhere()
                assert (await tier1.accept_offer(offer.id)).status == "ACCEPTED"
                await everywhere()
                assert (await bank.record_disbursement(financing.id)).status == "DISBURSED"
                await everywhere()
                # the advance's private record, from the bank's own peer (a member of the terms' collection)
                advance = await bank.get_disbursement(financing.id)
                assert advance.net_amount == advance.principal - advance.interest - advance.fees
                notice_id = (await bank.get_financing(financing.id)).notice_id
                assert (await core.get_assignment_notice(notice_id)).receivable_id == claim.id
                assert (await core.acknowledge_assignment(notice_id)).status == "ACKNOWLEDGED"
                await everywhere()

                exposure = await bank.financier_exposure(debtor_code)
                assert claim.id in {f.receivable_id for f in exposure.financings}
                # the bank's portfolio: the claim, on every debtor's list and on its debtor's
                financed = await bank.list_by_financier(bank_code, debtor=debtor_code, page_size=5)
                assert financed.records and {(r.financier, r.debtor) for r in financed.records} == \
                    {(bank_code, debtor_code)}
                assert claim.id in [r.id async for r in bank.iter_receivables("financier", bank_code, page_size=5)]
                page = await bank.debtor_payment_record(debtor_code, page_size=5)
                assert page.holder_ids == "token" and page.debtor == debtor_code
                record = [r async for r in bank.iter_payment_record(debtor_code) if r.receivable_id == claim.id]
                assert [r.financed_on for r in record] == [business_today()]
                # recourse on these terms comes once the claim is past due: before it, refused, nothing changed
                with pytest.raises(RuleViolation) as refused:
                    await bank.exercise_recourse(financing.id, "the debtor did not pay")
                assert refused.value.rule == "not-yet-due"
                # and so is the demand that comes before it
                with pytest.raises(RuleViolation) as refused:
                    await bank.demand_recourse(financing.id, "repurchase within 10 days")
                assert refused.value.rule == "not-yet-due"
                assert (await bank.get_financing(financing.id)).recourse_demands == []
                assert (await bank.record_repayment(financing.id)).status == "REPAID"
                await everywhere()
                assert claim.id not in [r.id async for r in bank.iter_receivables("financier", bank_code)]

                # an accepted financing the bank does not disburse, ended by the holder
                stuck = await tier1.request_financing(unpaid.id)
                await everywhere()
                stuck_offer = await bank.make_offer(stuck.id, terms())
                await everywhere()
                await tier1.accept_offer(stuck_offer.id)
                await everywhere()
                cancelled = await tier1.cancel_financing(stuck.id, "not disbursed")
                assert (cancelled.status, cancelled.cancellation_reason) == ("CANCELLED", "not disbursed")

    asyncio.run(scenario())


def test_early_payment_an_attestation_and_a_ledger_upgrade_page(receivables_deployed, party_codes):
    root = receivables_deployed.data_root
    seller, debtor = party_codes["tier1"], party_codes["core"]
    number = f"{business_today():%y%m%d}{secrets.randbelow(10**14):014d}"

    async def scenario():
        with ExitStack() as sync_stack:
            tier1_session, core_session = sync_sessions(sync_stack, root, "tier1", "core")
            async with AsyncExitStack() as stack:
                tier1, core, bank, regulator = await clients(stack, root, "tier1", "core", "bank", "regulator")
                taken, offered = await confirmed(tier1_session, core_session, core, ("4000.00", 60), ("5000.00", 60))

                until = business_today() + timedelta(days=10)
                first = await core.publish_discount_offer(DiscountOfferRequest(
                    apr=Decimal("0.04"), expires_on=until, receivable_ids=[taken.id]))
                second = await core.publish_discount_offer(DiscountOfferRequest(
                    apr=Decimal("0.04"), expires_on=until, receivable_ids=[offered.id]))
                start = await everywhere()
                assert (await tier1.get_discount_offer(second.id)).status == "OPEN"
                listed = await tier1.list_discount_offers(receivable_id=offered.id)
                assert second.id in [d.id for d in listed.records]
                assert second.id in [d.id async for d in tier1.iter_discount_offers(receivable_id=offered.id)]
                # a confirmed claim's key names its debtor's and its holder's orgs, as the regulator reads it
                assert await regulator.receivable_endorsers(offered.id) == ["CoreEnterpriseMSP", "SupplierMSP"]
                settled = await tier1.accept_discount_offer(first.id, taken.id)
                assert (settled.status, settled.outstanding) == ("SETTLED", 0)
                withdrawn = await core.withdraw_discount_offer(second.id)
                assert (withdrawn.status, withdrawn.withdrawn_on) == ("WITHDRAWN", business_today())

                checked = InvoiceAttestationRequest(
                    seller_tax_id=seller, number=number, fingerprint=fingerprint_of(seller, "", number),
                    buyer_tax_id=debtor, issue_date=business_today(), total_with_tax=Decimal("1130.00"),
                    sources=["reference-tax", "reference-registry"], outcome="pass", evidence_digest=secrets.token_hex(32))
                attested = await bank.attest_invoice_verification(checked)
                await everywhere()
                assert await tier1.invoice_attestations(checked.fingerprint) == [attested]

                # the regulator's org admin runs the upgrade: the regulator itself changes only freeze state
                regulator_admin = await open_client(stack, "regulator",
                                                    default_user(profiles.load("regulator", root), admin=True), root)
                upgrade = await regulator_admin.upgrade_ledger(page_size=20)
                assert upgrade.written == 0 and upgrade.collisions == [] and upgrade.without_current_spelling == []

                seen = await events_of(regulator, start, {settled.last.tx_id, attested.tx_id})
                typed = {event.name: event.typed() for event in seen.values()}
                accepted = typed["DiscountOfferAccepted"]
                assert accepted.paid + accepted.discount == 400_000 and accepted.currency == "CNY"
                assert typed["InvoiceVerificationAttested"].fingerprint == checked.fingerprint

    asyncio.run(scenario())
