"""The ordering batch on the real channel: the genesis block carries the topology's, and
`recfin network tune`'s config update changes it on the running channel (then puts it back,
since the network is shared by the suite)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from cli.main import main
from network.batch_tuning import BatchTuner, batch_of


def tune(topology_file, *options: str) -> dict:
    """`recfin network tune OPTIONS --json` on the suite's network: the update's summary, or the batch."""
    result = CliRunner(env={"RECFIN_TOPOLOGY": str(topology_file)}).invoke(main, ["network", "tune", *options,
                                                                                   "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_channel_starts_with_the_topology_s_batch_and_tune_changes_it(fabric_network, topology_file):
    tuner = BatchTuner(fabric_network)
    original = batch_of(tuner.fetch_config())
    assert original == fabric_network.topology.tuning.ordering
    assert tune(topology_file) == original.model_dump(mode="json")          # no option: the channel's batch
    try:
        tune(topology_file, "--batch-size", "50", "--batch-timeout", "500ms")
        now = batch_of(tuner.fetch_config())
        assert (now.max_message_count, now.batch_timeout) == (50, "500ms")
        assert now.absolute_max_bytes == original.absolute_max_bytes
        assert tuner.tune(max_message_count=50) is None                      # nothing left to change
        assert tune(topology_file, "--batch-size", "50") == now.model_dump(mode="json")
    finally:
        tuner.tune(max_message_count=original.max_message_count, batch_timeout=original.batch_timeout)
    assert batch_of(tuner.fetch_config()) == original
