"""recfin's network tooling: topology, crypto, config, native Fabric processes and chaincode lifecycle.

    from network import Network
    net = Network.load()                 # network/topology.yaml, data under .recfin/network
    net.up()                             # idempotent; returns each node's NodeStatus
    net.deploy_chaincode()               # package, serve, install, approve x4, commit (or upgrade)
    net.down()                           # keep ledgers; net.down(purge=True) removes all state

`network.profiles.load("supplier")` gives an org's connection profile for SDK clients.

The names below are imported from their modules when first asked for: a light module of the package
(``network.errors``, ``network.option_checks``) is imported without the node control, crypto and gateway
client under ``Network``, which took the CLI's --help and option checks a second to load.
"""
from __future__ import annotations

import importlib
from typing import Any

_MODULE_OF = {
    "DeployResult": "control", "Network": "control", "NodeStatus": "control",
    "ChaincodeError": "errors", "MissingBinariesError": "errors", "NetworkError": "errors",
    "NodeNotFoundError": "errors", "NodeTimeoutError": "errors", "PortInUseError": "errors", "ToolError": "errors",
    "TopologyError": "errors",
    "FabricInstall": "fabric_bin",
    "Topology": "topology", "load_topology": "topology",
}
_NAME_IN_MODULE = {"load_topology": "load"}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    if name in _MODULE_OF:
        module = importlib.import_module(f".{_MODULE_OF[name]}", __name__)
        value = getattr(module, _NAME_IN_MODULE.get(name, name))
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
