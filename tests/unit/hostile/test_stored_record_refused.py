"""A stored record the contract's model refuses (written by a newer version, or damaged) fails the call that reads
it with one clean line naming its rule and key, and the server goes on serving: the record's fields, values and
pydantic's text are never in the answer."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from chaincode.shim._errors import InvalidValue, PeerError
from chaincode.shim._execution import failure_response

from ..receivables.support import standard_net
from .test_contract_fuzz import clean


def test_a_stored_record_with_an_unknown_field_fails_its_reader_with_one_clean_line(caplog):
    async def scenario():
        net = await standard_net()
        core, supplier = net.actors["core"], net.actors["tier1"]
        key = net._key("recfin.party", core.uscc)
        net.ledger.state[key] = json.dumps({**json.loads(net.ledger.state[key]),
                                            "field_of_a_newer_version": "x"}).encode()
        with caplog.at_level(logging.ERROR, logger="chaincode"):
            refused = await net.call(core, "WhoAmI", evaluate=True)
        served = await net.call(supplier, "WhoAmI", evaluate=True)
        return refused, served, core.uscc

    refused, served, code = asyncio.run(scenario())
    assert refused.status == 500
    assert refused.message.startswith(f"RULE record-newer-version: the stored recfin.party [{code}] was written by a "
                                      "newer version of this contract"), refused.message
    assert not clean(refused.message), f"unclean message {refused.message!r}: {clean(refused.message)}"
    assert "field_of_a_newer_version" not in refused.message          # a stored value is not echoed
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "a refusal is no server error"
    assert served.status == 200 and json.loads(served.payload)["name"] == "Tier-1 Parts", served.message


@pytest.mark.parametrize("text, sent", [
    ("bad value\n", "ValueError: bad value"),              # a trailing line break is no second line
    ("  spaced out  ", "ValueError: spaced out"),
    ("a\x1cb", "ValueError: a\x1cb"),                      # a separator str.splitlines breaks at, but no line break
])
def test_a_caller_facing_errors_one_line_is_sent_without_line_breaks(text, sent):
    assert failure_response(InvalidValue(text), "tx-1").message == sent
    assert failure_response(PeerError(text), "tx-1").message == sent.replace("ValueError", "PeerError")


@pytest.mark.parametrize("text", ["first\nsecond", "first\r\nsecond", "first\rsecond"])
def test_a_caller_facing_errors_text_of_several_lines_is_withheld(text):
    assert failure_response(InvalidValue(text), "tx-1").message == (
        "ValueError in tx tx-1: its text runs over several lines, so it is not sent; see the chaincode server's log")


@pytest.mark.parametrize("exc", [ValueError("bad value"), KeyError("internal_table_name"),
                                 FileNotFoundError(2, "No such file", "/srv/chaincode/secret.db")])
def test_an_unexpected_errors_text_is_withheld_however_short(exc):
    assert failure_response(exc, "tx-1").message == (
        f"internal error ({type(exc).__name__}) in tx tx-1: see the chaincode server's log")
