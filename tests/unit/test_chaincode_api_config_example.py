"""docs/chaincode-api.md's example of a contract serving other configuration values holds them to the rules a
configuration file is held to at load.

``ReceivablesContract`` serves the configuration it is given, and the example built it with
``DEFAULT_CONFIG.model_copy(update=...)``, which runs no validator: following it with another value served what
``parse_config`` refuses, such as the regulator among the attesting roles, whose passes then counted for
registrations.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from chaincode.receivables import ReceivablesContract
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig

DOC = Path(__file__).resolve().parents[2] / "docs" / "chaincode-api.md"
AS_DOCUMENTED = '"require_attestation": True'


def _example() -> str:
    blocks = re.findall(r"^```python\n(.*?)^```$", DOC.read_text(encoding="utf-8"), flags=re.M | re.S)
    (example,) = [block for block in blocks if "class AttestedReceivables" in block]
    assert AS_DOCUMENTED in example
    return example


def _contract_class(example: str) -> type:
    # the names the example uses, given too for a version of it that imports none of them
    names = {"ReceivablesContract": ReceivablesContract, "DEFAULT_CONFIG": DEFAULT_CONFIG,
             "NetworkConfig": NetworkConfig}
    exec(compile(example, str(DOC), "exec"), names)
    return names["AttestedReceivables"]


def test_the_example_serves_its_value():
    config = _contract_class(_example())().config
    assert config.require_attestation is True
    assert config == NetworkConfig.model_validate({**DEFAULT_CONFIG.model_dump(), "require_attestation": True})


@pytest.mark.parametrize(("value", "named"), [
    ('"attesting_roles": ("regulator",)', "regulator may not attest"),
    ('"attesting_roles": ("supplier",)', "attesting_roles"),
    ('"require_attestation": "yes"', "require_attestation"),
    ('"max_attestation_age_days": 0', "max_attestation_age_days"),
])
def test_the_example_given_a_value_a_file_may_not_name_refuses_it(value, named):
    example = _example().replace(AS_DOCUMENTED, value)
    with pytest.raises(ValidationError, match=named):
        _contract_class(example)()
