"""Where the Fabric tools and their base configuration live.

`scripts/install-fabric` builds `peer`, `orderer`, `configtxgen`, `osnadmin` into
`<repo>/.fabric/bin` and copies Fabric's sampleconfig `core.yaml`, `orderer.yaml`,
`configtx.yaml` into `<repo>/.fabric/config`. Environment overrides, strongest first:
`RECFIN_FABRIC_BIN` / `RECFIN_FABRIC_CFG` (each folder), then `RECFIN_FABRIC_HOME`
(the `.fabric` folder, as the install script honours it). A relative one is read against the working directory
and made absolute at once: the tools run with other working directories (each node's own folder).

The script also writes `installed-commit` beside the bin folder: the Fabric commit its tools were built from.
Tools under one that names another commit than :data:`FABRIC_COMMIT` (the pin moved, and the build of the new
one has not run or failed) count as missing; tools with no such file (placed there by hand, or a folder
`RECFIN_FABRIC_BIN` names) are taken as they are.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import MissingBinariesError

REPO_ROOT = Path(__file__).resolve().parent.parent
NETWORK_TOOLS = ("peer", "orderer", "configtxgen", "osnadmin")
BASE_CONFIG_FILES = ("core.yaml", "orderer.yaml")
# The Fabric commit scripts/install-fabric builds (its FABRIC_COMMIT; a unit test keeps the two equal).
FABRIC_COMMIT = "86c1172bec37e6590c6b1ae6f847833df48d65fc"
# The release each pinned commit is tagged as: the compose network runs that release's official images
# (network/compose.py), so its containers run the Fabric that the CLIs built here from FABRIC_COMMIT drive.
FABRIC_RELEASES = {"86c1172bec37e6590c6b1ae6f847833df48d65fc": "3.1.5"}
if FABRIC_COMMIT not in FABRIC_RELEASES:
    raise ImportError(f"no Fabric release is recorded for the pinned commit {FABRIC_COMMIT}: add the release it is "
                      f"tagged as to FABRIC_RELEASES in {__file__}")
FABRIC_RELEASE = FABRIC_RELEASES[FABRIC_COMMIT]
INSTALLED_COMMIT_FILE = "installed-commit"
INSTALL_ERROR_FILE = "install-error.txt"


def fabric_home(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("RECFIN_FABRIC_HOME") or REPO_ROOT / ".fabric").absolute()


def recorded_install_error(fabric_dir: Path) -> str | None:
    """What scripts/install-fabric recorded in ``fabric_dir`` when its last run failed (INSTALL_ERROR_FILE: the
    reason on its first line, then what to do), or None when that run succeeded or none ran."""
    path = fabric_dir / INSTALL_ERROR_FILE
    recorded = path.read_text(errors="replace").strip() if path.is_file() else ""
    return recorded or None


# A step of a go error chain that names a package at a version ("github.com/hyperledger/fabric/cmd/peer@86c1172..."):
# go prefixes each wrapped error with it, so a failed download names the package twice before the proxy URL names it
# a third time.
_PACKAGE_AT_VERSION = re.compile(r"(?P<path>[^\s@]+)@[^\s@]+")


def _said_once(reason: str) -> str:
    """A recorded failure reason with each package go names said once: a ``path@version`` step of its ": "-joined
    chain is left out when a later step names the path anyway (the next copy, or the proxy URL it read). The rest,
    the proxy's answer among it, stays as go wrote it."""
    steps = reason.split(": ")
    kept = []
    for i, step in enumerate(steps):
        package = _PACKAGE_AT_VERSION.fullmatch(step)
        # a proxy URL writes an upper-case letter of a path as "!" and its lower case
        later = ": ".join(steps[i + 1:]).replace("!", "").lower()
        if not (package and package["path"].lower() in later):
            kept.append(step)
    return ": ".join(kept)


def bin_dir(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env["RECFIN_FABRIC_BIN"]).absolute() if env.get("RECFIN_FABRIC_BIN") else fabric_home(env) / "bin"


def config_dir(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env["RECFIN_FABRIC_CFG"]).absolute() if env.get("RECFIN_FABRIC_CFG") else fabric_home(env) / "config"


@dataclass(frozen=True)
class FabricInstall:
    """The located Fabric tools; `tool(name)` gives the path of one binary. ``bin_named_by`` and
    ``config_named_by`` are the variables that named a folder other than the ones scripts/install-fabric fills
    (None: its own), which its run never fills, so what is missing there is not the script's to mend."""

    bin_dir: Path
    config_dir: Path
    bin_named_by: str | None = None
    config_named_by: str | None = None

    @classmethod
    def locate(cls, env: dict[str, str] | None = None) -> "FabricInstall":
        env = os.environ if env is None else env
        named = [name if env.get(name) else None for name in ("RECFIN_FABRIC_BIN", "RECFIN_FABRIC_CFG")]
        return cls(bin_dir(env), config_dir(env), *named)

    def tool(self, name: str) -> Path:
        return self.bin_dir / name

    def installed_commit(self) -> str | None:
        """The commit scripts/install-fabric recorded for the tools in bin_dir, or None when it recorded none."""
        stamp = self.bin_dir.parent / INSTALLED_COMMIT_FILE
        return stamp.read_text().strip() if stamp.is_file() else None

    def missing(self, tools: tuple[str, ...] = NETWORK_TOOLS) -> list[str]:
        """The missing binaries and base config files, by name; and which commit the tools were built from, when
        scripts/install-fabric recorded another than the pinned one."""
        gone = [t for t in tools if not os.access(self.tool(t), os.X_OK)]
        gone += [f for f in BASE_CONFIG_FILES if not (self.config_dir / f).is_file()]
        built = self.installed_commit()
        if built is not None and built != FABRIC_COMMIT:
            gone.append(f"{self.bin_dir} holds Fabric commit {built}, not the pinned {FABRIC_COMMIT}")
        return gone

    def require(self, tools: tuple[str, ...] = NETWORK_TOOLS) -> "FabricInstall":
        """Raise MissingBinariesError naming what is missing, where it was expected and what puts it there."""
        gone = self.missing(tools)
        if not gone:
            return self
        binaries = [g for g in gone if g in tools]
        configs = [g for g in gone if g in BASE_CONFIG_FILES]
        release = f"an official Fabric {FABRIC_RELEASE} release's"
        # A folder a variable names is filled by hand (a release's bin/ and config/): scripts/install-fabric
        # builds into .fabric (or RECFIN_FABRIC_HOME) alone, so running it, the fix for its own folders, mends
        # nothing there.
        by_hand, for_the_script = [], []
        if binaries:
            found = (f"Fabric binar{'y' if len(binaries) == 1 else 'ies'} {', '.join(binaries)} "
                     f"not found in {self.bin_dir}")
            if self.bin_named_by:
                by_hand.append(f"{found}, the folder {self.bin_named_by} names: put {release} "
                               f"{', '.join(binaries)} there, or unset {self.bin_named_by} to take the tools "
                               f"scripts/install-fabric builds")
            else:
                for_the_script.append(found)
        if configs:
            found = f"base config {', '.join(configs)} not found in {self.config_dir}"
            if self.config_named_by:
                by_hand.append(f"{found}, the folder {self.config_named_by} names: put {release} "
                               f"{', '.join(configs)} there (from its config/), "
                               f"or unset {self.config_named_by}")
            elif self.bin_named_by:
                # tools from a release, the configuration from the build: the release's config/ goes with them
                for_the_script.append(f"{found} (or set RECFIN_FABRIC_CFG to the config/ folder of the "
                                      f"release whose tools {self.bin_named_by} names)")
            else:
                for_the_script.append(found)
        # another commit's build
        for_the_script += [g for g in gone if g not in tools and g not in BASE_CONFIG_FILES]
        if for_the_script:
            # The reason alone (the file's first line, each package in it named once), so the message stays
            # one line; the file says what to do, and holds go's error as go wrote it. It is in the folder the
            # script fills: the bin folder's parent, or the config folder's where a variable moved bin.
            install_home = (self.config_dir if self.bin_named_by else self.bin_dir).parent
            recorded = recorded_install_error(install_home)
            reason = (f" (its last run failed: {_said_once(recorded.splitlines()[0])}; more in "
                      f"{install_home / INSTALL_ERROR_FILE})" if recorded else "")
            by_hand.append("; ".join(for_the_script) + f": run scripts/install-fabric{reason}")
        raise MissingBinariesError("; ".join(by_hand))
