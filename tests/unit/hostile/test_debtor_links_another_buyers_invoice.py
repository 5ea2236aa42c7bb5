"""A dishonest debtor cannot lock an invoice its supplier issued to another buyer. The registry holds a paper identity
(数电纸质发票: a paper form's code and 8-digit number) under the seller's tax id, and the contract cannot tell
whether a code and number belong to the invoice a claim lists; numbers in a code's batch run in sequence, so they
can be guessed. Were the debtor to link one to its confirmed claim, which keeps its entries for good, the seller
could never register that invoice. Only the claim's creditor, the seller, links, so the debtor is refused and
nothing is written, and the seller registers the other buyer's invoice."""

from __future__ import annotations

from tests.unit.receivables.support import standard_net
from tests.unit.receivables.test_link_paper_identity import NUMBER, PAPER_CODE, _registration

OTHER_BUYERS_NUMBER = "00012346"   # the next number of the code's batch, on the seller's invoice to core2


async def test_a_debtor_linking_another_buyers_invoice_of_its_supplier_is_refused_and_writes_nothing():
    net = await standard_net()
    tier1, core, core2 = net.actors["tier1"], net.actors["core"], net.actors["core2"]
    claim = await net.ok(tier1, "RegisterReceivable", _registration(net, tier1, core))
    await net.ok(core, "ConfirmReceivable", claim["id"])
    before = net.snapshot()
    message = await net.refused(core, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, OTHER_BUYERS_NUMBER,
                                rule="not-the-creditor")
    assert net.snapshot() == before
    assert "only its creditor" in message and tier1.uscc in message
    other_buyers = _registration(net, tier1, core2, number=OTHER_BUYERS_NUMBER, code=PAPER_CODE)
    await net.ok(tier1, "RegisterReceivable", other_buyers)
