"""What README.md tells a new operator for a first run stays true: the test command is the one CI runs, the
log files it sends the reader to are where the network writes them, its tour shows every command group, and
"Read next" leads to every page of docs/; and the chaincode version the docs show for the shipped topology is
the one `recfin chaincode config` prints for it.
"""
from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

from click.testing import CliRunner

from cli.main import main
from network import ccservers, nodeconfig
from network.contract_config import definition_version
from network.topology import DEFAULT_TOPOLOGY, load as load_topology
from tests.unit.test_documented_python import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _paragraph_starting(words: str) -> str:
    [paragraph] = [p for p in README.split("\n\n") if p.startswith(words)]
    return paragraph.replace("\n", " ")


def test_the_readme_test_command_is_the_one_ci_runs():
    commands = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert commands == ["./scripts/test"], f".ci/run runs {commands}"
    [code_block] = [block for block in README.split("\n\n") if block.lstrip().startswith("./scripts/demo")]
    documented = [shlex.split(line, comments=True) for line in code_block.splitlines()]
    assert ["./scripts/test"] in documented, f"the README's two commands are {documented}"


def test_the_log_files_the_readme_names_are_where_the_network_writes_them():
    logs = _paragraph_starting("Logs and files:")
    topology = load_topology(DEFAULT_TOPOLOGY)
    default_root = topology.resolved_data_root(env={}).relative_to(ROOT)
    assert f"`{default_root}`" in logs
    assert topology.resolved_data_root(env={"RECFIN_HOME": "/h"}) == Path("/h/network")
    assert "`$RECFIN_HOME/network`" in logs
    node_log = nodeconfig.node_dirs(Path(), "<node>").log
    server_log = ccservers.chaincode_dir(Path(), "<name>") / "<org>" / ccservers.SERVER_LOG_FILE
    for log in (node_log, server_log):
        assert f"`{log}`" in logs, f"the README does not name {log}, where the network writes that log"


def test_read_next_leads_to_every_page_of_the_docs():
    read_next = README.split("Read next:", 1)[1].split("\n\n", 1)[0]
    named = set(re.findall(r"`(docs/[\w.-]+\.md)`", read_next))
    pages = {f"docs/{page.name}" for page in (ROOT / "docs").glob("*.md")}
    assert pages - named == set(), f"README's Read next leaves out {sorted(pages - named)}"
    assert named - pages == set(), f"README's Read next names pages that are not there: {sorted(named - pages)}"


def test_the_tour_shows_every_command_group():
    tour = README.split("## A tour", 1)[1].split("\n## ", 1)[0]
    shown = {words[1] for words in (line.split() for line in tour.splitlines())
             if len(words) > 1 and words[0].endswith("recfin")}
    assert set(main.commands) - shown == set(), f"the README's tour leaves out {sorted(set(main.commands) - shown)}"


def test_the_node_whose_log_the_readme_follows_is_one_the_network_runs():
    logs = _paragraph_starting("Logs and files:")
    followed = re.findall(r"recfin network logs (\S+)", logs)
    topology = load_topology(DEFAULT_TOPOLOGY)
    nodes = {node.name for node in topology.nodes()}
    assert followed and set(followed) <= nodes, (followed, sorted(nodes))


def test_the_time_a_hanging_test_is_given_is_the_one_pyproject_sets():
    said = _paragraph_starting("`./scripts/demo` and `./scripts/test` both call `scripts/install` first")
    minutes = int(re.search(r"A test that hangs fails after (\d+) minutes", said).group(1))
    pytest_options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert int(pytest_options["timeout"]) == minutes * 60


def test_the_offline_invoice_check_the_readme_shows_runs_as_written_and_passes(monkeypatch):
    offline = README.split("These need no network:", 1)[1].split("\n## ", 1)[0]
    (line,) = [line for line in offline.splitlines() if "recfin invoice verify" in line]
    words = shlex.split(line, comments=True)
    assert words[0].endswith("recfin")
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, words[1:])
    assert result.exit_code == 0, result.output
    assert "PASSED:" in result.output and " 0 failed" in result.output


def test_the_chaincode_version_the_docs_show_is_the_one_the_shipped_topology_deploys():
    shown = {(page.name, version) for page in (ROOT / "docs").glob("*.md")
             for version in re.findall(r"\b\d+\.\d+\+cfg\.[0-9a-f]{12}\b", page.read_text(encoding="utf-8"))}
    deployed = definition_version(load_topology(DEFAULT_TOPOLOGY))
    assert shown, "no page shows the version a configuration's digest makes"
    assert {version for _, version in shown} == {deployed}, \
        f"`recfin chaincode config` prints version {deployed} for network/topology.yaml; the docs show {sorted(shown)}"
