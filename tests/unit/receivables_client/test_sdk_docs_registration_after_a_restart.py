"""The restart example of docs/sdk-receivables.md ("Retries are exactly-once"), run as written on the real contract:
an ERP whose process died before the commit status of a registration came runs the same code again after its
restart, and gets the claim its first attempt registered, the ledger unchanged; the same invoices sent under
another request id are refused, naming that claim."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from client.receivables import ReceivableRegistration, ReceivablesClient, RuleViolation

from ..receivables.support import standard_net
from .test_exactly_once import contract_of, everything

DOC = (Path(__file__).parents[3] / "docs" / "sdk-receivables.md").read_text(encoding="utf-8")
OPENING = "restart sends the same one with nothing stored:\n\n```python\n"


def register_once():
    """The example's function, defined from the docs as written."""
    assert OPENING in DOC, "the restart example is gone from docs/sdk-receivables.md"
    names: dict = {}
    exec(DOC.split(OPENING, 1)[1].split("```", 1)[0], names)
    return names["register_once"]


def test_a_registration_whose_answer_was_lost_is_the_same_claim_when_run_again_after_a_restart():
    net = asyncio.run(standard_net())
    tier1, core = net.actors["tier1"], net.actors["core"]
    registration = ReceivableRegistration.model_validate(net.registration(tier1, core))
    dying = contract_of(net, tier1)
    dying.lose_answer_after_commit = True   # committed, and the process never learnt it
    with pytest.raises(TimeoutError):
        register_once()(ReceivablesClient(dying), "SO-2026-0042", registration)
    committed = everything(net)
    claims = [key for key in net.ledger.state if "receivable" in key]

    restarted = ReceivablesClient(contract_of(net, tier1))   # a new process: nothing kept but the ERP's document
    claim = register_once()(restarted, "SO-2026-0042", registration)
    assert everything(net) == committed   # nothing registered twice
    assert [key for key in net.ledger.state if "receivable" in key] == claims
    assert restarted.request("registration:SO-2026-0042").typed_result.id == claim.id

    with pytest.raises(RuleViolation) as again:   # the same invoices under another id: refused, naming the claim
        restarted.register_receivable(registration)
    assert again.value.rule == "invoice-already-financed"
    assert f"already backs receivable {claim.id}" in again.value.detail
    assert everything(net) == committed
