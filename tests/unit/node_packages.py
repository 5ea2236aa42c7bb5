"""The official Node packages the comparison tests run against: the Fabric Gateway client in bench/node and the
chaincode shim in tests/unit/chaincode/node_shim, which scripts/install puts there with `npm ci`.

These comparisons are the only check of recfin's protocol code against the official implementations. So they skip
only where this machine cannot run them at all: no node or npm on PATH, or a Node.js older than the packages need
(scripts/install runs `npm ci` only where node and npm are there). Where node and npm are there and the packages
are not, `npm ci` failed (scripts/install reports that and goes on) or never ran: the tests fail, saying so, rather
than let a run pass with none of the comparisons made.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bench import node_compare

REPO = Path(__file__).resolve().parents[2]
NODE_SHIM_DIR = Path(__file__).parent / "chaincode" / "node_shim"
"""Where scripts/install installs the official Node chaincode shim (fabric-shim, pinned by its package-lock.json)."""
CLIENT_PACKAGE = "@hyperledger/fabric-gateway"
"""The package of bench/node the comparisons need: scripts/install runs npm ci there again while it is missing."""
SHIM_PACKAGE = "fabric-shim"
"""The package of NODE_SHIM_DIR the comparisons need: scripts/install runs npm ci there again while it is missing."""
FABRIC_CONTRACT_API = NODE_SHIM_DIR / "node_modules" / "fabric-contract-api"
"""The shim's fabric-contract-api, installed with it (official_node_shim): its release pins the schema below."""
CONTRACT_SCHEMA = FABRIC_CONTRACT_API / "schema" / "contract-schema.json"
"""Fabric's contract metadata schema, which the tools that read a chaincode's GetMetadata check it against."""


def node_unavailable() -> str | None:
    """Why this machine cannot install or run the Node packages (node or npm not on PATH, node older than
    node_compare.NODE_MAJOR), or None when it can: the checks `recfin bench --compare-node` makes."""
    try:
        node_compare._check_version(node_compare._tool("node"))
        node_compare._tool("npm")
    except node_compare.NodeUnavailableError as missing:
        return str(missing)
    return None


def _shown(path: Path) -> str:
    """``path`` as the reader finds it: from the repository's root when it is inside it."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def require(folder: Path, package: str) -> None:
    """Skip the test where node_unavailable() says why; fail it where ``package`` (e.g. "@hyperledger/fabric-gateway")
    is not installed in ``folder``'s node_modules."""
    if why := node_unavailable():
        pytest.skip(why)
    node_modules = folder / "node_modules"
    if not (node_modules / package).is_dir():
        missing = node_modules / package if node_modules.is_dir() else node_modules
        pytest.fail(f"{_shown(missing)} is missing: npm ci failed or never ran: run scripts/install", pytrace=False)
