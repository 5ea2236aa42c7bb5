"""The mount table, as /proc/self/mountinfo lists it: read where a folder's mount point or its other paths
(bind mounts) matter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class Mount:
    device: str            # the file system's major:minor
    root: PurePosixPath    # the folder of that file system mounted
    point: Path            # where it is mounted
    fstype: str | None = None  # the file system's type (ext4, vfat); None where the line names none


def mount_table(mountinfo: str | None = None) -> list[Mount] | None:
    """Every mount of this process's namespace, in the order mounted, read from /proc/self/mountinfo (or from
    ``mountinfo``, that file's text, where given); None where there is no such table (not Linux, or no /proc)."""
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    # Fields 3-5: the device, the root and the mount point; a space, tab, newline and backslash in the last two
    # written as octal escapes, so the " - " ending the optional fields is the first; the type follows it.
    return [Mount(fields[2], PurePosixPath(_unescaped(fields[3])), Path(_unescaped(fields[4])),
                  line.partition(" - ")[2].split(" ")[0] or None)
            for line in mountinfo.splitlines() if len(fields := line.split(" ")) > 4]


def _unescaped(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)
