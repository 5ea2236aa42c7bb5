"""An org `recfin org add` added after the genesis block is compared too: with the channel's config as the data
folder last fetched it (channel/updates/config-*.block), since the genesis block does not name it. Its peer moved
since (its spec edited in membership.yaml) is refused as a moved genesis node is."""
import pytest

from network import channel, crypto, membership
from network.errors import TopologyError
from network.org_change import updates_dir

from .channel_fixtures import channel_config, config_block
from .test_genesis_block_addresses import NoConfigtxgen, write_genesis_block

CODE = "91110000MA1K00007E"


def keep_config(topology, data_root, name, sequence):
    """A config block as `recfin org` keeps the one it fetched as an admin, its config of that sequence."""
    config = channel_config(topology, data_root)
    config.sequence = sequence
    path = updates_dir(data_root) / f"config-{name}.block"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(config_block(config, topology.channel, number=sequence).SerializeToString())
    return path


def moved(spec, port):
    peer = spec.peers[0].model_copy(update={"port": port, "chaincode_port": port + 1})
    return spec.model_copy(update={"peers": [peer]})


@pytest.fixture
def bank2_added(topology, data_root):
    """The genesis block of topology.yaml's orgs, then bank2 added (`recfin org add bank2`): its spec recorded and
    the channel's config holding its anchor peer kept as the admin fetched it once the update was in."""
    block = write_genesis_block(topology, data_root)
    spec = membership.new_org_spec(topology, "bank2", "bank", CODE)
    membership.record_added(data_root, spec)
    now = membership.effective(topology, data_root)
    crypto.generate(now, data_root, adding=["bank2"])
    return block, spec, now


def test_an_added_org_whose_peer_moved_since_it_joined_is_refused(topology, data_root, bank2_added):
    block, spec, now = bank2_added
    keep_config(topology, data_root, "supplier", 3)               # fetched before bank2 joined
    kept = keep_config(now, data_root, "bank", 5)                 # fetched once the channel had bank2
    old = now.node("peer0.bank2").address
    assert channel.create_genesis_block(NoConfigtxgen(), now, data_root) == (block, False)

    membership.record_added(data_root, moved(spec, spec.peers[0].port + 500))   # its port edited by hand
    later = membership.effective(topology, data_root)
    with pytest.raises(TopologyError) as refused:
        channel.create_genesis_block(NoConfigtxgen(), later, data_root)
    message = str(refused.value)
    assert f"peer0.bank2 {old} -> {later.node('peer0.bank2').address} (anchor peer of Bank2MSP since it was added)" \
        in message
    assert f"compared with the channel's config as {kept} keeps it" in message
    assert f"in its spec under `added:` in {membership.state_path(data_root)}" in message
    assert "Nothing was started" in message


def test_the_added_org_is_compared_with_the_latest_config_kept(topology, data_root, bank2_added):
    """An older kept config (a lower sequence) that names bank2 elsewhere is not the channel's now."""
    block, spec, now = bank2_added
    keep_config(now, data_root, "bank", 6)
    earlier = membership.effective(topology, data_root).model_copy(update={"orgs": [
        *(org for org in now.orgs if org.name != "bank2"), moved(spec, spec.peers[0].port + 700)]})
    keep_config(earlier, data_root, "supplier", 4)
    assert channel.create_genesis_block(NoConfigtxgen(), now, data_root) == (block, False)


def test_an_added_org_no_kept_config_holds_is_passed_over(topology, data_root, bank2_added):
    block, spec, _ = bank2_added
    keep_config(topology, data_root, "supplier", 3)               # from before bank2 joined
    (updates_dir(data_root) / "config-regulator.block").write_bytes(b"not a block")
    membership.record_added(data_root, moved(spec, spec.peers[0].port + 500))
    later = membership.effective(topology, data_root)
    assert channel.create_genesis_block(NoConfigtxgen(), later, data_root) == (block, False)
