"""`recfin org add|remove --update-out FILE` never writes over a file that holds no config update.

--update-out replaces an update file (keeping the signatures of the very same update,
test_org_update_out_again), but a FILE named by mistake (the org's definition given to --definition, a
topology, notes) was replaced as well, whole and without a word. Such a file is refused, nothing written; an
empty file, holding nothing, takes the update.
"""
from __future__ import annotations

import pytest

from network import config_signing
from network.org_change import OrgChangeError

from .channel_fixtures import channel_config
from .scripted_channel import ScriptedChannel, host
from .test_org_file_elsewhere import CODE


def test_a_file_holding_no_update_is_refused_and_kept(fake_fabric, topology, data_root, tmp_path):
    writer = host(topology, data_root, ScriptedChannel(topology, channel_config(topology, data_root)))
    folder = tmp_path / "sent"
    folder.mkdir()
    definition = folder / "bank2.definition.json"
    definition.write_text('{"org": "the definition the company sent"}\n')
    change = writer.plan_add("bank2", "bank", CODE, sign_as=["bank"])

    with pytest.raises(OrgChangeError, match="holds no config update transaction.*nothing was written"):
        writer.write_update(change, definition)
    assert definition.read_text() == '{"org": "the definition the company sent"}\n'
    assert [p.name for p in folder.iterdir()] == ["bank2.definition.json"]

    empty = folder / "bank2.tx"
    empty.touch()
    writer.write_update(change, empty)
    assert config_signing.read_update_file(empty)[0] == topology.channel
