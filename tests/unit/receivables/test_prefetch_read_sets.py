"""Reading records together changes no successful transaction's read set.

Each read joins the read set the orderer's MVCC validation checks, so the contract prefetches only
records every successful path reads anyway. Here each transaction of a whole lifecycle is run
(without committing) once with ``Store.prefetch`` and once reading every record one by one; the
keys and ranges read must be the same. The peer round trips saved are held by
tests/unit/bench/test_components.py.
"""

from __future__ import annotations

import json

from chaincode.receivables.store import Store
from chaincode.testing._memory_peer import MemoryPeerSession
from fabric_protos.peer import chaincode_shim_pb2 as shim_pb2

from .support import attestation_request, credit_code, standard_net, transient_terms

READS: list[tuple[str, ...]] = []


class _Recorded:
    """Patches the peer session to note every key and range a transaction reads."""

    def __init__(self, monkeypatch) -> None:
        get_state, get_multiple = MemoryPeerSession._get_state, MemoryPeerSession._get_state_multiple
        get_range = MemoryPeerSession._get_state_by_range

        def one(session, payload):
            request = shim_pb2.GetState.FromString(payload)
            READS.append((request.collection, request.key))
            return get_state(session, payload)

        def many(session, payload):
            request = shim_pb2.GetStateMultiple.FromString(payload)
            READS.extend((request.collection, key) for key in request.keys)
            return get_multiple(session, payload)

        def scan(session, payload):
            request = shim_pb2.GetStateByRange.FromString(payload)
            READS.append((request.collection, request.startKey, request.endKey))
            return get_range(session, payload)

        monkeypatch.setattr(MemoryPeerSession, "_get_state", one)
        monkeypatch.setattr(MemoryPeerSession, "_get_state_multiple", many)
        monkeypatch.setattr(MemoryPeerSession, "_get_state_by_range", scan)


async def _no_prefetch(self, *records):
    return None


async def _reads(net, actor, fn, *args, **kw) -> set[tuple[str, ...]]:
    READS.clear()
    result = await net.call(actor, fn, *args, evaluate=True, **kw)
    assert result.status == 200, f"{fn}: {result.message}"
    return set(READS)


async def _same_reads(net, monkeypatch, actor, fn, *args, **kw):
    """Check ``fn`` reads the same with and without prefetching, then submit it."""
    with monkeypatch.context() as one_by_one:
        one_by_one.setattr(Store, "prefetch", _no_prefetch)
        expected = await _reads(net, actor, fn, *args, **kw)
    assert await _reads(net, actor, fn, *args, **kw) == expected, fn
    return await net.ok(actor, fn, *args, **kw)


async def test_every_transaction_of_a_lifecycle_reads_what_it_read_one_record_at_a_time(monkeypatch):
    net = await standard_net()
    _Recorded(monkeypatch)
    a = net.actors
    check = lambda actor, fn, *args, **kw: _same_reads(net, monkeypatch, actor, fn, *args, **kw)  # noqa: E731

    # parties
    newcomer = net.admins["SupplierMSP"]
    await check(newcomer, "RegisterParty", {"uscc": credit_code(90), "name": "Tier-3", "role": "supplier",
                                            "msp_id": "SupplierMSP", "client_ids": ["x509::CN=a::CN=ca", "x509::CN=b::CN=ca"]})
    await check(newcomer, "BindPartyIdentity", credit_code(90), " x509::CN=c::CN=ca ")
    await check(newcomer, "UnbindPartyIdentity", credit_code(90), " x509::CN=a::CN=ca ")

    # a split; the part kept financed with two offers (one lapses), both parts paid through the parent
    r = await check(a["tier1"], "RegisterReceivable", net.registration(a["tier1"], a["core"]), "req-1")
    await check(a["core"], "ConfirmReceivable", r["id"])
    await check(a["tier1"], "TransferReceivable", r["id"], a["tier2"].uscc, "1000000", "req-2")
    kept = f"{r['id']}.2"
    f = await check(a["tier1"], "RequestFinancing", kept)
    o = await check(a["bank"], "MakeFinancingOffer", f["id"], transient=transient_terms())
    await check(a["bank2"], "MakeFinancingOffer", f["id"], transient=transient_terms(discount_rate="0.04"))
    await check(a["tier1"], "AcceptFinancingOffer", o["id"])
    f = await check(a["bank"], "RecordDisbursement", f["id"], transient=transient_terms())
    await check(a["core"], "AcknowledgeAssignment", f["notice_id"])
    await check(a["core"], "RecordPayment", r["id"], str(net.doc(r["id"] + ".1")["outstanding"] + net.doc(kept)["outstanding"]),
                "req-3")
    await check(a["bank"], "RecordRepayment", f["id"])

    # freeze, unfreeze, early payment; a withdrawn request, a cancelled financing; overdue
    r2 = await net.confirmed(a["tier1"], a["core"])
    await check(a["regulator"], "FreezeReceivable", r2["id"], "ORDER-1")
    await check(a["regulator"], "UnfreezeReceivable", r2["id"], "LIFT-1")
    d = await check(a["core"], "PublishDiscountOffer", {"apr": "0.06", "expires_on": net.day(30),
                                                        "receivable_ids": [r2["id"]]}, "req-4")
    await check(a["tier1"], "AcceptDiscountOffer", d["id"], r2["id"])
    r3 = await net.confirmed(a["tier1"], a["core"])
    f3 = await check(a["tier1"], "RequestFinancing", r3["id"])
    await check(a["bank"], "MakeFinancingOffer", f3["id"], transient=transient_terms())
    await check(a["tier1"], "WithdrawFinancing", f3["id"])
    r4 = await net.confirmed(a["tier1"], a["core"])
    f4, o4 = await net.offered(a["tier1"], r4["id"], a["bank"])
    await net.ok(a["tier1"], "AcceptFinancingOffer", o4["id"])
    await check(a["bank"], "CancelFinancing", f4["id"], "will not disburse")
    await check(a["bank"], "AttestInvoiceVerification", attestation_request(a["tier1"].uscc, "26312000000000000009"), "req-5")
    net.advance(days=95)
    await check(a["tier1"], "RecordOverdue", r3["id"])
    assert json.loads(net.results[-1][1])["status"] == "OVERDUE"
