"""An attester's newest pass says what values it verified, whatever sources it names; only a pass naming the
required sources backs a registration."""

from __future__ import annotations

from chaincode.receivables.config import DEFAULT_CONFIG

from .support import Net, attestation_request, standard_net

NUMBER = "26442000000000000042"
TAX, GOV_TAX, CREDIT = "reference-tax", "gov-tax", "reference-credit"


async def tax_source_required() -> tuple[Net, dict]:
    """A network requiring attestations naming the reference tax source, and tier1's registration of NUMBER."""
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"require_attestation": True,
                                                               "attestation_sources": (TAX,)}))
    return net, net.registration(net.actors["tier1"], net.actors["core"], invoice_no=NUMBER)


async def attest(net: Net, attester: str, invoice: dict, sources: tuple[str, ...]) -> dict:
    net.advance(seconds=60)
    return await net.ok(net.actors[attester], "AttestInvoiceVerification",
                        attestation_request(net.actors["tier1"].uscc, NUMBER, invoice=invoice, sources=sources))


def a_tenth(invoice: dict) -> dict:
    return dict(invoice, amount=invoice["amount"] // 10)


def by(attestation: dict) -> str:
    return f"{attestation['attester']} (transaction {attestation['attested']['tx_id']})"


async def test_another_attesters_pass_on_a_source_not_required_with_other_values_blocks_registration_by_name():
    net, reg = await tax_source_required()
    backing = await attest(net, "bank", reg["invoices"][0], (TAX,))
    other = await attest(net, "bank2", a_tenth(reg["invoices"][0]), (GOV_TAX,))
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", reg, rule="invoice-attestations-disagree")
    assert f"{by(backing)} verified the values this registration gives it" in message
    assert f"but {by(other)} verified total with tax 23000.00 CNY (registered: 113000.00 CNY)" in message
    # the attester in error checks again, on the source it used: its newest values are the registration's
    await attest(net, "bank2", reg["invoices"][0], (GOV_TAX,))
    await net.ok(net.actors["tier1"], "RegisterReceivable", reg)


async def test_an_attesters_newer_pass_on_a_source_not_required_replaces_the_values_of_its_pass_that_was():
    net, reg = await tax_source_required()
    older = await attest(net, "bank", reg["invoices"][0], (TAX,))
    newer = await attest(net, "bank", a_tenth(reg["invoices"][0]), (GOV_TAX,))
    # registered as either pass verified it, the other would refuse it: a pass on the tax source is asked for
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", reg, rule="invoice-not-attested")
    assert f"since, {by(newer)} verified total with tax 23000.00 CNY (registered: 113000.00 CNY)" in message
    assert older["attested"]["tx_id"] not in message
    # a pass on another source with the same values leaves its pass on the tax source backing the registration
    await attest(net, "bank", reg["invoices"][0], (CREDIT,))
    await net.ok(net.actors["tier1"], "RegisterReceivable", reg)


async def test_a_pass_on_the_required_source_with_other_values_backs_nothing_though_a_newer_one_elsewhere_agrees():
    net, reg = await tax_source_required()
    misread = await attest(net, "bank", a_tenth(reg["invoices"][0]), (TAX,))
    await attest(net, "bank", reg["invoices"][0], (CREDIT,))
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", reg, rule="invoice-not-attested")
    assert f"naming the sources {TAX} whose values are still its attester's newest" in message
    assert misread["attested"]["tx_id"] not in message
    await attest(net, "bank", reg["invoices"][0], (TAX,))
    await net.ok(net.actors["tier1"], "RegisterReceivable", reg)


async def test_with_no_pass_naming_the_required_sources_the_refusal_asks_for_one_whatever_values_others_verified():
    # told its values differ, the holder would register the invoice as verified, and be refused for want of a pass
    # naming the required sources all the same
    net, reg = await tax_source_required()
    await attest(net, "bank", a_tenth(reg["invoices"][0]), (CREDIT,))
    tenth = a_tenth(reg["invoices"][0])
    for registration in (reg, dict(reg, invoices=[tenth], face_amount=tenth["amount"])):
        message = await net.refused(net.actors["tier1"], "RegisterReceivable", registration,
                                    rule="invoice-not-attested")
        assert f"has no passing verification attestation naming the sources {TAX}" in message


async def test_a_pass_on_the_required_sources_its_attester_read_otherwise_since_sends_no_one_round_in_circles():
    # bank's tax pass says the whole amount, its newer pass elsewhere a tenth: registered either way, the refusal
    # would name the other; a new pass on the required sources is what is needed
    net, reg = await tax_source_required()
    await attest(net, "bank", reg["invoices"][0], (TAX,))
    newer = await attest(net, "bank", a_tenth(reg["invoices"][0]), (GOV_TAX,))
    tenth = a_tenth(reg["invoices"][0])
    for registration in (reg, dict(reg, invoices=[tenth], face_amount=tenth["amount"])):
        message = await net.refused(net.actors["tier1"], "RegisterReceivable", registration,
                                    rule="invoice-not-attested")
        assert f"naming the sources {TAX} whose values are still its attester's newest" in message
        assert by(newer) in message
        assert "Have it verified again" in message


async def test_a_pass_its_attester_read_otherwise_since_is_not_named_as_values_to_register_by():
    # bank's tax pass (the whole) was replaced by its newer reading (a tenth); bank2's tax pass says a fifth. Told
    # "bank verified the whole", the holder registering so would be told "bank verified a tenth": only bank2's
    # values, its newest, are named
    net, reg = await tax_source_required()
    whole = reg["invoices"][0]
    old = await attest(net, "bank", whole, (TAX,))
    await attest(net, "bank", a_tenth(whole), (GOV_TAX,))
    fifth = await attest(net, "bank2", dict(whole, amount=whole["amount"] // 5), (TAX,))
    tenth = a_tenth(whole)
    message = await net.refused(net.actors["tier1"], "RegisterReceivable",
                                dict(reg, invoices=[tenth], face_amount=tenth["amount"]),
                                rule="invoice-attested-values-differ")
    assert by(fifth) in message and old["attested"]["tx_id"] not in message
