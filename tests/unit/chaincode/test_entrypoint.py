"""The image's entry point (chaincode.entrypoint): started as root with a TLS key only another uid can
read, as a mounted host folder is, it gives the server private copies and runs it as the target user."""
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from chaincode import entrypoint
from network import probes

from .peer_double import PACKAGE_ID
from .test_server import _certificate, _pem, free_port

REPO = Path(__file__).resolve().parents[3]
HOST_OWNER = 4242      # who ran `recfin network prepare` on the host: owns the mounted files
SERVER_USER = 4343     # the image's recfin

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="changing owners and dropping to another uid needs root")


@pytest.fixture
def mounted():
    """A folder every uid may enter, holding the server's TLS files as the host leaves them: the key 0600,
    owned by HOST_OWNER; and the CA, key and certificate of a client the server accepts."""
    root = Path(tempfile.mkdtemp(prefix="recfin-entrypoint-"))
    try:
        root.chmod(0o755)
        tls = root / "tls"
        tls.mkdir(mode=0o755)
        ca_key, server_key, client_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
        ca = _certificate("test-ca", ca_key, ca=True)
        files = {"server.crt": (_pem(_certificate("chaincode", server_key, ca.subject, ca_key)), 0o644),
                 "server.key": (_pem(server_key), 0o600), "ca.crt": (_pem(ca), 0o644),
                 # written under the host's umask: 077 leaves it its owner's alone
                 "network_config.json": (b'{"orgs": {}}', 0o600)}
        for name, (content, mode) in files.items():
            (tls / name).write_bytes(content)
            os.chown(tls / name, HOST_OWNER, HOST_OWNER)
            (tls / name).chmod(mode)
        client = (_pem(ca), _pem(client_key), _pem(_certificate("peer-client.chaincode", client_key, ca.subject,
                                                                ca_key)))
        yield root, client
    finally:
        shutil.rmtree(root)


def _tls_env(root: Path) -> dict[str, str]:
    tls = root / "tls"
    return {"CHAINCODE_TLS_CERT": str(tls / "server.crt"), "CHAINCODE_TLS_KEY": str(tls / "server.key"),
            "CHAINCODE_TLS_CLIENT_CA": str(tls / "ca.crt"), "CHAINCODE_TLS_CLIENT_NAMES": "peer-client.chaincode",
            "RECFIN_NETWORK_CONFIG": str(tls / "network_config.json")}


def test_the_copies_are_the_target_users_alone_and_the_environment_names_them(mounted):
    root, _ = mounted
    env = dict(_tls_env(root), OTHER="kept")
    folder = root / "private"
    copied = entrypoint.private_copies(env, str(folder), SERVER_USER, SERVER_USER)

    info = folder.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (SERVER_USER, SERVER_USER, 0o700)
    for variable in ("CHAINCODE_TLS_CERT", "CHAINCODE_TLS_KEY", "CHAINCODE_TLS_CLIENT_CA", "RECFIN_NETWORK_CONFIG"):
        copy = Path(copied[variable])
        assert copy.parent == folder and copy.read_bytes() == Path(env[variable]).read_bytes(), variable
        info = copy.stat()
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (SERVER_USER, SERVER_USER, 0o600), variable
    assert copied["OTHER"] == "kept" and copied["CHAINCODE_TLS_CLIENT_NAMES"] == "peer-client.chaincode"
    # a restart finds the folder there and copies again
    assert entrypoint.private_copies(env, str(folder), SERVER_USER, SERVER_USER) == copied


def _server_env(root: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINCODE_")}
    env.update(_tls_env(root), CHAINCODE_ID=PACKAGE_ID, CHAINCODE_SERVER_ADDRESS=f"127.0.0.1:{port}",
               PYTHONPATH=str(REPO))
    return env


SERVE = [sys.executable, "-m", "chaincode", "--contract", "chaincode.feature_contract:FeatureContract"]
# what the dropped process is and reads: its uid, its groups, the key the variable names
READ_KEY = ["sh", "-c", 'id -u; id -G; cat "$CHAINCODE_TLS_KEY"']


def _python_runs_as(uid: int) -> bool:
    """Whether this interpreter can be started by uid (not when it lives in a folder of root's alone)."""
    try:
        return subprocess.run([sys.executable, "-c", "pass"], user=uid, group=uid, extra_groups=[],
                              capture_output=True, timeout=30).returncode == 0
    except OSError:      # it cannot reach the interpreter, or we may not change uid
        return False


def test_another_uid_cannot_read_the_mounted_key_itself(mounted):
    root, _ = mounted
    result = subprocess.run(READ_KEY, env=_server_env(root, free_port()), cwd=root, user=SERVER_USER,
                            group=SERVER_USER, extra_groups=[], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and "server.key: Permission denied" in result.stderr


def test_started_as_root_it_runs_the_command_as_the_target_user_reading_the_keys_copy(mounted):
    root, _ = mounted
    env = _server_env(root, free_port())
    result = subprocess.run([sys.executable, "-m", "chaincode.entrypoint", "--user", f"{SERVER_USER}", "--folder",
                             str(root / "private"), "--", *READ_KEY], env=env, cwd=root, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    uid, groups, key = result.stdout.split("\n", 2)
    assert (uid, groups) == (str(SERVER_USER), str(SERVER_USER))        # its own group alone, not root's
    assert key == Path(env["CHAINCODE_TLS_KEY"]).read_text()


@pytest.mark.skipif(not _python_runs_as(SERVER_USER), reason="this interpreter cannot be run by another uid")
def test_started_as_root_it_serves_tls_as_the_target_user_with_the_key_it_could_not_read(mounted):
    root, (ca, client_key, client_cert) = mounted
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "chaincode.entrypoint", "--user", f"{SERVER_USER}",
                                "--folder", str(root / "private"), "--", *SERVE],
                               env=_server_env(root, port), cwd=root, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):       # until it listens, or has stopped
            if process.poll() is not None or probes.accepting(f"127.0.0.1:{port}"):
                break
            time.sleep(0.1)
        assert process.poll() is None, process.stderr.read()
        assert probes.chaincode_registers(f"127.0.0.1:{port}", root_cert=ca, client_cert=client_cert,
                                          client_key=client_key, server_name="localhost") == PACKAGE_ID
        status = Path(f"/proc/{process.pid}/status").read_text()
        uids = next(line.split()[1:] for line in status.splitlines() if line.startswith("Uid:"))
        groups = next(line.split()[1:] for line in status.splitlines() if line.startswith("Groups:"))
        assert uids == [str(SERVER_USER)] * 4 and groups == []       # the same process, no longer root
    finally:
        process.terminate()
        process.wait(30)
        process.stderr.close()


def test_a_file_it_cannot_read_stops_it_naming_the_variable_and_runs_nothing(mounted):
    root, _ = mounted
    env = dict(_server_env(root, free_port()), CHAINCODE_TLS_KEY=str(root / "tls" / "missing.key"))
    marker = root / "ran"
    result = subprocess.run([sys.executable, "-m", "chaincode.entrypoint", "--user", f"{SERVER_USER}", "--folder",
                             str(root / "private"), "--", "touch", str(marker)],
                            env=env, cwd=root, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert f"cannot read CHAINCODE_TLS_KEY={root}/tls/missing.key: No such file" in result.stderr
    assert not marker.exists()


def test_root_as_the_target_and_an_unknown_user_are_refused(mounted):
    root, _ = mounted
    for user, expected in [("0", "is root: the server must not run as root"),
                           ("no-such-user-here", "no such user")]:
        result = subprocess.run([sys.executable, "-m", "chaincode.entrypoint", "--user", user, "--folder",
                                 str(root / "private"), "--", "true"], env=_server_env(root, free_port()),
                                cwd=root, capture_output=True, text=True, timeout=30)
        assert result.returncode == 1 and expected in result.stderr, result.stderr


@pytest.mark.skipif(not _python_runs_as(SERVER_USER), reason="this interpreter cannot be run by another uid")
def test_started_unprivileged_it_runs_the_command_unchanged(mounted):
    root, _ = mounted
    env = _server_env(root, free_port())
    result = subprocess.run([sys.executable, "-m", "chaincode.entrypoint", "--folder", str(root / "private"), "--",
                             sys.executable, "-c", "import os; print(os.getuid(), os.environ['CHAINCODE_TLS_KEY'])"],
                            env=env, cwd=root, user=SERVER_USER, group=SERVER_USER, extra_groups=[],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(SERVER_USER), env["CHAINCODE_TLS_KEY"]]
    assert not (root / "private").exists()


def test_each_file_flag_of_the_server_is_copied_in_either_form_and_the_command_names_the_copy(mounted):
    root, _ = mounted
    tls, folder = root / "tls", root / "private"
    command = ["python", "-m", "chaincode", "--contract", "m:C", "--operations-tls-cert", str(tls / "server.crt"),
               f"--operations-tls-key={tls / 'server.key'}", "--operations-tls-client-ca", str(tls / "ca.crt")]
    said = []
    copied = entrypoint.private_flag_copies(command, str(folder), SERVER_USER, SERVER_USER, said.append)

    assert copied == ["python", "-m", "chaincode", "--contract", "m:C", "--operations-tls-cert",
                      f"{folder}/operations_tls_cert", f"--operations-tls-key={folder}/operations_tls_key",
                      "--operations-tls-client-ca", f"{folder}/operations_tls_client_ca"]
    for name, original in [("cert", "server.crt"), ("key", "server.key"), ("client_ca", "ca.crt")]:
        copy = folder / f"operations_tls_{name}"
        assert copy.read_bytes() == (tls / original).read_bytes(), name
        info = copy.stat()
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (SERVER_USER, SERVER_USER, 0o600), name
    assert said == [f"copied {tls}/server.crt (--operations-tls-cert) to {folder}/operations_tls_cert",
                    f"copied {tls}/server.key (--operations-tls-key) to {folder}/operations_tls_key",
                    f"copied {tls}/ca.crt (--operations-tls-client-ca) to {folder}/operations_tls_client_ca"]


def test_an_abbreviated_file_flag_is_refused_naming_the_full_one(mounted):
    root, _ = mounted
    with pytest.raises(entrypoint.EntrypointError, match=r"--operations-tls-k: give the flag in full "
                                                         r"\(--operations-tls-key\)"):
        entrypoint.private_flag_copies(["x", "--operations-tls-k", str(root / "tls" / "server.key")],
                                       str(root / "private"), SERVER_USER, SERVER_USER)


def test_started_as_root_the_target_user_reads_the_copy_of_a_key_a_flag_names_and_the_log_names_its_original(
        mounted):
    root, _ = mounted
    env = _server_env(root, free_port())
    key = root / "tls" / "server.key"
    result = subprocess.run([sys.executable, "-m", "chaincode.entrypoint", "--user", f"{SERVER_USER}", "--folder",
                             str(root / "private"), "--", "sh", "-c", 'id -u; cat "$2"', "sh",
                             "--operations-tls-key", str(key)],
                            env=env, cwd=root, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{SERVER_USER}\n{key.read_text()}"
    lines = result.stderr.splitlines()
    assert (f"python -m chaincode.entrypoint: copied {key} (--operations-tls-key) to "
            f"{root}/private/operations_tls_key") in lines
    assert (f"python -m chaincode.entrypoint: copied {key} (CHAINCODE_TLS_KEY) to "
            f"{root}/private/chaincode_tls_key") in lines


def test_a_flag_naming_a_file_it_cannot_read_stops_it_naming_the_flag_and_runs_nothing(mounted):
    root, _ = mounted
    marker = root / "ran"
    result = subprocess.run([sys.executable, "-m", "chaincode.entrypoint", "--user", f"{SERVER_USER}", "--folder",
                             str(root / "private"), "--", "touch", str(marker),
                             f"--operations-tls-cert={root}/tls/missing.crt"],
                            env=_server_env(root, free_port()), cwd=root, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert f"cannot read --operations-tls-cert {root}/tls/missing.crt: No such file" in result.stderr
    assert not marker.exists()
