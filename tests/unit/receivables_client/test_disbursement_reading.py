"""Reading a disbursement's private record: ``get_disbursement`` (blocking and async) and
``recfin finance disbursement``, over the recording double and over the real contract on MemoryLedger."""

from __future__ import annotations

import asyncio
import hashlib
import json

import pytest

from chaincode.receivables.model import canonical_json
from client.receivables import AsyncReceivablesClient, Disbursement, ReceivablesClient
from client.receivables._models import Offer

from ..ledger_contract import Channel
from . import fakes
from .fakes import FakeContract
from .test_async_client import FakeAsyncContract
from . import test_cli, test_cli_and_contract_agree
from .test_cli import invoke
from .test_cli_and_contract_agree import accepted, confirmed, refused
from .test_cli_party_commands import ok, recfin

F = fakes.financing()["id"]
# the fixtures: the recording double behind the CLI, and the real contract behind the topology's orgs
ledger = test_cli.ledger
channel = test_cli_and_contract_agree.channel


def test_get_disbursement_evaluates_the_query_and_reads_the_record_as_its_model():
    contract = FakeContract(responses={"GetDisbursement": fakes.disbursement()})
    d = ReceivablesClient(contract).get_disbursement(F)
    call = contract.only("evaluate")
    assert (call.kind, call.name, call.arguments) == ("evaluate", "GetDisbursement", [F])
    assert isinstance(d, Disbursement) and d.net_amount == 100_790_12 and d.to_json() == fakes.disbursement()
    async_contract = FakeAsyncContract(responses={"GetDisbursement": fakes.disbursement()})
    assert asyncio.run(AsyncReceivablesClient(async_contract).get_disbursement(F)) == d
    assert async_contract.calls == contract.calls


def test_get_disbursement_refuses_an_empty_id_and_the_query_is_never_submitted():
    contract = FakeContract(responses={"GetDisbursement": fakes.disbursement()})
    with pytest.raises(ValueError, match="financing_id"):
        ReceivablesClient(contract).get_disbursement("")
    # submitted, the advance's private figures would go into the block for every org of the channel
    with pytest.raises(ValueError, match="GetDisbursement is a query of the contract: evaluate it"):
        ReceivablesClient(contract)._submit("GetDisbursement", F, model=Offer)
    assert contract.calls == []


def test_finance_disbursement_prints_the_amounts_in_yuan_and_json_in_fen(ledger):
    ledger.responses["GetDisbursement"] = fakes.disbursement()
    res = invoke("finance", "disbursement", F, "--as", "regulator")
    assert res.exit_code == 0, res.output
    assert ledger.opened == [("regulator", None, False)]
    assert "net_amount: 100,790.12 (in the claim's currency)" in res.output
    assert "outstanding: 113,000.00 (in the claim's currency)" in res.output and "days: 87" in res.output
    assert json.loads(invoke("finance", "disbursement", F, "--as", "regulator", "--json").stdout) == fakes.disbursement()
    assert [c.name for c in ledger.calls] == ["GetDisbursement", "GetDisbursement"]


def test_the_holder_the_bank_and_the_regulator_read_it_through_the_cli_and_others_are_refused(channel: Channel):
    financing = accepted(confirmed())
    done = ok("finance", "disburse", financing, "--as", "bank/officer1")
    for reader in ("supplier/supplier1", "bank/officer1", "regulator/inspector1"):
        d = ok("finance", "disbursement", financing, "--as", reader)
        # the record the financing's public hash was taken of
        assert hashlib.sha256(canonical_json(d)).hexdigest() == done["disbursement_hash"]
        assert d["financing_id"] == financing
        assert d["net_amount"] == d["principal"] - d["interest"] - d["fees"]
    text = recfin("finance", "disbursement", financing, "--as", "supplier/supplier1")
    assert text.exit_code == 0 and "(in the claim's currency)" in text.output
    for other in ("bank/officer2", "supplier/supplier2", "coreenterprise"):
        assert refused(channel, "finance", "disbursement", financing, "--as", other).startswith(
            "Error: GetDisbursement refused: RULE not-permitted-to-read")


def test_a_financing_not_yet_disbursed_is_refused_naming_its_status(channel: Channel):
    financing = accepted(confirmed())
    line = refused(channel, "finance", "disbursement", financing, "--as", "bank/officer1")
    assert line.startswith("Error: GetDisbursement refused: RULE invalid-state") and "ACCEPTED" in line
