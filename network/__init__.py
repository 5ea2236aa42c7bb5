"""recfin's network tooling: topology, crypto, config, native Fabric processes and chaincode lifecycle.

    from network import Network
    net = Network.load()                 # network/topology.yaml, data under .recfin/network
    net.up()                             # idempotent; returns each node's NodeStatus
    net.deploy_chaincode()               # package, serve, install, approve x4, commit (or upgrade)
    net.down()                           # keep ledgers; net.down(purge=True) removes all state

`network.profiles.load("supplier")` gives an org's connection profile for SDK clients.
"""
from .control import DeployResult, Network, NodeStatus
from .errors import (ChaincodeError, MissingBinariesError, NetworkError, NodeNotFoundError, NodeTimeoutError,
                     PortInUseError, ToolError, TopologyError)
from .fabric_bin import FabricInstall
from .topology import Topology, load as load_topology

__all__ = [
    "ChaincodeError", "DeployResult", "FabricInstall", "MissingBinariesError", "Network", "NetworkError",
    "NodeNotFoundError", "NodeStatus", "NodeTimeoutError", "PortInUseError", "ToolError", "Topology",
    "TopologyError", "load_topology",
]
