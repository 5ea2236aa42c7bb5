"""`recfin network down --purge` pointed at an empty folder the network never wrote (a data_root made by
hand, a mistyped RECFIN_HOME): nothing of the network's is there to stop, lock or delete, so the folder is
left as it was, and the refusal asks the operator to remove nothing by hand."""
import pytest

from network.control import Network
from network.errors import NetworkError
from network.fabric_bin import FabricInstall


def test_a_purge_refused_on_an_empty_folder_leaves_it_empty(topology, tmp_path, fake_fabric):
    root = tmp_path / "net"
    root.mkdir()
    lines = []
    net = Network(topology, data_root=root, fabric=FabricInstall.locate(), say=lines.append, timeout=5)
    with pytest.raises(NetworkError, match=r"refusing to delete .*net: it has no \.recfin-data-root "
                                           r".*\(it holds no crypto/\)\. Nothing was deleted$") as refused:
        net.down(purge=True)
    assert "remove by hand" not in str(refused.value)
    assert list(root.iterdir()) == [] and lines == []


def test_a_down_on_an_empty_folder_writes_nothing_there(topology, tmp_path, fake_fabric):
    root = tmp_path / "net"
    root.mkdir()
    net = Network(topology, data_root=root, fabric=FabricInstall.locate(), say=lambda line: None, timeout=5)
    assert net.down() == []
    assert list(root.iterdir()) == []
