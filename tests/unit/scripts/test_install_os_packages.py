"""scripts/install-os-packages: one package apt cannot install must not stop the others or the install, and
what dpkg has installed is not installed again.

apt-get, id and (where a test gives one) dpkg-query are scripted stand-ins first on PATH; without dpkg-query,
`tesseract` and `ip` are left off PATH so at least their packages count as missing whatever this machine has.
"""
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "install-os-packages"


def scripted_path(tmp_path: Path, refused: str) -> Path:
    """A PATH folder whose apt-get logs each call and refuses any install naming `refused`, as apt does
    for a package outside the enabled repositories; `id -u` answers 0 (root)."""
    tools = tmp_path / "tools"
    tools.mkdir()
    log = tmp_path / "apt-calls.txt"
    (tools / "apt-get").write_text(
        "#!/bin/sh\n"
        f"echo \"$*\" >> '{log}'\n"
        "for arg; do\n"
        f"  [ \"$arg\" = {refused} ] && {{ echo 'E: Unable to locate package {refused}' >&2; exit 100; }}\n"
        "done\n"
        "exit 0\n")
    (tools / "id").write_text("#!/bin/sh\necho 0\n")
    for tool in tools.iterdir():
        tool.chmod(0o755)
    return tools


def test_a_package_apt_cannot_find_is_named_and_the_others_still_install(tmp_path):
    tools = scripted_path(tmp_path, refused="iproute2")
    result = subprocess.run([shutil.which("bash"), str(SCRIPT)], env={"PATH": str(tools)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "apt-calls.txt").read_text().splitlines()
    # The whole list first; after apt refuses it, each package on its own.
    assert "tesseract-ocr" in calls[1] and "iproute2" in calls[1]
    singles = [call.split()[-1] for call in calls[2:]]
    assert "tesseract-ocr" in singles and "iproute2" in singles
    assert "could not install iproute2 " in result.stderr
    assert "tesseract-ocr" not in result.stderr.split("could not install")[1]
    assert "tests that need them skip" in result.stderr


def test_when_apt_installs_everything_nothing_is_retried(tmp_path):
    tools = scripted_path(tmp_path, refused="no-such-package")
    result = subprocess.run([shutil.which("bash"), str(SCRIPT)], env={"PATH": str(tools)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "apt-calls.txt").read_text().splitlines()) == 2  # update, one install
    assert "could not install" not in result.stderr


def with_dpkg_query(tools: Path, installed: set[str]) -> None:
    """A dpkg-query in ``tools`` that reports the ``installed`` packages as installed and knows no other, as dpkg
    does for a package never installed."""
    known = " | ".join(sorted(installed))
    (tools / "dpkg-query").write_text(
        "#!/bin/sh\n"
        'for package; do :; done\n'     # the last argument: dpkg-query -W -f='${Status}' PACKAGE
        f'case "$package" in\n  {known}) printf "install ok installed" ;;\n'
        '  *) echo "dpkg-query: no packages found matching $package" >&2; exit 1 ;;\nesac\n')
    (tools / "dpkg-query").chmod(0o755)


ALL_PACKAGES = {"tesseract-ocr", "tesseract-ocr-chi-sim", "tesseract-ocr-eng", "tesseract-ocr-osd", "fonts-wqy-zenhei",
                "iproute2", "softhsm2"}


def test_packages_dpkg_has_installed_are_not_installed_again(tmp_path):
    # whatever the probes would find (no tesseract or ip on this PATH, tessdata under 4.00 or 5): dpkg decides
    tools = scripted_path(tmp_path, refused="no-such-package")
    with_dpkg_query(tools, ALL_PACKAGES)
    result = subprocess.run([shutil.which("bash"), str(SCRIPT)], env={"PATH": str(tools)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "apt-calls.txt").exists(), "no apt-get update or install"


def test_only_the_packages_dpkg_does_not_have_are_installed(tmp_path):
    tools = scripted_path(tmp_path, refused="no-such-package")
    with_dpkg_query(tools, ALL_PACKAGES - {"tesseract-ocr-chi-sim"})
    result = subprocess.run([shutil.which("bash"), str(SCRIPT)], env={"PATH": str(tools)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "apt-calls.txt").read_text().splitlines()
    assert calls == ["update -qq", "install -y -qq --no-install-recommends tesseract-ocr-chi-sim"]
