"""Parties and registration: every rejection names its rule and changes nothing."""

from __future__ import annotations

import pytest

from .support import BANK, CORE, REGULATOR, SUPPLIER, contract_hash, credit_code, standard_net


async def test_admin_registers_parties_of_its_own_org_only():
    net = await standard_net()
    party = {"uscc": credit_code(500), "name": "X", "role": "supplier", "msp_id": SUPPLIER, "client_ids": ["x509::CN=x::CN=ca"]}
    await net.refused(net.admins[CORE], "RegisterParty", party, rule="admin-of-own-org-only")
    await net.refused(net.actors["tier1"], "RegisterParty", party, rule="not-an-org-admin")
    await net.refused(net.admins[SUPPLIER], "RegisterParty", dict(party, role="regulator"), rule="role-not-allowed-for-org")
    await net.refused(net.admins[SUPPLIER], "RegisterParty", dict(party, uscc=party["uscc"][:-1] + "0" if party["uscc"][-1] != "0" else party["uscc"][:-1] + "1"),
                      rule="credit-code-invalid")
    await net.refused(net.admins[SUPPLIER], "RegisterParty", dict(party, uscc=net.actors["tier1"].uscc), rule="party-already-registered")
    await net.refused(net.admins[SUPPLIER], "RegisterParty", dict(party, client_ids=[net.actors["tier1"].identity.id]),
                      rule="identity-already-bound")
    await net.refused(net.admins[SUPPLIER], "RegisterParty", dict(party, extra=1), rule="argument-invalid")
    await net.refused(net.admins[SUPPLIER], "RegisterParty", ["a", "list"], rule="argument-invalid")
    before = net.snapshot()
    res = await net.call(net.admins[SUPPLIER], "RegisterParty", "not json")  # refused by the runtime, naming the parameter
    assert res.status == 500 and "'party'" in res.message and net.snapshot() == before
    res = await net.call(net.admins[SUPPLIER], "RegisterParty", party)
    assert res.status == 200 and res.event[0] == "PartyRegistered"


async def test_unbound_identity_is_not_a_party():
    from .support import Actor, client_identity

    net = await standard_net()
    stranger = Actor("stranger", SUPPLIER, client_identity(SUPPLIER, "stranger"))
    await net.refused(stranger, "RegisterReceivable", net.registration(net.actors["tier1"], net.actors["core"]),
                      rule="caller-not-a-party")
    # the same subject name under another MSP does not act for the party
    other_org = Actor("tier1@bank", BANK, client_identity(BANK, "tier1-user"))
    await net.refused(other_org, "WhoAmI", evaluate=True, rule="caller-not-a-party")
    me = await net.ok(net.actors["tier1"], "WhoAmI", evaluate=True)
    assert me["uscc"] == net.actors["tier1"].uscc and me["msp_id"] == SUPPLIER


async def test_bound_identity_acts_for_the_party():
    from .support import Actor, client_identity

    net = await standard_net()
    second = client_identity(SUPPLIER, "tier1-second")
    await net.ok(net.admins[SUPPLIER], "BindPartyIdentity", net.actors["tier1"].uscc, second.id)
    me = await net.ok(Actor("second", SUPPLIER, second), "WhoAmI", evaluate=True)
    assert me["uscc"] == net.actors["tier1"].uscc
    await net.refused(net.admins[SUPPLIER], "BindPartyIdentity", net.actors["tier2"].uscc, second.id, rule="identity-already-bound")
    await net.refused(net.admins[REGULATOR], "BindPartyIdentity", net.actors["tier2"].uscc, "x509::CN=y::CN=ca", rule="admin-of-own-org-only")


def _bad(net, change):
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 1000)
    change(req, net)
    return req


CASES = [
    ("float face amount", lambda r, n: r.update(face_amount=1000.0), "amount-not-integer-fen"),
    ("negative face amount", lambda r, n: r.update(face_amount=-1000), "amount-negative"),
    ("zero face amount", lambda r, n: r.update(face_amount=0), "amount-not-positive"),
    ("boolean face amount", lambda r, n: r.update(face_amount=True), "amount-not-integer-fen"),
    ("float invoice tax", lambda r, n: r["invoices"][0].update(tax=1.3), "amount-not-integer-fen"),
    ("bad currency", lambda r, n: r.update(currency="rmb"), "currency-invalid"),
    ("bad invoice currency", lambda r, n: r["invoices"][0].update(currency="rmb"), "currency-invalid"),
    ("currency of no hundredths", lambda r, n: (r.update(currency="JPY"), r["invoices"][0].update(currency="JPY")),
     "currency-invalid"),
    ("currency of thousandths", lambda r, n: (r.update(currency="KWD"), r["invoices"][0].update(currency="KWD")),
     "currency-invalid"),
    ("claim not in its invoice's currency", lambda r, n: r.update(currency="USD"), "invoice-currency-mismatch"),
    ("invoice not in the claim's currency", lambda r, n: r["invoices"][0].update(currency="USD"),
     "invoice-currency-mismatch"),
    ("bad debtor code", lambda r, n: r.update(debtor="91310000000000000X"), "credit-code-invalid"),
    ("unregistered debtor", lambda r, n: r.update(debtor=credit_code(777)), "party-not-registered"),
    ("supplier as debtor", lambda r, n: r.update(debtor=n.actors["tier2"].uscc), "debtor-not-core-enterprise"),
    ("issue date in future", lambda r, n: r.update(issue_date=n.day(1)), "issue-date-in-future"),
    ("due date today", lambda r, n: r.update(due_date=n.day(0)), "due-date-passed"),
    ("term over a year", lambda r, n: r.update(issue_date=n.day(-10), due_date=n.day(356)), "payment-term-too-long"),
    ("bad date", lambda r, n: r.update(due_date="2026-13-01"), "date-invalid"),
    ("seller not creditor", lambda r, n: r["invoices"][0].update(seller_tax_id=n.actors["tier2"].uscc), "invoice-parties-mismatch"),
    ("buyer not debtor", lambda r, n: r["invoices"][0].update(buyer_tax_id=n.actors["core2"].uscc), "invoice-parties-mismatch"),
    ("invoice dated later", lambda r, n: r["invoices"][0].update(date=n.day(1)), "invoice-date-in-future"),
    ("face above invoices", lambda r, n: r.update(face_amount=1131), "face-exceeds-invoices"),
    ("no invoices", lambda r, n: r.update(invoices=[]), "argument-invalid"),
    ("bad contract hash", lambda r, n: r.update(contract_hash="abc"), "argument-invalid"),
    ("unknown field", lambda r, n: r.update(colour="red"), "argument-invalid"),
    ("invoice code not digits", lambda r, n: r["invoices"][0].update(code="31A0204130"), "invoice-code-invalid"),
    ("code on a digitalised invoice", lambda r, n: r["invoices"][0].update(number="24312000000012345678",
                                                                           code="3100204130"), "invoice-code-invalid"),
    ("8-digit number without code", lambda r, n: r["invoices"][0].update(number="00123456"), "invoice-code-invalid"),
    ("code of wrong length", lambda r, n: r["invoices"][0].update(number="00123456", code="31002041"),
     "invoice-code-invalid"),
    ("10-digit code padded to 12", lambda r, n: r["invoices"][0].update(number="00123456", code="003100204130"),
     "invoice-code-invalid"),
    ("number with a dash", lambda r, n: r["invoices"][0].update(number="2644-2000000012345678"), "invoice-number-invalid"),
    ("number with a zero added", lambda r, n: r["invoices"][0].update(number="026442000000012345678"),
     "invoice-number-invalid"),
    ("number with a sign", lambda r, n: r["invoices"][0].update(number="-26442000000012345678"), "invoice-number-invalid"),
    ("number of letters", lambda r, n: r["invoices"][0].update(number="INV00000001"), "invoice-number-invalid"),
    ("number not a string", lambda r, n: r["invoices"][0].update(number=26442000000012345678), "argument-invalid"),
]


@pytest.mark.parametrize("label, change, code", CASES, ids=[c[0] for c in CASES])
async def test_registration_rejections(label, change, code):
    net = await standard_net()
    await net.refused(net.actors["tier1"], "RegisterReceivable", _bad(net, change), rule=code)


async def test_term_of_exactly_the_maximum_is_allowed():
    net = await standard_net()
    req = net.registration(net.actors["tier1"], net.actors["core"], 1000)
    req.update(issue_date=net.day(-10), due_date=net.day(355))
    assert (await net.ok(net.actors["tier1"], "RegisterReceivable", req))["status"] == "REGISTERED"
    assert contract_hash() == req["contract_hash"]


async def test_confirm_and_reject_rules():
    net = await standard_net()
    core, core2, tier1 = net.actors["core"], net.actors["core2"], net.actors["tier1"]
    r = await net.registered(tier1, core, 1000, due_in=5)
    await net.refused(core2, "ConfirmReceivable", r["id"], rule="not-the-debtor")
    await net.refused(tier1, "ConfirmReceivable", r["id"], rule="role-not-permitted")
    await net.refused(core, "RejectReceivable", r["id"], "  ", rule="argument-invalid")
    await net.refused(core, "TransferReceivable", r["id"], tier1.uscc, "1", rule="not-the-holder")
    await net.refused(tier1, "TransferReceivable", r["id"], net.actors["tier2"].uscc, "1", rule="invalid-state")
    await net.refused(tier1, "RequestFinancing", r["id"], rule="invalid-state")
    net.advance(days=5)
    await net.refused(core, "ConfirmReceivable", r["id"], rule="past-maturity")
    await net.ok(core, "RejectReceivable", r["id"], "too late")
    await net.refused(core, "ConfirmReceivable", r["id"], rule="invalid-state")


async def test_an_invoice_with_a_code_is_identified_by_code_and_number():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = net.registration(tier1, core, 1000)
    req["invoices"][0].update(number="00123456", code="3100204130")
    r = await net.ok(tier1, "RegisterReceivable", req)
    assert r["invoices"][0]["code"] == "3100204130"
    # the same number under another code is another invoice
    other = net.registration(tier1, core, 1000)
    other["invoices"][0].update(number="00123456", code="3100204131")
    await net.ok(tier1, "RegisterReceivable", other)
    # the same code and number again is the same invoice
    again = net.registration(tier1, core, 1000)
    again["invoices"][0].update(number="00123456", code="3100204130")
    await net.refused(tier1, "RegisterReceivable", again, rule="invoice-already-financed")


async def test_the_maximum_payment_term_comes_from_the_network_configuration():
    from chaincode.receivables.config import DEFAULT_CONFIG

    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"max_payment_term_days": 30}))
    tier1, core = net.actors["tier1"], net.actors["core"]
    await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, 1000, due_in=31), rule="payment-term-too-long")
    assert (await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, 1000, due_in=30)))["status"] == "REGISTERED"


async def test_the_default_payment_term_is_one_calendar_year_leap_day_or_not():
    """Due no later than the same day a year after issue: 366 days over a 29 February, 28 February for a claim
    issued on 29 February. A configured number of days counts days, 29 February or not."""
    from datetime import datetime, timezone

    from chaincode.receivables.config import DEFAULT_CONFIG

    def issued_on(net, day: str, due: str) -> dict:
        net.now = datetime.fromisoformat(f"{day}T02:00:00").replace(tzinfo=timezone.utc)   # 10:00 in Beijing
        return net.registration(net.actors["tier1"], net.actors["core"], 1000, due_date=due)

    net = await standard_net()
    tier1 = net.actors["tier1"]
    assert (await net.ok(tier1, "RegisterReceivable", issued_on(net, "2026-03-02", "2027-03-02")))["status"] == \
        "REGISTERED"                                                  # 365 days: no 29 February in the year
    await net.refused(tier1, "RegisterReceivable", issued_on(net, "2026-03-02", "2027-03-03"),
                      rule="payment-term-too-long")
    assert (await net.ok(tier1, "RegisterReceivable", issued_on(net, "2027-03-01", "2028-03-01")))["status"] == \
        "REGISTERED"                                                  # 366 days
    message = await net.refused(tier1, "RegisterReceivable", issued_on(net, "2027-03-01", "2028-03-02"),
                                rule="payment-term-too-long")
    assert "one calendar year" in message and "on or before 2028-03-01" in message
    assert (await net.ok(tier1, "RegisterReceivable", issued_on(net, "2028-02-29", "2029-02-28")))["status"] == \
        "REGISTERED"
    message = await net.refused(tier1, "RegisterReceivable", issued_on(net, "2028-02-29", "2029-03-01"),
                                rule="payment-term-too-long")
    assert "on or before 2029-02-28" in message

    days = await standard_net(DEFAULT_CONFIG.model_copy(update={"max_payment_term_days": 365}))
    message = await days.refused(days.actors["tier1"], "RegisterReceivable", issued_on(days, "2027-03-01", "2028-03-01"),
                                 rule="payment-term-too-long")
    assert "366 days after the issue date" in message and "365 days (max_payment_term_days)" in message
    assert "on or before 2028-02-29" in message
    await days.ok(days.actors["tier1"], "RegisterReceivable", issued_on(days, "2027-03-01", "2028-02-29"))


async def test_a_confirmation_is_irrevocable():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000)
    await net.refused(core, "RejectReceivable", r["id"], "changed our mind", rule="invalid-state")
    await net.refused(core, "ConfirmReceivable", r["id"], rule="invalid-state")
    assert net.doc(r["id"])["status"] == "CONFIRMED"


async def test_a_claim_is_registered_in_its_invoices_currency_and_an_old_record_reads_in_the_claims():
    import json

    from chaincode.receivables import keys

    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    in_cny = await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, 1000))
    assert "currency" not in net.registration(tier1, core, 1000)["invoices"][0]   # CNY unless it says otherwise
    assert (in_cny["currency"], in_cny["invoices"][0]["currency"]) == ("CNY", "CNY")
    two = net.registration(tier1, core, 2000, currency="USD")
    two["invoices"].append({**two["invoices"][0], "number": "26442999999999999999", "currency": "EUR"})
    await net.refused(tier1, "RegisterReceivable", two, rule="invoice-currency-mismatch")
    in_usd = await net.ok(tier1, "RegisterReceivable", net.registration(tier1, core, 1000, currency="USD"))
    assert (in_usd["currency"], in_usd["invoices"][0]["currency"]) == ("USD", "USD")

    # a claim stored before invoices carried a currency: its invoices were registered in the claim's
    key = net._key(keys.RECEIVABLE, in_usd["id"])
    stored = json.loads(net.ledger.state[key])
    del stored["invoices"][0]["currency"]
    net.ledger.state[key] = json.dumps(stored).encode()
    read = await net.ok(tier1, "GetReceivable", in_usd["id"], evaluate=True)
    assert read["invoices"][0]["currency"] == "USD"
