"""Who holds a bank's offer terms, as docs/receivables.md ("Collections") and ``parsed_private`` say it: the peers of
the collection's member orgs, so where two banks share an org that org's peer holds both banks' terms, and the
contract, not the collection, refuses one bank the other's (``recfin.offer-parties``); a write to the collection
needs the holder's and the bank's orgs' peers, not any two orgs'."""

from __future__ import annotations

from pathlib import Path

from chaincode.receivables import collections, keys
from chaincode.receivables.store_base import parsed_private

from .support import BANK, REGULATOR, SUPPLIER, standard_net, transient_terms

DOCS = Path(__file__).resolve().parents[3] / "docs"


def _collections_paragraph() -> str:
    text = " ".join((DOCS / "receivables.md").read_text(encoding="utf-8").split())
    start = text.index("- **Collections**:")
    return text[start:text.index(" - **", start + 1)]


async def test_two_banks_of_one_org_share_its_collection_and_the_contract_keeps_each_from_the_others_terms():
    net = await standard_net()
    tier1, core, bank, bank2 = (net.actors[k] for k in ("tier1", "core", "bank", "bank2"))
    assert bank.msp == bank2.msp == BANK
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    f, first = await net.offered(tier1, r["id"], bank, terms=transient_terms(advance_rate="0.8123"))
    second = await net.ok(bank2, "MakeFinancingOffer", f["id"], transient=transient_terms(advance_rate="0.7"))
    # one collection for the pair of orgs: the bank org's peer holds both banks' terms
    assert first["collection"] == second["collection"] == collections.collection_name(SUPPLIER, BANK)
    held = net.ledger.private_state[first["collection"]]
    assert {net._key(keys.TERMS, first["id"]), net._key(keys.TERMS, second["id"])} <= set(held)
    # the contract answers each bank its own terms only
    refused = await net.call(bank2, "GetOfferTerms", first["id"], evaluate=True)
    assert refused.status != 200 and "not-permitted-to-read" in refused.message and "0.8123" not in refused.message
    said = _collections_paragraph()
    assert "by no other bank" not in said
    assert "that org's peer holds both banks' terms" in said and "`recfin.offer-parties`" in said


def test_a_private_write_is_said_to_need_the_holders_and_the_banks_peers_as_the_collection_policy_does():
    policy = collections.terms_endorsement_policy(SUPPLIER, BANK, [REGULATOR])
    assert policy == f"AND('{SUPPLIER}.peer', '{BANK}.peer')"
    said = " ".join(parsed_private.__doc__.split())
    assert "any two orgs" not in said
    assert "a peer of the holder's org and one of the bank's: ``collections.terms_endorsement_policy``" in said
