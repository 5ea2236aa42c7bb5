"""`recfin network tune` on a channel whose orderer org's MSP is set to SHA3: `peer channel update` signs as
the orderer org's admin over SHA-256 whatever the channel config says, which that MSP does not verify, and
only that org's admins can authorise a batch change. The change is refused before anything is sent, naming
the family and what to do, where the refusal said only that a signature of OrdererMSP was missing."""
from __future__ import annotations

import pytest
from fabric_protos.msp import msp_config_pb2

from network import Network, batch_tuning
from network.errors import NetworkError
from tests.unit.receivables_client.audit_ledger import with_signature_hash_family

from .channel_fixtures import config_block
from .test_tuning import channel_with_batch, peer_serving_block


def _orderer_msp_of_family(config, family: str):
    value = config.channel_group.groups["Orderer"].groups["OrdererMSP"].values["MSP"]
    value.value = with_signature_hash_family(msp_config_pb2.MSPConfig.FromString(value.value),
                                             family).SerializeToString()
    return config


@pytest.fixture
def peer_serving(fake_fabric, tmp_path):
    """A `peer` CLI handing out the config block written to the returned path, which an update replaces with
    the one written beside it as .after; each call is in calls.txt."""
    block = tmp_path / "current.block"
    calls = tmp_path / "calls.txt"
    peer_serving_block(fake_fabric, block, calls)
    return block, calls


def test_a_batch_change_on_a_channel_whose_orderer_msp_is_sha3_is_refused_naming_why_and_what_to_do(
        peer_serving, topology, data_root):
    block, calls = peer_serving
    block.write_bytes(config_block(_orderer_msp_of_family(channel_with_batch(topology, data_root), "SHA3"),
                                   topology.channel).SerializeToString())
    tuner = batch_tuning.BatchTuner(Network(topology, data_root=data_root, timeout=5))
    with pytest.raises(NetworkError) as refused:
        tuner.tune(max_message_count=500)
    message = str(refused.value)
    assert message.startswith("not submitted: OrdererMSP's MSP in the channel config has signature hash "
                              "family SHA3, and `peer channel update` signs as its submitter, OrdererMSP's "
                              "admin, over SHA-256")
    assert "(the update as it would arrive: /Channel/Orderer/Admins" in message
    assert "Only OrdererMSP's admins can authorise a batch change" in message
    assert "send the update with a Fabric client that signs in its family" in message
    assert not any(" channel update " in line for line in calls.read_text().splitlines())


def test_on_a_sha2_orderer_msp_the_change_is_sent_as_before(peer_serving, topology, data_root):
    block, calls = peer_serving
    current = _orderer_msp_of_family(channel_with_batch(topology, data_root), "SHA2")
    after = batch_tuning.changed_batch(batch_tuning.batch_of(current), max_message_count=500)
    block.write_bytes(config_block(current, topology.channel).SerializeToString())
    block.with_name("current.block.after").write_bytes(
        config_block(batch_tuning.with_batch(current, after), topology.channel).SerializeToString())
    tuner = batch_tuning.BatchTuner(Network(topology, data_root=data_root, timeout=5))
    change = tuner.tune(max_message_count=500)
    assert change.verdict.ok and change.after == after
    assert [line.split()[0] for line in calls.read_text().splitlines() if " channel update " in line] == \
        ["OrdererMSP"]
