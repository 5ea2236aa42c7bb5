"""`recfin org user list ORG --sync --keys KEYS` meeting the keys folder's membership.lock held past the wait (an
`org user add` hung midway) ended with the lock's generic "another recfin run has held ...": not who holds it, though
its record in the lock file names it (pid, since when), and, when the hold came after the channel's CRLs reached the
MSP folders, not that the org's definition there still lacks them, which the definition sent to add the org back
would then lift. It names the holder and what to do, and that the definition waits for the sync run again."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cli.org_commands import org
from network import membership, org_keys, org_users
from network.crypto import org_crypto
from network.topology import load
from tests.unit.network.scripted_channel import ScriptedChannel

from .test_org_user_revoke_keys_definition import _keys_folder_of_a_revoked_user

REPO = Path(__file__).resolve().parents[3]

# A run holding a folder's lock as `org user add` does; it says "held" once it holds it and lets go on a line on stdin.
HOLDER = """
import sys
from pathlib import Path
from network import membership
with membership.locked(Path(sys.argv[1]), what="`recfin org user add supplier supplier9`"):
    print("held", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def holder():
    started = []

    def hold(root: Path) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", HOLDER, str(root)], cwd=REPO, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
        started.append(process)
        assert process.stdout.readline() == "held\n"
        return process

    yield hold
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


@pytest.fixture
def revoked_elsewhere(network_home, scripted_peer_cli, tmp_path, monkeypatch):
    """The supplier's keys folder, the channel revoking supplier2 (on another host), a short lock wait."""
    root, _ = network_home
    keys, definition_path, current, revoked = _keys_folder_of_a_revoked_user(root, tmp_path)
    scripted_peer_cli(ScriptedChannel(load(), current))
    monkeypatch.setattr(membership, "LOCK_WAIT_SECONDS", 0.3, raising=False)
    return keys, definition_path, revoked


def _sync(runner, keys):
    result = runner.invoke(org, ["user", "list", "supplier", "--sync", "--keys", str(keys)])
    return result, result.stderr.strip().splitlines()[-1]


def test_held_before_the_sync_names_its_holder_and_what_to_do(runner, revoked_elsewhere, holder):
    keys, definition_path, _revoked = revoked_elsewhere
    before = definition_path.read_bytes()
    process = holder(keys)
    result, said = _sync(runner, keys)
    assert result.exit_code == 1, result.output
    assert f"`recfin org user add supplier supplier9` (pid {process.pid}, holding it since " in said, said
    assert f"has held {keys / membership.LOCK_FILE}" in said
    assert f"`kill {process.pid}`" in said and said.endswith("then run the command again")
    crl_folder = org_crypto(keys, "supplier", load().org("supplier").domain).msp_dir / "crls"
    assert not list(crl_folder.glob("*.pem")) and definition_path.read_bytes() == before     # nothing written


def test_held_once_the_msp_folders_have_the_crl_says_the_definition_lacks_it(runner, revoked_elsewhere, holder,
                                                                             monkeypatch):
    keys, definition_path, revoked = revoked_elsewhere
    before = definition_path.read_bytes()
    synced = org_users.OrgUsers.sync
    held = []

    def sync_then_held(self, *args, **kwargs):      # another run takes the keys folder's lock right after
        kept = synced(self, *args, **kwargs)
        held.append(holder(keys))
        return kept

    monkeypatch.setattr(org_users.OrgUsers, "sync", sync_then_held)
    result, said = _sync(runner, keys)
    assert result.exit_code == 1, result.output
    [process] = held
    assert "written into" in result.stderr                  # the MSP folders got the channel's CRL
    assert said.startswith(f"Error: {definition_path} was not written again with the org's CRLs (its MSP folders "
                           f"have the CRL), so the definition sent to add the org back would lift the revocation, "
                           f"as `recfin org user add supplier supplier9` (pid {process.pid}, holding it since "), said
    assert said.endswith(f"Wait for it to finish, or stop it (`kill {process.pid}`), then run "
                         f"`recfin org user list supplier --sync --keys {keys}` again: it writes the definition"), said
    assert definition_path.read_bytes() == before

    process.stdin.write("go\n")                             # the other run let go: the sync named finishes it
    process.stdin.flush()
    assert process.wait() == 0
    monkeypatch.setattr(org_users.OrgUsers, "sync", synced)
    again, _ = _sync(runner, keys)
    assert again.exit_code == 0, again.output
    assert org_keys.org_definition_file.read(definition_path).crls == (revoked.crl_pem,)


@pytest.mark.parametrize("how", ["--topology", "--data-root"])
def test_the_sync_said_to_run_again_names_the_data_folder_it_fetched_from(runner, revoked_elsewhere, holder,
                                                                          monkeypatch, tmp_path, how):
    """A sync acting on another network than the default one (`--topology` naming another data folder, or a
    --data-root holding a line break) says it again with that folder, on one line: without it the sync named would
    fetch the channel's config from the default network."""
    keys, _definition_path, _revoked = revoked_elsewhere
    root = tmp_path / "home" / "network"
    if how == "--topology":
        topology = tmp_path / "topology.yaml"
        topology.write_text(f"data_root: {root}\n" + (REPO / "network" / "topology.yaml").read_text())
        monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "elsewhere"))   # the default network is another one
        given, shown = ["--topology", str(topology)], str(root)
    else:
        moved = tmp_path / "home" / "net\nwork"
        root.rename(moved)
        given, shown = ["--data-root", str(moved)], "$'" + str(tmp_path / "home") + "/net\\nwork'"
    synced = org_users.OrgUsers.sync

    def sync_then_held(self, *args, **kwargs):
        kept = synced(self, *args, **kwargs)
        holder(keys)
        return kept

    monkeypatch.setattr(org_users.OrgUsers, "sync", sync_then_held)
    result = runner.invoke(org, ["user", "list", "supplier", "--sync", "--keys", str(keys), *given])
    assert result.exit_code == 1, result.output
    said = result.stderr.strip().splitlines()[-1]
    assert said.endswith(f"then run `recfin org user list supplier --sync --keys {keys} --data-root {shown}` again: "
                         f"it writes the definition"), said
