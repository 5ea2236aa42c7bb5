"""The demo registers invoices it makes up, which no verification source can pass: on a network whose contract asks
for an attestation of each invoice it stops with the reason, before it starts or writes anything."""
from pathlib import Path

import click
import pytest

from cli import demo_commands
from cli.main import main
from client.gateway import GatewayError
from client.receivables import RuleViolation
from network.topology import DEFAULT_TOPOLOGY


def test_a_topology_asking_for_attestations_stops_the_demo_before_the_network_starts(runner, tmp_path, monkeypatch):
    text = Path(DEFAULT_TOPOLOGY).read_text()
    assert "require_attestation: false" in text
    topology = tmp_path / "attesting.yaml"
    topology.write_text(text.replace("require_attestation: false", "require_attestation: true"))
    started = []
    monkeypatch.setattr(demo_commands, "ensure_network", lambda *args: started.append(args))
    result = runner.invoke(main, ["demo", "--topology", str(topology)])
    assert result.exit_code == 1
    assert f"{topology} sets contract.require_attestation: true" in result.output
    assert "require_attestation: false" in result.output
    assert started == []
    assert not (tmp_path / "home").exists()   # no data folder made


def register_refused_with(rule: str) -> RuleViolation:
    """What register_and_confirm raises when the supplier's registration is refused with ``rule``."""
    refusal = RuleViolation(rule, "refused", transaction="RegisterReceivable", gateway_error=GatewayError("refused"))

    class Supplier:
        def register_receivable(self, registration):
            raise refusal

    registration = demo_commands.delivery({"tier1": "91350100M000100Y43", "core": "91110000100000000X"},
                                          demo_commands.date(2026, 11, 30), (demo_commands.Decimal("1000.00"),
                                                                             demo_commands.Decimal("130.00")))
    with pytest.raises(Exception) as raised:
        demo_commands.register_and_confirm(demo_commands.Run(lambda text: None), lambda key: Supplier(),
                                           registration, "a delivery")
    assert raised.value is refusal or raised.value.__cause__ is refusal
    return raised.value


def test_a_deployed_contract_asking_for_attestations_stops_the_demo_with_the_same_reason():
    stopped = register_refused_with("invoice-not-attested")
    assert isinstance(stopped, click.ClickException)
    assert "the deployed contract has contract.require_attestation: true" in stopped.message


def test_other_refusals_of_a_registration_pass_through():
    assert isinstance(register_refused_with("invoice-already-financed"), RuleViolation)
