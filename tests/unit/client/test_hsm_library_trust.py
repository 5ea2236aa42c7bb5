"""The PKCS#11 module is loaded into the process and runs there with the user's PIN: one another user could have
replaced (the file, or a folder above the file it resolves to, writable or owned by them) is refused before loading."""
from __future__ import annotations

import os

import pytest

from client.gateway import HSMError, HSMSignerFactory

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


def test_a_library_reached_through_a_symlink_is_judged_by_the_file_loaded(token, tmp_path):
    # the symlink sits in a folder anyone can write, but the module is loaded by its real path, which only root can
    # change; and a symlink to a file others can write is refused though the symlink's folder is the user's own
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    (shared / "libsofthsm2.so").symlink_to(os.path.realpath(token.library))
    HSMSignerFactory(shared / "libsofthsm2.so").close()

    writable = not_a_module_in(tmp_path / "vendor", 0o755)
    writable.chmod(0o646)
    own = tmp_path / "own"
    own.mkdir(mode=0o700)
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
