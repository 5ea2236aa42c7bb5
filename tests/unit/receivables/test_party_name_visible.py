"""A party's name is printed in records, events and tables: one of spaces or invisible characters alone would show no
enterprise there, so it is refused, naming the field; a name with visible characters, and none invisible at either end
(test_party_name_padded), is stored as sent."""

from __future__ import annotations

import pytest

from .support import SUPPLIER, client_identity, credit_code, standard_net


@pytest.mark.parametrize("name", [" ", "\u3000", "\u200b", "\xa0", "\ufeff \u200b"],
                         ids=["space", "ideographic-space", "zero-width-space", "no-break-space", "bom-and-zwsp"])
async def test_a_name_with_no_visible_character_is_refused_and_nothing_written(name):
    net = await standard_net()
    message = await net.refused(net.admins[SUPPLIER], "RegisterParty",
                                {"uscc": credit_code(90), "name": name, "role": "supplier", "msp_id": SUPPLIER,
                                 "client_ids": [client_identity(SUPPLIER, "new-user").id]},
                                rule="argument-invalid")
    assert "name has no visible character" in message


async def test_a_name_with_visible_characters_is_stored_as_sent():
    net = await standard_net()
    party = await net.ok(net.admins[SUPPLIER], "RegisterParty",
                         {"uscc": credit_code(90), "name": "深圳\u200b 市", "role": "supplier", "msp_id": SUPPLIER,
                          "client_ids": [client_identity(SUPPLIER, "new-user").id]})
    assert party["name"] == "深圳\u200b 市"
