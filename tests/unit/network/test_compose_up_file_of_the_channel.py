"""`recfin network compose-up --start` starts only a compose file whose services are the channel's nodes.

The committed docker-compose.yaml is topology.yaml's alone. Once `recfin org add|remove` has changed the channel's
orgs in the hosts data folder, starting it would run a removed org's peer and chaincode server again, or leave an
added org's out, whose /healthz compose-up then waits for in vain: refused, nothing started, naming the file to
write and give instead.
"""
from pathlib import Path

from click.testing import CliRunner

from cli.main import main
from network import compose, compose_down, membership
from network.topology import load


BANK2_CODE = "91110000MA1K00006B"


def start(data_root: Path, compose_file: Path):
    return CliRunner().invoke(main, ["network", "compose-up", "--data-root", str(data_root), "--start",
                                     "--compose-file", str(compose_file)])


def one_line(text: str) -> str:
    return " ".join(text.split())


def add_bank2(data_root: Path) -> None:
    membership.record_added(data_root, membership.new_org_spec(load(), "bank2", "bank", BANK2_CODE))


def test_a_removed_orgs_services_are_not_started_again(home, docker, hosts_data, fake_fabric):
    add_bank2(hosts_data)
    membership.record_removed(hosts_data, "bank")       # the channel's bank is bank2 now
    result = start(hosts_data, compose.COMPOSE_FILE)
    assert result.exit_code == 1, result.output
    said = one_line(result.stderr)
    assert (f"not starting the compose network: {compose.COMPOSE_FILE} does not run the channel's nodes as "
            f"{hosts_data} records them: it has no service for peer0.bank2.recfin.local, "
            f"receivables.bank2.recfin.local (an org added since it was written?); its services "
            f"peer0.bank.recfin.local, receivables.bank.recfin.local are no node of the channel (an org removed "
            f"since it was written?)") in said
    assert (f"`recfin network compose --data-root {hosts_data} --write --output FILE` and give --compose-file "
            f"FILE") in said
    assert docker.calls == [] and compose_down.recorded(load()) is None


def test_an_added_orgs_missing_services_are_named_before_anything_starts(home, docker, hosts_data, fake_fabric):
    add_bank2(hosts_data)
    result = start(hosts_data, compose.COMPOSE_FILE)
    assert result.exit_code == 1, result.output
    assert ("does not run the channel's nodes as " in result.stderr and "it has no service for "
            "peer0.bank2.recfin.local, receivables.bank2.recfin.local (an org added since it was written?). "
            in one_line(result.stderr))
    assert docker.calls == []


def test_the_channels_own_compose_file_is_started(home, docker, hosts_data, fake_fabric, tmp_path):
    add_bank2(hosts_data)
    written = tmp_path / "channel-compose.yaml"
    assert CliRunner().invoke(main, ["network", "compose", "--data-root", str(hosts_data), "--write",
                                     "--output", str(written)]).exit_code == 0
    (hosts_data / "channel" / f"{load().channel}.block").unlink()     # compose-up stops once it has started them
    result = start(hosts_data, written)
    assert f"{load().channel}.block is missing" in result.stderr
    assert [call["args"][:4] for call in docker.calls] == [["compose", "-f", str(written), "up"]]
