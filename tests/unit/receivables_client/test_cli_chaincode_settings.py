"""`recfin chaincode settings` asks the contract the rules it runs with (GetContractSettings), each
unset one as the value the contract applies, for any member of the channel: over the real contract on
MemoryLedger, as test_cli_pages_and_currencies.py."""

from __future__ import annotations

from chaincode.receivables import config as cfg
from cli import connection
from network.contract_config import network_config
from network.topology import load as load_topology

from ..ledger_contract import Channel, TopologySessions
from .test_cli_party_commands import ok, recfin


def _served(monkeypatch, tmp_path, config: cfg.NetworkConfig) -> None:
    sessions = TopologySessions(Channel(config), load_topology(), tmp_path)
    monkeypatch.setattr(connection, "open_session", sessions.open_session)


def test_the_defaults_are_printed_as_the_rules_applied(monkeypatch, tmp_path):
    config = network_config(load_topology())
    _served(monkeypatch, tmp_path, config)
    # an org's user bound to no party reads them too
    shown = recfin("chaincode", "settings", "--as", "bank/officer1")
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines() == [
        "payment_term: one calendar year (the default: max_payment_term_days is unset)",
        "require_attestation: no", "attestation_sources: any source",
        "attestation_age_limit_days: 30 (the default: max_attestation_age_days is unset)",
        "attesting_roles: financier", f"config_digest: {cfg.digest(config)}"]


def test_json_is_the_contracts_answer_with_the_configured_values(monkeypatch, tmp_path):
    config = network_config(load_topology()).model_copy(update={"max_payment_term_days": 90,
                                                                "attestation_sources": ("reference-tax",)})
    _served(monkeypatch, tmp_path, config)
    answer = ok("chaincode", "settings", "--as", "supplier")
    assert answer["max_payment_term_days"] == 90 and answer["payment_term"] == "90 days (max_payment_term_days)"
    assert answer["attestation_sources"] == ["reference-tax"] and answer["max_attestation_age_days"] is None
    assert answer["config_digest"] == cfg.digest(config)
    text = recfin("chaincode", "settings", "--as", "supplier").output
    assert "payment_term: 90 days (max_payment_term_days)" in text and "attestation_sources: reference-tax" in text
