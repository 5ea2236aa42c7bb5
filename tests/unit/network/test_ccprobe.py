"""`python -m network.ccprobe`: a connection file it cannot use is reported before anything is dialled."""
from __future__ import annotations

import json
import re

import pytest

from network import ccprobe, probes

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


@pytest.fixture
def dialled(monkeypatch):
    """What the probe dials, in place of the gRPC call (which needs a chaincode server)."""
    calls = []

    def registers(address, **kwargs):
        calls.append((address, kwargs))
        return "receivables_1.0:abc"

    monkeypatch.setattr(probes, "chaincode_registers", registers)
    return calls


def _conn(tmp_path, doc) -> str:
    path = tmp_path / "connection.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return str(path)


@pytest.mark.parametrize("doc, problem", [
    (None, r"cannot read .*missing\.json: No such file or directory"),
    ("{not json", r"connection\.json is not valid JSON"),
    ({"tls_required": False}, r"needs an \"address\" of the form host:port"),
    ({"address": "127.0.0.1:9999", "tls_required": True}, r"tls_required needs \"root_cert\" holding PEM text"),
    ({"address": "127.0.0.1:9999", "tls_required": True, "root_cert": "/etc/ssl/ca.pem"},
     r"tls_required needs \"root_cert\" holding PEM text"),
    ({"address": "127.0.0.1:9999", "tls_required": True, "client_auth_required": True, "root_cert": PEM},
     r"tls_required needs \"client_cert\" holding PEM text"),
])
def test_an_unusable_connection_file_exits_2_naming_the_problem_and_dials_nothing(tmp_path, capsys, dialled, doc,
                                                                                   problem):
    path = str(tmp_path / "missing.json") if doc is None else _conn(tmp_path, doc)
    assert ccprobe.main([path]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m network.ccprobe: ") and "Traceback" not in err
    assert re.search(problem, err)
    assert dialled == []


def test_tls_material_is_passed_to_the_dial_and_plaintext_only_when_tls_is_not_required(tmp_path, capsys, dialled):
    tls = _conn(tmp_path, {"address": "127.0.0.1:9999", "tls_required": True, "client_auth_required": True,
                           "root_cert": PEM, "client_cert": PEM, "client_key": PEM})
    assert ccprobe.main([tls, "--server-name", "receivables.bank.recfin.local"]) == 0
    assert capsys.readouterr().out.strip() == "receivables_1.0:abc"
    address, kwargs = dialled[-1]
    assert address == "127.0.0.1:9999" and kwargs["server_name"] == "receivables.bank.recfin.local"
    assert {k: kwargs[k] for k in ccprobe.PEM_FIELDS} == {k: PEM.encode() for k in ccprobe.PEM_FIELDS}

    plain = _conn(tmp_path, {"address": "127.0.0.1:9999", "tls_required": False, "root_cert": PEM})
    assert ccprobe.main([plain]) == 0
    assert not set(ccprobe.PEM_FIELDS) & set(dialled[-1][1])


@pytest.mark.parametrize("timeout, problem", [
    ("-1", r"-1 is not in the range 0<x<=86400"),
    ("0", r"0 is not in the range 0<x<=86400"),
    ("nan", r"'nan' is not a finite number: give a number of seconds"),
    ("inf", r"'inf' is not a finite number: give a number of seconds"),
])
def test_a_timeout_the_cli_would_refuse_is_a_usage_error_and_dials_nothing(tmp_path, capsys, dialled, timeout,
                                                                           problem):
    # gRPC takes such a deadline as passed: DEADLINE_EXCEEDED at once reads as a server that does not answer
    path = _conn(tmp_path, {"address": "127.0.0.1:9999", "tls_required": False})
    with pytest.raises(SystemExit) as exited:
        ccprobe.main([path, "--timeout", timeout])
    assert exited.value.code == 2
    assert re.search(rf"argument --timeout: {problem}", capsys.readouterr().err)
    assert dialled == []


def test_a_timeout_in_range_is_passed_to_the_dial(tmp_path, dialled):
    path = _conn(tmp_path, {"address": "127.0.0.1:9999", "tls_required": False})
    assert ccprobe.main([path, "--timeout", "2.5"]) == 0
    assert dialled[-1][1]["timeout"] == 2.5
