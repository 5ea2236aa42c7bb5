"""A backup brings the ledger back: the suite's network is backed up with `--stop` (stopped, archived, started
again), stopped, and the archive restored into a new folder, whose network comes up and reads back a receivable
registered before the backup, as it was. The suite's own network is started again on its own folder at the end,
on the ledgers it had, as `recfin network down` and `up` leave them (test_survives_restarts)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from cli.connection import open_session
from cli.main import main
from network import Network

from .conftest import caught_up, register_claim


def recfin(topology_file, *args: str):
    """`recfin ARGS` as an operator types it, on the suite's network; the test fails with the command's words."""
    result = CliRunner(env={"RECFIN_TOPOLOGY": str(topology_file)}).invoke(main, list(args))
    assert result.exit_code == 0, f"recfin {' '.join(args)}: {result.output}"
    return result


def test_a_restored_backup_reads_back_the_ledger(fabric_network, party_codes, topology_file, tmp_path):
    root = fabric_network.data_root
    with open_session("supplier", "supplier1", root) as tier1, \
            open_session("coreenterprise", "treasurer", root) as core:
        claim = register_claim(tier1, core, "2500.00", "325.00", days=45)
        before = caught_up(tier1, tier1).get_receivable(claim.id).to_json()

    archive = tmp_path / "network.tar.gz"
    made = json.loads(recfin(topology_file, "network", "backup", str(archive), "--stop", "--json").stdout)
    assert made["stopped_and_started"] and made["archive_mode"] == "0600" and made["files"] > 0
    assert all(node.healthy for node in fabric_network.status() if node.kind != "chaincode")

    restored_root = tmp_path / "restored" / "network"
    try:
        recfin(topology_file, "network", "down")
        done = json.loads(recfin(topology_file, "network", "restore", str(archive), "--data-root", str(restored_root),
                                 "--json").stdout)
        assert done["sha256"] == made["sha256"] and done["files"] == made["files"]
        # Loaded once restored: the channel's orgs are the topology's and what the folder's membership.yaml records.
        Network.load(data_root=restored_root, say=print).up()
        with open_session("supplier", "supplier1", restored_root) as tier1:
            assert tier1.client.get_receivable(claim.id).to_json() == before
    finally:
        # The suite's network runs again whatever failed above, a `down` of the restored one among it (a process it
        # could not stop): every test after this one needs it, and would fail for that instead of for what it tests.
        try:
            Network.load(data_root=restored_root, say=print).down(purge=True)
        finally:
            fabric_network.up()


def test_a_backup_is_refused_while_the_network_runs(fabric_network, topology_file, tmp_path):
    result = CliRunner(env={"RECFIN_TOPOLOGY": str(topology_file)}).invoke(
        main, ["network", "backup", str(tmp_path / "refused.tar.gz")])
    assert result.exit_code == 2 and "refusing to back up while" in result.output
    assert not (tmp_path / "refused.tar.gz").exists()
