"""Where the network's files are unless a command is told otherwise, in a module that loads nothing more, so that
a command's --help shows them without loading the network's crypto (network.compose, network.bundle)."""
from __future__ import annotations

from pathlib import Path

from .fabric_bin import REPO_ROOT

COMPOSE_FILE = REPO_ROOT / "docker-compose.yaml"
"""The repository's Compose file, that `recfin network compose` writes and `recfin network compose-up` reads."""

DEFAULT_INSTALL_ROOT = Path("/var/recfin")
"""Where a host bundle is unpacked."""

TOPOLOGY_VARIABLE = "RECFIN_TOPOLOGY"
"""The topology file the commands use when none is given, as `--topology` reads it from the environment."""
