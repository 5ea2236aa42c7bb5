"""The PKCS#11 module is loaded into the process and runs there with the user's PIN: one another user could have
replaced (the file, a folder above it, or a symlink or folder met in resolving its path, writable or owned by them,
through its permissions or its POSIX ACL) is refused before loading."""
from __future__ import annotations

import errno
import grp
import os
import pwd
import struct

import pytest

from client.gateway import HSMError, HSMSignerFactory
from client.gateway.hsm_msp import HSMSignerFile

from .softhsm import softhsm


@pytest.fixture
def token(tmp_path_factory):
    return softhsm(tmp_path_factory)


def not_a_module_in(folder, mode: int):
    """A file that is no PKCS#11 module, in folder (made with mode): loading it fails in the loader's words, so a
    refusal before that is the trust check's."""
    folder.mkdir()
    folder.chmod(mode)
    library = folder / "libvendor.so"
    library.write_text("not a module")
    library.chmod(0o644)
    return library


def test_a_library_others_can_write_is_refused_naming_it(tmp_path):
    library = not_a_module_in(tmp_path / "lib", 0o755)
    library.chmod(0o666)
    with pytest.raises(HSMError, match=rf"^the PKCS#11 library {library} is not trusted: {library} can be written by "
                                       rf"others \(-rw-rw-rw-\), so another user could replace the library recfin "
                                       rf"loads into its process; check the library, then chmod go-w {library}, or "
                                       "install the HSM's module where only you or root can change it"):
        HSMSignerFactory(library)


def test_a_library_in_a_folder_others_can_write_is_refused_naming_the_folder(tmp_path):
    library = not_a_module_in(tmp_path / "shared", 0o777)
    with pytest.raises(HSMError, match=rf"^the PKCS#11 library {library} is not trusted: {tmp_path / 'shared'} can be "
                                       rf"written by others \(drwxrwxrwx\).*chmod go-w {tmp_path / 'shared'},"):
        HSMSignerFactory(library)


def test_a_library_reached_through_a_symlink_is_judged_by_the_file_loaded_and_the_symlink(token, tmp_path):
    # a symlink of the user's own, in the user's own folder, to the module only root can change is followed; one in a
    # folder anyone can write is refused (another user could put their own symlink there), and so is one to a file
    # others can write though the symlink's folder is the user's own
    own = tmp_path / "own"
    own.mkdir(mode=0o700)
    (own / "libsofthsm2.so").symlink_to(os.path.realpath(token.library))
    HSMSignerFactory(own / "libsofthsm2.so").close()

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    (shared / "libsofthsm2.so").symlink_to(os.path.realpath(token.library))
    with pytest.raises(HSMError, match=rf"^the PKCS#11 library {shared / 'libsofthsm2.so'} is not trusted: {shared} "
                                       r"can be written by others \(drwxrwxrwx\)"):
        HSMSignerFactory(shared / "libsofthsm2.so")
    # met on the way, through another symlink of the user's own: refused as well
    (own / "libvia.so").symlink_to(shared / "libsofthsm2.so")
    with pytest.raises(HSMError, match=rf"^the PKCS#11 library {own / 'libvia.so'} is not trusted: {shared} can be "
                                       r"written by others \(drwxrwxrwx\)"):
        HSMSignerFactory(own / "libvia.so")

    writable = not_a_module_in(tmp_path / "vendor", 0o755)
    writable.chmod(0o646)
    (own / "libvendor.so").symlink_to(writable)
    with pytest.raises(HSMError, match=rf"^the PKCS#11 library {own / 'libvendor.so'} is not trusted: {writable} can "
                                       r"be written by others \(-rw-r--rw-\)"):
        HSMSignerFactory(own / "libvendor.so")


def test_a_sticky_folder_such_as_tmp_lets_the_users_own_library_through(tmp_path):
    # in a sticky folder no one else can rename or delete what the user owns: only the loader has a word to say
    library = not_a_module_in(tmp_path / "sticky", 0o1777)
    with pytest.raises(HSMError, match=rf"^cannot load {library} as a PKCS#11 module"):
        HSMSignerFactory(library)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_library_another_user_owns_is_refused(tmp_path):
    library = not_a_module_in(tmp_path / "lib", 0o755)
    os.chown(library, 65534, -1)
    with pytest.raises(HSMError, match=rf"^the PKCS#11 library {library} is not trusted: {library} is owned by user id "
                                       r"65534, not by you \(0\) nor root, and recfin would load the library into its "
                                       "process; install the HSM's module where only you or root can change it"):
        HSMSignerFactory(library)
    library.chmod(0o644)
    os.chown(library, 0, -1)
    os.chown(library.parent, 65534, -1)   # the folder's owner can replace the file in it
    with pytest.raises(HSMError, match=rf"is not trusted: {library.parent} is owned by user id 65534"):
        HSMSignerFactory(library)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a symlink to another user")
def test_a_symlink_another_user_owns_is_refused_though_it_points_at_a_trusted_library(token, tmp_path):
    # in a sticky folder such as /tmp its owner can delete it and make another, naming any library
    sticky = tmp_path / "sticky"
    sticky.mkdir()
    sticky.chmod(0o1777)
    link = sticky / "libsofthsm2.so"
    link.symlink_to(os.path.realpath(token.library))
    os.lchown(link, 65534, -1)
    with pytest.raises(HSMError, match=rf"^the PKCS#11 library {link} is not trusted: {link} is a symlink owned by user "
                                       rf"id 65534, not by you \(0\) nor root, who could point it at another library; "
                                       rf"give the library's own path \({os.path.realpath(token.library)}\)"):
        HSMSignerFactory(link)
    os.lchown(link, 0, -1)
    HSMSignerFactory(link).close()


def unused_id(taken) -> int:
    """A user or group id no user or group has here (taken: pwd.getpwuid or grp.getgrgid)."""
    for candidate in range(54321, 64000):
        try:
            taken(candidate)
        except KeyError:
            return candidate
    pytest.skip("no unused id found")


def grant_write_through_acl(path, tag: int, qualifier: int) -> None:
    """setfacl -m u:ID:rwx (tag 0x02) or g:ID:rwx (tag 0x08) path: the ACL's mask (rwx) becomes the group bits."""
    mode = path.stat().st_mode
    no_qualifier = 0xFFFFFFFF
    entries = [(0x01, (mode >> 6) & 7, no_qualifier), (tag, 7, qualifier), (0x04, (mode >> 3) & 7, no_qualifier),
               (0x10, 7, no_qualifier), (0x20, mode & 7, no_qualifier)]
    try:   # the kernel takes the entries in the order of their tags only
        os.setxattr(path, "system.posix_acl_access",
                    struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *entry) for entry in sorted(entries)))
    except OSError as error:
        if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            pytest.skip(f"the filesystem of {path} keeps no POSIX ACL")
        raise


@pytest.mark.parametrize("tag, who", [(0x02, "user"), (0x08, "group")])
def test_a_folder_whose_acl_lets_another_user_or_group_write_is_refused_naming_it(tmp_path, tag, who):
    library = not_a_module_in(tmp_path / "lib", 0o755)
    stranger = unused_id(pwd.getpwuid if who == "user" else grp.getgrgid)
    grant_write_through_acl(library.parent, tag, stranger)
    with pytest.raises(HSMError, match=rf"^the PKCS#11 library {library} is not trusted: {library.parent} can be "
                                       rf"written by {who} id {stranger} through its ACL \(drwxrwxr-x\+\).*chmod "
                                       rf"go-w {library.parent},"):
        HSMSignerFactory(library)
    # chmod go-w takes write off the ACL's mask, so off every entry it names: only the loader has a word to say
    library.parent.chmod(0o755)
    with pytest.raises(HSMError, match=rf"^cannot load {library} as a PKCS#11 module"):
        HSMSignerFactory(library)


def test_a_library_file_whose_acl_lets_another_user_write_is_refused(tmp_path):
    library = not_a_module_in(tmp_path / "lib", 0o755)
    stranger = unused_id(pwd.getpwuid)
    grant_write_through_acl(library, 0x02, stranger)
    with pytest.raises(HSMError, match=rf"^the PKCS#11 library {library} is not trusted: {library} can be written by "
                                       rf"user id {stranger} through its ACL \(-rw-rwxr--\+\)"):
        HSMSignerFactory(library)


def test_a_signer_file_or_msp_folder_whose_acl_lets_another_user_write_is_refused(tmp_path):
    folder = tmp_path / "msp"
    folder.mkdir(mode=0o755)
    signer_file = HSMSignerFile("/usr/lib/softhsm/libsofthsm2.so", "recfin", b"\x01", "TEST_HSM_PIN").write(folder)
    stranger = unused_id(pwd.getpwuid)
    for changed in (signer_file, folder):
        original = changed.stat().st_mode & 0o777
        grant_write_through_acl(changed, 0x02, stranger)
        with pytest.raises(HSMError, match=rf"^{changed} can be written by user id {stranger} through its ACL "
                                           rf"\(.*\+\): hsm-signer.yaml names a library .*; check its content, then "
                                           rf"chmod go-w {changed}$"):
            HSMSignerFile.read(folder)
        changed.chmod(original)   # takes write off the ACL's mask
    assert HSMSignerFile.read(folder).token_label == "recfin"
