"""`recfin network restore ARCHIVE` given a path where no file is (a typo, an archive moved): a usage error naming
ARCHIVE and the path (exit 2), nothing written, as one it refuses to read (a FIFO, a folder) is; it was the
command's own answer, exit 1, which a script takes for a restore refused on what the archive holds."""
from cli.main import main


def test_a_missing_archive_is_a_usage_error_naming_it_and_nothing_is_written(runner, tmp_path):
    missing, target = tmp_path / "backups" / "recfin-network.tar.gz", tmp_path / "restored"
    result = runner.invoke(main, ["network", "restore", str(missing), "--data-root", str(target)])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for 'ARCHIVE': File '{missing}' does not exist." in result.stderr
    assert not target.exists()
