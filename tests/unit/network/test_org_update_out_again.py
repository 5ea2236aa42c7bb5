"""`recfin org add|remove --update-out FILE` run again keeps the signatures other admins added to FILE.

The update travels between hosts and collects signatures in place (`recfin org sign`). Run again while the
channel is unchanged, `--update-out` computes the very same update: writing it anew dropped every signature
collected so far without a word, the printed verdict naming those admins as missing. The signatures a file of
the same update holds are kept (and counted in what is printed); a file of another update is replaced, its
signatures being over other bytes.
"""
from __future__ import annotations

from network import config_signing
from network.channel_config import APPLICATION

from .channel_fixtures import channel_config
from .scripted_channel import ScriptedChannel, host
from .test_org_file_elsewhere import CODE


def signed_by(path) -> list[str]:
    return [s.msp_id for s in config_signing.signers(config_signing.read_update_file(path)[1]) if s.valid]


def test_the_same_update_written_again_keeps_the_signatures_collected(fake_fabric, topology, data_root,
                                                                     tmp_path):
    channel = ScriptedChannel(topology, channel_config(topology, data_root))
    writer = host(topology, data_root, channel)
    first = writer.plan_add("bank2", "bank", CODE, sign_as=["bank"])
    path = writer.write_update(first, tmp_path / "bank2.tx")
    for org_name in ("supplier", "regulator"):
        host(topology, data_root, channel).sign_update_file(path, org_name)

    again = writer.plan_add("bank2", "bank", CODE, sign_as=["bank"])
    assert not again.verdict.ok
    writer.write_update(again, path)
    assert sorted(signed_by(path)) == ["BankMSP", "RegulatorMSP", "SupplierMSP"]
    assert sorted(again.signatures) == ["BankMSP", "RegulatorMSP", "SupplierMSP"] and again.verdict.ok
    assert host(topology, data_root, channel).check_update_file(path).verdict.ok


def test_another_update_written_over_a_file_replaces_it(fake_fabric, topology, data_root, tmp_path):
    channel = ScriptedChannel(topology, channel_config(topology, data_root))
    writer = host(topology, data_root, channel)
    first = writer.plan_add("bank2", "bank", CODE, sign_as=["bank"])
    path = writer.write_update(first, tmp_path / "bank2.tx")
    host(topology, data_root, channel).sign_update_file(path, "supplier")

    channel.config.channel_group.groups[APPLICATION].version += 1      # the channel moved on meanwhile
    writer.write_update(writer.plan_add("bank2", "bank", CODE, sign_as=["bank"]), path)
    assert signed_by(path) == ["BankMSP"]
