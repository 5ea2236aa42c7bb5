"""scripts/install-os-packages and scripts/install on a machine where another apt or dpkg holds apt's lock
(unattended-upgrades at boot, a second install): each apt-get call waits for it, for a bounded time, saying so,
instead of failing at once and leaving tesseract and the others out.

apt-get is a scripted stand-in that refuses as apt 2.6 does while the lock is held, for its first calls of one kind;
`sleep` is a stand-in that only logs, except where a test lets it sleep to use the wait up.
"""
import shutil
from pathlib import Path

from .test_install_os_packages import ALL_PACKAGES, NO_WAIT, apt_calls, run_script, with_dpkg_query
from .test_install_venv import (VENV_PACKAGE, calls, checkout_with_stand_ins, run_install,
                                with_the_os_packages_step_and_none_installed)

HELD_FRONTEND = "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 7 (unattended-upgr)"
HELD_LISTS = "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 7 (apt-get)"


def lock_held_for(tools: Path, log: Path, *, kind: str, refusals: int, says: str, sleeps: bool = False) -> None:
    """apt-get in ``tools`` logging each call to ``log``, and refusing its first ``refusals`` calls whose arguments
    hold ``kind`` (update, install) saying ``says``; `sleep` logs its call (and sleeps where ``sleeps``)."""
    count = log.parent / f"{kind}-calls"
    (tools / "apt-get").write_text(
        "#!/bin/sh\n"
        f"echo \"$*\" >> '{log}'\n"
        f'case " $* " in *" {kind} "*)\n'
        f"  n=$(cat '{count}' 2>/dev/null || echo 0); n=$((n + 1)); echo $n > '{count}'\n"
        f"  [ $n -le {refusals} ] && {{ echo '{says}' >&2; exit 100; }} ;;\n"
        "esac\n"
        "exit 0\n")
    (tools / "sleep").write_text(f"#!/bin/sh\necho \"sleep $*\" >> '{log}'\n"
                                 + (f"exec '{shutil.which('sleep')}' \"$@\"\n" if sleeps else ""))
    for tool in ("apt-get", "sleep"):
        (tools / tool).chmod(0o755)
    if not (tools / "cat").exists():
        (tools / "cat").symlink_to(shutil.which("cat"))


def os_packages_tools(tmp_path: Path, missing: set[str]) -> Path:
    """The PATH folder for scripts/install-os-packages as root, dpkg having all but ``missing``."""
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "id").write_text("#!/bin/sh\necho 0\n")
    (tools / "id").chmod(0o755)
    for tool in ("dirname", "rm"):
        (tools / tool).symlink_to(shutil.which(tool))
    with_dpkg_query(tools, ALL_PACKAGES - missing)
    return tools


def waited_install(call: str, packages: str) -> bool:
    """Whether ``call`` is an install of ``packages`` that lets apt-get wait for the dpkg lock (a positive timeout)."""
    option, install = call.split(" ", 1)[1].split(" ", 1)
    name, seconds = option.split("=")
    return (name == "DPkg::Lock::Timeout" and 0 < int(seconds) <= 600
            and install == f"install -y -qq --no-install-recommends {packages}")


def test_an_install_refused_for_the_held_dpkg_lock_waits_says_so_and_installs(tmp_path):
    tools = os_packages_tools(tmp_path, missing={"tesseract-ocr", "softhsm2"})
    lock_held_for(tools, tmp_path / "apt-calls.txt", kind="install", refusals=1, says=HELD_FRONTEND)
    result = run_script(tmp_path, tools)
    assert result.returncode == 0, result.stderr
    update, refused, slept, waited = apt_calls(tmp_path)
    assert (update, refused, slept) == (NO_WAIT + "update -qq",
                                        NO_WAIT + "install -y -qq --no-install-recommends tesseract-ocr softhsm2",
                                        "sleep 5")
    assert waited_install(waited, "tesseract-ocr softhsm2"), waited
    assert ("install-os-packages: waiting up to 600 s for another apt or dpkg to finish (apt-get install: Could not"
            " get lock /var/lib/dpkg/lock-frontend. It is held by process 7 (unattended-upgr))") in result.stderr
    assert "could not install" not in result.stderr


def test_an_update_refused_for_the_held_lists_lock_is_made_again_until_the_lock_is_free(tmp_path):
    # apt-get update does not wait for the package lists' lock itself, whatever DPkg::Lock::Timeout says
    tools = os_packages_tools(tmp_path, missing={"softhsm2"})
    lock_held_for(tools, tmp_path / "apt-calls.txt", kind="update", refusals=2, says=HELD_LISTS)
    result = run_script(tmp_path, tools)
    assert result.returncode == 0, result.stderr
    calls_made = apt_calls(tmp_path)
    assert [call.split(" ", 2)[-1] for call in calls_made] == ["update -qq", "5", "update -qq", "5", "update -qq",
                                                               "install -y -qq --no-install-recommends softhsm2"]
    assert result.stderr.count("waiting up to") == 1, "said once for the call"
    assert "apt-get update failed" not in result.stderr


def test_a_wait_of_0_does_not_wait_and_passes_apts_refusal_on(tmp_path):
    tools = os_packages_tools(tmp_path, missing={"softhsm2"})
    lock_held_for(tools, tmp_path / "apt-calls.txt", kind="install", refusals=1, says=HELD_FRONTEND)
    result = run_script(tmp_path, tools, RECFIN_APT_LOCK_WAIT="0")
    assert result.returncode == 0, result.stderr
    assert apt_calls(tmp_path) == [NO_WAIT + "update -qq", NO_WAIT + "install -y -qq --no-install-recommends softhsm2"]
    assert HELD_FRONTEND in result.stderr and "waiting" not in result.stderr
    assert "could not install softhsm2 " in result.stderr, "tried again on the next run"


def test_the_wait_is_one_budget_for_all_the_calls_of_the_script(tmp_path):
    # the lock held for longer than the 1 s wait: the install of the list and then of each package on its own
    # (what install-os-packages does after a refused list) would each wait again without one budget
    tools = os_packages_tools(tmp_path, missing={"tesseract-ocr", "softhsm2"})
    lock_held_for(tools, tmp_path / "apt-calls.txt", kind="install", refusals=100, says=HELD_FRONTEND, sleeps=True)
    result = run_script(tmp_path, tools, RECFIN_APT_LOCK_WAIT="1")
    assert result.returncode == 0, result.stderr
    assert [call for call in apt_calls(tmp_path) if call.startswith("sleep")] == ["sleep 5"]
    assert result.stderr.count("waiting up to 1 s") == 1
    assert result.stderr.count("gave up waiting for the apt lock after 1 s (Could not get lock") == 1
    assert "could not install tesseract-ocr softhsm2 " in result.stderr


def test_a_wait_that_is_not_a_number_of_seconds_is_refused_before_apt_runs(tmp_path):
    tools = os_packages_tools(tmp_path, missing={"softhsm2"})
    lock_held_for(tools, tmp_path / "apt-calls.txt", kind="install", refusals=0, says="")
    result = run_script(tmp_path, tools, RECFIN_APT_LOCK_WAIT="5m")
    assert result.returncode == 2
    assert result.stderr == ("install-os-packages: RECFIN_APT_LOCK_WAIT is 5m; it is the seconds to wait for the apt"
                             " lock: a whole number below 10^9, 0 not to wait\n")
    assert apt_calls(tmp_path) == []


def test_a_wait_too_long_for_bashs_arithmetic_is_refused_before_apt_runs(tmp_path):
    tools = os_packages_tools(tmp_path, missing={"softhsm2"})
    lock_held_for(tools, tmp_path / "apt-calls.txt", kind="install", refusals=0, says="")
    result = run_script(tmp_path, tools, RECFIN_APT_LOCK_WAIT="99999999999999999999")
    assert result.returncode == 2
    assert "RECFIN_APT_LOCK_WAIT is 99999999999999999999; it is the seconds" in result.stderr
    assert apt_calls(tmp_path) == []


def test_a_wait_written_with_leading_zeros_is_read_as_decimal_seconds(tmp_path):
    # bash's arithmetic takes 08 for a bad octal number: the error ended the script's install command halfway,
    # as if it had succeeded, and nothing was installed
    tools = os_packages_tools(tmp_path, missing={"softhsm2"})
    lock_held_for(tools, tmp_path / "apt-calls.txt", kind="install", refusals=1, says=HELD_FRONTEND)
    result = run_script(tmp_path, tools, RECFIN_APT_LOCK_WAIT="08")
    assert result.returncode == 0, result.stderr
    assert "waiting up to 8 s for another apt or dpkg" in result.stderr, result.stderr
    *_, waited = apt_calls(tmp_path)
    assert waited_install(waited, "softhsm2"), waited
    assert "value too great" not in result.stderr


def test_scripts_install_waits_for_the_lock_to_install_the_venv_package(tmp_path):
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=0)
    log = tmp_path / "calls.txt"
    lock_held_for(tools, log, kind="install", refusals=1, says=HELD_FRONTEND)
    apt_get = (tools / "apt-get").read_text()
    ensurepip = tmp_path / "ensurepip-installed"
    (tools / "apt-get").write_text(apt_get.replace(
        "exit 0\n", f'case "$*" in *" {VENV_PACKAGE}") touch "{ensurepip}" ;; esac\nexit 0\n'))
    result = run_install(checkout, tools)
    assert result.returncode == 0, result.stderr
    assert "install: waiting up to 600 s for another apt or dpkg to finish (apt-get install:" in result.stderr
    made = [call for call in calls(tmp_path) if not call.startswith("python -c")]
    assert made[:3] == [NO_WAIT + "update -qq", NO_WAIT + f"install -y -qq --no-install-recommends {VENV_PACKAGE}",
                        "sleep 5"]
    assert waited_install(made[3], VENV_PACKAGE), made[3]
    assert made[4] == "python -m venv .venv"


def test_scripts_install_passes_what_is_left_of_the_wait_on_to_the_os_packages_step(tmp_path):
    # the package lists' lock held throughout: scripts/install's update uses the whole 1 s wait up, and the OS
    # packages step, run next, does not start a wait of its own (which made the whole install's wait twice as long)
    checkout, tools = checkout_with_stand_ins(tmp_path, uid=0)
    with_the_os_packages_step_and_none_installed(checkout, tools)
    log = tmp_path / "calls.txt"
    lock_held_for(tools, log, kind="update", refusals=100, says=HELD_LISTS)
    ensurepip = tmp_path / "ensurepip-installed"
    (tools / "apt-get").write_text((tools / "apt-get").read_text().replace(
        "exit 0\n", f'case "$*" in *" {VENV_PACKAGE}") touch "{ensurepip}" ;; esac\nexit 0\n'))
    # a sleep long enough to use the 1 s wait up, whatever it is asked for
    (tools / "sleep").write_text(f"#!/bin/sh\necho \"sleep $*\" >> '{log}'\nexec '{shutil.which('sleep')}' 1.1\n")
    result = run_install(checkout, tools, RECFIN_APT_LOCK_WAIT="1")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("waiting up to") == 1, result.stderr
    assert [call for call in calls(tmp_path) if call.startswith("sleep")] == ["sleep 5"]
    assert [call for call in calls(tmp_path) if "tesseract-ocr" in call], "the OS packages step ran"
