"""A registration under require_attestation reads the attestations of its invoice under both its spellings (a
12-digit code and 8-digit number, or the two run together as a 20-digit number), as invoice-already-financed
reads the registry: a bank's failure attested under one is not passed by registering the other with another
bank's pass."""

from __future__ import annotations

from chaincode.receivables.config import DEFAULT_CONFIG

from .support import attestation_request, standard_net

CODE, NUMBER = "261010012345", "12345678"
RUN_TOGETHER = CODE + NUMBER


async def test_a_failure_under_the_code_and_number_blocks_the_run_together_spelling():
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"require_attestation": True}))
    tier1, core, bank, bank2 = (net.actors[k] for k in ("tier1", "core", "bank", "bank2"))
    reg = net.registration(tier1, core, invoice_no=RUN_TOGETHER)
    as_coded = {**reg["invoices"][0], "number": NUMBER, "code": CODE}
    failure = attestation_request(tier1.uscc, NUMBER, code=CODE, outcome="fail", invoice=as_coded)
    failed = await net.ok(bank, "AttestInvoiceVerification", failure)
    net.advance(hours=1)
    await net.ok(bank2, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, RUN_TOGETHER, invoice=reg["invoices"][0]))
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")
    assert (f"was attested under its other spelling, code {CODE} and number {NUMBER} "
            f"(fingerprint {failed['fingerprint'][:12]}…), as failing") in message
    assert bank.uscc in message and failed["attested"]["tx_id"] in message
    # the bank checks the invoice again, under either spelling, and passes it: its newest word counts
    net.advance(hours=1)
    await net.ok(bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, RUN_TOGETHER, invoice=reg["invoices"][0]))
    await net.ok(tier1, "RegisterReceivable", reg)
