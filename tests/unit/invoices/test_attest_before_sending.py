"""`invoice attest` refuses, before anything is sent or left behind, what would fail only once the attestation
committed: something not a file where the request id is written, and an --as no call can be made as. A scan read
with --invoice-out never writes over itself."""
from __future__ import annotations

import pytest

from tests.unit.receivables_client.test_cli_and_contract_agree import channel  # noqa: F401 (fixture)
from tests.unit.receivables_client.test_cli_party_commands import recfin

from .test_attest import INVOICE

LEFT = ("crypto", "profiles")   # what the channel fixture writes under the folder


def files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not str(p.relative_to(folder)).startswith(LEFT))


def attestations(invoice) -> str:
    return recfin("invoice", "attestations", str(invoice), "--as", "bank").output.splitlines()[0]


@pytest.mark.parametrize("retry", [[], ["--request-id", "VER-7"]])
def test_a_folder_where_the_request_id_goes_is_refused_before_sending(channel, tmp_path, monkeypatch, retry):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "e.json.request-id").mkdir()
    done = recfin("invoice", "attest", str(INVOICE), "--as", "bank", "--evidence", "e.json", *retry)
    assert done.exit_code == 2 and "e.json.request-id is in the way" in done.output
    assert files(tmp_path) == ["e.json.request-id"]
    assert attestations(INVOICE).endswith(": 0 attestation(s)")


@pytest.mark.parametrize("who, exit_code", [("bank/", 2), ("bank/a/b", 2), ("nosuchorg", 3), ("bank/nosuchuser", 3)])
def test_evidence_for_a_call_never_made_is_not_left_behind(channel, tmp_path, monkeypatch, who, exit_code):
    monkeypatch.chdir(tmp_path)
    done = recfin("invoice", "attest", str(INVOICE), "--as", who, "--request-id", "VER-9", "--evidence", "n1/e.json")
    assert done.exit_code == exit_code, done.output
    assert files(tmp_path) == []      # neither the evidence, its request id, nor the folder made for them
    if exit_code == 3:
        assert "nothing was sent, and n1/e.json was removed" in done.output
