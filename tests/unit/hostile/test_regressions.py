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
        await net.refused(admin, "BindPartyIdentity", tier1.uscc, bad, rule="client-id-invalid")  # no certificate presents it
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



async def test_terms_nested_too_deep_or_with_a_4301_digit_number_are_refused_by_rule_on_both_uses():
    """Bug: json.loads raised RecursionError on deep transient terms (a 500 with Python's text and a logged
    traceback), and answered a 4301-digit integer with Python's advice on sys.set_int_max_str_digits."""
    import json

    from ..receivables.support import terms

    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 100_000_00)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    long_number = json.dumps(terms()).replace('"fees": 0', '"fees": 1' + "0" * 4300).encode()
    hostile = [b"[" * 100_000, b'{"a":' * 2000, long_number]
    for raw in hostile:
        message = await net.refused(bank, "MakeFinancingOffer", f["id"], transient={"terms": raw},
                                    rule="argument-invalid")
        assert "terms is not JSON this contract can read" in message
        assert "RecursionError" not in message and "set_int_max_str_digits" not in message
    o = await net.ok(bank, "MakeFinancingOffer", f["id"], transient=transient_terms())
    await net.ok(tier1, "AcceptFinancingOffer", o["id"])
    for raw in hostile:
        await net.refused(bank, "RecordDisbursement", f["id"], transient={"terms": raw}, rule="argument-invalid")


async def test_refusals_quote_caller_text_on_one_line_and_cut_short():
    """Bug: refusals echoed ids, MSP IDs and JSON keys as sent, so a caller could add a forged second line."""
    import json

    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 100_000_00)
    forged = "X\nRULE ok: forged second line"
    registration = {**net.registration(tier1, core), forged: 1}
    bank = net.actors["bank"]
    for caller, fn, args, rule in [(tier1, "GetParty", (forged,), "party-not-registered"),
                                   (tier1, "TransferReceivable", (r["id"], forged, "1"), "party-not-registered"),
                                   (tier1, "GetReceivable", (forged,), "not-found"),
                                   (tier1, "FindIdentityParty", (forged, "x"), "not-permitted-to-read"),
                                   (bank, "ListDiscountOffers", (forged, "", "10", ""), "not-permitted-to-read"),
                                   (tier1, "RegisterReceivable", (json.dumps(registration),), "argument-invalid")]:
        message = await net.refused(caller, fn, *args, rule=rule, evaluate=fn.startswith(("Get", "Find", "List")))
        assert "\n" not in message and "'X\\nRULE ok: forged second line'" in message, message
    huge = "R-" + "9" * 100_000
    message = await net.refused(tier1, "GetReceivable", huge, evaluate=True, rule="not-found")
    assert len(message) < 300
