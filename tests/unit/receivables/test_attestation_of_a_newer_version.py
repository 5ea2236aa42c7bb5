"""An attestation a newer contract version wrote, read on a peer running an older one (a chaincode server left
behind), cannot be read there: what it says (a failure, other values verified) is unknown. A registration under
``require_attestation`` is refused ``record-newer-version`` rather than counted as if the attestation were not
there, which would let a registration through that the channel's version refuses."""

from __future__ import annotations

import json
from datetime import timedelta

from chaincode.receivables import keys
from chaincode.receivables.config import DEFAULT_CONFIG

from .support import START, attestation_request, standard_net

NUMBER = "26442000000000000042"


def as_newer_version_wrote(net, key: str) -> None:
    """The record under ``key`` with a field this version does not know, as a newer version writes it."""
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), "field_of_a_newer_version": 1}).encode()


async def attested_pass_then_failure(net):
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    verified = reg["invoices"][0]
    passed = await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=verified))
    net.now = START + timedelta(minutes=1)
    failed = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, outcome="fail", invoice=verified))
    return reg, passed, failed


async def test_a_registration_is_refused_while_an_attestation_of_the_invoice_is_a_newer_versions():
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"require_attestation": True}))
    tier1 = net.actors["tier1"]
    reg, passed, failed = await attested_pass_then_failure(net)
    # the bank's failure, as a newer version wrote it: this peer's version cannot read it
    as_newer_version_wrote(net, net._key(keys.ATTESTATION, failed["fingerprint"], failed["id"]))
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="record-newer-version")
    assert f"invoice {NUMBER} (fingerprint {passed['fingerprint'][:12]}…) cannot be registered here" in message
    assert f"recfin.attestation [{passed['fingerprint']}, {failed['id']}]" in message, message
    assert "install the recfin release that defines it" in message
    assert await net.ok(tier1, "ListReceivablesByHolder", tier1.uscc, "10", "", evaluate=True) \
        == {"records": [], "fetched": 0, "bookmark": "", "unreadable": [], "newer_version": []}


async def test_the_attestations_asked_as_an_object_name_what_was_passed_over_and_the_list_stays_a_list():
    net = await standard_net()
    tier1, bank, core = net.actors["tier1"], net.actors["bank"], net.actors["core"]
    _, passed, failed = await attested_pass_then_failure(net)
    fp = passed["fingerprint"]
    newer_key = net._key(keys.ATTESTATION, fp, failed["id"])
    as_newer_version_wrote(net, newer_key)
    forged_key = net._key(keys.ATTESTATION, fp, "A-forged")
    net.ledger.state[forged_key] = b"garbage"
    for reader in (tier1, core, bank, net.actors["regulator"]):
        answer = await net.ok(reader, "GetInvoiceAttestations", fp, "object", evaluate=True)
        assert ([a["id"] for a in answer["attestations"]], answer["unreadable"], answer["newer_version"]) \
            == ([passed["id"]], [forged_key], [newer_key])
        # asked as before, the list alone
        assert [a["id"] for a in await net.ok(reader, "GetInvoiceAttestations", fp, evaluate=True)] == [passed["id"]]
    await net.refused(bank, "GetInvoiceAttestations", fp, "records", evaluate=True, rule="argument-invalid")


async def test_a_party_that_may_not_read_the_attestations_learns_nothing_of_what_was_passed_over():
    net = await standard_net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    a = await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER))
    as_newer_version_wrote(net, net._key(keys.ATTESTATION, a["fingerprint"], a["id"]))
    # another supplier, guessing the invoice number: answered as for an invoice nobody attested
    other = net.actors["tier2"]
    assert await net.ok(other, "GetInvoiceAttestations", a["fingerprint"], "object", evaluate=True) \
        == {"attestations": [], "unreadable": [], "newer_version": []}
