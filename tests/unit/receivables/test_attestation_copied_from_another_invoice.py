"""An attestation is read only from the key it was written to, the one its invoice's fingerprint and its id
name: a copy of another invoice's passing attestation, planted under this invoice's fingerprint (any two orgs
running altered chaincode can write a key nobody has written yet), is neither listed nor counted for this
invoice, and a registration's refusal names it among the records not counted, as it names a record that does
not parse."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import fingerprint, keys
from chaincode.receivables.config import DEFAULT_CONFIG

from .support import attestation_request, standard_net
from .test_unreadable_records import forge

ATTESTED = "26442000000000000042"
COPIED_TO = "26442000000000000043"


@pytest.mark.parametrize("planted_id, rewritten", [
    (None, {}),                                  # the copy as written, under its own id
    ("A-planted", {"fingerprint": None}),        # naming this invoice's fingerprint, under an id not its own
])
async def test_a_copy_of_another_invoices_pass_is_neither_listed_nor_counted(planted_id, rewritten):
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"require_attestation": True}))
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    # two invoices of one seller to one buyer, of the same date and total: only the first is attested
    attested = net.registration(tier1, core, invoice_no=ATTESTED)
    copied_to = net.registration(tier1, core, invoice_no=COPIED_TO)
    a = await net.ok(bank, "AttestInvoiceVerification",
                     attestation_request(tier1.uscc, ATTESTED, invoice=attested["invoices"][0]))
    fp = fingerprint.invoice_fingerprint(tier1.uscc, "", COPIED_TO)
    copy = {**a, **{field: fp for field in rewritten}}
    planted_id = planted_id or a["id"]
    forge(net, net._key(keys.ATTESTATION, fp, planted_id), json.dumps(copy, sort_keys=True).encode())

    for reader in ("tier1", "core", "bank", "regulator"):
        assert await net.ok(net.actors[reader], "GetInvoiceAttestations", fp, evaluate=True) == []
    message = await net.refused(tier1, "RegisterReceivable", copied_to, rule="invoice-not-attested")
    assert f"not counted: 1 attestation(s) unreadable, no attestation this contract recorded ({planted_id})" \
        in message, message

    # the invoice the pass is of is registered on it; the other on a pass of its own
    await net.ok(tier1, "RegisterReceivable", attested)
    own = await net.ok(bank, "AttestInvoiceVerification",
                       attestation_request(tier1.uscc, COPIED_TO, invoice=copied_to["invoices"][0]))
    assert [x["id"] for x in await net.ok(core, "GetInvoiceAttestations", fp, evaluate=True)] == [own["id"]]
    await net.ok(tier1, "RegisterReceivable", copied_to)
