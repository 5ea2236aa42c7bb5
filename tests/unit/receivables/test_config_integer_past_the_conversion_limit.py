"""A configuration file holding an integer of more digits than Python turns into an int (4300 by default) is
refused as any other bad value, naming the setting it was given for: json.loads alone failed the whole file with
Python's bare "Exceeds the limit (4300 digits) for integer string conversion"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chaincode.receivables import config as cfg
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfigError

DIGITS = 5000


def with_setting(name: str, written: str) -> str:
    """The default configuration's JSON text with setting ``name`` written as ``written``."""
    settings = json.loads(cfg.to_json(DEFAULT_CONFIG))
    settings[name] = "PLACE"
    return json.dumps(settings).replace('"PLACE"', written)


@pytest.mark.parametrize("name, example, unset", [("max_payment_term_days", "90", "one calendar year"),
                                                  ("max_attestation_age_days", "30", "the default of 30 days")])
@pytest.mark.parametrize("sign", ["", "-"])
def test_a_term_of_thousands_of_digits_is_refused_naming_the_setting(name, example, unset, sign):
    with pytest.raises(NetworkConfigError) as refused:
        cfg.parse_config(with_setting(name, sign + "9" * DIGITS), "network_config.json")
    assert str(refused.value) == (f"network_config.json: {name}: an integer of {DIGITS} digits is not a number of "
                                  f"days any setting takes: write the days as a number (e.g. {example}), or null "
                                  f"for {unset}")


@pytest.mark.parametrize("name, written, expected", [
    ("require_attestation", "1" * DIGITS, f"require_attestation: an integer of {DIGITS} digits is not true or false"),
    ("attesting_roles", f"[{'1' * DIGITS}]", "attesting_roles[0]: Input should be a valid string"),
])
def test_any_other_setting_refuses_it_by_name(name, written, expected):
    with pytest.raises(NetworkConfigError) as refused:
        cfg.parse_config(with_setting(name, written), "network_config.json")
    assert str(refused.value).startswith(f"network_config.json: {expected}")


def test_a_file_that_is_such_a_number_is_no_object():
    with pytest.raises(NetworkConfigError) as refused:
        cfg.parse_config("7" * DIGITS, "network_config.json")
    assert str(refused.value) == f"network_config.json: expected a JSON object, got an integer of {DIGITS} digits"


def test_a_number_within_the_limit_is_read_as_ever():
    assert cfg.parse_config(with_setting("max_payment_term_days", "120"), "c.json").max_payment_term_days == 120


# Each setting's refusal of a long integer, in a server started with the digit limit PYTHONINTMAXSTRDIGITS gives
_REFUSALS = """
import json, sys
from chaincode.receivables import config as cfg
settings = json.loads(cfg.to_json(cfg.DEFAULT_CONFIG))
for name in ("max_payment_term_days", "max_attestation_age_days", "require_attestation"):
    for digits in (700, 4300, 4301, 5000):
        settings[name] = "PLACE"
        try:
            cfg.parse_config(json.dumps(settings).replace('"PLACE"', "9" * digits), "network_config.json")
        except cfg.NetworkConfigError as refused:
            print(refused)
        else:
            print(name, digits, "loaded")
        settings[name] = None if name != "require_attestation" else False
for document in ("9" * 700, "[" + "9" * 700 + "]"):   # a file that is no object, shown in its refusal
    try:
        cfg.parse_config(document, "network_config.json")
    except cfg.NetworkConfigError as refused:
        print(refused)
"""


def _refusals(limit: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONINTMAXSTRDIGITS"}
    if limit is not None:
        env["PYTHONINTMAXSTRDIGITS"] = limit
    run = subprocess.run([sys.executable, "-c", _REFUSALS], env=env, capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[3])
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_every_server_refuses_the_same_files_in_the_same_words_whatever_its_digit_limit():
    # a fixed limit on the digits converted, as the runtime's argument conversion fixes one: a server started with a
    # lower limit (640 the lowest) or none (0) read the same file otherwise, and a file that is no object holding a
    # number of 641 or more digits was shown cut (999...999) by one and as "an integer of over 40 digits" by another
    default = _refusals(None)
    assert "loaded" not in default and "an integer of 4301 digits is not a number of days" in default
    assert "an integer of 4300 digits is not a number of days" in default
    assert "expected a JSON object, got an integer of 700 digits\n" in default
    assert "expected a JSON object, got [an integer of 700 digits]\n" in default
    assert _refusals("640") == default
    assert _refusals("0") == default
