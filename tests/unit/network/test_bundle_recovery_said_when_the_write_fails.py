"""`recfin org bundle` finishes or cleans up what a run stopped midway left beside the bundle, then writes the new
one. What it had put back or removed was said only once the write succeeded: a write that then failed (a full
disk) left the operator with an earlier bundle back in place, or folders gone, and no word of it."""
from __future__ import annotations

import errno
import shutil

import pytest
from click.testing import CliRunner

from cli.org_commands import org as org_group
from network import bundle

ASIDE = ".supplier.k3j9x0q_.old"


@pytest.fixture
def set_aside(tmp_path, hosts, prepared_hosts, monkeypatch):
    """The supplier's earlier bundle set aside by a run stopped between its renames (no bundle in place), and the
    next write failing once it has put it back."""
    out = tmp_path / "bundles" / "supplier"
    bundle.write(hosts, prepared_hosts, "supplier", out)
    out.rename(out.parent / ASIDE)

    def disk_full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device", str(out.parent / "building"))
    monkeypatch.setattr(bundle, "_fill", disk_full)
    return out


def test_what_was_put_back_is_said_to_the_caller_before_the_write_fails(set_aside, hosts, prepared_hosts):
    said = []
    with pytest.raises(OSError, match="No space left on device"):
        bundle.write(hosts, prepared_hosts, "supplier", set_aside, said=said.append)
    assert said == [f"put back at {set_aside} the bundle a run of `recfin org bundle` stopped midway had set aside "
                    f"as {ASIDE}"]
    assert (set_aside / bundle.MANIFEST).is_file()


def test_the_command_says_what_it_put_back_though_the_write_failed(set_aside, prepared_hosts):
    result = CliRunner().invoke(org_group, ["bundle", "supplier", "--data-root", str(prepared_hosts),
                                            "--out", str(set_aside)])
    assert result.exit_code != 0
    assert "No space left on device" in result.stderr
    assert f"note: put back at {set_aside} the bundle a run of `recfin org bundle` stopped midway" in result.stderr


def test_a_stopped_swap_finished_is_said_though_removing_the_earlier_bundle_then_fails(
        tmp_path, hosts, prepared_hosts, monkeypatch):
    """Stopped between its renames, a run left its complete bundle in .new and the earlier one in .old; the next
    puts .new in place, then removes .old. A removal that fails (a file of another user in it) must not leave
    unsaid that the bundle at out is now the stopped run's."""
    out = tmp_path / "bundles" / "supplier"
    bundle.write(hosts, prepared_hosts, "supplier", out)
    built = out.parent / ".supplier.k3j9x0q_.new"
    shutil.copytree(out, built)
    out.rename(out.parent / ASIDE)

    def not_permitted(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))
    monkeypatch.setattr(bundle, "_remove", not_permitted)
    said = []
    with pytest.raises(PermissionError):
        bundle.write(hosts, prepared_hosts, "supplier", out, said=said.append)
    assert said == [f"finished a run of `recfin org bundle` stopped midway: its complete bundle {built.name} is now "
                    f"{out}"]
    assert (out / bundle.MANIFEST).is_file() and not built.exists()
