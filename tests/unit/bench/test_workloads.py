"""The workloads' bookkeeping (which receivable each call takes, what the mix yields) over a recording client.

The client here only records calls and hands back ids: it checks which SDK calls the
workloads make, with which arguments; what the contract does with them is tested in
tests/unit/receivables and, on the network, by the integration suite.
"""
import asyncio
import itertools
import math
from types import SimpleNamespace

import pytest

from bench.driver import Plan, drive
from bench.runner import Settings, client_shares, merged_plan
from bench.workloads import (
    FACE_AMOUNT,
    MIX,
    ConfirmWorkload,
    MixedWorkload,
    Parties,
    RegisterWorkload,
    TransferWorkload,
    new_registration,
    pool_size_for,
)
from client.receivables import ReceivableRegistration, to_fen


class Recording:
    """One client for both orgs; every call commits in a block of its own, numbered from 1."""

    def __init__(self):
        self.calls = []
        self.named = {}      # receivable id -> the endorsing orgs its confirm named
        self.ids = itertools.count(1)
        self.last_committed_block = None

    def _commit(self):
        self.last_committed_block = (self.last_committed_block or 0) + 1

    def _doc(self, receivable_id):
        return SimpleNamespace(id=receivable_id, tx_id=f"tx-{len(self.calls)}")

    async def register_receivable(self, registration):
        self.calls.append(("register", registration))
        self._commit()
        return self._doc(f"R-{next(self.ids)}")

    async def confirm(self, receivable_id, *, endorsing_organizations=None):
        self.calls.append(("confirm", receivable_id))
        self.named[receivable_id] = endorsing_organizations
        self._commit()
        return self._doc(receivable_id)

    async def transfer(self, receivable_id, to, amount):
        self.calls.append(("transfer", receivable_id, to, amount))
        self._commit()
        return self._doc(receivable_id)

    async def wait_for_block(self, block_number):
        self.calls.append(("wait", block_number))
        return block_number

    async def get_receivable(self, receivable_id):
        self.calls.append(("query", receivable_id))
        return self._doc(receivable_id)


CODES = ("91310000MA1K00002C", "91310000MA1K000019", "91320500MA1K00003D")   # supplier, debtor, transferee
ORGS = {"supplier_msp": "SupplierMSP", "debtor_msp": "CoreEnterpriseMSP"}


def parties():
    client = Recording()
    return Parties(client, client, *CODES, **ORGS), client


def two_orgs():
    """A supplier's and a debtor's client committing into one chain of blocks, each through its own peer."""
    supplier, debtor = Recording(), Recording()
    blocks = itertools.count(1)
    for client in (supplier, debtor):
        client._commit = lambda client=client: setattr(client, "last_committed_block", next(blocks))
    return Parties(supplier, debtor, *CODES, **ORGS), supplier, debtor


def run_ops(workload, n):
    async def go():
        ops = workload.operations()
        return [(op.kind, await op.call()) for op in itertools.islice(ops, n)]
    return asyncio.run(go())


def test_a_registration_is_a_valid_sdk_request_on_a_new_invoice():
    p, _ = parties()
    a, b = new_registration(p), new_registration(p)
    assert isinstance(a, ReceivableRegistration)
    assert a.face_amount == to_fen(FACE_AMOUNT) == sum(i.amount + i.tax for i in a.invoices)
    assert a.invoices[0].seller_tax_id == p.supplier_code and a.debtor == p.debtor_code
    assert len(a.invoices[0].number) == 20 and a.invoices[0].number != b.invoices[0].number
    assert (a.due_date - a.issue_date).days == 90


def test_confirm_takes_each_prepared_receivable_once_then_runs_dry():
    p, client = parties()
    workload = ConfirmWorkload(p)
    asyncio.run(workload.prepare(3, say=lambda line: None))
    done = run_ops(workload, 10)
    assert [kind for kind, _ in done] == ["confirm"] * 3
    assert [c[1] for c in client.calls if c[0] == "confirm"] == ["R-1", "R-2", "R-3"]
    assert workload.touched == {"R-1", "R-2", "R-3"}


def test_a_confirm_names_the_debtors_and_the_holders_orgs_as_its_endorsers():
    # The debtor's peer commits the confirm, the holder's (the supplier's) committed the registration:
    # named, the Gateway cannot pick a third org whose peer has not committed that registration yet.
    p, client = parties()
    workload = TransferWorkload(p)
    asyncio.run(workload.prepare(2, say=lambda line: None))
    run_ops(workload, 2)
    assert client.named == {"R-1": ["CoreEnterpriseMSP", "SupplierMSP"], "R-2": ["CoreEnterpriseMSP", "SupplierMSP"]}


def test_every_confirm_of_the_mix_names_its_endorsers():
    p, client = parties()
    workload = MixedWorkload(p)
    asyncio.run(workload.prepare(20, say=lambda line: None))
    run_ops(workload, 3 * sum(w for _, w in MIX))
    confirmed = [c[1] for c in client.calls if c[0] == "confirm"]
    assert len(confirmed) > 2 and set(client.named) == set(confirmed)
    assert {tuple(orgs) for orgs in client.named.values()} == {("CoreEnterpriseMSP", "SupplierMSP")}


def test_a_confirm_without_the_orgs_msp_ids_stops_with_what_to_pass():
    client = Recording()
    workload = ConfirmWorkload(Parties(client, client, *CODES))
    with pytest.raises(ValueError, match="supplier_msp and debtor_msp.*open_parties"):
        asyncio.run(workload.confirm("R-1").call())
    assert client.calls == []          # nothing sent with the Gateway left to choose


def test_transfer_moves_the_whole_face_amount_to_the_tier2_supplier():
    p, client = parties()
    workload = TransferWorkload(p)
    asyncio.run(workload.prepare(2, say=lambda line: None))
    run_ops(workload, 2)
    transfers = [c for c in client.calls if c[0] == "transfer"]
    assert [t[1] for t in transfers] == ["R-1", "R-2"]
    assert all(t[2] == p.transferee_code and t[3] == FACE_AMOUNT for t in transfers)


def test_the_mix_follows_its_proportions_once_the_pools_are_full():
    p, _ = parties()
    workload = MixedWorkload(p)
    asyncio.run(workload.prepare(100, say=lambda line: None))
    kinds = [kind for kind, _ in run_ops(workload, 10 * sum(w for _, w in MIX))]
    for kind, weight in MIX:
        assert kinds.count(kind) == 10 * weight


def test_the_mix_registers_when_nothing_is_there_to_confirm_or_transfer():
    p, _ = parties()
    kinds = [kind for kind, _ in run_ops(MixedWorkload(p), 4)]
    assert kinds == ["register"] * 4


def test_register_never_runs_dry_and_pools_are_sized_for_the_run():
    p, _ = parties()
    assert [k for k, _ in run_ops(RegisterWorkload(p), 5)] == ["register"] * 5
    assert pool_size_for("register", "rate", 50, None, 70) == 0
    assert pool_size_for("confirm", "rate", 50, None, 70) >= 50 * 70
    assert pool_size_for("transfer", "concurrency", None, 8, 70) >= 8 * 70


@pytest.mark.parametrize("concurrency, clients, each", [(16, 3, [6, 5, 5]), (3, 2, [2, 1]), (4, 4, [1, 1, 1, 1]),
                                                        (10, 1, [10])])
def test_the_concurrency_is_shared_evenly_and_the_shares_add_up_to_what_was_asked(concurrency, clients, each):
    settings = Settings("confirm", Plan("concurrency", concurrency=concurrency, warmup=1, duration=2), pool_size=100,
                        clients=clients)
    shares = settings.shares()
    assert [s.plan.concurrency for s in shares] == each
    assert sum(s.pool_size for s in shares) == 100 and max(s.pool_size for s in shares) == -(-100 // clients)
    assert {s.clients for s in shares} == {1}
    assert merged_plan(settings.plan, shares).concurrency == concurrency       # the report's plan: what ran


def test_the_rate_is_shared_evenly_and_the_report_states_the_rate_asked_for():
    settings = Settings("confirm", Plan("rate", rate=50, warmup=1, duration=2), pool_size=100, clients=3)
    shares = settings.shares()
    assert [s.plan.rate for s in shares] == [50 / 3] * 3 and [s.pool_size for s in shares] == [34, 33, 33]
    assert merged_plan(settings.plan, shares).rate == 50
    assert client_shares(shares) == [{"name": f"client-{i}", "rate": 50 / 3, "phase_s": i / 50, "concurrency": None,
                                      "max_in_flight": cap, "pool_size": pool}
                                     for i, (cap, pool) in enumerate([(3334, 34), (3333, 33), (3333, 33)])]


@pytest.mark.parametrize("rate, clients, warmup, duration", [(40, 4, 0.5, 1), (50, 3, 1, 2), (7, 2, 0, 3),
                                                              (10, 3, 1, 1), (10, 6, 1, 1)])
def test_client_processes_in_rate_mode_send_one_at_a_time_on_the_whole_rates_schedule(rate, clients, warmup, duration):
    """Each process's share, driven on a virtual clock: merged, their sends are due at i / rate, as one
    process's at the whole rate, not n at a time at i * n / rate."""
    from .fakeclock import FakeClock, run_with
    from .test_driver import taking

    settings = Settings("register", Plan("rate", rate=rate, warmup=warmup, duration=duration, call_timeout=None),
                        pool_size=0, clients=clients)
    dues = []
    for share in settings.shares():
        clock = FakeClock()
        dues += [s.due for s in run_with(clock, drive(taking(clock, 0.005), share.plan, clock=clock)).samples]
    single = [i / rate for i in range(math.ceil((warmup + duration) * rate))]
    assert sorted(dues) == pytest.approx(single)      # the same number too: none due a hair before the end
    measured = [d for d in dues if warmup <= d < warmup + duration]
    assert len(measured) == sum(warmup <= d < warmup + duration for d in single)


@pytest.mark.parametrize("mode, cap, clients, each", [("rate", 100, 3, [34, 33, 33]), ("rate", 10_000, 1, [10_000]),
                                                      ("rate", 3, 3, [1, 1, 1]), ("concurrency", 7, 2, [4, 3])])
def test_the_cap_on_operations_in_flight_is_shared_like_the_rate(mode, cap, clients, each):
    figure = {"rate": 50} if mode == "rate" else {"concurrency": 4}
    settings = Settings("register", Plan(mode, **figure, warmup=1, duration=2, max_in_flight=cap), pool_size=0,
                        clients=clients)
    shares = settings.shares()
    assert [s.plan.max_in_flight for s in shares] == each          # adds up to the cap
    assert [share["max_in_flight"] for share in client_shares(shares)] == each
    assert merged_plan(settings.plan, shares).max_in_flight == cap  # the report's plan: the cap asked for


def test_each_client_process_splits_its_own_hot_family_with_the_whole_budget():
    settings = Settings("hotkey", Plan("concurrency", concurrency=8, warmup=1, duration=2), pool_size=290, clients=3)
    assert [(s.plan.concurrency, s.pool_size) for s in settings.shares()] == [(3, 290), (3, 290), (2, 290)]


def test_more_client_processes_than_the_cap_in_rate_mode_is_refused():
    """Under a cap of 2, three processes could keep only 2 in flight if each had less than one: refused."""
    with pytest.raises(ValueError, match="3 client processes for at most 2 operations in flight.*at most 2 client"):
        Settings("register", Plan("rate", rate=30, warmup=1, duration=2, max_in_flight=2), pool_size=0, clients=3)
    settings = Settings("register", Plan("concurrency", concurrency=4, warmup=1, duration=2, max_in_flight=1),
                        pool_size=0, clients=2)              # concurrency mode does not use the cap
    assert [s.plan.concurrency for s in settings.shares()] == [2, 2]


def test_more_client_processes_than_operations_in_flight_is_refused():
    with pytest.raises(ValueError, match="4 client processes for a concurrency of 1.*at most 1 client"):
        Settings("mixed", Plan("concurrency", concurrency=1, warmup=1, duration=2), pool_size=100, clients=4)


def test_the_hot_key_is_refused_in_rate_mode_where_its_budget_would_run_out_in_the_warm_up():
    with pytest.raises(ValueError, match="hotkey workload cannot run in rate mode: use --mode concurrency"):
        pool_size_for("hotkey", "rate", 50.0, None, 70.0)
    with pytest.raises(ValueError, match="--mode concurrency"):
        Settings("hotkey", Plan("rate", rate=50, warmup=10, duration=60), pool_size=290)
    assert pool_size_for("hotkey", "concurrency", None, 8, 10.0) == 50


def test_client_processes_that_cannot_connect_stop_the_run_with_each_ones_reason(tmp_path):
    from bench.runner import ClientProcessError, run_on_network

    settings = Settings("register", Plan("rate", rate=2, warmup=0, duration=1), pool_size=0, data_root=tmp_path,
                        clients=2)
    with pytest.raises(ClientProcessError) as failed:
        asyncio.run(run_on_network(settings, {}, [], say=lambda line: None))
    message = str(failed.value)
    assert "client-0" in message and "client-1" in message and "recfin network up" in message


def test_a_run_goes_from_workload_to_report_with_this_process_cpu_accounted(tmp_path):
    import os

    from bench.cpu import Watched
    from bench.plot import plot
    from bench.report import build, check_schema
    from bench.runner import execute

    p, client = parties()
    workload = ConfirmWorkload(p)
    asyncio.run(workload.prepare(50, say=lambda line: None))
    plan = Plan("rate", rate=40, warmup=0.1, duration=0.5, call_timeout=5)
    measured = asyncio.run(execute(workload, plan, [Watched("client", "client", os.getpid())]))
    assert measured.run.samples and {s.cause for s in measured.run.samples} == {"committed"}
    assert measured.cpu_usage["client"] is not None and measured.cpu_usage["client"] >= 0
    assert measured.touched == {f"R-{n}" for n in range(1, 51)}       # every receivable registered or confirmed
    assert {c[1] for c in client.calls if c[0] == "confirm"} <= measured.touched
    report = build(measured.run, workload="confirm", client="python", cpu_usage=measured.cpu_usage,
                   process_kinds=measured.process_kinds)
    assert check_schema(report) == [] and report["committed"] == len(measured.run.measured())
    assert plot([report], tmp_path / "bench.png").read_bytes()[:4] == b"\x89PNG"


def test_the_other_org_waits_for_the_block_a_receivable_was_written_in_unless_its_own_commits_are_later():
    p, supplier, debtor = two_orgs()
    workload = TransferWorkload(p)
    asyncio.run(workload.prepare(2, say=lambda line: None))
    # registered in blocks 1 and 2; the debtor, with no commit of its own, waits for block 1 and then
    # for nothing more (its confirmation of R-1 went into block 3, after R-2's registration)
    assert [c for c in debtor.calls if c[0] in ("wait", "confirm")] == [("wait", 1), ("confirm", "R-1"), ("confirm", "R-2")]
    run_ops(workload, 2)
    # confirmed in blocks 3 and 4; the supplier's own last commit was block 2, so it waits for block 3 first
    # (its transfer of R-1 then commits in block 5, past R-2's confirmation in block 4)
    assert [c[:2] for c in supplier.calls if c[0] in ("wait", "transfer")] == [("wait", 3), ("transfer", "R-1"),
                                                                                ("transfer", "R-2")]
