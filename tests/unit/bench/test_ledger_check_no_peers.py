"""A ledger verdict with no peer read looked for no transaction: every acknowledged one is unread, none found,
where found was counted as every acknowledged one and the verdict read as a clean check."""
from bench.ledger_check import PeerLedger, Verdict


def test_with_no_peer_every_acknowledged_transaction_is_unread_not_found():
    verdict = Verdict(4, [])
    assert (verdict.found, verdict.lost, verdict.unread) == (0, 0, 4)
    report = verdict.to_json()
    assert (report["acknowledged"], report["found"], report["unread"]) == (4, 0, 4)


def test_with_a_peer_that_holds_them_all_each_is_found():
    verdict = Verdict(2, [PeerLedger("peer0.supplier", found=2)])
    assert (verdict.found, verdict.lost, verdict.unread) == (2, 0, 0)
