"""`recfin org bundle` killed midway: it builds the bundle in .<out>.<random>.new beside the folder, renames the
earlier bundle aside to .old, renames .new into place and deletes .old. Killed at any of those steps it left .new
and .old folders beside the bundle for good (a run's own failure removes them, a kill does not), and killed between
the two renames no bundle at all where the company's was. The next run finishes or cleans up what was left, says
which, and never puts a half bundle in place.

Each kill is real: the run goes on in a forked child that ends with os._exit at the step (no clean-up runs, as with
SIGKILL); the next run is made here.
"""
import fcntl
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.org_commands import org as org_group
from network import bundle
from network.errors import NetworkError

KILLED = 77
ENV = "RECFIN_SOURCE=/srv/recfin\n"


def killed_at(step, write) -> None:
    """Run write() in a child process that step() arranges to end at its step, and check it ended there."""
    pid = os.fork()
    if pid == 0:        # the child: never returns to pytest
        try:
            step()
            write()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == KILLED, "the run was not killed at its step"


def die(*_args, **_kwargs):
    os._exit(KILLED)


def _in_finish():
    bundle.finish = die                      # the bundle half built: its own files copied, none written


def _before_the_swap():
    bundle._swap_in = die                    # built whole, the company's .env carried over, nothing renamed


def _between_the_renames():
    rename = Path.rename

    def dies_putting_the_new_one_in_place(self, target):
        if self.name.endswith(bundle.BUILD_SUFFIX):
            os._exit(KILLED)
        return rename(self, target)
    Path.rename = dies_putting_the_new_one_in_place    # the earlier bundle is aside: no bundle at out


def _before_deleting_the_earlier_one():
    bundle._remove = die                     # the new bundle in place, the earlier one aside


def _deleting_the_earlier_one():
    def dies_halfway(path, *args, **kwargs):
        files = sorted(p for p in Path(path).rglob("*") if p.is_file())
        for file in files[: len(files) // 2]:
            file.unlink()
        os._exit(KILLED)
    shutil.rmtree = dies_halfway


def _whole(root: Path) -> bool:
    """Every file root's manifest lists is there, each digested one as recorded."""
    manifest = json.loads((root / bundle.MANIFEST).read_text())
    return all((root / f).is_file() for f in manifest["files"]) and all(
        bundle.file_digest(root / f) == digest for f, digest in manifest[bundle.DIGESTS].items())


@pytest.fixture
def earlier(tmp_path, hosts, prepared_hosts):
    """The supplier's bundle at tmp_path/bundles/supplier, with the company's .env."""
    out = tmp_path / "bundles" / "supplier"
    bundle.write(hosts, prepared_hosts, "supplier", out)
    (out / ".env").write_text(ENV)
    return out


@pytest.mark.parametrize("step, left, said", [
    (_in_finish, [bundle.BUILD_SUFFIX], [r"^cleaned up .*: removed \.supplier\.\w+\.new, the unfinished bundle$"]),
    (_before_the_swap, [bundle.BUILD_SUFFIX],
     [r"^cleaned up .*: removed \.supplier\.\w+\.new, the unfinished bundle$"]),
    (_between_the_renames, [bundle.BUILD_SUFFIX, bundle.ASIDE_SUFFIX],
     [r"^finished a run .* stopped midway: its complete bundle \.supplier\.\w+\.new is now .*/supplier$",
      r"^removed \.supplier\.\w+\.old, the earlier bundle that run had set aside from supplier$"]),
    (_before_deleting_the_earlier_one, [bundle.ASIDE_SUFFIX],
     [r"^cleaned up .*: removed \.supplier\.\w+\.old, the earlier bundle it had replaced at supplier and was "
      r"deleting$"]),
    (_deleting_the_earlier_one, [bundle.ASIDE_SUFFIX],
     [r"^cleaned up .*: removed \.supplier\.\w+\.old, the earlier bundle it had replaced at supplier and was "
      r"deleting$"]),
], ids=["building", "built", "between the renames", "swapped", "deleting the earlier one"])
def test_the_next_run_finishes_or_cleans_up_what_a_killed_run_left(earlier, hosts, prepared_hosts, step, left, said):
    out = earlier
    killed_at(step, lambda: bundle.write(hosts, prepared_hosts, "supplier", out))
    beside = sorted(p.name for p in out.parent.iterdir() if p.name != "supplier")
    assert sorted(Path(name).suffix for name in beside) == sorted(left), beside      # what the kill left
    if bundle.ASIDE_SUFFIX in left and bundle.BUILD_SUFFIX in left:
        assert not out.exists()              # killed between the renames: nothing at out, never half a bundle
    else:
        assert _whole(out) and (out / ".env").read_text() == ENV

    written = bundle.write(hosts, prepared_hosts, "supplier", out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["supplier"]
    assert written.root == out and _whole(out) and (out / ".env").read_text() == ENV
    assert len(written.recovered) == len(said), written.recovered
    assert all(re.match(pattern, line) for pattern, line in zip(said, written.recovered)), written.recovered


def test_a_first_bundle_killed_while_building_is_cleaned_up(tmp_path, hosts, prepared_hosts):
    out = tmp_path / "bundles" / "bank"
    out.parent.mkdir()
    killed_at(_in_finish, lambda: bundle.write(hosts, prepared_hosts, "bank", out))
    assert not out.exists() and [p.suffix for p in out.parent.iterdir()] == [bundle.BUILD_SUFFIX]
    written = bundle.write(hosts, prepared_hosts, "bank", out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["bank"] and _whole(out)
    assert [line.split(": removed ")[0] for line in written.recovered] == \
        ["cleaned up after a run of `recfin org bundle` stopped midway"]


def test_an_earlier_bundle_set_aside_with_no_new_one_beside_it_is_put_back(earlier, hosts, prepared_hosts):
    out = earlier
    aside = out.parent / ".supplier.k3j9x0q_.old"
    out.rename(aside)
    written = bundle.write(hosts, prepared_hosts, "supplier", out)
    assert written.recovered == [f"put back at {out} the bundle a run of `recfin org bundle` stopped midway had set "
                                 f"aside as {aside.name}"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["supplier"] and (out / ".env").read_text() == ENV


def test_the_recovery_is_said_by_the_command(earlier, hosts, prepared_hosts):
    killed_at(_between_the_renames, lambda: bundle.write(hosts, prepared_hosts, "supplier", earlier))
    result = CliRunner().invoke(org_group, ["bundle", "supplier", "--data-root", str(prepared_hosts),
                                            "--out", str(earlier)])
    assert result.exit_code == 0, result.output
    assert "note: finished a run of `recfin org bundle` stopped midway: its complete bundle" in result.stderr
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["supplier"] and _whole(earlier)


def test_several_bundles_set_aside_with_none_in_place_are_refused_naming_them(earlier, hosts, prepared_hosts):
    first, second = earlier.parent / ".supplier.aaaaaaaa.old", earlier.parent / ".supplier.bbbbbbbb.old"
    shutil.copytree(earlier, second)
    earlier.rename(first)
    with pytest.raises(NetworkError, match=rf"left {first}, {second} and no bundle at {earlier}: which is the one "
                                           rf"to keep cannot be told\. Rename the one to keep to {earlier}"):
        bundle.write(hosts, prepared_hosts, "supplier", earlier)
    assert sorted(p.name for p in earlier.parent.iterdir()) == [first.name, second.name]


def test_what_is_not_a_leftover_of_this_folder_s_runs_is_left_alone(earlier, hosts, prepared_hosts):
    """Another bundle's (out "supplier.b" beside "supplier"), and names of another form, are never touched."""
    others = [".supplier.b.xk2p9q1m.new", ".supplier.old", ".supplier.x.y.old", ".supplierz.abcdefgh.new"]
    for name in others:
        (earlier.parent / name).mkdir()
    assert bundle.write(hosts, prepared_hosts, "supplier", earlier).recovered == []
    assert sorted(p.name for p in earlier.parent.iterdir()) == sorted([*others, "supplier"])


def test_a_folder_named_like_a_leftover_but_for_its_random_part_s_length_is_left_alone(earlier, hosts, prepared_hosts):
    """mkdtemp's random part is 8 characters: an operator's copy of the earlier bundle, set aside by hand under a
    name of that form, was removed with its keys as a leftover."""
    kept = earlier.parent / ".supplier.backup.old"
    shutil.copytree(earlier, kept)
    assert bundle.write(hosts, prepared_hosts, "supplier", earlier).recovered == []
    assert _whole(kept) and sorted(p.name for p in earlier.parent.iterdir()) == [kept.name, "supplier"]


def test_a_run_writing_into_the_same_folder_is_waited_for_then_named(earlier, hosts, prepared_hosts, monkeypatch):
    """A run's .new beside the bundle is its work in progress, not a leftover: the folder's lock tells them apart."""
    building = earlier.parent / ".supplier.inflight.new"
    building.mkdir()
    monkeypatch.setattr(bundle, "WRITER_WAIT", 0)
    held = os.open(earlier.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        # the holder is named as /proc says it: here, this process
        with pytest.raises(NetworkError, match=rf"another `recfin org bundle` \(pid {os.getpid()}, running since "
                                               rf"[0-9T:Z-]+\) has been writing a bundle into {earlier.parent} for "
                                               rf"over 0 s: wait for it to finish"):
            bundle.write(hosts, prepared_hosts, "supplier", earlier)
        assert building.is_dir()
    finally:
        os.close(held)
    assert bundle.write(hosts, prepared_hosts, "supplier", earlier).recovered != []     # no run holds it now
    assert not building.exists()
