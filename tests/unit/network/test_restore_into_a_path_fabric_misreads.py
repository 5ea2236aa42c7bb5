"""`recfin network restore` refuses, before it writes anything, a data folder whose path Fabric would misread, as
`up`, `prepare` and `compose-up` do (nodeconfig.data_root_path_problem): it restored into such a folder, and the
network could then never start from it. A whole network's archive (`up` runs on it next) is refused for a comma,
a `$` viper expands or a name that is not UTF-8; an org's part (`org bundle` reads it, its nodes run elsewhere)
for the `$` and the name only."""
from __future__ import annotations

import os
import time

import pytest

from network import backup, backup_restore, nodeconfig
from network.control import DATA_ROOT_MARKER, MARKER_TEXT
from network.errors import NetworkError

REFUSED = {"comma": "receivables,2026", "dollar": "ops$team", "not UTF-8": os.fsdecode(b"caf\xe9")}
FIX = "give --data-root a folder whose path"


@pytest.fixture
def archives(data_root, topology, tmp_path):
    """The whole network's archive and the first org's part, written beside the data folder."""
    (data_root / DATA_ROOT_MARKER).write_text(MARKER_TEXT)
    whole, part = tmp_path / "network.tar.gz", tmp_path / "org.tar.gz"
    backup.write_backup(data_root, whole, topology=topology)
    backup.write_backup(data_root, part, topology=topology, org=topology.orgs[0].name)
    return whole, part


def listing(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def a_killed_restores_folder(target):
    """The folder a restore into target killed midway left beside it, old enough for the next restore to remove."""
    left = target.with_name(f".{target.name}.restoring-0a1b2c3d")
    left.mkdir(parents=True)
    os.utime(left, (time.time() - 3600,) * 2)
    return left


@pytest.mark.parametrize("name", REFUSED.values(), ids=REFUSED.keys())
def test_a_whole_networks_archive_is_refused_before_anything_is_written(name, archives, topology, tmp_path):
    whole, _ = archives
    top = tmp_path / name
    target = top / "network"
    a_killed_restores_folder(target)
    before = listing(top)
    with pytest.raises(NetworkError) as refused:
        backup_restore.restore_backup(whole, target, topology=topology)
    problem = nodeconfig.data_root_path_problem(target, fix=FIX)
    assert str(refused.value) == (f"refusing to restore {backup_restore.shell_word(whole)} into "
                                  f"{backup_restore.shell_word(target)}: {problem}. Nothing was written")
    assert listing(top) == before       # not made, and the killed restore's folder not swept either


@pytest.mark.parametrize("name", [REFUSED["dollar"], REFUSED["not UTF-8"]], ids=["dollar", "not UTF-8"])
def test_an_orgs_part_is_refused_for_what_the_peer_cli_and_configtxgen_misread(name, archives, topology,
                                                                                tmp_path):
    _, part = archives
    target = tmp_path / name / "supplier-part"
    with pytest.raises(NetworkError, match="Nothing was written$") as refused:
        backup_restore.restore_backup(part, target, topology=topology)
    assert nodeconfig.data_root_path_problem(target, native=False, fix=FIX) in str(refused.value)
    assert not (tmp_path / name).exists()


def test_an_orgs_part_is_restored_into_a_folder_with_a_comma(archives, topology, tmp_path):
    """Its nodes run from the bundle `org bundle` writes from it, on the org's host: no orderer reads a CA list
    under this folder."""
    _, part = archives
    target = tmp_path / REFUSED["comma"] / "supplier-part"
    report = backup_restore.restore_backup(part, target, topology=topology)
    assert report.org == topology.orgs[0].name and (target / DATA_ROOT_MARKER).is_file()
