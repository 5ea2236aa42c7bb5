"""A party write names its own transaction: the Party that register_party, bind_party_identity and
unbind_party_identity return carries it as ``tx_id``, and ``recfin party register|bind|unbind`` print it (``tx:``,
``tx_id`` with --json). The party record keeps only its registration, which a read's ``tx_id`` stays.

Over the real contract on MemoryLedger, through the commands' sessions (``channel``)."""

from __future__ import annotations

import pytest

from cli import connection
from client.receivables import client_id_of

from ..ledger_contract import Channel
from .test_cli_pages_and_currencies import TIER1, parties_on_the_contract
from .test_cli_party_commands import USCC, ok, recfin


@pytest.fixture
def channel(monkeypatch, tmp_path) -> Channel:
    return parties_on_the_contract(monkeypatch, tmp_path)


def _client_id(session, user: str) -> str:
    return client_id_of(session.profile.user(user).cert)


def test_the_party_a_bind_or_unbind_returns_has_that_writes_transaction_and_a_read_its_registration(channel):
    with connection.open_session("supplier", admin=True) as admin:
        registered = admin.client.get_party(TIER1)
        bound = admin.client.bind_party_identity(TIER1, _client_id(admin, "supplier3"))
        bind = channel.submits[-1]
        assert bind.transaction == "BindPartyIdentity"
        assert bound.tx_id == bound.write_tx_id == bind.tx_id
        assert bound.registered == registered.registered          # the record keeps its registration

        unbound = admin.client.unbind_party_identity(TIER1, _client_id(admin, "supplier3"))
        unbind = channel.submits[-1]
        assert unbind.transaction == "UnbindPartyIdentity"
        assert unbound.tx_id == unbound.write_tx_id == unbind.tx_id != bind.tx_id

        read = admin.client.get_party(TIER1)
        assert read.write_tx_id is None and read.tx_id == read.registered.tx_id == registered.tx_id
        assert read.tx_id not in (bind.tx_id, unbind.tx_id)


def test_a_registration_returns_its_own_transaction_which_the_record_names(channel):
    with connection.open_session("supplier", admin=True) as admin:
        party = admin.client.register_party(USCC, "Tier-1 Wiring Co.", "supplier", admin.profile.msp_id,
                                            [_client_id(admin, "supplier3")])
    assert channel.submits[-1].transaction == "RegisterParty"
    assert party.tx_id == party.write_tx_id == party.registered.tx_id == channel.submits[-1].tx_id


def test_party_bind_and_unbind_print_their_own_transaction(channel):
    registration = ok("party", "get", TIER1, "--as", "supplier/supplier1")["registered"]["tx_id"]

    table = recfin("party", "bind", TIER1, "--client", "supplier3", "--as", "supplier/admin")
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[-1] == f"tx: {channel.submits[-1].tx_id}"
    assert channel.submits[-1].tx_id != registration

    printed = ok("party", "bind", TIER1, "--client", "supplier4", "--as", "supplier/admin")
    assert channel.submits[-1].transaction == "BindPartyIdentity"
    assert printed["tx_id"] == channel.submits[-1].tx_id
    assert printed["registered"]["tx_id"] == registration

    table = recfin("party", "unbind", TIER1, "--client", "supplier4", "--as", "supplier/admin")
    assert table.exit_code == 0, table.output
    assert channel.submits[-1].transaction == "UnbindPartyIdentity"
    assert table.output.splitlines()[-1] == f"tx: {channel.submits[-1].tx_id}"

    # a read prints the record as it is: no transaction of its own to name
    read = ok("party", "get", TIER1, "--as", "supplier/supplier1")
    assert "tx_id" not in read and read["registered"]["tx_id"] == registration
