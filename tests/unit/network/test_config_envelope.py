"""A config update as a file: written once, signed by each org admin in turn, checked before it is sent."""
from __future__ import annotations

import re

import pytest
from fabric_protos.common import common_pb2, configtx_pb2

from client.gateway._signer import _CURVE_ORDERS

from network import channel_config, config_policy, config_signing
from network.org_change import plan_add, plan_remove

from .test_config_policy import current, grown  # noqa: F401  (fixtures: the channel, and it with bank2 made)
from .test_config_policy import high_s
from .test_config_policy import user as admin


def test_the_written_file_parses_back_as_the_same_signed_update(grown, data_root, current, tmp_path):
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank", "supplier"])
    path = config_signing.write_update_file(tmp_path / "bank2.tx", change.channel, change.envelope())
    channel_id, update_envelope = config_signing.read_update_file(path)
    assert channel_id == "receivables"
    assert configtx_pb2.ConfigUpdate.FromString(update_envelope.config_update) == change.update
    assert list(update_envelope.signatures) == list(change.envelope().signatures)
    # the layout `peer channel update -f` reads: an Envelope whose payload is a CONFIG_UPDATE
    payload = common_pb2.Payload.FromString(common_pb2.Envelope.FromString(path.read_bytes()).payload)
    assert common_pb2.ChannelHeader.FromString(payload.header.channel_header).type == common_pb2.CONFIG_UPDATE


def test_two_admins_signing_in_turn_take_the_verdict_from_missing_to_satisfied(
        topology, grown, data_root, current, tmp_path):
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank"])
    path = config_signing.write_update_file(tmp_path / "bank2.tx", change.channel, change.envelope())
    missing = config_policy.evaluate(current, config_signing.read_update_file(path)[1])
    assert not missing.ok and "missing 2 of CoreEnterpriseMSP, RegulatorMSP, SupplierMSP" in missing.describe()
    for org_name in ("supplier", "regulator"):          # two hosts, each with its own file copy in turn
        _, update_envelope = config_signing.read_update_file(path)
        signed = config_signing.add_signature(update_envelope, admin(topology, data_root, org_name))
        assert signed.valid
        config_signing.write_update_file(path, change.channel, update_envelope)
    verdict = config_policy.evaluate(current, config_signing.read_update_file(path)[1])
    assert verdict.ok, verdict.describe()
    assert "met by BankMSP, RegulatorMSP, SupplierMSP" in verdict.describe()


def test_the_same_admin_cannot_sign_twice(topology, grown, data_root, current):
    update_envelope = plan_add(grown, data_root, current, "bank2", sign_as=["bank"]).envelope()
    with pytest.raises(config_signing.UpdateFileError, match="BankMSP's admin has already signed this update"):
        config_signing.add_signature(update_envelope, admin(topology, data_root, "bank"))
    assert len(update_envelope.signatures) == 1


def test_an_admin_whose_signature_fabric_refuses_signs_again_and_the_refused_one_is_replaced(
        topology, grown, data_root, current):
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank", "supplier", "regulator"])
    bank = admin(topology, data_root, "bank")
    refused = high_s(change.signatures["BankMSP"], _CURVE_ORDERS[bank.identity.certificate.public_key().curve.name])
    update_envelope = config_signing.envelope(change.update, [refused, change.signatures["SupplierMSP"]])
    assert not config_signing.signers(update_envelope)[0].valid
    signed = config_signing.add_signature(update_envelope, bank)
    assert signed.valid and signed.msp_id == "BankMSP"
    assert [s.msp_id for s in config_signing.signers(update_envelope)] == ["SupplierMSP", "BankMSP"]
    assert refused not in update_envelope.signatures
    # and once it has one Fabric accepts, a further one is refused again, the refused form present or not
    update_envelope.signatures.append(refused)
    with pytest.raises(config_signing.UpdateFileError, match="BankMSP's admin has already signed this update"):
        config_signing.add_signature(update_envelope, bank)
    assert len(update_envelope.signatures) == 3


def test_a_signature_made_over_another_update_is_not_counted(topology, grown, data_root, current):
    adding = plan_add(grown, data_root, current, "bank2", sign_as=["bank", "supplier"])
    removing = plan_remove(topology, data_root, current, "regulator", sign_as=["coreenterprise"])
    carried_over = removing.signatures["CoreEnterpriseMSP"]
    update_envelope = adding.envelope()
    update_envelope.signatures.append(carried_over)
    verdict = config_policy.evaluate(current, update_envelope)
    assert not verdict.ok
    assert len(verdict.invalid_signatures) == 1 and verdict.invalid_signatures[0].startswith("CoreEnterpriseMSP ")


def test_a_file_that_is_no_config_update_is_refused(tmp_path):
    path = tmp_path / "block.pb"
    path.write_bytes(b"\x0a\x03abc")
    with pytest.raises(config_signing.UpdateFileError, match="not CONFIG_UPDATE|not a config update"):
        config_signing.read_update_file(path)


def test_a_file_whose_header_and_update_name_different_channels_is_refused_naming_both(
        grown, data_root, current, tmp_path):
    """The admins sign the ConfigUpdate's bytes, which name the channel it changes; the header around it is not
    signed, so a file whose header says `receivables` while its update is for another channel was altered."""
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank"])
    elsewhere = configtx_pb2.ConfigUpdate()
    elsewhere.CopyFrom(change.update)
    elsewhere.channel_id = "other"
    path = config_signing.write_update_file(tmp_path / "bank2.tx", "receivables",
                                            config_signing.envelope(elsewhere, []))
    with pytest.raises(config_signing.UpdateFileError,
                       match=rf"^{re.escape(str(path))}: its update is for channel 'other' but its header names "
                             r"'receivables': the file was tampered with; write it again$"):
        config_signing.read_update_file(path)


def test_an_update_computed_against_an_older_config_is_stale(grown, data_root, current):
    change = plan_add(grown, data_root, current, "bank2")
    assert channel_config.stale_reads(current, change.update) == []
    assert channel_config.org_membership_change(current, change.update) == ("add", "Bank2MSP")
    newer = configtx_pb2.Config()
    newer.CopyFrom(current)
    newer.channel_group.groups["Application"].version += 1
    assert channel_config.stale_reads(newer, change.update) == [
        "group /Channel/Application (read at version 1, now 2)"]


@pytest.mark.parametrize("header, complaint", [
    (b"\xff\xff not a header", "signature 2 of 2 has no readable signature header"),
    (common_pb2.SignatureHeader(creator=b"\x0a\x07BankMSP\x12\x03abc", nonce=b"n").SerializeToString(),
     r"signature 2 of 2 \(BankMSP\) names no PEM certificate"),
], ids=["header", "creator"])
def test_a_malformed_signature_is_refused_naming_which_one(grown, data_root, current, tmp_path, header, complaint):
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank"])
    update_envelope = change.envelope()
    update_envelope.signatures.append(configtx_pb2.ConfigSignature(signature_header=header, signature=b"x"))
    path = config_signing.write_update_file(tmp_path / "bank2.tx", change.channel, update_envelope)
    with pytest.raises(config_signing.UpdateFileError, match=rf"{path}: {complaint}.*--update-out"):
        config_signing.read_update_file(path)
    with pytest.raises(config_signing.UpdateFileError, match=complaint):
        config_policy.evaluate(current, update_envelope)       # an envelope read some other way: the same error
