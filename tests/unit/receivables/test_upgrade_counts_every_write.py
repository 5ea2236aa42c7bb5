"""UpgradeLedger's ``writes`` counts every write a page makes, a value or a key-level policy each: the other
counts name some kinds only, so a ledger that needed only a debtor's payment-record entry written back, an
offer's ``recfin.offer-made`` entry or policies in the earlier form rewritten was reported as 0 written. A
page run again writes nothing, and says 0."""

from __future__ import annotations

from chaincode.receivables import keys

from .support import Net, standard_net
from .test_key_policies_name_peers import NO_EARLIER_POLICY, every_kind_of_key, to_earlier_versions

COUNTED = ("financier_entries", "discount_offer_entries", "open_offer_entries", "fingerprint_entries",
           "claim_policies", "financing_policies", "discount_offer_policies")


async def pages_with_their_writes(net: Net, page_size: str = "100") -> list[tuple[dict, int]]:
    """Every page of UpgradeLedger from the first, each with how many writes the ledger committed for it."""
    out, bookmark = [], ""
    while True:
        page = await net.ok(net.admins["RegulatorMSP"], "UpgradeLedger", page_size, bookmark)
        out.append((page, len(net.last_writes)))
        if page["done"]:
            return out
        bookmark = page["bookmark"]


async def test_policies_in_the_earlier_form_and_entries_with_none_are_counted_though_no_count_names_them():
    net = await standard_net()
    await every_kind_of_key(net)
    now = to_earlier_versions(net)   # every policy rewritten or written back, nothing else
    pages = await pages_with_their_writes(net, page_size="3")
    assert net.ledger.validation_parameters == now
    assert sum(page[field] for page, _ in pages for field in COUNTED) == 0
    # a discount offer's publisher record and a bank's exposure version, on which no earlier version wrote a policy:
    # theirs is this version's, and not rewritten
    assert sum(page["writes"] for page, _ in pages) == len([key for key in now
                                                            if key.split("\x00")[1] not in NO_EARLIER_POLICY])
    assert [page["writes"] for page, _ in pages] == [committed for _, committed in pages]
    again = await pages_with_their_writes(net, page_size="3")
    assert [page["writes"] for page, _ in again] == [0] * len(again)


async def test_a_payment_record_entry_written_back_and_an_offer_made_entry_are_counted():
    net = await standard_net()
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    paid = (await net.confirmed(tier1, core))["id"]
    _, offer = await net.offered(tier1, (await net.confirmed(tier1, core))["id"])
    debtor_entry = net._key(keys.BY_DEBTOR, core.uscc, paid)
    offer_made = net._key(keys.OFFER_MADE, bank.uscc, core.uscc, offer["id"])
    for key in (debtor_entry, offer_made):   # as an earlier version left them: never written
        del net.ledger.state[key]
        net.ledger.validation_parameters.pop(key, None)

    pages = await pages_with_their_writes(net)
    assert debtor_entry in net.ledger.state and offer_made in net.ledger.state
    assert sum(page[field] for page, _ in pages for field in COUNTED) == 0
    # each entry and its policy
    assert sum(page["writes"] for page, _ in pages) == sum(committed for _, committed in pages) == 4
    assert [page["writes"] for page, _ in await pages_with_their_writes(net)] == [0] * len(pages)
