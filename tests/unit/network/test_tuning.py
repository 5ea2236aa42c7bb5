"""The topology's tuning block: parsed and range-checked, and carried to every place the network reads it
(peer env and core.yaml, configtx.yaml, compose), and the batch update of a running channel."""
from __future__ import annotations

import copy

import pytest
import yaml
from fabric_protos.common import configtx_pb2
from fabric_protos.orderer import configuration_pb2

from network import Network, batch_tuning, channel_config, compose, configtx, nodeconfig
from network.errors import NetworkError, TopologyError
from network.topology import DEFAULT_TOPOLOGY, parse
from network.tuning import MB, Tuning

from .channel_fixtures import channel_config as build_config, config_block

RAW = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())

TUNED = {"ordering": {"batch_timeout": "1s", "max_message_count": 500, "absolute_max_bytes": "20 MB",
                      "preferred_max_bytes": "4 MB"},
         "peer": {"gateway_concurrency": 20000, "endorser_concurrency": 0, "gateway_endorsement_timeout": "10s"},
         "chaincode_runtime": {"use_write_batch": False, "max_size_get_multiple_keys": 200}}


def raw(**changes) -> dict:
    data = copy.deepcopy(RAW)
    data.update(changes)
    return data


def tuned():
    return parse(raw(tuning=TUNED))


# ---- parsing ---------------------------------------------------------------------------------------
def test_the_defaults_are_what_the_network_ran_before_the_block():
    data = raw()
    del data["tuning"]
    assert parse(data).tuning == parse(raw()).tuning == Tuning()
    assert parse(data).tuning.in_effect() == {
        "ordering": {"batch_timeout": "250ms", "max_message_count": 100, "absolute_max_bytes": "10 MB",
                     "preferred_max_bytes": "2 MB"},
        "peer": {"gateway_concurrency": 500, "endorser_concurrency": 2500, "deliver_concurrency": 2500,
                 "gateway_endorsement_timeout": "30s", "gateway_broadcast_timeout": "30s",
                 "gateway_dial_timeout": "2m"},
        "chaincode_runtime": {"use_write_batch": True, "max_size_write_batch": 1000, "use_get_multiple_keys": True,
                              "max_size_get_multiple_keys": 1000}}


def test_a_partial_block_keeps_the_other_defaults():
    topology = tuned()
    assert topology.tuning.peer.gateway_concurrency == 20000
    assert topology.tuning.peer.deliver_concurrency == 2500
    assert topology.tuning.ordering.absolute_max_bytes == 20 * MB
    assert topology.batch_timeout == "1s"


def test_a_top_level_batch_timeout_is_the_ordering_one():
    data = raw(batch_timeout="2s")
    del data["tuning"]
    assert parse(data).tuning.ordering.batch_timeout == "2s"
    with pytest.raises(TopologyError, match="batch_timeout \\(2s\\) and tuning.ordering.batch_timeout \\(250ms\\) "
                                            "disagree: keep only tuning.ordering.batch_timeout"):
        parse(raw(batch_timeout="2s"))


@pytest.mark.parametrize("section, key, value, message", [
    ("ordering", "max_message_count", 0, "0 is out of range: allowed 1 to 100000"),
    ("ordering", "max_message_count", "lots", "'lots' is not a whole number: allowed 1 to 100000"),
    ("ordering", "batch_timeout", "2 seconds", "'2 seconds' is not a duration"),
    ("ordering", "batch_timeout", "5m", "5m is out of range: allowed 1ms to 60s"),
    ("ordering", "absolute_max_bytes", "200 MB", "200 MB is out of range: allowed 1 MB to 49 MB"),
    ("ordering", "preferred_max_bytes", "50 MB", "50 MB is out of range: allowed 1 byte to 49 MB"),
    ("ordering", "preferred_max_bytes", "12 GB", "'12 GB' is not a size"),
    ("peer", "gateway_concurrency", -1, "-1 is out of range: allowed 0 to 1000000 (0: no limit)"),
    ("peer", "deliver_concurrency", True, "True is not a whole number"),
    ("peer", "gateway_dial_timeout", "0s", "0s is out of range: allowed 1ms to 3600s"),
    # digits of other scripts, which Python's float() reads and Go's time.ParseDuration refuses
    ("ordering", "batch_timeout", "\u0662s", "'\u0662s' is not a duration"),
    ("peer", "gateway_endorsement_timeout", "\uff13\uff10s", "'\uff13\uff10s' is not a duration"),
    ("chaincode_runtime", "use_write_batch", "yes", "'yes' is not a flag: allowed true or false"),
    ("chaincode_runtime", "max_size_write_batch", 0, "0 is out of range: allowed 1 to 100000"),
])
def test_a_bad_value_is_rejected_naming_the_key_and_the_range(section, key, value, message):
    with pytest.raises(TopologyError) as err:
        parse(raw(tuning={section: {key: value}}))
    assert f"topology.yaml: tuning.{section}.{key}: {message}" in str(err.value)


def test_an_unknown_knob_and_a_preferred_size_above_the_absolute_one_are_rejected():
    with pytest.raises(TopologyError, match="tuning.peer.gateway_limit: Extra inputs are not permitted"):
        parse(raw(tuning={"peer": {"gateway_limit": 10}}))
    with pytest.raises(TopologyError, match="tuning.ordering: preferred_max_bytes \\(20 MB\\) is above "
                                            "absolute_max_bytes \\(10 MB\\)"):
        parse(raw(tuning={"ordering": {"preferred_max_bytes": "20 MB"}}))


# ---- where the settings go ------------------------------------------------------------------------
def test_peer_tuning_reaches_the_peer_environment(data_root):
    topology = tuned()
    env = nodeconfig.peer_env(topology, data_root, topology.node("peer0.bank"))
    assert env["CORE_PEER_LIMITS_CONCURRENCY_GATEWAYSERVICE"] == "20000"
    assert env["CORE_PEER_LIMITS_CONCURRENCY_ENDORSERSERVICE"] == "0"
    assert env["CORE_PEER_LIMITS_CONCURRENCY_DELIVERSERVICE"] == "2500"
    assert env["CORE_PEER_GATEWAY_ENDORSEMENTTIMEOUT"] == "10s"
    assert env["CORE_PEER_GATEWAY_DIALTIMEOUT"] == "2m"
    assert env["CORE_CHAINCODE_RUNTIMEPARAMS_USEWRITEBATCH"] == "false"
    assert env["CORE_CHAINCODE_RUNTIMEPARAMS_USEGETMULTIPLEKEYS"] == "true"
    assert env["CORE_CHAINCODE_RUNTIMEPARAMS_MAXSIZEGETMULTIPLEKEYS"] == "200"
    orderer_env = nodeconfig.orderer_env(topology, data_root, topology.node("orderer0.orderer"))
    assert not [k for k in orderer_env if k.startswith("CORE_")]


def test_peer_tuning_is_written_into_core_yaml(fake_fabric, data_root):
    topology = tuned()
    node = topology.node("peer0.supplier")
    folder = nodeconfig.write_node_config(topology, data_root, node, fake_fabric / "config")
    core = yaml.safe_load((folder / "core.yaml").read_text())
    assert core["peer"]["limits"]["concurrency"] == {"gatewayService": 20000, "endorserService": 0,
                                                     "deliverService": 2500}
    assert core["peer"]["gateway"] == {"endorsementTimeout": "10s", "broadcastTimeout": "30s", "dialTimeout": "2m"}
    assert core["chaincode"]["runtimeParams"] == {"useWriteBatch": False, "maxSizeWriteBatch": 1000,
                                                  "useGetMultipleKeys": True, "maxSizeGetMultipleKeys": 200}
    assert core["peer"]["id"] == "jdoe" and core["chaincode"]["externalBuilders"][0]["name"] == "recfin-ccaas"


def test_core_yaml_settings_replace_an_empty_section_of_the_base_file(tmp_path):
    base = {"peer": {"limits": None, "gateway": {"enabled": True, "dialTimeout": "2m"}}, "vm": {}, "chaincode": {}}
    core = nodeconfig.peer_core_yaml(base, tmp_path, {"peer.limits.concurrency.gatewayService": 9,
                                                      "peer.gateway.dialTimeout": "1m"})
    assert core["peer"]["limits"] == {"concurrency": {"gatewayService": 9}}
    assert core["peer"]["gateway"] == {"enabled": True, "dialTimeout": "1m"}
    assert base["peer"]["limits"] is None


def test_the_ordering_batch_reaches_configtx(crypto_root):
    orderer = configtx.build(tuned(), crypto_root)["Profiles"][configtx.PROFILE]["Orderer"]
    assert orderer["BatchTimeout"] == "1s"
    assert orderer["BatchSize"] == {"MaxMessageCount": 500, "AbsoluteMaxBytes": "20 MB", "PreferredMaxBytes": "4 MB"}


def test_compose_services_carry_the_same_tuning_as_the_native_peers():
    topology = tuned()
    services = compose.build(topology)["services"]
    expected = nodeconfig.peer_tuning_env(topology)
    for node in topology.on_hosts().nodes():
        env = services[node.hostname]["environment"]
        tuning_vars = {k: v for k, v in env.items() if k in expected}
        assert tuning_vars == (expected if node.kind == "peer" else {}), node.name
    assert services["peer0.bank.recfin.local"]["environment"]["CORE_PEER_LIMITS_CONCURRENCY_GATEWAYSERVICE"] == "20000"


def test_the_committed_compose_file_carries_the_topology_s_tuning(topology):
    doc = yaml.safe_load(compose.COMPOSE_FILE.read_text())
    for key, value in nodeconfig.peer_tuning_env(topology).items():
        assert doc["services"]["peer0.core.recfin.local"]["environment"][key] == value


# ---- the batch of a running channel ---------------------------------------------------------------
def channel_with_batch(topology, data_root) -> configtx_pb2.Config:
    """The channel config as configtxgen writes it: the Orderer group's batch values, mod_policy Admins."""
    config = build_config(topology, data_root)
    orderer = config.channel_group.groups[channel_config.ORDERER]
    orderer.version = 1
    size = configuration_pb2.BatchSize(max_message_count=100, absolute_max_bytes=10 * MB, preferred_max_bytes=2 * MB)
    orderer.values[batch_tuning.BATCH_SIZE].CopyFrom(
        configtx_pb2.ConfigValue(value=size.SerializeToString(), mod_policy="Admins", version=2))
    orderer.values[batch_tuning.BATCH_TIMEOUT].CopyFrom(configtx_pb2.ConfigValue(
        value=configuration_pb2.BatchTimeout(timeout="250ms").SerializeToString(), mod_policy="Admins"))
    return config


def test_the_batch_update_changes_the_two_values_signed_by_the_orderer_admin(topology, data_root):
    current = channel_with_batch(topology, data_root)
    assert batch_tuning.batch_of(current) == Tuning().ordering
    after = batch_tuning.changed_batch(batch_tuning.batch_of(current), max_message_count=500, batch_timeout="1s")
    change = batch_tuning.plan(topology, data_root, current, after)
    update = configtx_pb2.ConfigUpdate.FromString(change.envelope.config_update)
    changed = {(path, kind): write.version for path, kind, _read, write in channel_config.changed_elements(update)}
    assert changed == {(("Channel", "Orderer", "BatchSize"), "value"): 3,
                       (("Channel", "Orderer", "BatchTimeout"), "value"): 1}
    written = update.write_set.groups["Orderer"]
    assert written.version == 1 and set(written.values) == {"BatchSize", "BatchTimeout"}
    assert configuration_pb2.BatchSize.FromString(written.values["BatchSize"].value) == configuration_pb2.BatchSize(
        max_message_count=500, absolute_max_bytes=10 * MB, preferred_max_bytes=2 * MB)
    assert configuration_pb2.BatchTimeout.FromString(written.values["BatchTimeout"].value).timeout == "1s"
    assert change.verdict.ok, change.verdict.describe()
    assert change.summary()["after"]["max_message_count"] == 500
    assert batch_tuning.batch_of(batch_tuning.with_batch(current, after)) == after


def test_a_batch_change_is_validated_and_the_same_timeout_in_go_s_spelling_is_no_change():
    current = Tuning().ordering.model_copy(update={"batch_timeout": "1m0s"})
    assert batch_tuning.changed_batch(current, batch_timeout="60s") == current
    with pytest.raises(NetworkError, match="batch: max_message_count: 0 is out of range: allowed 1 to 100000"):
        batch_tuning.changed_batch(current, max_message_count=0)
    with pytest.raises(NetworkError, match="preferred_max_bytes \\(20 MB\\) is above absolute_max_bytes"):
        batch_tuning.changed_batch(current, preferred_max_bytes="20 MB")


def peer_serving_block(fake_fabric, block, calls) -> None:
    """Makes fake_fabric's `peer` CLI hand out ``block`` on a fetch and, on an update, move it on to the block
    written beside it as .after; each call is appended to ``calls``."""
    peer = fake_fabric / "bin" / "peer"
    peer.write_text(f"""#!/bin/sh
echo "$CORE_PEER_LOCALMSPID $@" >> {calls}
case "$1 $2" in
  "channel fetch") cp {block} "$4"; exit 0;;
  "channel update") [ -f {block}.after ] && cp {block}.after {block}; exit 0;;
esac
exit 1
""")
    peer.chmod(0o755)


@pytest.fixture
def scripted_peer(fake_fabric, tmp_path, topology, data_root):
    """A `peer` CLI whose fetch returns the channel's config block and whose update moves it on to .after."""
    block = tmp_path / "current.block"
    current = channel_with_batch(topology, data_root)
    block.write_bytes(config_block(current, topology.channel).SerializeToString())
    calls = tmp_path / "calls.txt"
    peer_serving_block(fake_fabric, block, calls)
    return current, block, calls


def test_tune_submits_as_the_orderer_admin_and_waits_for_the_new_batch(scripted_peer, topology, data_root):
    current, block, calls = scripted_peer
    after = batch_tuning.changed_batch(batch_tuning.batch_of(current), max_message_count=500)
    block.with_name("current.block.after").write_bytes(
        config_block(batch_tuning.with_batch(current, after), topology.channel).SerializeToString())
    tuner = batch_tuning.BatchTuner(Network(topology, data_root=data_root, timeout=5))
    change = tuner.tune(max_message_count=500)
    assert change.after == after and change.before.max_message_count == 100
    lines = calls.read_text().splitlines()
    assert all(line.startswith("OrdererMSP ") for line in lines)
    assert any(" channel update -f " in line for line in lines)
    assert tuner.tune(max_message_count=500) is None          # the channel has it now: nothing sent
    assert sum(" channel update " in line for line in calls.read_text().splitlines()) == 1


def test_the_tune_command_prints_the_channel_s_batch_and_refuses_a_bad_one(scripted_peer, data_root, monkeypatch):
    from click.testing import CliRunner

    from cli.main import main

    monkeypatch.setenv("RECFIN_HOME", str(data_root.parent))     # the data folder is <RECFIN_HOME>/network
    shown = CliRunner().invoke(main, ["network", "tune", "--json"])
    assert shown.exit_code == 0, shown.output
    assert '"max_message_count": 100' in shown.output and '"batch_timeout": "250ms"' in shown.output
    refused = CliRunner().invoke(main, ["network", "tune", "--batch-timeout", "2 s"])
    assert refused.exit_code == 2
    assert "Invalid value for '--batch-timeout': '2 s' is not a duration" in refused.output
    assert " channel update " not in scripted_peer[2].read_text()


@pytest.mark.parametrize("timeout", ["\u0661s", "\uff15s", "\u0663\u0660s"])
def test_tune_refuses_a_timeout_in_digits_go_does_not_read_before_looking_for_the_network(timeout, tmp_path,
                                                                                        monkeypatch):
    """The orderer parses BatchTimeout with Go's time.ParseDuration, which takes the digits 0-9 only: a
    timeout written in other digits would reach the channel config update, which the ordering service then
    refuses."""
    from click.testing import CliRunner

    from cli.main import main

    monkeypatch.setenv("RECFIN_HOME", str(tmp_path))
    refused = CliRunner().invoke(main, ["network", "tune", "--batch-timeout", timeout])
    assert refused.exit_code == 2, refused.output
    assert f"Invalid value for '--batch-timeout': '{timeout}' is not a duration" in refused.output
    with pytest.raises(NetworkError, match="batch: batch_timeout: .* is not a duration"):
        batch_tuning.checked_field("batch_timeout", timeout)


def test_tune_refuses_a_preferred_size_above_the_absolute_one_given_with_it_before_looking_for_the_network(
        tmp_path, monkeypatch):
    """Both sizes given, their clash needs no channel to tell: refused as a usage error naming the option,
    where it went on to look for the network and, with none running, failed on that instead."""
    from click.testing import CliRunner

    from cli.main import main

    monkeypatch.setenv("RECFIN_HOME", str(tmp_path))
    refused = CliRunner().invoke(main, ["network", "tune", "--absolute-max-bytes", "1 MB",
                                        "--preferred-max-bytes", "2 MB"])
    assert refused.exit_code == 2, refused.output
    assert ("Invalid value for '--preferred-max-bytes': preferred_max_bytes (2 MB) is above "
            "absolute_max_bytes (1 MB)") in refused.output
    assert not (tmp_path / "network").exists()


def _set_channel_batch(config: configtx_pb2.Config, timeout: str, max_message_count: int) -> configtx_pb2.Config:
    """The config with a batch Fabric's own tools may set (configtxgen's sample profiles, configtxlator edits)."""
    orderer = config.channel_group.groups[channel_config.ORDERER]
    size = configuration_pb2.BatchSize.FromString(orderer.values[batch_tuning.BATCH_SIZE].value)
    size.max_message_count = max_message_count
    orderer.values[batch_tuning.BATCH_SIZE].value = size.SerializeToString()
    orderer.values[batch_tuning.BATCH_TIMEOUT].value = configuration_pb2.BatchTimeout(timeout=timeout).SerializeToString()
    return config


def test_a_channel_batch_outside_recfin_s_ranges_is_read_as_it_is_and_a_value_in_range_can_still_be_set(
        scripted_peer, topology, data_root, monkeypatch):
    from click.testing import CliRunner

    from cli.main import main

    current, block, calls = scripted_peer
    _set_channel_batch(current, "2m0s", 500_000)                # both above what recfin sets (60s, 100000)
    block.write_bytes(config_block(current, topology.channel).SerializeToString())
    batch = batch_tuning.batch_of(current)
    assert (batch.batch_timeout, batch.max_message_count) == ("2m0s", 500_000)

    monkeypatch.setenv("RECFIN_HOME", str(data_root.parent))
    shown = CliRunner().invoke(main, ["network", "tune", "--json"])
    assert shown.exit_code == 0, shown.output
    assert '"batch_timeout": "2m0s"' in shown.output and '"max_message_count": 500000' in shown.output

    after = batch_tuning.changed_batch(batch, batch_timeout="1s")   # the channel's other values are kept as they are
    assert (after.batch_timeout, after.max_message_count) == ("1s", 500_000)
    block.with_name("current.block.after").write_bytes(
        config_block(batch_tuning.with_batch(current, after), topology.channel).SerializeToString())
    change = batch_tuning.BatchTuner(Network(topology, data_root=data_root, timeout=5)).tune(batch_timeout="1s")
    assert change.before.batch_timeout == "2m0s" and change.after == after
    assert change.summary()["before"]["max_message_count"] == 500_000

    with pytest.raises(NetworkError, match="batch: batch_timeout: 2m is out of range: allowed 1ms to 60s"):
        batch_tuning.changed_batch(batch, batch_timeout="2m")      # asked of recfin: held to its range
    with pytest.raises(NetworkError, match="preferred_max_bytes \\(20 MB\\) is above absolute_max_bytes"):
        batch_tuning.changed_batch(batch, preferred_max_bytes="20 MB")
