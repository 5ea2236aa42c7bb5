"""The ordering batch on the real channel: the genesis block carries the topology's, and
`recfin network tune`'s config update changes it on the running channel (then puts it back,
since the network is shared by the suite)."""
from __future__ import annotations

from network.batch_tuning import BatchTuner, batch_of


def test_the_channel_starts_with_the_topology_s_batch_and_tune_changes_it(fabric_network):
    tuner = BatchTuner(fabric_network)
    original = batch_of(tuner.fetch_config())
    assert original == fabric_network.topology.tuning.ordering
    try:
        change = tuner.tune(max_message_count=50, batch_timeout="500ms")
        assert change is not None and change.verdict.ok
        now = batch_of(tuner.fetch_config())
        assert (now.max_message_count, now.batch_timeout) == (50, "500ms")
        assert now.absolute_max_bytes == original.absolute_max_bytes
        assert tuner.tune(max_message_count=50) is None
    finally:
        tuner.tune(max_message_count=original.max_message_count, batch_timeout=original.batch_timeout)
    assert batch_of(tuner.fetch_config()) == original
