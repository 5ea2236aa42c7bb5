"""Claims the first contract with goods receipts in parts stored keep working.

``legacy/ledger-e813413.json`` is the ledger the contract of commit e813413 left (its world state and the
key-level policies it wrote, byte for byte), after a supplier registered two claims on parts of one goods
receipt of 20,000 fen received, stating 12,000 fen (confirmed by the debtor) and 3,000 fen (left registered)
as their shares. That contract stored a part as ``{received, invoiced}``, the share as the registration
stated it; a2fd416 counts the share from the claim's invoices and records ``invoiced_before``, which such a
claim is read without (None).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from chaincode.receivables import keys
from .support import Actor, Net, client_identity

FIXTURE = Path(__file__).parent / "legacy" / "ledger-e813413.json"
RECEIPT = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0107"}


def e813413_net() -> tuple[Net, dict]:
    """A MemoryLedger holding the fixture's records and key-level policies, with its parties as actors,
    on its day; invoice numbers the tests register follow those of its claims."""
    dump = json.loads(FIXTURE.read_text(encoding="utf-8"))
    net = Net()
    net.ledger.state.update({key: value.encode() for key, value in dump["state"].items()})
    net.ledger.validation_parameters.update({key: bytes.fromhex(value) for key, value in dump["vp"].items()})
    for key, p in dump["parties"].items():
        net.actors[key] = Actor(key, p["msp"], client_identity(p["msp"], f"{key}-user"), p["uscc"], p["role"])
    fingerprints = [k for k in dump["state"] if k.startswith(net._key(keys.FINGERPRINT))]
    net._n = len(dump["parties"]) + len(fingerprints)
    net.now = datetime.fromisoformat(dump["now"])
    return net, dump["ids"]


def next_part(net: Net, invoiced: int) -> dict:
    """A registration of another part of the fixture's receipt, invoicing ``invoiced`` fen without tax."""
    return net.registration(net.actors["tier1"], net.actors["core"], invoiced,
                            goods_receipts=[{**RECEIPT, "part": {"received": 20_000}}])


def part_of(claim: dict) -> dict:
    (receipt,) = claim["goods_receipts"]
    return receipt["part"]


async def test_a_part_stored_without_invoiced_before_is_read_listed_and_acted_on():
    net, ids = e813413_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    stored = json.loads(net.ledger.state[net._key(keys.RECEIVABLE, ids["confirmed"])])
    assert part_of(stored) == {"received": 20_000, "invoiced": 12_000}     # as e813413 wrote it

    seen = await net.ok(core, "GetReceivable", ids["confirmed"], evaluate=True)
    assert part_of(seen) == {"received": 20_000, "invoiced": 12_000, "invoiced_before": None}
    for fn, party in (("ListReceivablesByHolder", tier1), ("ListReceivablesByDebtor", core)):
        page = await net.ok(party, fn, party.uscc, "10", "", evaluate=True)
        assert sorted(r["id"] for r in page["records"]) == sorted(ids.values()), fn
    assert (await net.ok(core, "ConfirmReceivable", ids["registered"]))["status"] == "CONFIRMED"
    assert (await net.ok(core, "RecordPayment", ids["confirmed"], "100"))["outstanding"] == 900
    assert (await net.ok(tier1, "RequestFinancing", ids["registered"]))["status"] == "REQUESTED"
    pages = await net.upgrade_pages()
    assert [u for page in pages for u in page["unreadable"]] == []


async def test_the_receipts_next_part_is_checked_against_what_its_stored_parts_invoice():
    net, ids = e813413_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    # 12,000 and 3,000 fen invoiced of 20,000: 5,000 and the rounding allowed are left
    await net.refused(tier1, "RegisterReceivable", next_part(net, 6_000), rule="goods-receipt-over-invoiced")
    third = await net.ok(tier1, "RegisterReceivable", next_part(net, 1_000))
    assert part_of(third) == {"received": 20_000, "invoiced": 1_000, "invoiced_before": 15_000}
    # the part left registered, rejected, releases its share
    await net.ok(core, "RejectReceivable", ids["registered"], "not ours")
    fourth = await net.ok(tier1, "RegisterReceivable", next_part(net, 6_000))
    assert part_of(fourth)["invoiced_before"] == 13_000
