"""hsm-signer.yaml holds what it names and nothing else: an absolute library, and pin_env a variable's name."""

import os

import pytest

from client.gateway import HSMError, HSMSignerFile
from client.gateway.hsm_msp import pin_env_problem

KEY_ID = "8b7be0f8"


def _signer_file(folder, text: str):
    path = folder / "hsm-signer.yaml"
    path.write_text(text)
    os.chmod(folder, 0o755)
    return path


@pytest.mark.parametrize("pin_env", ['"1234"', "'12 34'", "RECFIN-PIN", '"a$b"'])
def test_a_pin_env_that_is_not_a_variable_name_is_refused_without_showing_it(tmp_path, pin_env):
    path = _signer_file(tmp_path, f"library: /x.so\ntoken: t\nkey_id: '{KEY_ID}'\npin_env: {pin_env}\n")
    with pytest.raises(HSMError, match=rf"^{path}: pin_env is refused: it must be the name of the environment "
                                       r"variable holding the user PIN .*not the PIN; what was given is not shown") \
            as refused:
        HSMSignerFile.read(tmp_path)
    assert pin_env.strip("'\"") not in str(refused.value)


def test_a_signer_file_is_never_made_with_a_pin_where_its_variable_goes(tmp_path):
    with pytest.raises(HSMError, match=r"^pin_env is refused: .*not the PIN") as refused:
        HSMSignerFile("/x.so", "t", b"\x01", "1234")
    assert "1234" not in str(refused.value)
    assert not (tmp_path / "hsm-signer.yaml").exists()


def test_variable_names_are_taken():
    assert all(pin_env_problem(name) is None for name in ("RECFIN_HSM_PIN", "_pin", "BANK_PIN2"))
    assert all(pin_env_problem(name) for name in ("", "2PIN", "PIN X", "1234"))


def test_a_relative_library_is_refused_as_it_would_be_looked_up_from_a_search_path_or_the_working_folder(tmp_path):
    path = _signer_file(tmp_path, f"library: libsofthsm2.so\ntoken: t\nkey_id: '{KEY_ID}'\n")
    with pytest.raises(HSMError, match=rf"^{path}: library libsofthsm2.so is not an absolute path, which the loader "
                                       "would look for in a search path or the folder a command runs in: write the "
                                       r"PKCS#11 module's full path \(recfin hsm link writes it\)$"):
        HSMSignerFile.read(tmp_path)
    with pytest.raises(HSMError, match="is not an absolute path"):
        HSMSignerFile("lib/libsofthsm2.so", "t", b"\x01")


def test_a_pin_in_the_file_is_refused_saying_it_is_never_kept_there_without_showing_it(tmp_path):
    path = _signer_file(tmp_path, f"library: /x.so\ntoken: t\nkey_id: '{KEY_ID}'\npin: \"98765\"\n")
    with pytest.raises(HSMError, match=rf"^{path} holds a pin: the PIN is never kept in hsm-signer.yaml .*put the PIN "
                                       "in the environment variable pin_env names") as refused:
        HSMSignerFile.read(tmp_path)
    assert "98765" not in str(refused.value)


def test_unknown_keys_are_named_and_their_values_not_shown(tmp_path):
    path = _signer_file(tmp_path, f"library: /x.so\ntoken: t\nkey_id: '{KEY_ID}'\nuser_pin: s3cret\nslot: 7\n")
    with pytest.raises(HSMError, match=rf"^{path} is not an HSM signer description \(unknown keys 'user_pin', 'slot'; "
                                       r"values not shown\): it needs library") as refused:
        HSMSignerFile.read(tmp_path)
    assert "s3cret" not in str(refused.value)


def test_the_file_as_written_is_read_back(tmp_path):
    os.chmod(tmp_path, 0o755)
    HSMSignerFile("/usr/lib/softhsm/libsofthsm2.so", "t", b"\x01\x02", "BANK_PIN").write(tmp_path)
    assert HSMSignerFile.read(tmp_path) == HSMSignerFile("/usr/lib/softhsm/libsofthsm2.so", "t", b"\x01\x02", "BANK_PIN")


@pytest.mark.parametrize("kind", ["folder", "symlink to a device"])
def test_writing_where_no_file_can_go_is_refused_before_the_folder_is_made_its_owners_alone(tmp_path, kind):
    signer_file = tmp_path / "hsm-signer.yaml"
    if kind == "folder":
        signer_file.mkdir()
    else:
        signer_file.symlink_to("/dev/null")
    os.chmod(tmp_path, 0o775)   # a folder made under umask 002, which write() would tighten before writing
    with pytest.raises(OSError):
        HSMSignerFile("/x.so", "t", bytes.fromhex(KEY_ID)).write(tmp_path)
    assert os.stat(tmp_path).st_mode & 0o777 == 0o775
