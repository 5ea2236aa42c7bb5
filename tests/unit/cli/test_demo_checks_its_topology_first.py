"""The demo's story acts as fixed orgs and users, and registers each actor's party under a credit code of its own:
a topology that cannot carry it stops the demo with what it lacks, before the network starts or a session opens."""
from pathlib import Path

import click
import pytest
import yaml

from cli import connection, demo_commands
from cli.main import main
from network import membership
from network.topology import DEFAULT_TOPOLOGY

SUPPLIER1 = "{name: supplier1, attrs: {recfin.role: creditor, recfin.enterprise: 91310000MA1K00002C}}"
SUPPLIER2 = "{name: supplier2, attrs: {recfin.role: creditor, recfin.enterprise: 91320500MA1K00003D}}"


@pytest.fixture
def nothing_starts(monkeypatch) -> list:
    """What the demo started: the network (ensure_network) or a session on it (open_session)."""
    started = []
    monkeypatch.setattr(demo_commands, "ensure_network", lambda *args: started.append("network"))
    monkeypatch.setattr(connection, "open_session", lambda *args, **kwargs: started.append("session"))
    return started


def demo_on(runner, tmp_path, changes: list[tuple[str, str]], *options: str):
    text = Path(DEFAULT_TOPOLOGY).read_text()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    topology = tmp_path / "changed.yaml"
    topology.write_text(text)
    result = runner.invoke(main, ["demo", "--topology", str(topology), *options])
    return result, topology


@pytest.mark.parametrize("options", [[], ["--skip-setup"]])
def test_suppliers_without_a_credit_code_stop_the_demo_naming_them_and_the_attribute(runner, tmp_path, nothing_starts,
                                                                                    options):
    # without it both took the regulator's synthetic code: a supplier was registered as the regulator's party
    result, topology = demo_on(runner, tmp_path, [
        (SUPPLIER1, "{name: supplier1, attrs: {recfin.role: creditor}}"),
        (SUPPLIER2, "{name: supplier2, attrs: {recfin.role: creditor}}")], *options)
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert f"in {topology}, supplier/supplier1 and supplier/supplier2 have no recfin.enterprise attribute" in said
    assert "its own 18-character unified social credit code as recfin.enterprise" in said
    assert nothing_starts == []
    assert not (tmp_path / "home").exists()   # no data folder made


def test_one_supplier_without_a_credit_code_is_named_too(runner, tmp_path, nothing_starts):
    # the regulator's user has none either: the two would have shared the regulator's synthetic code
    result, topology = demo_on(runner, tmp_path, [(SUPPLIER2, "{name: supplier2, attrs: {recfin.role: creditor}}")])
    assert result.exit_code == 1, result.output
    assert f"in {topology}, supplier/supplier2 has no recfin.enterprise attribute" in " ".join(result.output.split())
    assert nothing_starts == []


def test_two_actors_sharing_a_credit_code_stop_the_demo_naming_both_and_the_code(runner, tmp_path, nothing_starts):
    result, topology = demo_on(runner, tmp_path, [(SUPPLIER2, SUPPLIER2.replace("91320500MA1K00003D",
                                                                                "91310000MA1K00002C"))])
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert f"in {topology}, supplier/supplier1 and supplier/supplier2 share 91310000MA1K00002C" in said
    assert nothing_starts == []


@pytest.mark.parametrize("changes, lacking", [
    ([("{name: officer2,", "{name: officer9,")], "org bank's user officer2"),
    ([("  - name: regulator\n", "  - name: watchdog\n")], "org regulator (a regulator org with users inspector1, "
                                                          "inspector2)"),
    ([("    role: financier\n", "    role: supplier\n"), ("recfin.role: financier", "recfin.role: creditor")],
     "org bank as a financier org (it is a supplier org)"),
])
@pytest.mark.parametrize("options", [[], ["--skip-setup"]])
def test_a_topology_without_the_story_s_orgs_or_users_stops_the_demo_before_the_network_starts(
        runner, tmp_path, nothing_starts, changes, lacking, options):
    result, topology = demo_on(runner, tmp_path, changes, *options)
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert f"the demo cannot run on {topology}: its story acts as fixed orgs and users" in said
    assert f"the topology lacks {lacking}." in said
    assert "choose one of" not in said     # the demo has no option to choose another user
    assert nothing_starts == []


def record_users(data_root: Path, org: str, *users: dict) -> None:
    """Users issued to org after its spec was written, as `recfin org user add` records them in data_root."""
    data_root.mkdir(parents=True, exist_ok=True)
    record = {"added": [], "removed": [], "users": {org: list(users)}}
    membership.state_path(data_root).write_text(yaml.safe_dump(record))


@pytest.mark.parametrize("options", [[], ["--skip-setup"]])
def test_a_story_user_issued_with_org_user_add_is_one_of_the_network_s_users(runner, tmp_path, monkeypatch, options):
    # the topology file has no officer2: it was issued later and recorded in the data folder the demo runs on
    def opened(*args, **kwargs):
        raise click.ClickException("a session was opened")
    monkeypatch.setattr(demo_commands, "ensure_network", lambda *args: None)
    monkeypatch.setattr(connection, "open_session", opened)
    data = tmp_path / "data"
    record_users(data, "bank", {"name": "officer2", "attrs": {"recfin.role": "financier",
                                                              "recfin.enterprise": "91110000MA1K00006B"}})
    result, _ = demo_on(runner, tmp_path, [("{name: officer2,", "{name: officer9,")], "--data-root", str(data),
                        *options)
    assert "Error: a session was opened" in result.output, result.output    # the check let the story start


def test_a_recorded_story_user_without_a_credit_code_is_named_with_where_it_is_recorded(runner, tmp_path,
                                                                                          nothing_starts):
    data = tmp_path / "data"
    record_users(data, "supplier", {"name": "supplier2", "attrs": {"recfin.role": "creditor"}})
    result, topology = demo_on(runner, tmp_path, [(SUPPLIER2, SUPPLIER2.replace("supplier2", "supplier7"))],
                               "--data-root", str(data))
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert (f"in {topology} and {data / 'membership.yaml'}, supplier/supplier2 has no recfin.enterprise attribute"
            in said), said
    assert "`recfin org user add ORG USER --attr recfin.enterprise=CODE`" in said
    assert nothing_starts == []
