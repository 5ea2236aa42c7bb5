"""GetDebtorPaymentRecord on a peer whose contract is older than a claim's writes (a chaincode server left on an
earlier release, or a channel taken back to one): a write a newer version made up to ``as_of`` is a state of the
claim this version cannot read, so the claim is named in ``history_cut`` and not counted, where its record was built
from the states before it (a claim paid in full on time read as unpaid and overdue). A newer write after ``as_of``
leaves the record as of that day whole."""

from __future__ import annotations

import dataclasses
import json

from chaincode.receivables import keys

from .support import Net, standard_net


def as_newer_version_wrote_last(net: Net, receivable_id: str) -> None:
    """The claim's last write, in its state and its key's history, as a newer contract version writes it: every
    field this version reads and one it does not know."""
    key = net._key(keys.RECEIVABLE, receivable_id)
    last = net.ledger.history[key][-1]
    newer = json.dumps({**json.loads(last.value), "field_of_a_newer_version": "x"}).encode()
    net.ledger.history[key][-1] = dataclasses.replace(last, value=newer)
    net.ledger.state[key] = newer


async def paid_on_time_by_a_newer_version() -> tuple[Net, dict]:
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=10)
    net.advance(5)
    await net.ok(core, "RecordPayment", r["id"], "100000")   # in full, five days before its due date
    as_newer_version_wrote_last(net, r["id"])
    net.advance(30)
    return net, r


async def test_a_claim_a_newer_version_wrote_by_as_of_is_named_not_counted_as_unpaid():
    net, r = await paid_on_time_by_a_newer_version()
    page = await net.ok(net.actors["bank"], "GetDebtorPaymentRecord", net.actors["core"].uscc, "10", "",
                        evaluate=True)
    assert [rec["receivable_id"] for rec in page["records"]] == []
    assert page["history_cut"] == [r["id"]]


async def test_a_newer_versions_write_after_as_of_leaves_the_record_of_that_day_whole():
    net, r = await paid_on_time_by_a_newer_version()
    registered_on = r["last"]["at"][:10]
    page = await net.ok(net.actors["bank"], "GetDebtorPaymentRecord", net.actors["core"].uscc, "10", "",
                        registered_on, evaluate=True)
    assert [(rec["receivable_id"], rec["status"]) for rec in page["records"]] == [(r["id"], "CONFIRMED")]
    assert page["history_cut"] == []


async def test_a_claim_a_newer_version_registered_is_named_though_no_state_of_it_reads():
    net = await standard_net()
    r = await net.registered(net.actors["tier1"], net.actors["core"], 1000_00)
    as_newer_version_wrote_last(net, r["id"])   # its one write, the registration
    page = await net.ok(net.actors["bank"], "GetDebtorPaymentRecord", net.actors["core"].uscc, "10", "",
                        evaluate=True)
    assert page["records"] == [] and page["history_cut"] == [r["id"]]
