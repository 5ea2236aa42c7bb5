"""`recfin org sign|submit FILE`: a FILE that is no update of this channel at all, as the file alone shows,
is a usage error naming FILE (exit 2); an update refused against the channel's config stays the command's
own answer (exit 1)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from fabric_protos.common import configtx_pb2

from cli.org_commands import org
from network import config_signing
from network.org_change import ORG_SPEC_KEY
from network.topology import load
from tests.unit.network.channel_fixtures import channel_config, config_block

BANK = ["add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E"]
COMMANDS = (["sign", "--as", "supplier"], ["submit"])


def _written(runner, block: Path, out: Path) -> Path:
    result = runner.invoke(org, [*BANK, "--update-out", str(out), "--config-block", str(block),
                                 "--sign-as", "bank"])
    assert result.exit_code == 0, result.output
    return out


def _rewritten(path: Path, edit) -> Path:
    """The update file with edit(update) applied to its ConfigUpdate, its signatures kept as they were."""
    channel_id, envelope = config_signing.read_update_file(path)
    update = configtx_pb2.ConfigUpdate.FromString(envelope.config_update)
    channel_id = edit(update) or channel_id
    signed_as_before = config_signing.envelope(update, list(envelope.signatures))
    config_signing.write_update_file(path, channel_id, signed_as_before)
    return path


def _carried(document_edit):
    def edit(update):
        document = json.loads(update.isolated_data[ORG_SPEC_KEY])
        update.isolated_data[ORG_SPEC_KEY] = document_edit(document)
    return edit


def _another_channel(update):
    update.channel_id = "otherchannel"
    return "otherchannel"


NOT_AN_UPDATE = {
    "not a transaction": (lambda path: path.write_bytes(b"not a transaction"),
                          "is not a config update transaction"),
    "a signature unreadable": (lambda path: _add_unreadable_signature(path),
                               "signature 2 of 2 has no readable signature header"),
    "the org spec unreadable": (lambda path: _rewritten(path, _carried(lambda document: b"{not json")),
                                "the org spec it carries cannot be read"),
    "the org spec a field wrong": (
        lambda path: _rewritten(path, _carried(
            lambda d: json.dumps({**d, "org": {**d["org"], "msp_id": 7}}).encode())),
        "the org spec it carries cannot be read"),
    "the org spec contradicting its update": (
        lambda path: _rewritten(path, _carried(lambda d: json.dumps({**d, "action": "remove"}).encode())),
        "says it removes Bank2MSP, but its update keeps that org"),
    "another channel's": (lambda path: _rewritten(path, _another_channel),
                          "updates channel 'otherchannel', not 'receivables'"),
}


def _add_unreadable_signature(path: Path) -> None:
    channel_id, envelope = config_signing.read_update_file(path)
    envelope.signatures.append(configtx_pb2.ConfigSignature(signature_header=b"\xff\xff", signature=b"x"))
    config_signing.write_update_file(path, channel_id, envelope)


@pytest.mark.parametrize("case", NOT_AN_UPDATE)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_file_that_is_no_update_of_the_channel_is_a_usage_error_naming_file(runner, network_home, tmp_path,
                                                                              case, command):
    root, block = network_home
    spoil, says = NOT_AN_UPDATE[case]
    path = _written(runner, block, tmp_path / "bank2.tx")
    spoil(path)
    before = path.read_bytes()
    result = runner.invoke(org, [command[0], str(path), *command[1:]])
    assert result.exit_code == 2, result.output
    error = result.output.splitlines()[-1]
    assert error.startswith(f"Error: Invalid value for 'FILE': {path}") and says in error, result.output
    assert path.read_bytes() == before


def test_an_update_refused_against_the_channel_stays_exit_1(runner, network_home, peer_serving, tmp_path):
    """Stale versions (the file computed against another config than the channel's), signatures short of the
    policy, an admin who signed already: the update is an update, refused, and so the command's own answer."""
    root, block = network_home
    submitted = peer_serving(block)
    older = channel_config(load(), root)
    older.channel_group.groups["Application"].version += 1      # the file's config, not the channel's
    other_block = tmp_path / "other.block"
    other_block.write_bytes(config_block(older, "receivables").SerializeToString())
    stale = _written(runner, other_block, tmp_path / "stale.tx")
    for args in (["sign", str(stale), "--as", "supplier"], ["submit", str(stale)]):
        result = runner.invoke(org, args)
        assert result.exit_code == 1 and "was computed against an older channel config" in result.output, \
            result.output

    current = _written(runner, block, tmp_path / "bank2.tx")
    result = runner.invoke(org, ["submit", str(current)])
    assert result.exit_code == 1, result.output
    assert "missing 2 of CoreEnterpriseMSP, RegulatorMSP, SupplierMSP" in result.output
    result = runner.invoke(org, ["sign", str(current), "--as", "bank"])
    assert result.exit_code == 1 and "BankMSP's admin has already signed" in result.output
    assert not submitted.exists()


@pytest.mark.parametrize("command", ["sign", "submit"])
def test_the_help_says_which_file_is_a_usage_error(runner, command):
    text = " ".join(runner.invoke(org, [command, "--help"]).output.split())
    assert ("2 for a usage error, a FILE that is no update of this channel at all as the file alone shows"
            in text)
    assert "1 when the update is refused against the channel's config" in text
