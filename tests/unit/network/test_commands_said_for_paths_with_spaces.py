"""The commands a report or refusal gives the operator to paste named paths unquoted: in a data folder whose path
holds a space (`/srv/recfin data`), `rm -rf` was handed two paths, the first a folder that is not the one meant, and
`mv` three; `fuser`, `df -h` and the like named a folder that is not there. Each path is quoted as the shell must
be given it."""
from __future__ import annotations

import errno
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from network import Network, compose_down, control, namespaces, org_keys
from network.backup_restore import RestoreReport
from network.bundle_keys import AdoptKeysError, adopt_keys
from network.crypto import org_crypto
from network.errors import NetworkError
from network.org_membership import OrgMembership, PolicyNotSatisfiedError
from network.restore_asides import aside_path
from network.supervisor import LogLockHeld

from . import test_org_membership
from .channel_fixtures import certificates_only_bundle

channel_peer = test_org_membership.channel_peer   # a `peer` fetching the channel's config block


def _commands(text: str) -> list[list[str]]:
    return [shlex.split(command) for command in re.findall(r"`([^`]*)`", text)]


def test_a_restore_s_leftover_and_aside_are_each_one_word_of_their_commands(tmp_path):
    data_root = tmp_path / "recfin data ü"
    leftover = tmp_path / ".recfin data ü.restoring-0a1b2c3d"
    aside = tmp_path / "recfin data ü.before-restore-20261206T000000Z"
    report = RestoreReport(Path("backup.tar.gz"), data_root, 1, 1, "0" * 64, "receivables", None, "now",
                           leftovers_kept=[leftover], interrupted_asides=[aside])
    said = "\n".join(report.lines())
    commands = _commands(said)
    assert ["chmod", "-R", "u+rwX", str(leftover), "&&", "rm", "-rf", str(leftover)] in commands
    assert ["mv", str(aside), str(data_root)] in commands


def test_up_where_a_restore_stopped_says_to_move_the_aside_back_as_one_word(tmp_path):
    data_root = tmp_path / "recfin data"
    aside = aside_path(data_root)
    aside.mkdir()
    with pytest.raises(NetworkError) as refused:
        control._refuse_where_a_restore_stopped(data_root)
    assert ["mv", str(aside), str(data_root)] in _commands(str(refused.value))


def test_a_log_not_rotated_names_the_commands_finding_its_holder_with_the_log_as_one_word(tmp_path):
    log = tmp_path / "recfin data" / "nodes" / "peer0.bank" / "node.log"
    commands = _commands(LogLockHeld(log, 5.0).line())
    assert ["fuser", str(log)] in commands and ["lsof", str(log)] in commands


def test_a_full_disk_s_fix_names_the_folder_as_one_word(tmp_path):
    folder = tmp_path / "recfin data"
    assert ["df", "-h", str(folder)] in _commands(control.write_fix(OSError(errno.ENOSPC, "full"), folder, "elsewhere"))


def test_an_org_s_restored_part_says_how_to_write_its_bundle_with_the_folder_as_one_word(tmp_path):
    data_root = tmp_path / "hosts data"
    report = RestoreReport(Path("bank.tar.gz"), data_root, 1, 1, "0" * 64, "receivables", "bank", "now")
    assert ["recfin", "org", "bundle", "bank", "--data-root", str(data_root)] in _commands("\n".join(report.lines()))


def test_containers_not_running_names_the_compose_file_as_one_word(tmp_path):
    compose_file = tmp_path / "compose files" / "docker-compose.yaml"
    compose_file.parent.mkdir()
    compose_file.write_text("services: {}\n")

    def no_container(argv, **_kwargs):
        return subprocess.CompletedProcess(argv, 0, "", "")

    said = compose_down.not_running_from(compose_file, tmp_path, run=no_container)
    assert ["docker", "compose", "-f", str(compose_file), "ps"] in _commands(said)


@pytest.mark.usefixtures("channel_peer")
def test_an_update_file_short_of_signatures_is_named_as_one_word_in_the_signing_command(topology, data_root, tmp_path):
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    change = members.plan_add("bank2", "bank", test_org_membership.CODE, sign_as=["bank"])
    path = tmp_path / "signed updates" / "bank2.tx"
    path.parent.mkdir()
    members.write_update(change, path)
    with pytest.raises(PolicyNotSatisfiedError) as refused:
        members.submit_update_file(path)
    assert ["recfin", "org", "sign", str(path), "--as", "ORG"] in _commands(str(refused.value))


def test_a_lost_user_folder_s_refusal_names_the_keys_folder_as_one_word(hosts, network_host, tmp_path):
    company = org_keys.make(hosts, "bank2", "bank", test_org_membership.CODE, tmp_path / "bank2 host" / "keys")
    bundle_root = certificates_only_bundle(hosts, network_host, company, tmp_path / "bank2-bundle")
    shutil.rmtree(org_crypto(company.root, "bank2", company.definition.org.domain).user_dir("officer2"))
    with pytest.raises(AdoptKeysError) as refused:
        adopt_keys(bundle_root, company.root)
    commands = _commands(str(refused.value))
    assert ["recfin", "org", "user", "revoke", "bank2", "officer2", "--keys", str(company.root)] in commands
    assert ["recfin", "org", "user", "list", "bank2", "--keys", str(company.root), "--sync"] in commands


def test_the_namespaced_topology_s_header_names_it_as_one_word(topology, tmp_path):
    layout = namespaces.plan(topology, "rfx", "10.214.250.0/24")     # planned only: nothing is made
    path = namespaces.write_topology(topology, layout, tmp_path / "netns folder")
    assert ["recfin", "network", "up", "--topology", str(path)] in _commands(path.read_text())
