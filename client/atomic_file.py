"""Writing a file so that a reader sees the old content or the new, never half of either.

Connection profiles, checkpoints, keys, CRLs and model artefacts are read by other processes
while they are rewritten (a client loading its profile, a peer starting, a second CLI run). Each
is written to a temporary file in the same folder (so the rename stays on one filesystem) and
renamed over the target; a failure removes the temporary file and leaves the target as it was.

Folders made on the way (:func:`make_folders`) get fixed permissions, whatever the umask: a folder others
could write would let them swap a certificate or key file for their own, however private the file itself.
"""
from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .user_files import SpecialFile, special_kind

# Permissions of a folder recfin makes: others may read and enter it but not add, rename or remove its files.
FOLDER_MODE = 0o755
# A folder that holds private keys (an MSP's keystore/, a TLS folder, a CA's): its owner's alone.
PRIVATE_FOLDER_MODE = 0o700


def make_folders(path: str | Path, mode: int = FOLDER_MODE, *, exist_ok: bool = True) -> Path:
    """Make ``path`` and the folders missing above it, as ``mkdir -p`` does, but with exact permissions whatever
    the umask: ``path`` gets mode, a parent made on the way FOLDER_MODE. A folder that is already there (one a
    user made, or an earlier run) is left as it is. Each starts as its owner's alone and is then given its mode,
    so none is ever open wider than that.

    exist_ok: False to claim ``path``, which must be new: FileExistsError when it is already there (or another
    process makes it meanwhile), with its parents still made.
    """
    path = Path(path)
    missing = []
    folder = path
    while not folder.is_dir() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    if not exist_ok and not missing:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_FOLDER_MODE)
        except FileExistsError:
            if folder == path and not exist_ok or not folder.is_dir():
                raise
            continue    # another process made it meanwhile: its permissions are that one's
        os.chmod(folder, mode if folder == path else FOLDER_MODE)
    return path


def refuse_special_target(path: str | Path) -> None:
    """Raise when ``path`` is there and is not a regular file: IsADirectoryError for a folder (as renaming over it
    would), :class:`SpecialFile` for a device, a FIFO or a symlink (a loop, where one is written through: see
    :func:`written_path`). Renamed over, a device node such as /dev/null or a FIFO would be swapped for a regular
    file, which whoever named ``path`` did not mean. A path the system cannot look at (a file used as a folder, a
    name too long) raises its OSError."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(mode):
        raise SpecialFile(path, "a symlink" if stat.S_ISLNK(mode) else special_kind(mode))


def written_path(path: str | Path) -> Path:
    """The file a write of ``path`` replaces: ``path``, or where a symlink there leads (as a shell's ``>`` writes
    through one), so that the link stays: an events checkpoint or an HSM signer file kept elsewhere by a link
    goes on being the one read. Not through a link another user left in a shared folder (sticky and
    writable by all, /tmp), at ``path``, in a chain of links from it, or as a folder on the way to it:
    followed, it would have this user replace whichever of its files that user chose, so it is refused
    (:class:`SpecialFile`, naming the link), as the kernel refuses to open through one
    (fs.protected_symlinks)."""
    path = Path(path)
    refuse_links_left_by_others(path)
    try:
        link = os.lstat(path)
    except OSError:   # nothing there, or nothing the system can look at: the write says which
        return path
    if not stat.S_ISLNK(link.st_mode):
        return path
    return Path(os.path.realpath(path))


# What a symlink another user left in a shared folder is called, at the path given or on the way to it.
LINK_LEFT_BY_ANOTHER = "a symlink another user left in a shared folder"
# Links followed before a path is taken for a loop, as Linux counts them (MAXSYMLINKS).
_MAX_LINKS_FOLLOWED = 40


def refuse_links_left_by_others(path: str | Path) -> None:
    """Raise :class:`SpecialFile` naming the link when reaching ``path`` follows a symlink another user left
    in a shared folder (sticky and writable by all): its last name, a folder on the way
    (``/tmp/reports/out.json`` where /tmp/reports is such a link) or a link that one of this user's own links
    leads to. Each name is looked at as the kernel looks at it, links followed where they stand ("a/link/.."
    is the folder above the link's target); a name that is not there ends the walk, as the write itself then
    fails or creates it."""
    resolved = Path(os.path.abspath(os.sep))
    names = list(reversed(Path(path).absolute().parts[1:]))   # the next name to look at last; '..' kept
    followed = 0
    while names:
        name = names.pop()
        if name == "..":
            resolved = resolved.parent
            continue
        candidate = resolved / name
        try:
            info = os.lstat(candidate)
        except OSError:
            return
        if not stat.S_ISLNK(info.st_mode):
            resolved = candidate
            continue
        folder = os.stat(resolved)
        shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
        if shared and info.st_uid not in (os.geteuid(), folder.st_uid):
            raise SpecialFile(candidate, LINK_LEFT_BY_ANOTHER)
        followed += 1
        if followed > _MAX_LINKS_FOLLOWED:
            return   # a loop: the write through it fails, naming it
        target = Path(os.readlink(candidate))
        if target.is_absolute():
            resolved = Path(target.anchor)
        names.extend(reversed(target.parts[1:] if target.is_absolute() else target.parts))


def check_output_file(path: str | Path) -> str | None:
    """Why ``path`` cannot take a file a person asked to have written there, or None: where it leads
    (:func:`written_path`) is there and is not a regular file (:func:`refuse_special_target`), cannot be looked
    at, or its folder is missing (a mistyped folder is not made) or not writable by this user."""
    try:
        target = written_path(path)
        refuse_special_target(target)
    except SpecialFile as exc:
        if exc.kind == LINK_LEFT_BY_ANOTHER:   # the link may be a folder on the way: it names itself
            return f"{exc}: give a path that leads through none of another user's links"
        return f"it is {exc.kind}, not a file: give the path of a file to write"
    except IsADirectoryError:
        return "it is a folder, not a file: give the path of a file to write"
    except OSError as exc:   # a file named as a folder on the way, a name too long, a loop of links
        return f"{exc.strerror or exc}: give the path of a file to write"
    if not target.parent.is_dir():
        return f"its folder {target.parent} is missing: create it first"
    # a file is written as a temporary one beside it, renamed into place: the folder must take new entries
    if not os.access(target.parent, os.W_OK | os.X_OK):
        return (f"its folder {target.parent} is not writable by this user: give a path in a folder you can write, "
                "or change the folder's permissions")
    return None


@contextmanager
def staged_file(path: str | Path, *, mode: int | None = None, staging_dir: str | Path | None = None,
                replace: bool = True, staging_token: str | None = None) -> Iterator[Path]:
    """A new, empty temporary file to fill in the block; it replaces ``path`` when the block succeeds.

    mode: the target's permission bits, given at creation, so a private key is never readable by
    others, not even for a moment; by default those of the regular file it replaces (as a shell's ``>``
    keeps them: an output its owner made 0600 is not left readable by all), else 0644 as far as the umask
    allows (never writable by others: under umask 000 a configuration file the network reads could be edited
    by any local user).
    staging_dir: where the temporary file lives (default: beside ``path``; it must be on the same
    filesystem), for folders whose every file is read, such as an MSP's crls/.
    The folder it is made in, when missing, is made by :func:`make_folders`: PRIVATE_FOLDER_MODE when mode
    gives its group and others nothing (a private key's folder), FOLDER_MODE otherwise.
    replace: False to create ``path`` only where nothing is (FileExistsError, and nothing written, when
    a file appeared there meanwhile): the finished file is hard-linked to its name, which either
    creates it or fails. True replaces a regular file, or the one a symlink at ``path`` leads to (the link kept,
    :func:`written_path`); :class:`SpecialFile` or IsADirectoryError (nothing written) when that is a device, a FIFO
    or a folder (:func:`refuse_special_target`).
    staging_token: what tells the temporary file's name from another writer's (default: a new random one each
    call). A writer that replaces the same file over and over, and alone (a FileCheckpointer, which holds the
    file's lock), gives one token of its own to every write: on Python 3.12.0 to 3.12.5 pathlib interns every
    name it parses for good (CPython gh-113993), so a new name per write grows the process by some 100 bytes
    each time, without end for a follower checkpointing event after event for weeks.
    """
    if replace:
        path = written_path(path)
        refuse_special_target(path)
    else:   # the name itself is not followed (os.link fails on whatever is there), the folders on the way are
        path = Path(path)
        refuse_links_left_by_others(path.parent)
    folder = Path(staging_dir) if staging_dir is not None else path.parent
    make_folders(folder, PRIVATE_FOLDER_MODE if mode is not None and not mode & 0o077 else FOLDER_MODE)
    file_mode = mode if mode is not None or not replace else _mode_of_regular_file(path)
    # A unique name: two writers of the same file must not share (and rename) one temporary file.
    temporary = folder / f".{path.name}.{staging_token or secrets.token_hex(4)}.tmp"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                             0o644 if file_mode is None else file_mode)
    except OSError as error:   # named by the file the caller asked for, not the temporary one
        raise OSError(error.errno, error.strerror, str(path)) from None
    os.close(descriptor)
    try:
        if file_mode is not None:
            os.chmod(temporary, file_mode)   # exact bits, whatever the umask took away
        yield temporary
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
            temporary.unlink()
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _mode_of_regular_file(path: Path) -> int | None:
    """The permission bits of the regular file at ``path``; None when there is none (or it cannot be looked
    at: the write then says why)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) & 0o777 if stat.S_ISREG(info.st_mode) else None


@contextmanager
def errors_named_by(path: str | Path) -> Iterator[None]:
    """An OSError of the block that names no file raised again naming ``path``: a write or flush that fails
    (ENOSPC, "No space left on device"; EDQUOT; EIO) names none, and would reach the user saying what went
    wrong but not with which file. One naming a file already, or none at all (:class:`SpecialFile`, which
    names it in its message), is left as it is."""
    try:
        yield
    except OSError as error:
        if error.filename is not None or error.errno is None or error.strerror is None:
            raise
        raise OSError(error.errno, error.strerror, str(path)) from None


def write_atomically(path: str | Path, data: bytes | str, *, mode: int | None = None, durable: bool = False,
                     staging_dir: str | Path | None = None, replace: bool = True) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) in one step; see :func:`staged_file`.

    durable: flush the data to disk before the rename, and the folder's new entry after it, for a file
    whose loss after a crash would make its reader repeat or skip work (an event checkpoint). Without
    the second flush a power loss can undo the rename and bring the old content back, and without the first
    leave the new name on an empty file. A private file (mode giving its group and others nothing: a key)
    is always written so: a CA's or a node's key left empty by a power loss cannot be made again, the
    certificates and the channel's MSP naming its public key.
    """
    durable = durable or (mode is not None and not mode & 0o077)
    content = data.encode("utf-8") if isinstance(data, str) else data
    with errors_named_by(path):
        with staged_file(path, mode=mode, staging_dir=staging_dir, replace=replace) as temporary:
            fill(temporary, content, durable=durable)
        if durable:
            sync_folder(written_path(path).parent)   # the folder the rename was made in: a link's target's


def fill(temporary: Path, content: bytes, *, durable: bool) -> None:
    """Write ``content`` into a file :func:`staged_file` made; durable: on disk before it is renamed."""
    with open(temporary, "wb") as handle:
        handle.write(content)
        if durable:
            handle.flush()
            os.fsync(handle.fileno())


# What an OS or filesystem answers when it cannot flush a folder (Windows has no O_DIRECTORY at all, some network
# and FUSE filesystems refuse fsync on one): the rename is then as durable as that filesystem makes it.
_FOLDER_SYNC_REFUSED = {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES, errno.EPERM}


def sync_folder(folder: Path) -> None:
    """Flush ``folder``'s entries to disk, so a rename or link made in it survives a power loss."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        if error.errno in _FOLDER_SYNC_REFUSED:
            return
        raise
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in _FOLDER_SYNC_REFUSED:
            raise
    finally:
        os.close(descriptor)
