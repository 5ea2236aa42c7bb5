"""A refusal reads the same on every endorsing peer: the statuses it names come in the lifecycle's order, never in
a set's, which follows each process's hash seed (peers whose answers differ cannot be endorsed as one)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]

# A claim rejected by its debtor, which the regulator then tries to freeze and the debtor to pay: each refusal lists
# the statuses it would have taken (lifecycle.LIVE, lifecycle.PAYABLE).
REFUSALS = """
import asyncio
from tests.unit.receivables.support import standard_net

async def main():
    net = await standard_net()
    tier1, core, regulator = net.actors["tier1"], net.actors["core"], net.actors["regulator"]
    claim = await net.registered(tier1, core, 1000)
    await net.ok(core, "RejectReceivable", claim["id"], "no such delivery")
    print(await net.refused(regulator, "FreezeReceivable", claim["id"], "order 1", rule="invalid-state"))
    print(await net.refused(core, "RecordPayment", claim["id"], "100", rule="invalid-state"))

asyncio.run(main())
"""


def refusals_under_hash_seed(seed: str) -> list[str]:
    run = subprocess.run([sys.executable, "-c", REFUSALS], cwd=REPOSITORY, capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300)
    assert run.returncode == 0, run.stderr
    # each process makes its own transaction ids, so its own receivable ids
    return [re.sub(r"R-[0-9a-f]{16}", "R-<id>", line) for line in run.stdout.splitlines()]


def test_a_refusal_naming_statuses_reads_the_same_under_any_hash_seed():
    first, second = refusals_under_hash_seed("1"), refusals_under_hash_seed("3")
    assert first == second
    rejected = ("; its debtor 9131000000000001XN rejected it, which is final: no step acts on it again, and its "
                "invoices are released, so its creditor 9131000000000003XQ registers a new claim on them "
                "(RegisterReceivable), with nothing to withdraw first")
    assert first == [
        "RULE invalid-state: cannot freeze receivable R-<id> while it is REJECTED: only when REGISTERED or CONFIRMED "
        "or FINANCED or OVERDUE" + rejected,
        "RULE invalid-state: cannot record a payment on receivable R-<id> while it is REJECTED: only when CONFIRMED "
        "or FINANCED or OVERDUE" + rejected]
