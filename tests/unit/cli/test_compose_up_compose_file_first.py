"""`recfin network compose-up --compose-file FILE` checks FILE before anything else: one not there (a typo, a
path under a file) is a usage error naming the option and the path (exit 2), as a folder or a FIFO there is,
even on a machine without Fabric's CLIs, where compose-up named the missing `peer` and `osnadmin` instead
(exit 1) and, with them installed, joined and deployed without the file at all."""
import os

import pytest

from cli.main import main


@pytest.fixture
def bad_files(tmp_path):
    (tmp_path / "a-file").write_text("x\n")
    (tmp_path / "a-folder").mkdir()
    os.mkfifo(tmp_path / "a-fifo")
    return {"missing": (tmp_path / "docker-compose.yml",
                        "does not exist: write it with `recfin network compose --write`"),
            "under a file": (tmp_path / "a-file" / "docker-compose.yaml", "does not exist"),
            "folder": (tmp_path / "a-folder", "is a directory"),
            "fifo": (tmp_path / "a-fifo", "is a FIFO, not a file")}


@pytest.mark.parametrize("kind", ["missing", "under a file", "folder", "fifo"])
@pytest.mark.parametrize("start", [False, True], ids=["joined", "--start"])
def test_a_bad_compose_file_is_named_before_the_missing_fabric_clis(runner, bad_files, kind, start, tmp_path):
    path, why = bad_files[kind]
    data_root = tmp_path / "hosts"
    result = runner.invoke(main, ["network", "compose-up", "--compose-file", str(path), "--data-root",
                                  str(data_root), *(["--start"] if start else [])])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--compose-file'" in result.stderr and str(path) in result.stderr
    assert why in result.stderr
    assert "Fabric" not in result.stderr and "peer" not in result.stderr
    assert not data_root.exists()
