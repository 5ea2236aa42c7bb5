"""`recfin org sign FILE --as ORG` signs in the signature hash family ORG's MSP has in the channel config: the
admin of an org whose MSP is set to SHA3 signs the SHA3-256 digest, the one the ordering service verifies its
signature over, where it signed the SHA-256 one, which the orderer refused."""
from __future__ import annotations

import json

from cli.org_commands import org
from network import config_signing
from network.topology import load
from tests.unit.network.channel_fixtures import channel_config, config_block
from tests.unit.network.test_config_signature_hash_family import _with_family

BANK = ["add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E"]


def test_org_sign_as_the_admin_of_a_sha3_org(runner, network_copy, peer_serving, tmp_path):
    current = _with_family(channel_config(load(), network_copy), "RegulatorMSP", "SHA3")
    block = tmp_path / "config.block"
    block.write_bytes(config_block(current, "receivables").SerializeToString())
    path = tmp_path / "bank2.tx"
    written = runner.invoke(org, [*BANK, "--update-out", str(path), "--config-block", str(block),
                                  "--sign-as", "bank"])
    assert written.exit_code == 0, written.output
    peer_serving(block)

    result = runner.invoke(org, ["sign", str(path), "--as", "regulator", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["signed_now"].startswith("RegulatorMSP ")
    assert (summary["signed_by"], summary["invalid_signatures"]) == (["BankMSP", "RegulatorMSP"], [])
    envelope = config_signing.read_update_file(path)[1]
    in_the_channels_families = {s.msp_id: s.valid for s in config_signing.signers(envelope, current)}
    over_sha256 = {s.msp_id: s.valid for s in config_signing.signers(envelope)}
    assert in_the_channels_families == {"BankMSP": True, "RegulatorMSP": True}
    assert over_sha256 == {"BankMSP": True, "RegulatorMSP": False}
