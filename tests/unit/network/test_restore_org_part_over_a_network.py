"""An org's part (`backup --for-org`) restored with --replace over a data folder holding other orgs' keys or
nodes (the whole network's) is refused, nothing moved: it moved the network aside and left one org's part in
its place, which no `recfin network up` can start. Over a folder of that org's part alone it is still
restored."""
from __future__ import annotations

import pytest

from network import backup, backup_restore, nodeconfig
from network.control import DATA_ROOT_MARKER, MARKER_TEXT
from network.errors import NetworkError


@pytest.fixture
def data(data_root, topology):
    """The session's crypto, every node's ledger and the data folder's mark."""
    (data_root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    for node in topology.nodes():
        ledger = nodeconfig.node_dirs(data_root, node.name).data
        ledger.mkdir(parents=True)
        (ledger / "blockfile_000000").write_bytes(node.name.encode())
    return data_root


def listing(folder):
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


def test_an_orgs_part_over_the_whole_network_is_refused_and_moves_nothing(data, topology, tmp_path):
    org = topology.orgs[0]
    archive = tmp_path / "org.tar.gz"
    backup.write_backup(data, archive, topology=topology, org=org.name)
    before = listing(data)
    other_node = next(node.name for node in topology.nodes() if node.name not in
                      {peer.name for peer in topology.peers(org.name)})
    refusal = rf"org {org.name}'s part alone .*nodes/{other_node}.*into a folder of its own"
    with pytest.raises(NetworkError, match=refusal):
        backup_restore.restore_backup(archive, data, replace=True, topology=topology)
    assert listing(data) == before and not list(tmp_path.glob("network.before-restore-*"))


def test_an_orgs_part_over_a_folder_of_that_part_is_restored(data, topology, tmp_path):
    archive = tmp_path / "org.tar.gz"
    backup.write_backup(data, archive, topology=topology, org=topology.orderer_org.name)
    own = tmp_path / "orderer-part"
    backup_restore.restore_backup(archive, own, topology=topology)
    report = backup_restore.restore_backup(archive, own, replace=True, topology=topology)
    assert report.moved_aside is not None and report.org == topology.orderer_org.name
