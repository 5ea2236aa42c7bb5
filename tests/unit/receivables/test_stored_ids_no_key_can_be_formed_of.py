"""A record two orgs wrote outside the contract (a key without a key-level policy, or a new one) whose field
the contract forms a key of (an offer's bank, a request's claim, the claims a discount offer lists) holds
U+0000 or U+10FFFF, the composite key's delimiters: the model refuses it (``model.KeyAttribute``), so a read
by its key is refused record-unreadable naming that key, and a list or a scan passes it over as any other
forged record. Forming the key of it refused the call argument-invalid, blaming the caller's arguments for
what the record said. A caller's own argument holding either is still refused argument-invalid."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import fingerprint, keys

from .support import standard_net


def _rewrite(net, object_type: str, object_id: str, **fields) -> None:
    """What two orgs running altered chaincode could write to a key without a key-level policy."""
    key = net._key(object_type, object_id)
    net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]), **fields}).encode()


def _offer(net, offer_id: str) -> dict:
    return json.loads(net.ledger.state[net._key(keys.OFFER, offer_id)])


@pytest.mark.parametrize("delimiter", ["\u0000", "\U0010ffff"])
async def test_a_request_whose_offer_names_its_bank_by_an_id_with_a_delimiter_is_withdrawn(delimiter):
    """WithdrawFinancing lapsed the request's offers, writing each offer's open-offer entry, whose key names
    the offer's bank: it was refused argument-invalid, blaming the request id, and the request was stuck."""
    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    claim = await net.confirmed(tier1, core, 2_000_00, due_in=60)
    request, offer = await net.offered(tier1, claim["id"])
    _rewrite(net, keys.OFFER, offer["id"], financier=bank.uscc + delimiter)
    forged = _offer(net, offer["id"])

    assert (await net.ok(tier1, "WithdrawFinancing", request["id"]))["status"] == "WITHDRAWN"
    assert _offer(net, offer["id"]) == forged         # passed over: no holder can accept it, nor the request
    message = await net.refused(bank, "WithdrawFinancingOffer", offer["id"], "no longer offered",
                                rule="record-unreadable")
    assert f"recfin.offer [{offer['id']}]" in message and "'financier: holds U+0000 or U+10FFFF'" in message
    assert "(WithdrawFinancing)" in message, message   # the holder's way out, taken above
    view = await net.ok(tier1, "GetFinancing", request["id"], evaluate=True)
    assert (view["status"], view["offers"]) == ("WITHDRAWN", [])
    _, again = await net.offered(tier1, claim["id"])
    assert (await net.ok(tier1, "AcceptFinancingOffer", again["id"]))["status"] == "ACCEPTED"


async def test_a_discount_offer_listing_a_claim_id_with_u0000_is_left_out_of_a_suppliers_list():
    """A supplier's ListDiscountOffers reads the claims each offer lists, to show it only its own: the key of
    an id holding U+0000 refused the whole list argument-invalid, blaming the debtor the supplier named."""
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1_000_00, due_in=60)
    kept = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(20),
                                                      "receivable_ids": [claim["id"]]})
    # a new key, with its debtor's entry: any two orgs can write both under the chaincode-level policy
    forged = {**kept, "id": "D-forged", "receivable_ids": [claim["id"], "R-\u0000x"]}
    net.ledger.state[net._key(keys.DISCOUNT, "D-forged")] = json.dumps(forged).encode()
    net.ledger.state[net._key(keys.DISCOUNT_BY_DEBTOR, core.uscc, kept["published_on"], "D-forged")] = b"\x00"

    for reader in (tier1, core):
        page = await net.ok(reader, "ListDiscountOffers", core.uscc, "", "10", "", evaluate=True)
        assert [d["id"] for d in page["records"]] == [kept["id"]], reader.name
    message = await net.refused(tier1, "GetDiscountOffer", "D-forged", rule="record-unreadable",
                                evaluate=True)
    # which of the claims it lists, as pydantic locates it, not the list alone
    assert "recfin.discount [D-forged]" in message and "'receivable_ids.1: holds U+0000" in message, message


async def test_a_request_naming_its_claim_by_an_id_with_u0000_is_refused_unreadable_naming_the_request():
    """A request's record has no key-level policy until acceptance: GetFinancing read the claim it names and
    was refused argument-invalid, blaming the caller's financing id."""
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1_000_00, due_in=60)
    request = await net.ok(tier1, "RequestFinancing", claim["id"])
    _rewrite(net, keys.FINANCING, request["id"], receivable_id=claim["id"] + "\u0000x")

    for fn, evaluate in (("GetFinancing", True), ("WithdrawFinancing", False)):
        message = await net.refused(tier1, fn, request["id"], rule="record-unreadable", evaluate=evaluate)
        assert f"recfin.financing [{request['id']}]" in message, message
        assert "'receivable_id: holds U+0000 or U+10FFFF'" in message, message


async def test_an_index_entry_naming_a_claim_id_with_u10ffff_is_scanned_and_left_out():
    """U+10FFFF inside an entry's last attribute keeps the key within its list's range (which ends at the
    leading attributes and U+10FFFF): reading the claim it names refused the whole page argument-invalid."""
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1_000_00, due_in=60)
    net.ledger.state[net._key(keys.BY_HOLDER, tier1.uscc, claim["id"] + "\U0010ffff")] = b"\x00"

    page = await net.ok(tier1, "ListReceivablesByHolder", tier1.uscc, "10", "", evaluate=True)
    assert ([r["id"] for r in page["records"]], page["fetched"]) == ([claim["id"]], 2)


async def test_a_fingerprint_entry_naming_a_claim_id_with_u0000_refuses_registration_and_lookup_by_name():
    """An invoice's registry entry names the root claim registered with it: a new key, which any two orgs can
    write. RegisterReceivable and FindInvoice read the claim it names, and were refused argument-invalid."""
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    number = "26312000000000000777"
    fp = fingerprint.invoice_fingerprint(tier1.uscc, "", number)
    net.ledger.state[net._key(keys.FINGERPRINT, fp)] = json.dumps({"fingerprint": fp,
                                                                   "receivable_id": "R-\u0000x"}).encode()
    for fn, args in (("RegisterReceivable", (net.registration(tier1, core, invoice_no=number),)),
                     ("FindInvoice", (fp,))):
        message = await net.refused(tier1, fn, *args, rule="record-unreadable", evaluate=fn == "FindInvoice")
        assert (f"the stored recfin.fingerprint [{fp}] is no record this contract wrote (its receivable_id "
                "holds U+0000, U+10FFFF or a lone surrogate)") in message, message


@pytest.mark.parametrize("fn, args", [
    ("GetReceivable", ("R-\u0000x",)),
    ("GetFinancing", ("F-\U0010ffff",)),
    ("PublishDiscountOffer", ({"apr": "0.05", "expires_on": "2099-01-01", "receivable_ids": ["R-\u0000x"]},)),
])
async def test_a_callers_id_with_a_delimiter_is_still_refused_argument_invalid(fn, args):
    net = await standard_net()
    caller = net.actors["core"]
    message = await net.refused(caller, fn, *args, rule="argument-invalid", evaluate=fn.startswith("Get"))
    assert "contains U+0000 or U+10FFFF, which no id, credit code or client identity may contain" in message
