"""The names `restore --replace` gives the data folder it moves aside, DIR.before-restore-<UTC timestamp>: where
a restore moves one, and which are there, for the restore and for `network up`, which must not start a new network
where a restore stopped midway left the data folder only under such a name. A restore that put its own folder
in place leaves an empty file beside its aside (finished_mark), so that an aside of a restore that finished,
whose data folder was removed since (`down --purge`, to start over), is not taken for one stopped midway."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path


def aside_path(target: Path, now: dt.datetime | None = None) -> Path:
    """Where `restore --replace` moves what target held: DIR.before-restore-<UTC timestamp>, a number added when a
    restore of the same second moved one there already."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    aside = target.with_name(f"{target.name}.before-restore-{stamp}")
    number = 2
    while aside.exists() or aside.is_symlink() or finished_mark(aside).exists():
        aside = target.with_name(f"{target.name}.before-restore-{stamp}-{number}")
        number += 1
    return aside


def finished_mark(aside: Path) -> Path:
    """The empty file beside aside saying the `restore --replace` that moved a data folder there finished."""
    return aside.with_name(f".{aside.name}.finished")


def asides_of(target: Path) -> list[Path]:
    """The folders beside target a `restore --replace` moved a data folder of its name to (aside_path's names)
    and did not finish: those with no finished_mark beside them."""
    wanted = re.compile(rf"{re.escape(target.name)}\.before-restore-\d{{8}}T\d{{6}}Z(-\d+)?")
    try:
        return sorted(p for p in target.parent.iterdir() if wanted.fullmatch(p.name) and p.is_dir()
                      and not p.is_symlink() and not finished_mark(p).exists())
    except FileNotFoundError:
        return []
