"""`status` (from cron, say) copies a running node's log past 16 MiB to node.log.1 and empties it in place, and a
start moves it there: right after, node.log holds a line or two, and `recfin network logs NODE -n 200` showed only
those, the node's recent history (what an operator looks for after an alert) being in node.log.1. The lines asked
for are now read on into node.log.1 when node.log holds fewer, oldest first, as one log."""
import pytest
from click.testing import CliRunner

from cli.main import main
from network import nodeconfig
from network.supervisor import follow

BEFORE = [f"2026-12-05 09:00:{second:02d}.000 UTC INFO [gossip] line {second} before the rotation"
          for second in range(10)]
AFTER = ["2026-12-05 09:01:00.000 UTC INFO [kvledger] committed block [7]",
         "2026-12-05 09:01:01.000 UTC INFO [kvledger] committed block [8]"]


@pytest.fixture
def rotated(tmp_path, monkeypatch, fake_fabric):
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    log = nodeconfig.node_dirs(tmp_path / "home" / "network", "peer0.bank").log
    log.parent.mkdir(parents=True)
    log.with_name(log.name + ".1").write_text("\n".join(BEFORE) + "\n")
    log.write_text("\n".join(AFTER) + "\n")
    return log


def test_logs_reads_on_into_the_rotated_log_when_the_log_holds_fewer_lines(rotated):
    result = CliRunner().invoke(main, ["network", "logs", "peer0.bank", "-n", "5"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == BEFORE[-3:] + AFTER


def test_logs_within_the_log_reads_it_alone(rotated):
    result = CliRunner().invoke(main, ["network", "logs", "peer0.bank", "-n", "2"])

    assert result.stdout.splitlines() == AFTER


def test_follow_starts_from_the_same_lines(rotated):
    assert list(follow(rotated, 4, stop=lambda: True)) == BEFORE[-2:] + AFTER
