"""A fingerprint entry is a new key until a claim registers the invoice: the chaincode-level policy recfin
deploys (any two orgs' peers) alone guards it. No one org's peer can write it, running altered chaincode;
two can (a supplier's org and a bank's), naming a claim that does not exist, and so keep the invoice's seller
from registering it. The refusal then says the entry is none the contract wrote and what to do, never to
wait for a rejection or withdrawal of a claim no one can reject or withdraw."""

from __future__ import annotations

import dataclasses
import json

from chaincode.receivables import keys
from chaincode.receivables.collections import endorsement_policy
from chaincode.receivables.config import DEFAULT_CONFIG
from client.invoices.fingerprint import fingerprint_of

from .support import BANK, CORE, REGULATOR, SUPPLIER, standard_net


async def test_an_entry_naming_no_claim_blocks_the_invoice_with_a_refusal_that_says_so():
    net = await standard_net()
    net.ledger.chaincode_policy = endorsement_policy(DEFAULT_CONFIG, principal="peer")
    core, tier1, tier2 = net.actors["core"], net.actors["tier1"], net.actors["tier2"]
    registration = net.registration(tier2, core)
    entry_key = net._key(keys.FINGERPRINT, fingerprint_of(tier2.uscc, "", registration["invoices"][0]["number"]))
    # a write set as altered chaincode would build it: the entry alone, naming a claim no one registered
    template = await net.ledger.endorse(tier1.identity, "receivables:RegisterReceivable",
                                        json.dumps(net.registration(tier1, core)), transient={}, timestamp=net.now)
    put = next(w for w in template.writes if w.value.startswith(b"{"))
    entry = json.dumps({"fingerprint": "made-up", "receivable_id": "R-0000000000000000"}).encode()

    async def forged():
        tx = await net.ledger.endorse(tier1.identity, "receivables:WhoAmI", transient={}, timestamp=net.now)
        return dataclasses.replace(tx, writes=(dataclasses.replace(put, key=entry_key, value=entry),))

    for one_org in (SUPPLIER, BANK, CORE, REGULATOR):
        assert net.ledger.commit(await forged(), endorsers=(one_org,)) == "ENDORSEMENT_POLICY_FAILURE"
    assert net.ledger.commit(await forged(), endorsers=(SUPPLIER, BANK)) == "VALID"
    message = await net.refused(tier2, "RegisterReceivable", registration, rule="invoice-already-financed")
    assert "no receivable R-0000000000000000 is on the ledger" in message
    assert "report the key to the network's operators" in message
    assert "until that one is rejected" not in message
