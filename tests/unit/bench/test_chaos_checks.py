"""The fault suite's own check (tests/integration/test_chaos.py ``check_nothing_lost``), without a network: commits
of the warm-up alone, or none after the repair, fail it, where the ledger check by itself would pass."""
import types

import pytest

from bench.driver import RATE, Plan, Run, Sample
from bench.ledger_check import PeerLedger, Verdict
from bench.outcomes import COMMITTED, UNAVAILABLE
from bench.runner import Measured
from tests.integration import test_chaos as chaos

INJECTED, REPAIRED = 10.0, 12.0
FAULT = chaos.FaultTimes(INJECTED, REPAIRED)


def seen(sent: float, committed: bool) -> chaos.Seen:
    return chaos.Seen("register", sent, sent + 0.3, f"tx{sent}" if committed else None,
                      COMMITTED if committed else UNAVAILABLE)


def check(monkeypatch, calls: list[chaos.Seen], prepared: tuple[str, ...] = (), **ledger) -> list[str]:
    """check_nothing_lost on a run whose client saw ``calls`` (sent at seconds of time.monotonic), after the
    workload's setup committed ``prepared``, every commit found on the one peer: the ledger check passes. Returns
    the tx ids it was asked to look up. ``ledger``: more of what the peer's ledger check found (PeerLedger's fields)."""
    samples = [Sample(s.kind, s.sent, s.sent, s.finished, s.cause, s.tx_id, "", s.sent >= INJECTED) for s in calls]
    measured = Measured(Run(Plan(RATE, rate=1, warmup=INJECTED, duration=90), samples), {}, {}, set())
    looked_up: list[str] = []

    def verify(acknowledged, touched, topology, data_root):
        looked_up.extend(acknowledged)
        return Verdict(len(set(acknowledged)), [PeerLedger("peer0.bank", found=len(set(acknowledged)), **ledger)])

    monkeypatch.setattr(chaos, "verify", verify)
    network = types.SimpleNamespace(wait_for_heights=lambda: 7, topology=None, data_root=None)
    chaos.check_nothing_lost(network, measured, types.SimpleNamespace(seen=calls, prepared=list(prepared)), FAULT)
    return looked_up


def test_the_setup_commits_are_looked_up_with_the_runs_own(monkeypatch):
    calls = [seen(t, True) for t in range(14)]
    looked_up = check(monkeypatch, calls, prepared=("setup-1", "setup-2"))
    assert looked_up == ["setup-1", "setup-2", *(f"tx{t}" for t in range(14))]


def test_commits_of_the_warm_up_alone_prove_nothing(monkeypatch):
    # 10 commits before the fault, then every call fails: the network never serves again
    calls = [seen(t, True) for t in range(10)] + [seen(t, False) for t in range(10, 100)]
    with pytest.raises(AssertionError, match="no write sent after the fault was injected committed"):
        check(monkeypatch, calls)


def test_commits_under_the_fault_but_none_after_its_repair_fail(monkeypatch):
    calls = [seen(t, True) for t in range(12)] + [seen(t, False) for t in range(12, 100)]
    with pytest.raises(AssertionError, match=r"none of the 88 writes sent after the repair committed \(unavailable 88\): "
                                             "the network does not serve again"):
        check(monkeypatch, calls)


def test_a_repair_that_outlasts_the_load_says_to_lengthen_the_run(monkeypatch):
    calls = [seen(t, True) for t in range(11)]           # the last sent at 10 s, the repair done at 12 s
    with pytest.raises(AssertionError, match=r"no write was sent after the repair ended \(the last call was sent "
                                             r"-2.0 s from it\): lengthen"):
        check(monkeypatch, calls)


@pytest.mark.parametrize("after_repair", [
    [chaos.Seen("query", 12.1, 12.2, None, COMMITTED)],      # only a query, which commits nothing
], ids=["a query alone"])
def test_no_write_after_the_repair_says_to_lengthen_the_run_not_that_the_network_is_down(monkeypatch, after_repair):
    calls = [seen(t, True) for t in range(12)] + after_repair
    with pytest.raises(AssertionError, match="no write was sent after the repair ended .*: lengthen"):
        check(monkeypatch, calls)


def test_commits_sent_after_the_repair_pass(monkeypatch, capsys):
    calls = [seen(t, True) for t in range(10)] + [seen(t, False) for t in range(10, 12)]
    calls += [seen(t, True) for t in range(12, 20)]
    check(monkeypatch, calls)
    assert "writes committed of those sent after the fault was injected: 8; after it was repaired (2.0 s later): 8" \
        in capsys.readouterr().out


def test_a_transaction_whose_endorsements_could_not_be_checked_fails_the_check(monkeypatch):
    calls = [seen(t, True) for t in range(20)]
    untold = "block 7, transaction 0 (tx3): the channel config it was validated under cannot be taken"
    with pytest.raises(AssertionError, match=r"endorsements not checked: peer0\.bank: block 7, transaction 0 \(tx3\)"):
        check(monkeypatch, calls, endorsements_untold=[untold])
    check(monkeypatch, calls, endorsements_untold=[])
