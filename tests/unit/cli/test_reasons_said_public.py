"""A reason given to end a financing or take recourse is public: it is a transaction argument and goes into the
step's event, which every org of the channel reads (other banks included, which may not read the ended financing
itself), so each command's --reason help says so, as `withdraw-offer`'s and `demand-recourse`'s do."""

import asyncio
import json

import pytest
from click.testing import CliRunner

from cli.main import main
from tests.unit.receivables.support import standard_net, transient_terms


def _reason_help(*command: str) -> str:
    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=400)
    shown = " ".join(result.output.split())
    return shown[shown.index("--reason TEXT"):].split(" --as ")[0]


@pytest.mark.parametrize("command", [("finance", "cancel"), ("finance", "recourse"), ("finance", "demand-recourse"),
                                     ("finance", "withdraw-offer")])
def test_each_reason_help_says_it_is_public(command):
    assert "public" in _reason_help(*command).lower()


def test_a_cancellations_reason_reaches_every_org_though_another_bank_may_not_read_the_financing():
    async def run():
        net = await standard_net()
        core, tier1, bank, bank2 = (net.actors[k] for k in ("core", "tier1", "bank", "bank2"))
        r = await net.confirmed(tier1, core, 1000_00, due_in=30)
        f = await net.financed(tier1, r["id"], bank, disburse=False)
        cancelled = await net.call(bank, "CancelFinancing", f["id"], "credit line withdrawn")
        assert json.loads(cancelled.event[1])["reason"] == "credit line withdrawn"
        refused = await net.call(bank2, "GetFinancing", f["id"], evaluate=True)
        assert refused.status != 200 and "not-permitted-to-read" in refused.message

        net.advance(days=1)
        r2 = await net.confirmed(tier1, core, 1000_00, due_in=30)
        terms = transient_terms(recourse=True)
        f2 = await net.financed(tier1, r2["id"], bank, terms=terms)
        net.advance(days=31)
        recoursed = await net.call(bank, "ExerciseRecourse", f2["id"], "holder repaid", transient=terms)
        assert json.loads(recoursed.event[1])["reason"] == "holder repaid"
    asyncio.run(run())
