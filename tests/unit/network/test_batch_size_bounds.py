"""AbsoluteMaxBytes is held between what the orderer needs to take a config update and Fabric's ceiling
under the nodes' 100 MB gRPC message limit.

Fabric's orderer refuses every envelope above AbsoluteMaxBytes, and applies that limit again to the CONFIG
envelope a config update makes, which carries the channel's whole config
(orderer/common/msgprocessor/standardchannel.go, ProcessConfigUpdateMsg): a channel set under its config's
size takes no config update again, the one raising the limit included. At the top, one transaction the
orderer accepts makes a block bigger than a Deliver reply or a Raft message may carry, which Fabric's
configtx.yaml answers with "not to exceed 49 MB"."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from fabric_protos.common import common_pb2, configtx_pb2
from fabric_protos.orderer import ab_pb2

from cli.main import main
from network import batch_tuning
from network.errors import NetworkError, TopologyError
from network.topology import parse
from network.tuning import MB

from .channel_fixtures import channel_config
from .test_tuning import raw

GRPC_MESSAGE_LIMIT = 100 * MB      # orderer.yaml General.MaxRecvMsgSize, core.yaml peer.maxRecvMsgSize


def _channel_batch(topology, data_root):
    config = channel_config(topology, data_root)
    return config, batch_tuning.batch_of(batch_tuning.with_batch(config, topology.tuning.ordering))


def test_a_limit_under_the_channel_config_is_refused_as_no_update_could_raise_it_again(topology, data_root):
    config, current = _channel_batch(topology, data_root)
    too_small = 16 * 1024
    lowered = configtx_pb2.ConfigEnvelope(config=batch_tuning.with_batch(config, current.model_copy(
        update={"absolute_max_bytes": too_small, "preferred_max_bytes": too_small})))
    # what the orderer would hold the next update's CONFIG envelope to: the whole config does not fit
    assert lowered.ByteSize() > too_small
    refusal = "batch: absolute_max_bytes: 16 KB is out of range: allowed 1 MB to 49 MB \\(the orderer refuses"
    with pytest.raises(NetworkError, match=refusal):
        batch_tuning.changed_batch(current, absolute_max_bytes="16 KB", preferred_max_bytes="16 KB")
    with pytest.raises(TopologyError, match="tuning.ordering.absolute_max_bytes: 512 KB is out of range"):
        parse(raw(tuning={"ordering": {"absolute_max_bytes": "512 KB", "preferred_max_bytes": "256 KB"}}))


def test_a_limit_whose_blocks_would_not_fit_a_grpc_message_is_refused(topology, data_root):
    _config, current = _channel_batch(topology, data_root)
    with pytest.raises(NetworkError, match="100 MB is out of range: allowed 1 MB to 49 MB \\(Fabric's ceil"):
        batch_tuning.changed_batch(current, absolute_max_bytes="100 MB")
    highest = batch_tuning.changed_batch(current, absolute_max_bytes="49 MB")
    # one envelope as big as the size filter lets through, alone in a block, as Deliver sends it
    envelope = common_pb2.Envelope(payload=bytes(highest.absolute_max_bytes - 72), signature=bytes(72))
    header = common_pb2.BlockHeader(number=7, previous_hash=bytes(32), data_hash=bytes(32))
    block = common_pb2.Block(header=header, data=common_pb2.BlockData(data=[envelope.SerializeToString()]),
                             metadata=common_pb2.BlockMetadata(metadata=[bytes(4096)] * 5))
    assert ab_pb2.DeliverResponse(block=block).ByteSize() < GRPC_MESSAGE_LIMIT


def test_tune_refuses_a_limit_out_of_range_before_looking_for_the_network(tmp_path, monkeypatch):
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path))
    refused = CliRunner().invoke(main, ["network", "tune", "--absolute-max-bytes", "16 KB"])
    assert refused.exit_code == 2, refused.output
    assert ("Invalid value for '--absolute-max-bytes': 16 KB is out of range: allowed 1 MB to 49 MB"
            in refused.output)
    assert not (tmp_path / "network").exists()
