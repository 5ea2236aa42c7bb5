"""The chaincode image's user reads the chaincode package whatever modes the checkout's files have.

Docker's COPY keeps the mode bits a file has in the build context, with root owning the copy, and the image's
entry point runs the server as the system user recfin. A checkout made under a umask of 077 or 027 has folders
0700 or 0750 and files 0600 or 0640: copied as they are, recfin could not import the server's own code.
"""
import os
import re
import shutil
import stat
import subprocess

from network.fabric_bin import REPO_ROOT

DOCKERFILE = REPO_ROOT / "Dockerfile"
COPY_PACKAGE = "COPY chaincode ./chaincode"


def _instructions() -> list[str]:
    """The Dockerfile's instructions, one a line (continuations joined, comments left out)."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _copied_as_a_umask_077_checkout_leaves_it(workdir):
    """What `COPY chaincode ./chaincode` puts in WORKDIR from a checkout made under umask 077."""
    target = workdir / "chaincode"
    shutil.copytree(REPO_ROOT / "chaincode", target, ignore=shutil.ignore_patterns("__pycache__"))
    for path in [target, *target.rglob("*")]:
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return target


def test_the_image_user_reads_the_chaincode_package_from_a_checkout_only_its_owner_reads(tmp_path):
    steps = _instructions()
    assert "WORKDIR /opt/recfin" in steps[:steps.index(COPY_PACKAGE)]
    package = _copied_as_a_umask_077_checkout_leaves_it(tmp_path)
    # the file-mode steps the image runs on the copy, in WORKDIR (tmp_path stands for /opt/recfin)
    for step in steps[steps.index(COPY_PACKAGE) + 1:]:
        if step.startswith("RUN chmod "):
            subprocess.run(["sh", "-c", step.removeprefix("RUN ")], cwd=tmp_path, check=True)
    for path in [package, *package.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        others_need = 0o005 if path.is_dir() else 0o004        # folders listed and entered, files read
        assert mode & others_need == others_need, f"{path.relative_to(tmp_path)} is {mode:o}"
        assert not mode & 0o022, f"{path.relative_to(tmp_path)} is {mode:o}: writable by others than root"
