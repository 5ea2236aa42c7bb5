"""A call from a party of a role that may not make it says the role is not to be changed and whose identity
sends it, and an attestation on a network that names no attesting role says what would let one attest, where
both refusals said only who may."""

from __future__ import annotations

from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig

from .support import attestation_request, standard_net


async def test_a_party_of_another_role_is_told_whose_identity_sends_the_call():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = (await net.registered(tier1, core))["id"]
    message = await net.refused(tier1, "ConfirmReceivable", claim, rule="role-not-permitted")
    assert message.endswith(f"({tier1.uscc}) is a supplier: only a core_enterprise may do this, and a "
                            "party's role does not change: the call is for an identity acting for a "
                            "core_enterprise to send"), message
    await net.ok(core, "ConfirmReceivable", claim)


async def test_no_attesting_role_names_the_definition_that_would_give_one():
    net = await standard_net(NetworkConfig(org_roles=DEFAULT_CONFIG.org_roles, attesting_roles=()))
    bank = net.actors["bank"]
    message = await net.refused(bank, "AttestInvoiceVerification", attestation_request(bank.uscc, "1234"),
                                rule="role-not-permitted")
    assert message.endswith("nobody may attest an invoice verification until a new chaincode definition "
                            "names a role in attesting_roles"), message
