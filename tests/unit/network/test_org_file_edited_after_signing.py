"""An update file edited after admins signed it is not submitted on their signatures.

Each ConfigSignature is over its signature header and the serialized ConfigUpdate, the org spec the update
carries in isolated_data included, so an edit (here the address the bundles would give the new company's host)
leaves every earlier signature verifying over other bytes: the ordering service ignores them, and so does the
verdict, which names each as not counted. `org sign` shows the next admin those, and `org submit` refuses the
file, naming the admins whose signatures are missing, with nothing sent.
"""
from __future__ import annotations

import json

import pytest
from fabric_protos.common import configtx_pb2

from network import config_signing
from network.org_change import ORG_SPEC_KEY
from network.org_membership import PolicyNotSatisfiedError

from .scripted_channel import host


def _edited(path) -> None:
    """The file's update given another address for the new org's host, its signatures kept as they were."""
    channel_id, envelope = config_signing.read_update_file(path)
    update = configtx_pb2.ConfigUpdate.FromString(envelope.config_update)
    carried = json.loads(update.isolated_data[ORG_SPEC_KEY])
    carried["org"]["address"] = "10.9.9.9"
    update.isolated_data[ORG_SPEC_KEY] = json.dumps(carried, sort_keys=True).encode()
    envelope.config_update = update.SerializeToString()
    config_signing.write_update_file(path, channel_id, envelope)


def test_a_file_edited_after_enough_admins_signed_it_is_not_submitted(channel, bank2_update_file, topology,
                                                                      data_root):
    _change, path = bank2_update_file
    for org_name in ("coreenterprise", "supplier"):     # with bank's, 3 of the 4 admins: the policy is met
        host(topology, data_root, channel).sign_update_file(path, org_name)
    _edited(path)

    checked = host(topology, data_root, channel).check_update_file(path)
    assert checked.verdict.signed_by == []
    assert len(checked.verdict.invalid_signatures) == 3
    assert all("does not verify under its certificate's key (made over other bytes, or another key)" in why
               for why in checked.verdict.invalid_signatures)

    _signer, signed = host(topology, data_root, channel).sign_update_file(path, "regulator")
    assert signed.verdict.signed_by == ["RegulatorMSP"] and not signed.verdict.ok
    with pytest.raises(PolicyNotSatisfiedError, match=r"^not submitted: /Channel/Application/Admins \(MAJORITY "
                                                      r"Admins\) needs 3 of 4 org admins, has 1 \(RegulatorMSP\)"):
        host(topology, data_root, channel).submit_update_file(path, channel_only=True)
    assert channel.updates == []
