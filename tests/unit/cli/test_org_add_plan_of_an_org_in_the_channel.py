"""`recfin org add --dry-run` (and `--update-out`) of an org whose MSP ID the channel already has, with its crypto
here (an add whose update went through, then stopped): the add itself skips the update and finishes the rest, but
these said "choose another MSP ID, or remove it first with `recfin org remove`", steering the operator to take a
member out of the channel. They now say there is no update to show or write, and that the add finishes it; one
whose channel MSP has another CA than this folder's is refused as the add refuses it."""
from __future__ import annotations

import pytest

from cli.org_commands import org
from network import membership
from network.crypto import org_crypto
from network.topology import load

from .conftest import files_under
from .test_org_membership_commands import BANK, _added_to_the_channel

CODE = "91110000MA1K00007E"


@pytest.fixture
def bank2_in_the_channel(network_home):
    root, block = network_home
    spec = membership.new_org_spec(load(), "bank2", "bank", CODE)
    _added_to_the_channel(root, block, spec)
    return root, block, spec


@pytest.mark.parametrize("mode", ["--dry-run", "--update-out"])
def test_a_plan_for_an_org_the_channel_has_says_the_add_finishes_it(runner, bank2_in_the_channel, tmp_path, mode):
    root, block, spec = bank2_in_the_channel
    out = tmp_path / "bank2.tx"
    before = files_under(root)
    args = [*BANK, "--config-block", str(block), mode] + ([str(out)] if mode == "--update-out" else [])
    result = runner.invoke(org, args)
    assert result.exit_code == 1, result.output
    assert "Bank2MSP is already in receivables's config: there is no update to show or write" in result.output
    assert "`recfin org add bank2 --role bank --enterprise 91110000MA1K00007E` (without --dry-run and " \
           "--update-out) finishes its add here" in result.output
    assert "recfin org remove" not in result.output
    assert files_under(root) == before and not out.exists()


def test_a_dry_run_for_an_org_the_channel_has_with_another_ca_is_refused_as_the_add_is(runner, bank2_in_the_channel):
    root, block, spec = bank2_in_the_channel
    ours = org_crypto(root, spec.name, spec.domain).ca_cert
    other = org_crypto(root, "bank", load().org("bank").domain).ca_cert
    ours.write_bytes(other.read_bytes())
    result = runner.invoke(org, [*BANK, "--config-block", str(block), "--dry-run"])
    assert result.exit_code == 1, result.output
    assert f"Bank2MSP is already in the channel with another CA than {ours}: choose another org name" in result.output
