"""`recfin network prepare` took no run lock: beside an `up` (or another `prepare`) on the same data folder,
each made an org's missing CA, and the folder was left with the key of one and the certificate of the other.
It holds the run lock as `up` does, and is refused, nothing written, while another run holds it.
"""
from __future__ import annotations

from click.testing import CliRunner

from cli.main import main
from network.control import mark_data_root

from .test_control import _holding_the_run_lock


def test_prepare_while_another_run_holds_the_run_lock_is_refused_naming_it_with_nothing_written(
        tmp_path, monkeypatch):
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RECFIN_TOPOLOGY", raising=False)
    root = tmp_path / "hosts"
    mark_data_root(root)
    before = sorted(p.name for p in root.iterdir())
    holder = _holding_the_run_lock(root)
    try:
        result = CliRunner().invoke(main, ["network", "prepare", "--hostnames", "--data-root", str(root)])
    finally:
        holder.communicate("\n", timeout=30)
    assert result.exit_code == 1, result.output
    assert (f"another run is using {root}: pid {holder.pid} (`recfin network up`) holds "
            f"{root / 'network.lock'}. Wait for it to finish (or stop it), then run `recfin network prepare` "
            "again") in result.output
    assert sorted(p.name for p in root.iterdir()) == sorted({*before, "network.lock"})
