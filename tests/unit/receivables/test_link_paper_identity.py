"""LinkPaperIdentity: an invoice a claim was registered with by its 20-digit number alone names its paper form's
code and number afterwards (数电纸质发票), so the same supplier can no longer register the invoice again under
that paper identity as a second claim. Its creditor, the invoice's seller, links it, before or after confirmation,
while the lineage is live; the debtor is refused (the registry holds the identity under the seller's tax id, so a
debtor's link could lock an invoice the seller issued to another buyer); a refusal names its rule and writes
nothing; the new registry entry carries the policy of the invoice's own."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import fingerprint, keys

from .support import BANK, CORE, SUPPLIER, standard_net
from .test_registry_and_attestation_policies import policy_orgs

NUMBER = "26990000000000000001"           # its first 12 digits are no code: the number has no other spelling
PAPER_CODE, PAPER_NUMBER = "144031900111", "00012345"


def _registration(net, tier1, core, *, number: str = NUMBER, code: str = "") -> dict:
    req = net.registration(tier1, core, 1000_00, invoice_no=number)
    req["invoices"][0]["code"] = code
    return req


def _paper_fingerprint(tier1, code: str = PAPER_CODE, number: str = PAPER_NUMBER) -> str:
    return fingerprint.invoice_fingerprint(tier1.uscc, code, number)


async def _claim(*, confirm: bool = True):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = await net.ok(tier1, "RegisterReceivable", _registration(net, tier1, core))
    if confirm:
        claim = await net.ok(core, "ConfirmReceivable", claim["id"])
    return net, tier1, core, claim


async def test_the_creditor_links_a_confirmed_claims_paper_identity_and_a_second_claim_under_it_is_refused():
    net, tier1, core, claim = await _claim()
    paper_claim = _registration(net, tier1, core, number=PAPER_NUMBER, code=PAPER_CODE)
    result = await net.call(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER)
    assert result.status == 200, result.message
    linked = json.loads(result.payload)
    (invoice,) = linked["invoices"]
    paper_fp = _paper_fingerprint(tier1)
    assert (invoice["paper_code"], invoice["paper_number"], invoice["paper_fingerprint"]) == \
        (PAPER_CODE, PAPER_NUMBER, paper_fp)
    assert linked["status"] == "CONFIRMED" and linked["last"]["action"] == "LinkPaperIdentity"
    assert net.doc(claim["id"])["invoices"][0]["paper_fingerprint"] == paper_fp
    assert json.loads(net.ledger.state[net._key(keys.FINGERPRINT, paper_fp)])["receivable_id"] == claim["id"]
    name, payload = result.event
    assert name == "PaperIdentityLinked"
    assert json.loads(payload)["paper_fingerprint"] == paper_fp
    message = await net.refused(tier1, "RegisterReceivable", paper_claim, rule="invoice-already-financed")
    assert f"already backs receivable {claim['id']}" in message


async def test_the_creditor_links_before_confirmation_and_the_debtor_confirms_the_claim_naming_it():
    net, tier1, core, claim = await _claim(confirm=False)
    await net.ok(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER)
    confirmed = await net.ok(core, "ConfirmReceivable", claim["id"])
    assert confirmed["invoices"][0]["paper_number"] == PAPER_NUMBER
    await net.refused(tier1, "RegisterReceivable", _registration(net, tier1, core, number=PAPER_NUMBER,
                                                                 code=PAPER_CODE), rule="invoice-already-financed")


async def test_a_withdrawal_releases_the_paper_identity_its_creditor_linked():
    net, tier1, core, claim = await _claim(confirm=False)
    await net.ok(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER)
    await net.ok(tier1, "WithdrawReceivable", claim["id"], "registered without its paper identity")
    assert net._key(keys.FINGERPRINT, _paper_fingerprint(tier1)) not in net.ledger.state
    await net.ok(tier1, "RegisterReceivable", _registration(net, tier1, core, number=PAPER_NUMBER, code=PAPER_CODE))


async def test_the_new_entry_carries_the_policy_of_the_invoices_own_entry_with_the_financing_banks_org():
    net, tier1, core, claim = await _claim()
    await net.financed(tier1, claim["id"])
    own = net._key(keys.FINGERPRINT, claim["invoices"][0]["fingerprint"])
    assert policy_orgs(net, own) == sorted([BANK, CORE, SUPPLIER])
    await net.ok(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER)
    paper = net._key(keys.FINGERPRINT, _paper_fingerprint(tier1))
    assert net.ledger.validation_parameters[paper] == net.ledger.validation_parameters[own]
    # the claim's own key is written under the policy it has: its orgs endorse the link
    assert net.writes_not_endorsed(BANK, CORE, SUPPLIER) == []


async def test_a_part_of_a_split_claim_links_the_paper_identity_on_its_root():
    net, tier1, core, claim = await _claim()
    split = await net.ok(tier1, "TransferReceivable", claim["id"], net.actors["tier2"].uscc, "40000")
    part = split["children"][0]
    linked = await net.ok(tier1, "LinkPaperIdentity", part, NUMBER, PAPER_CODE, PAPER_NUMBER)
    assert linked["id"] == claim["id"] and linked["invoices"][0]["paper_number"] == PAPER_NUMBER


async def test_a_link_sent_again_is_refused_saying_the_invoice_names_it_already():
    net, tier1, core, claim = await _claim()
    await net.ok(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER)
    same = await net.refused(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER,
                             rule="paper-identity-already-named")
    assert "nothing is left to do" in same
    other = await net.refused(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, "00054321",
                              rule="paper-identity-already-named")
    assert "stays" in other


async def test_an_invoice_registered_with_its_paper_identity_takes_no_other():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = _registration(net, tier1, core)
    req["invoices"][0]["paper_code"], req["invoices"][0]["paper_number"] = PAPER_CODE, PAPER_NUMBER
    claim = await net.ok(tier1, "RegisterReceivable", req)
    await net.refused(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, "00054321",
                      rule="paper-identity-already-named")


async def test_an_identity_backing_another_claim_is_refused():
    net, tier1, core, claim = await _claim()
    held = await net.ok(tier1, "RegisterReceivable", _registration(net, tier1, core, number=PAPER_NUMBER,
                                                                   code=PAPER_CODE))
    message = await net.refused(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER,
                                rule="invoice-already-financed")
    assert held["id"] in message and "paper identity" in message


async def _held_by_another_claim(*, confirm_held: bool, confirm_linked: bool):
    """The creditor's claim on the invoice by its 20-digit number, and its other claim registered under the
    paper form's code and number, each confirmed or not."""
    net, tier1, core, claim = await _claim(confirm=confirm_linked)
    held = await net.ok(tier1, "RegisterReceivable", _registration(net, tier1, core, number=PAPER_NUMBER,
                                                                   code=PAPER_CODE))
    if confirm_held:
        held = await net.ok(core, "ConfirmReceivable", held["id"])
    return net, tier1, core, claim, held


@pytest.mark.parametrize("confirm_linked", [False, True], ids=["linked-registered", "linked-confirmed"])
async def test_an_identity_backing_the_creditors_other_confirmed_claim_is_refused_with_link_advice(confirm_linked):
    """Registration's advice (register this claim without the invoice) is no way on for a link: the claim is
    registered already. The creditor is told that the other claim is its own, that the link cannot be made, and
    what it can do: check the code and number, and, if they are this invoice's, end the claim the debtor has not
    confirmed, or tell the debtor and the banks, as one invoice then backs two confirmed claims."""
    net, tier1, core, claim, held = await _held_by_another_claim(confirm_held=True, confirm_linked=confirm_linked)
    before = dict(net.ledger.state)
    message = await net.refused(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER,
                                rule="invoice-already-financed")
    assert net.ledger.state == before
    assert "register this claim" not in message, message
    assert f"your claim {held['id']}" in message and "CONFIRMED" in message, message
    assert f"cannot be linked to {claim['id']}" in message and "check the code and number" in message, message
    if confirm_linked:
        assert f"tell its debtor {core.uscc}" in message and "FindInvoice" in message, message
        assert "WithdrawReceivable" not in message, message
    else:
        assert f"withdraw {claim['id']} (WithdrawReceivable)" in message, message


async def test_an_identity_backing_the_creditors_other_registered_claim_is_refused_with_link_advice():
    net, tier1, core, claim, held = await _held_by_another_claim(confirm_held=False, confirm_linked=True)
    message = await net.refused(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER,
                                rule="invoice-already-financed")
    assert "register again" not in message, message
    assert f"your claim {held['id']}" in message and "REGISTERED" in message, message
    assert f"withdraw {held['id']} (WithdrawReceivable), then link the paper identity again" in message, message


async def test_an_identity_backing_the_creditors_claim_on_another_debtor_is_another_buyers_invoice():
    """The paper identity is keyed by its seller alone: held by a claim on another debtor, it is an invoice to
    another buyer, not this invoice's paper form, and nothing of the other claim is the way on."""
    net, tier1, core, claim = await _claim()
    core2 = net.actors["core2"]
    held = await net.ok(tier1, "RegisterReceivable", _registration(net, tier1, core2, number=PAPER_NUMBER,
                                                                   code=PAPER_CODE))
    message = await net.refused(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER,
                                rule="invoice-already-financed")
    assert f"your claim {held['id']} is REGISTERED, on another debtor ({core2.uscc})" in message, message
    assert "WithdrawReceivable" not in message and "link those printed on it" in message, message


async def test_the_paper_identity_of_another_invoice_of_the_claim_is_refused_as_listed_twice():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    req = _registration(net, tier1, core)
    req["invoices"].append({**req["invoices"][0], "number": PAPER_NUMBER, "code": PAPER_CODE})
    claim = await net.ok(tier1, "RegisterReceivable", req)
    await net.refused(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER,
                      rule="invoice-listed-twice")


@pytest.mark.parametrize("number, code, paper_number, rule", [
    (NUMBER, PAPER_CODE, "123", "invoice-number-invalid"),                   # no 8-digit paper number
    (NUMBER, "", PAPER_NUMBER, "invoice-code-invalid"),                      # half a paper identity
    (NUMBER, "", "", "invoice-code-invalid"),                                # none at all
    (NUMBER, "3100274130", PAPER_NUMBER, "invoice-code-invalid"),            # a form printed in 2027
    ("26990000000000000002", PAPER_CODE, PAPER_NUMBER, "not-found"),         # no such invoice on the claim
], ids=["paper-number", "paper-code-missing", "no-paper-identity", "form-printed-after-the-invoice",
         "invoice-not-on-the-claim"])
async def test_an_identity_a_registration_refuses_is_refused(number, code, paper_number, rule):
    net, tier1, core, claim = await _claim()
    await net.refused(tier1, "LinkPaperIdentity", claim["id"], number, code, paper_number, rule=rule)


async def test_a_frozen_claim_is_refused():
    net, tier1, core, claim = await _claim()
    await net.ok(net.actors["regulator"], "FreezeReceivable", claim["id"], "order-1")
    await net.refused(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER,
                      rule="receivable-frozen")


@pytest.mark.parametrize("end", ["withdrawn", "settled"])
async def test_an_ended_lineage_is_refused(end):
    net, tier1, core, claim = await _claim(confirm=end != "withdrawn")
    if end == "withdrawn":
        await net.ok(tier1, "WithdrawReceivable", claim["id"], "registered in error")
    else:
        await net.ok(core, "RecordPayment", claim["id"], "100000")
    await net.refused(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER,
                      rule="invalid-state")


@pytest.mark.parametrize("confirm, who", [
    (True, "core"),        # the debtor, once it confirmed the invoices
    (False, "core"),       # the debtor, before it has confirmed
    (True, "tier2"),       # another supplier
    (True, "bank"),        # a bank, even one about to finance the claim
    (False, "tier2"),
], ids=["debtor-after", "debtor-before", "other-supplier", "bank", "other-supplier-before"])
async def test_no_one_but_the_creditor_links(confirm, who):
    net, tier1, core, claim = await _claim(confirm=confirm)
    before = dict(net.ledger.state)
    message = await net.refused(net.actors[who], "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER,
                                rule="not-the-creditor")
    assert "only its creditor" in message
    assert net.ledger.state == before


async def test_the_debtor_is_told_why_only_the_seller_links_and_what_protects_it():
    net, tier1, core, claim = await _claim()
    message = await net.refused(core, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER,
                                rule="not-the-creditor")
    assert "another buyer" in message and "confirm" in message and tier1.uscc in message


async def test_a_creditor_that_transferred_the_claim_whole_still_links():
    net, tier1, core, claim = await _claim()
    await net.ok(tier1, "TransferReceivable", claim["id"], net.actors["tier2"].uscc, "100000")
    await net.refused(net.actors["tier2"], "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER,
                      rule="not-the-creditor")
    linked = await net.ok(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER)
    assert linked["invoices"][0]["paper_number"] == PAPER_NUMBER


async def _endorsed_link(net, actor, claim_id: str, number: str):
    """``actor``'s LinkPaperIdentity of PAPER_CODE/PAPER_NUMBER endorsed on the ledger as it stands, not committed."""
    endorsement = await net.ledger.endorse(actor.identity, "receivables:LinkPaperIdentity", claim_id, number,
                                           PAPER_CODE, PAPER_NUMBER, transient={}, timestamp=net.now)
    assert endorsement.result.status == 200, endorsement.result.message
    return endorsement


async def test_one_paper_identity_linked_to_two_claims_endorsed_at_once_commits_once():
    # each reads the paper identity's registry entry, absent, which the other writes: the later of the two in a
    # block fails validation, so the paper identity never backs two claims of its seller
    net, tier1, core, claim = await _claim()
    second_number = "26990000000000000002"
    other = await net.ok(tier1, "RegisterReceivable", _registration(net, tier1, core, number=second_number))
    await net.ok(core, "ConfirmReceivable", other["id"])
    first = await _endorsed_link(net, tier1, claim["id"], NUMBER)
    second = await _endorsed_link(net, tier1, other["id"], second_number)
    assert net.ledger.commit(first) == "VALID"
    assert net.ledger.commit(second) == "MVCC_READ_CONFLICT"
    assert net.doc(other["id"])["invoices"][0].get("paper_fingerprint", "") == ""


async def test_a_link_and_a_registration_under_the_paper_identity_endorsed_at_once_commit_one():
    net, tier1, core, claim = await _claim()
    link = await _endorsed_link(net, tier1, claim["id"], NUMBER)
    registration = await net.ledger.endorse(
        tier1.identity, "receivables:RegisterReceivable",
        json.dumps(_registration(net, tier1, core, number=PAPER_NUMBER, code=PAPER_CODE)), "",
        transient={}, timestamp=net.now)
    assert registration.result.status == 200, registration.result.message
    assert net.ledger.commit(link) == "VALID"
    assert net.ledger.commit(registration) == "MVCC_READ_CONFLICT"


@pytest.mark.parametrize("through", ["root", "part"])
async def test_a_part_of_the_lineage_frozen_holds_the_link_back_until_its_order_is_lifted(through):
    """The link writes the invoice every part of a split claim stands on: a court's order freezing one part
    binds what backs it, as it does on a claim never split."""
    net, tier1, core, claim = await _claim()
    reg = net.actors["regulator"]
    split = await net.ok(tier1, "TransferReceivable", claim["id"], net.actors["tier2"].uscc, "40000")
    transferred, kept = split["children"]
    await net.ok(reg, "FreezeReceivable", transferred, "ORDER-A")
    order = net.doc(transferred)["frozen"]
    before = dict(net.ledger.state)
    named = claim["id"] if through == "root" else kept
    message = await net.refused(tier1, "LinkPaperIdentity", named, NUMBER, PAPER_CODE, PAPER_NUMBER,
                                rule="receivable-frozen")
    assert net.ledger.state == before
    assert f"part {transferred} of {claim['id']} is frozen by order 'ORDER-A' (transaction {order['tx_id']})" \
        in message, message
    assert "UnfreezeReceivable" in message and kept not in message   # the part not frozen is not named
    await net.ok(reg, "UnfreezeReceivable", transferred, "LIFT-A")
    linked = await net.ok(tier1, "LinkPaperIdentity", named, NUMBER, PAPER_CODE, PAPER_NUMBER)
    assert linked["invoices"][0]["paper_number"] == PAPER_NUMBER
