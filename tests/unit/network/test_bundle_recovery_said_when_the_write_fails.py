"""`recfin org bundle` finishes or cleans up what a run stopped midway left beside the bundle, then writes the new
one. What it had put back or removed was said only once the write succeeded: a write that then failed (a full
disk) left the operator with an earlier bundle back in place, or folders gone, and no word of it."""
from __future__ import annotations

import errno

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
