"""A party's name that starts or ends with white space or an invisible character ("Acme Ltd " beside "Acme Ltd", a
name pasted with a byte order mark) prints as the name without it, so two parties would read as one: RegisterParty
and RenameParty refuse it, ``argument-invalid``, naming the trimmed name to send. A name stored so by an earlier
contract still reads, and is renamed to its trimmed form. Inside a name, spaces and such characters stay as sent."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys
from chaincode.receivables.arguments import require_party_name
from chaincode.receivables.errors import RuleViolation

from .support import SUPPLIER, client_identity, credit_code, standard_net

PADDED = [("Acme Ltd ", "'Acme Ltd'", "ends", "U+0020 SPACE"),
          (" Acme Ltd", "'Acme Ltd'", "starts", "U+0020 SPACE"),
          ("\ufeffAcme Ltd", "'Acme Ltd'", "starts", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
          ("Acme Ltd\u200b", "'Acme Ltd'", "ends", "U+200B ZERO WIDTH SPACE"),
          ("\u3000深圳市零部件有限公司\xa0", "'深圳市零部件有限公司'", "starts with U+3000 IDEOGRAPHIC SPACE and ends",
           "U+00A0 NO-BREAK SPACE"),
          ("Acme\u200b Ltd\u2060", "'Acme\\u200b Ltd'", "ends", "U+2060 WORD JOINER")]
PADDED_IDS = ["trailing-space", "leading-space", "bom", "zero-width-space", "ideographic-and-no-break", "word-joiner"]


def registration(name: str) -> dict:
    return {"uscc": credit_code(90), "name": name, "role": "supplier", "msp_id": SUPPLIER,
            "client_ids": [client_identity(SUPPLIER, "new-user").id]}


@pytest.mark.parametrize("name, trimmed, where, character", PADDED, ids=PADDED_IDS)
async def test_a_padded_name_is_not_registered_and_the_trimmed_one_is_named(name, trimmed, where, character):
    net = await standard_net()
    message = await net.refused(net.admins[SUPPLIER], "RegisterParty", registration(name), rule="argument-invalid")
    assert f"name {where} with {character}" in message, message
    assert f"send {trimmed}" in message, message


@pytest.mark.parametrize("name, trimmed, where, character", PADDED, ids=PADDED_IDS)
async def test_a_padded_new_name_is_refused_changing_nothing(name, trimmed, where, character):
    net = await standard_net()
    message = await net.refused(net.admins[SUPPLIER], "RenameParty", net.actors["tier1"].uscc, name,
                                rule="argument-invalid")
    assert f"name {where} with {character}" in message and f"send {trimmed}" in message, message


def test_the_check_the_cli_and_sdk_run_refuses_it_alike():
    with pytest.raises(RuleViolation) as refused:
        require_party_name("Acme Ltd ")
    assert refused.value.code == "argument-invalid"
    assert "send 'Acme Ltd'" in refused.value.detail
    assert require_party_name("Acme  Ltd") == "Acme  Ltd"


def test_the_trimmed_name_is_given_whole_however_long():
    name = "N" * 199 + " "
    with pytest.raises(RuleViolation) as refused:
        require_party_name(name)
    assert f"send '{'N' * 199}'" in refused.value.detail


@pytest.mark.parametrize("name", ["Tier-1  Parts Co.", "深圳\u200b市", "Acme\u3000Ltd"])
async def test_spaces_and_invisible_characters_inside_a_name_stay_as_sent(name):
    net = await standard_net()
    party = await net.ok(net.admins[SUPPLIER], "RegisterParty", registration(name))
    assert party["name"] == name


async def test_a_name_an_earlier_contract_stored_padded_still_reads_and_is_renamed_to_its_trimmed_form():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    key = net._key(keys.PARTY, tier1.uscc)
    stored = json.loads(net.ledger.state[key])
    net.ledger.state[key] = json.dumps({**stored, "name": "Tier-1 Parts Co. "}, sort_keys=True).encode()

    assert (await net.ok(core, "GetParty", tier1.uscc, evaluate=True))["name"] == "Tier-1 Parts Co. "
    assert (await net.ok(tier1, "WhoAmI", evaluate=True))["name"] == "Tier-1 Parts Co. "
    renamed = await net.ok(net.admins[SUPPLIER], "RenameParty", tier1.uscc, "Tier-1 Parts Co.")
    assert renamed["name"] == "Tier-1 Parts Co."
    assert json.loads(net.results[-1][1])["name"] == "Tier-1 Parts Co."
