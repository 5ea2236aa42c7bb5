"""A stored value no transaction of the contract wrote, one that does not parse as the record its key holds, is a
named refusal (``record-unreadable``, naming the key and what to do), or, where a read can pass it over (a list of
attestations, a claim's or a party's history), left out or shown as a write and nothing more: never an internal
error, and never counted. Any two orgs running altered chaincode can write a key nobody has written yet."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import fingerprint, keys
from chaincode.receivables.config import DEFAULT_CONFIG
from chaincode.shim import KeyModification

from .support import Net, attestation_request, standard_net

NUMBER = "26442000000000000042"
FORGED = [b"garbage", b"{}", b"[1, 2]", b"\xff\xfe", b"[" * 5000]


def forge(net: Net, key: str, value: bytes) -> None:
    """Write ``value`` under ``key`` as two orgs running altered chaincode can: in the state and its history."""
    net.ledger.state[key] = value
    net.ledger.history.setdefault(key, []).append(KeyModification("forged-tx", value, net.now, False))


def requiring() -> object:
    return DEFAULT_CONFIG.model_copy(update={"require_attestation": True})


@pytest.mark.parametrize("forged", [b"garbage", b"{}", b'{"id": "A-forged", "attested": {"at": "soon"}}'])
async def test_an_attestation_record_that_does_not_parse_is_never_listed_nor_counted(forged):
    net = await standard_net(requiring())
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    fp = fingerprint.invoice_fingerprint(tier1.uscc, "", NUMBER)
    forge(net, net._key(keys.ATTESTATION, fp, "A-forged"), forged)

    for reader in ("tier1", "core", "bank", "regulator"):
        assert await net.ok(net.actors[reader], "GetInvoiceAttestations", fp, evaluate=True) == []
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-not-attested")
    assert "not counted: 1 attestation(s) unreadable, no attestation this contract recorded (A-forged)" in message

    # a bank's pass is listed beside it and counts; the bank's first attestation of the invoice reads the records
    a = await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    assert [x["id"] for x in await net.ok(core, "GetInvoiceAttestations", fp, evaluate=True)] == [a["id"]]
    await net.ok(tier1, "RegisterReceivable", reg)


@pytest.mark.parametrize("forged", FORGED + [b'{"receivable_id": 7}'])
async def test_a_fingerprint_entry_no_claim_wrote_refuses_registration_and_lookup_by_name(forged):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    fp = fingerprint.invoice_fingerprint(tier1.uscc, "", NUMBER)
    forge(net, net._key(keys.FINGERPRINT, fp), forged)
    for actor, fn, args in ((tier1, "RegisterReceivable", (net.registration(tier1, core, invoice_no=NUMBER),)),
                            (tier1, "FindInvoice", (fp,))):
        message = await net.refused(actor, fn, *args, rule="record-unreadable", evaluate=fn == "FindInvoice")
        assert f"the stored recfin.fingerprint [{fp}] is no record this contract wrote" in message
        assert "register the claim once the entry is gone" in message
    # another invoice registers as ever
    await net.registered(tier1, core)


async def test_a_goods_receipt_entry_no_claim_wrote_refuses_registration_by_name():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    receipt = {"po_number": "PO-1", "receipt_number": "GR-1"}
    r = await net.registered(tier1, core, goods_receipts=[receipt])
    key = net._key(keys.GOODS_RECEIPT, r["goods_receipts"][0]["receipt_key"])
    await net.ok(tier1, "WithdrawReceivable", r["id"], "registered in error")
    assert key not in net.ledger.state
    forge(net, key, b"garbage")
    message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, goods_receipts=[receipt]),
                                rule="record-unreadable")
    assert "the stored recfin.goods-receipt [" in message


@pytest.mark.parametrize("forged", FORGED + [b'{"transaction": "RegisterReceivable", "arguments": "x"}'])
async def test_a_request_record_no_transaction_wrote_refuses_the_retry_and_the_read_by_name(forged):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    forge(net, net._key(keys.REQUEST, tier1.uscc, "reg-1"), forged)
    message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core), "reg-1",
                                rule="record-unreadable")
    assert f"the stored recfin.request [{tier1.uscc}, reg-1]" in message and "send the request with a new request id" in message
    await net.refused(tier1, "GetRequest", "reg-1", rule="record-unreadable", evaluate=True)
    # a new request id applies it
    await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core), "reg-2")


@pytest.mark.parametrize("forged", FORGED + [b'{"attestation_id": "A-1", "at": "yesterday", "tx_id": "t"}',
                                             b'{"attestation_id": "A-1", "at": "2026-03-01T00:00:00", "tx_id": "t"}'])
async def test_an_attesters_newest_entry_no_attestation_wrote_refuses_its_attestation_by_name(forged):
    net = await standard_net()
    tier1, bank, bank2 = net.actors["tier1"], net.actors["bank"], net.actors["bank2"]
    fp = fingerprint.invoice_fingerprint(tier1.uscc, "", NUMBER)
    forge(net, net._key(keys.ATTESTATION_LAST, fp, bank.uscc), forged)
    message = await net.refused(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER),
                                rule="record-unreadable")
    assert f"the stored recfin.attestation-last [{fp}, {bank.uscc}]" in message
    # another attester's entry is its own key: it attests as ever
    await net.ok(bank2, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER))


@pytest.mark.parametrize("forged", FORGED)
async def test_a_party_record_no_org_wrote_is_refused_by_name_and_its_history_names_the_write(forged):
    net = await standard_net()
    tier1 = net.actors["tier1"]
    code = "91310000000000777X"
    forge(net, net._key(keys.PARTY, code), forged)
    message = await net.refused(tier1, "GetParty", code, rule="record-unreadable", evaluate=True)
    assert f"the stored recfin.party [{code}]" in message and "GetPartyHistory" in message
    history = await net.ok(tier1, "GetPartyHistory", code, evaluate=True)
    assert [(w["tx_id"], w["is_delete"], w.get("msp_id")) for w in history] == [("forged-tx", False, None)]


async def test_a_claim_no_transaction_wrote_is_refused_by_name():
    net = await standard_net()
    reg = net.actors["regulator"]
    forge(net, net._key(keys.RECEIVABLE, "R-forged"), b"garbage")
    message = await net.refused(reg, "GetReceivable", "R-forged", rule="record-unreadable", evaluate=True)
    assert "the stored recfin.receivable [R-forged]" in message


async def test_a_listed_claim_that_does_not_parse_is_left_out_of_the_lists_and_the_statistics():
    net = await standard_net()
    core, t1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    own = (await net.confirmed(t1, core, 1000))["id"]
    for forged in (b"garbage", b"{}"):
        claim_id = f"R-forged{len(forged)}"
        forge(net, net._key(keys.RECEIVABLE, claim_id), forged)
        for index, value in ((keys.BY_HOLDER, t1.uscc), (keys.BY_DEBTOR, core.uscc), (keys.BY_STATUS, "CONFIRMED")):
            forge(net, net._key(index, value, claim_id), keys.INDEX_VALUE)
    for fn, value in (("ListReceivablesByHolder", t1.uscc), ("ListReceivablesByDebtor", core.uscc),
                      ("ListReceivablesByStatus", "CONFIRMED")):
        page = await net.ok(reg, fn, value, "10", "", evaluate=True)
        assert ([r["id"] for r in page["records"]], page["fetched"]) == ([own], 3), fn
    page = await net.ok(reg, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True)
    assert [r["receivable_id"] for r in page["records"]] == [own]
    # the regulator's statistics count the claims, not what two orgs wrote under a claim's key
    stats = await net.ok(reg, "GetStatistics", evaluate=True)
    assert sum(stats["count_by_status"].values()) == 1


async def test_private_terms_that_do_not_parse_are_refused_by_name():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    r = await net.confirmed(tier1, core)
    f, offer = await net.offered(tier1, r["id"], bank)
    collection = offer["collection"]
    net.ledger.private_state[collection][net._key(keys.TERMS, offer["id"])] = b"garbage"
    for who, fn, args in ((bank, "GetOfferTerms", (offer["id"],)), (bank, "GetFinancierExposure", (core.uscc, ""))):
        message = await net.refused(who, fn, *args, rule="record-unreadable", evaluate=True)
        assert f"the stored recfin.terms [{offer['id']}] of collection {collection}" in message, fn


async def test_the_refusal_is_one_line_and_short_whatever_was_written():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    code = "91310000000000777X"
    forge(net, net._key(keys.PARTY, code), json.dumps({"name": "x\n" * 10_000}).encode())
    message = await net.refused(tier1, "GetParty", code, rule="record-unreadable", evaluate=True)
    assert "\n" not in message and len(message) < 1000


async def test_a_newer_versions_record_is_refused_by_its_own_rule_and_the_lists_pass_it_over():
    """Every field this version reads, and one it does not know: a newer contract version's record, read by a peer
    running an older one (test_newer_version_records). Not one no version wrote: its own rule, and the lists pass
    it over as they pass over a record that does not parse."""
    net = await standard_net()
    core, t1, reg = (net.actors[k] for k in ("core", "tier1", "regulator"))
    r = await net.confirmed(t1, core, 1000)
    key = net._key(keys.RECEIVABLE, r["id"])
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), "field_of_a_newer_version": 1}).encode()
    message = await net.refused(reg, "GetReceivable", r["id"], rule="record-newer-version", evaluate=True)
    assert "record-unreadable" not in message and "field_of_a_newer_version" not in message, message
    page = await net.ok(reg, "ListReceivablesByDebtor", core.uscc, "10", "", evaluate=True)
    assert (page["records"], page["fetched"]) == ([], 1)
