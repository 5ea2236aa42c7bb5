"""Bugs the hostile suites found, each pinned by a test; and the identity rules under a forged identity."""

from __future__ import annotations

from datetime import datetime, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import proposal_response_pb2

from chaincode.shim._identity import ClientIdentity
from chaincode.testing._identities import _ca_for

from ..chaincode.peer_double import Msg, PeerSide, running_server
from ..receivables.support import BANK, SUPPLIER, Actor, client_identity, standard_net, transient_terms
from .test_stream_fuzz import Echo, still_serves, transaction_message


async def test_ids_with_the_composite_key_delimiters_are_refused_by_rule_not_a_crash():
    """Bug: U+0000 or U+10FFFF in an id reached create_composite_key and failed as 'ValueError: ...' (a bug report)."""
    net = await standard_net()
    core, tier1, admin = net.actors["core"], net.actors["tier1"], net.admins[SUPPLIER]
    r = await net.confirmed(tier1, core, 100_000_00)
    for bad in ("R-1\x00", "\U0010ffff", "\x00"):
        await net.refused(core, "ConfirmReceivable", bad, rule="argument-invalid")
        await net.refused(tier1, "TransferReceivable", r["id"], bad, "100", rule="argument-invalid")
        await net.refused(admin, "BindPartyIdentity", tier1.uscc, bad, rule="argument-invalid")
        message = await net.refused(tier1, "GetDiscountOffer", bad, evaluate=True, rule="argument-invalid")
        assert "\n" not in message and "ValueError" not in message


async def test_a_message_type_no_enum_value_names_does_not_end_the_stream():
    """Bug: logging the type name raised ValueError in the dispatcher, which ended the peer's stream."""
    async with running_server([Echo()]) as port, PeerSide.connect(port) as peer:
        await peer.send(Msg(type=2**31 - 1, txid="t", payload=b"\x00"))
        await peer.send(Msg(type=99, txid="t"))
        await still_serves(peer)


async def test_a_ready_payload_that_does_not_parse_does_not_end_the_stream():
    """Bug: a READY whose payload was not ChaincodeAdditionalParams raised DecodeError and ended the stream."""
    async with running_server([Echo()]) as port, PeerSide.connect(port, ready_payload=b"\xff\xff\xff\x07x") as peer:
        await still_serves(peer)


async def test_a_function_name_that_is_not_utf8_is_refused_not_reported_as_a_bug():
    """Bug: the router decoded the function name inside its catch-all, answering 'UnicodeDecodeError: ...'."""
    async with running_server([Echo()]) as port, PeerSide.connect(port) as peer:
        await peer.send(transaction_message("bad-name", b"\xff\xfeecho:Say", b"x"))
        response = proposal_response_pb2.Response.FromString((await peer.expect("bad-name", Msg.COMPLETED)).payload)
        assert response.status == 500
        assert response.message.startswith("the function name is not valid UTF-8")
        await still_serves(peer)


# ---------------------------------------------------------------- identity rules (section 4, in-process)

def forged(msp_id: str, like: x509.Certificate) -> bytes:
    """A certificate of ``msp_id``'s CA with exactly the subject and issuer names of ``like``: the same client id."""
    ca = _ca_for(msp_id)
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder().subject_name(like.subject).issuer_name(like.issuer).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=timezone.utc))
        .not_valid_after(datetime(2099, 1, 1, tzinfo=timezone.utc))
        .sign(ca.key, hashes.SHA256())
    )
    return identities_pb2.SerializedIdentity(
        mspid=msp_id, id_bytes=certificate.public_bytes(serialization.Encoding.PEM)).SerializeToString()


async def test_a_client_of_another_org_with_the_same_client_id_cannot_act_for_a_party():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 100_000_00)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    # a SupplierMSP client whose certificate names the bank party's bound client identity exactly
    impostor = Actor("impostor", SUPPLIER, forged(SUPPLIER, bank.identity.certificate))
    as_seen = ClientIdentity(SUPPLIER, x509.load_pem_x509_certificate(
        identities_pb2.SerializedIdentity.FromString(bytes(impostor.identity)).id_bytes))
    assert as_seen.id == bank.identity.id  # the very same client id, under another MSP
    await net.refused(impostor, "WhoAmI", evaluate=True, rule="caller-not-a-party")
    await net.refused(impostor, "MakeFinancingOffer", f["id"], transient=transient_terms(), rule="caller-not-a-party")
    await net.refused(impostor, "GetReceivable", r["id"], evaluate=True, rule="caller-not-a-party")
    # and the other way round: a bank client named like the supplier cannot transfer the supplier's claim
    mirror = Actor("mirror", BANK, forged(BANK, tier1.identity.certificate))
    await net.refused(mirror, "TransferReceivable", r["id"], net.actors["tier2"].uscc, "100", rule="caller-not-a-party")
    await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())  # the real bank still can


async def test_an_unregistered_identity_can_do_nothing_but_fail_cleanly():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 100_000_00)
    nobody = Actor("nobody", SUPPLIER, client_identity(SUPPLIER, "nobody"))
    for fn, args in [("TransferReceivable", (r["id"], net.actors["tier2"].uscc, "100", "req-1")),
                     ("RecordPayment", (r["id"], "100", "req-1")),
                     ("RequestFinancing", (r["id"],)), ("RecordOverdue", (r["id"],))]:
        await net.refused(nobody, fn, *args, rule="caller-not-a-party")

