"""A configuration naming no org with the regulator role is refused where the contract reads it.

Only a regulator org's parties freeze and unfreeze a claim: run without one, a claim frozen before would stay
frozen for good, its debtor and holder told it accepts no change "until the regulator unfreezes it", with no
regulator to ask. The network tooling derives no such configuration (network.topology.missing_roles_refusal);
one written or kept by hand stops the server at startup, naming the role and the repair.
"""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from chaincode.receivables import ReceivablesContract
from chaincode.receivables import config as cfg
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig, NetworkConfigError

from .support import REGULATOR

NO_REGULATOR_ORG = {msp: roles for msp, roles in DEFAULT_CONFIG.org_roles.items() if msp != REGULATOR}


def _says_the_role_and_the_repair(message: str) -> None:
    assert "names no org with the regulator role" in message
    assert "a frozen claim could never be unfrozen" in message
    assert "`recfin org add NAME --role regulator`" in message and "`recfin chaincode deploy`" in message


def test_a_file_naming_no_regulator_org_stops_the_server_naming_the_file_the_field_and_the_repair(tmp_path):
    # as a definition approved for it would name it: the digest is right, only the missing role is wrong
    unchecked = DEFAULT_CONFIG.model_copy(update={"org_roles": NO_REGULATOR_ORG})
    path = tmp_path / "network_config.json"
    path.write_text(cfg.to_json(unchecked))
    label = f"receivables_{cfg.tagged_version('1.0', unchecked)}:ab"
    with pytest.raises(NetworkConfigError) as refused:
        cfg.load_config({cfg.CONFIG_ENV: str(path), cfg.PACKAGE_ENV: label})
    assert str(refused.value).startswith(f"{path}: org_roles: names no org with the regulator role")
    _says_the_role_and_the_repair(str(refused.value))


def test_a_configuration_naming_no_regulator_org_is_refused_when_built_so_no_contract_runs_with_it():
    with pytest.raises(ValidationError) as refused:
        ReceivablesContract(NetworkConfig(org_roles=NO_REGULATOR_ORG))
    _says_the_role_and_the_repair(str(refused.value))


def test_a_regulator_org_of_any_name_is_enough():
    doc = json.loads(cfg.to_json(DEFAULT_CONFIG))
    doc["org_roles"] = {**NO_REGULATOR_ORG, "PbocMSP": ["regulator"]}
    assert cfg.parse_config(json.dumps(doc), "network_config.json").msps_with_role("regulator") == ["PbocMSP"]
