"""`recfin org remove` on a data folder `prepare --hostnames` wrote, each org on its own host: the claims it cannot
read from there are warned of with what can be run where the orgs run from their bundles, not `recfin network up`."""
from click.testing import CliRunner

from cli.org_commands import org
from network import compose, configtx, crypto, membership
from network.org_definition import org_group

from .channel_fixtures import channel_config, config_block


def test_a_dry_run_warns_of_unread_claims_with_advice_for_the_orgs_hosts(network_host, hosts, tmp_path, monkeypatch):
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    compose.write_packages(hosts, network_host)     # as `prepare --hostnames` writes them, each with its chaincode.env
    spec = membership.new_org_spec(hosts, "bank2", "bank", "91110000MA1K00007E")
    membership.record_added(network_host, spec)
    grown = membership.effective(hosts, network_host)
    crypto.generate(grown, network_host, adding=[spec.name])
    config = channel_config(hosts, network_host)
    config.channel_group.groups["Application"].groups[spec.msp_id].CopyFrom(
        org_group(configtx.peer_org(grown, network_host, spec.name)))
    block = tmp_path / "config.block"
    block.write_bytes(config_block(config, hosts.channel).SerializeToString())
    result = CliRunner().invoke(org, ["remove", "bank2", "--dry-run", "--data-root", str(network_host),
                                      "--config-block", str(block)])
    assert result.exit_code == 0, result.output
    assert "network up" not in result.output
    assert ("claims not checked (as regulator: no connection profile for org 'regulator' in "
            f"{network_host / 'profiles'}: `recfin network prepare --hostnames` writes none, each org's is in its "
            "bundle: act as regulator on its own host, from the bundle unpacked there") in result.output
