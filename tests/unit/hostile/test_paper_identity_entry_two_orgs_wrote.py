"""The invoice registry's entry of a paper identity (数电纸质发票: a paper form's code and 8-digit number) no claim
holds is a new key under the chaincode-level policy alone: two orgs running altered chaincode (a bank's and the
regulator's here) can write it ahead of a LinkPaperIdentity, naming a claim that does not exist, or the very claim
being linked, and seal it under a key-level policy of their own. The link cannot write past such an entry (Fabric
would validate the write against the two orgs' policy), so it is refused, writing nothing; the refusal says the
entry was written outside the contract and what to do, instead of sending the creditor to a withdrawal that
would not release the entry."""

from __future__ import annotations

import dataclasses
import json

import pytest

from chaincode.receivables import keys
from chaincode.receivables.collections import endorsement_policy
from chaincode.receivables.config import DEFAULT_CONFIG
from chaincode.receivables.store_base import org_policy
from chaincode.testing._memory_peer import Write, WriteRecord

from tests.unit.receivables.support import BANK, REGULATOR, standard_net
from tests.unit.receivables.test_link_paper_identity import (
    NUMBER, PAPER_CODE, PAPER_NUMBER, _paper_fingerprint, _registration,
)


async def _written_by_two_other_orgs(net, fp: str, receivable_id: str) -> None:
    """Commit the entry of ``fp`` naming ``receivable_id``, sealed under the bank's and the regulator's orgs, in a
    transaction a bank's client submits and those two orgs' peers endorse, as altered chaincode would write it."""
    key = net._key(keys.FINGERPRINT, fp)
    value = json.dumps({"fingerprint": fp, "receivable_id": receivable_id}, sort_keys=True).encode()
    carrier = await net.ledger.endorse(net.actors["bank"].identity, "receivables:WhoAmI", transient={},
                                       timestamp=net.now)
    forged = dataclasses.replace(carrier, writes=(Write(WriteRecord.PUT_STATE, "", key, value),
                                                  Write(WriteRecord.PUT_STATE_METADATA, "", key,
                                                        org_policy([BANK, REGULATOR]))))
    assert net.ledger.commit(forged, endorsers=(BANK, REGULATOR)) == "VALID"


@pytest.mark.parametrize("confirm", [True, False], ids=["after-confirmation", "before-confirmation"])
@pytest.mark.parametrize("named", ["no-such-claim", "the-claim-linked"])
async def test_a_paper_identity_entry_written_outside_the_contract_is_named_so(confirm, named):
    net = await standard_net()
    net.ledger.chaincode_policy = endorsement_policy(DEFAULT_CONFIG, principal="peer")
    tier1, core = net.actors["tier1"], net.actors["core"]
    claim = await net.ok(tier1, "RegisterReceivable", _registration(net, tier1, core))
    if confirm:
        claim = await net.ok(core, "ConfirmReceivable", claim["id"])
    owner = "R-0000000000000001" if named == "no-such-claim" else claim["id"]
    await _written_by_two_other_orgs(net, _paper_fingerprint(tier1), owner)
    before = net.snapshot()
    message = await net.refused(tier1, "LinkPaperIdentity", claim["id"], NUMBER, PAPER_CODE, PAPER_NUMBER,
                                rule="invoice-already-financed")
    assert net.snapshot() == before
    assert "written outside the contract" in message and "report the key to the network's operators" in message
    # no withdrawal, which would leave the entry standing
    assert "WithdrawReceivable" not in message
