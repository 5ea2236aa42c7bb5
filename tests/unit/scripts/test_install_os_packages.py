"""scripts/install-os-packages: one package apt cannot install must not stop the others or the install, what
dpkg has installed is not installed again, and a package apt cannot find is asked for once, then skipped.

apt-get, id and (where a test gives one) dpkg-query are scripted stand-ins first on PATH; without dpkg-query,
`tesseract` and `ip` are left off PATH so at least their packages count as missing whatever this machine has.
The script runs from a copy in a checkout of its own, whose .venv holds what it records.
"""
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
NOT_FOUND_RECORD = Path(".venv") / "recfin-os-packages-not-found"
# how every apt-get call starts: not waiting for another apt or dpkg's lock until one is found held
NO_WAIT = "-o DPkg::Lock::Timeout=0 "


def scripted_path(tmp_path: Path, refused: str,
                  apt_says: str = "E: Unable to locate package {refused}") -> Path:
    """A PATH folder whose apt-get logs each call and refuses any install naming `refused`, saying
    ``apt_says`` (by default what apt says of a package outside the enabled repositories); `id -u` answers 0
    (root)."""
    tools = tmp_path / "tools"
    tools.mkdir()
    log = tmp_path / "apt-calls.txt"
    said = apt_says.format(refused=refused)
    (tools / "apt-get").write_text(
        "#!/bin/sh\n"
        f"echo \"$*\" >> '{log}'\n"
        "for arg; do\n"
        f"  [ \"$arg\" = {refused} ] && {{ echo '{said}' >&2; exit 100; }}\n"
        "done\n"
        "exit 0\n")
    (tools / "id").write_text("#!/bin/sh\necho 0\n")
    for tool in tools.iterdir():
        tool.chmod(0o755)
    for tool in ("dirname", "rm"):
        (tools / tool).symlink_to(shutil.which(tool))
    return tools


def run_script(tmp_path: Path, tools: Path, **env: str) -> subprocess.CompletedProcess:
    """scripts/install-os-packages, run from a copy in ``tmp_path``/checkout (made, with its .venv, on the
    first run)."""
    checkout = tmp_path / "checkout"
    if not checkout.exists():
        (checkout / ".venv").mkdir(parents=True)
        shutil.copytree(ROOT / "scripts" / "lib", checkout / "scripts" / "lib")
        shutil.copy(ROOT / "scripts" / "install-os-packages", checkout / "scripts")
    return subprocess.run([shutil.which("bash"), str(checkout / "scripts" / "install-os-packages")],
                          env={"PATH": str(tools), **env}, capture_output=True, text=True, timeout=60)


def apt_calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "apt-calls.txt"
    return log.read_text().splitlines() if log.exists() else []


def test_a_package_apt_cannot_find_is_named_and_the_others_still_install(tmp_path):
    tools = scripted_path(tmp_path, refused="iproute2")
    result = run_script(tmp_path, tools)
    assert result.returncode == 0, result.stderr
    calls = apt_calls(tmp_path)
    # The whole list first; after apt refuses it, each other package on its own: not the one apt said it
    # cannot find, which would fail again.
    assert "tesseract-ocr" in calls[1] and "iproute2" in calls[1]
    singles = [call.split()[-1] for call in calls[2:]]
    assert "tesseract-ocr" in singles and "iproute2" not in singles
    assert "could not install iproute2 " in result.stderr
    assert "tesseract-ocr" not in result.stderr.split("could not install")[1]
    assert "tests that need them skip" in result.stderr


def test_when_apt_installs_everything_nothing_is_retried(tmp_path):
    tools = scripted_path(tmp_path, refused="no-such-package")
    result = run_script(tmp_path, tools)
    assert result.returncode == 0, result.stderr
    assert len(apt_calls(tmp_path)) == 2  # update, one install
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
    result = run_script(tmp_path, tools)
    assert result.returncode == 0, result.stderr
    assert apt_calls(tmp_path) == [], "no apt-get update or install"


def test_only_the_packages_dpkg_does_not_have_are_installed(tmp_path):
    tools = scripted_path(tmp_path, refused="no-such-package")
    with_dpkg_query(tools, ALL_PACKAGES - {"tesseract-ocr-chi-sim"})
    result = run_script(tmp_path, tools)
    assert result.returncode == 0, result.stderr
    assert apt_calls(tmp_path) == [NO_WAIT + "update -qq",
                                   NO_WAIT + "install -y -qq --no-install-recommends tesseract-ocr-chi-sim"]


INSTALL_SOFTHSM2 = NO_WAIT + "install -y -qq --no-install-recommends softhsm2"


def test_a_package_apt_cannot_find_is_asked_for_once_and_skipped_on_later_runs(tmp_path):
    # a root Debian host whose repositories lack softhsm2; everything else is installed
    tools = scripted_path(tmp_path, refused="softhsm2")
    with_dpkg_query(tools, ALL_PACKAGES - {"softhsm2"})
    first = run_script(tmp_path, tools)
    assert first.returncode == 0, first.stderr
    # the one package is not asked for a second time on its own
    assert apt_calls(tmp_path) == [NO_WAIT + "update -qq", INSTALL_SOFTHSM2]
    assert "could not install softhsm2 " in first.stderr and "later runs skip it" in first.stderr
    second = run_script(tmp_path, tools)
    assert second.returncode == 0, second.stderr
    assert apt_calls(tmp_path) == [NO_WAIT + "update -qq", INSTALL_SOFTHSM2], "no apt-get update or install"
    [said] = second.stderr.splitlines()
    assert said.startswith("install-os-packages: skipping softhsm2: apt could not find it on an earlier run")
    assert "RECFIN_OS_PACKAGES_RETRY=1" in said


def test_the_retry_variable_asks_apt_again_for_a_package_it_could_not_find(tmp_path):
    tools = scripted_path(tmp_path, refused="softhsm2")
    with_dpkg_query(tools, ALL_PACKAGES - {"softhsm2"})
    run_script(tmp_path, tools)
    # a repository that has it is on now
    (tools / "apt-get").write_text(f"#!/bin/sh\necho \"$*\" >> '{tmp_path / 'apt-calls.txt'}'\n")
    again = run_script(tmp_path, tools, RECFIN_OS_PACKAGES_RETRY="1")
    assert again.returncode == 0, again.stderr
    assert apt_calls(tmp_path)[2:] == [NO_WAIT + "update -qq", INSTALL_SOFTHSM2]
    assert not (tmp_path / "checkout" / NOT_FOUND_RECORD).exists(), "installed now: nothing left recorded"


def test_the_record_is_for_its_package_list_only(tmp_path):
    # written for another list (a package added to or dropped from the script since): apt is asked again
    tools = scripted_path(tmp_path, refused="softhsm2")
    with_dpkg_query(tools, ALL_PACKAGES - {"softhsm2"})
    run_script(tmp_path, tools)
    record = tmp_path / "checkout" / NOT_FOUND_RECORD
    record.write_text(record.read_text().replace("packages: ", "packages: some-dropped-package ", 1))
    again = run_script(tmp_path, tools)
    assert again.returncode == 0, again.stderr
    assert apt_calls(tmp_path)[2:] == [NO_WAIT + "update -qq", INSTALL_SOFTHSM2]
    assert "skipping" not in again.stderr


def test_a_package_apt_failed_to_install_for_another_reason_is_tried_again(tmp_path):
    held = "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 7"
    tools = scripted_path(tmp_path, refused="softhsm2", apt_says=held)
    with_dpkg_query(tools, ALL_PACKAGES - {"softhsm2"})
    # the lock held beyond the wait (none here)
    first = run_script(tmp_path, tools, RECFIN_APT_LOCK_WAIT="0")
    assert "could not install softhsm2 " in first.stderr and "later runs skip it" not in first.stderr
    run_script(tmp_path, tools, RECFIN_APT_LOCK_WAIT="0")
    assert apt_calls(tmp_path) == [NO_WAIT + "update -qq", INSTALL_SOFTHSM2] * 2
