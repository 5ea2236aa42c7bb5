"""The commands the refusal of a regulator org's removal gives for its frozen claims are the CLI's own: in
`recfin regulator unfreeze` --order is the LIFTING order's reference and the freeze order lifted (in effect
or queued) is named with --lifts, so the refusal names both; `recfin regulator freeze` takes the freeze
order with --order. Each command it prints is parsed by click as the CLI would parse it (nothing is sent).

The refusal comes from `org remove` as test_org_remove_claims.py makes it: a claim frozen under two orders on
the contract's MemoryLedger, read through a stand-in for ``cli.connection.open_session``.
"""
from __future__ import annotations

import re
import shlex

import click
import pytest

from cli.regulator_commands import regulator
from network import contract_config
from network.org_change import OrgChangeError
from tests.unit.receivables_client.test_endorsement import claim

from . import test_org_remove_claims
from .scripted_channel import host
from .test_org_remove_claims import ORDER, claims_read, ledger_of

grown = test_org_remove_claims.grown          # regulator2 recorded here: the channel's second regulator org
channel = test_org_remove_claims.channel      # the scripted `peer`, handing out the channel with regulator2


def _parsed(command: str) -> tuple[str, dict]:
    """The regulator subcommand a printed `recfin regulator ...` command names, and its parameters as click
    parses them (a usage error raises)."""
    words = shlex.split(command)
    assert words[:2] == ["recfin", "regulator"], command
    name, args = words[2], words[3:]
    command_itself = regulator.get_command(click.Context(regulator), name)
    assert command_itself is not None, f"no `recfin regulator {name}`"
    return name, command_itself.make_context(name, args).params


def test_the_unfreeze_and_freeze_commands_the_refusal_gives_parse_with_the_options_they_name(
        channel, grown, topology, data_root, monkeypatch):
    parties = ledger_of(contract_config.network_config(grown), monkeypatch)
    frozen = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000001")
    for order in (ORDER, f"{ORDER}-2"):
        parties.regulator.client.freeze(frozen, order)
    members = host(topology, data_root, channel)
    with pytest.raises(OrgChangeError) as refused:
        members.plan_remove("regulator2", claims=claims_read(members))
    commands = [c for c in re.findall(r"`([^`]*)`", str(refused.value)) if c.startswith("recfin regulator ")]
    parsed = [_parsed(c) for c in commands]
    assert parsed == [
        ("unfreeze", {"receivable_id": "ID", "order_reference": "LIFTING-REF", "lifts": "FREEZE-ORDER",
                      "as_": "regulator2", "org": None, "user": None, "data_root": None, "as_json": False}),
        ("freeze", {"receivable_id": "ID", "order_reference": "FREEZE-ORDER", "as_": "regulator",
                    "org": None, "user": None, "data_root": None, "as_json": False}),
    ], commands
    assert "--lifts names the freeze order lifted, --order the reference of the order lifting it" \
        in str(refused.value)
