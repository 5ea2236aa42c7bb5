"""The ports a compose chaincode service binds: its gRPC port and its operations endpoint's, never one twice.

The topology validator holds every node port, chaincode server port and native operations port (the
server's port + OPERATIONS_PORT_SHIFT) apart. A compose service that served /healthz on a fixed port
instead could land on its own server's gRPC port (a topology whose chaincode_server_port is that
number): the server then fails to bind its operations endpoint and the container restarts for ever.
"""
from network import ccservers, compose
from network.topology import OPERATIONS_PORT_SHIFT, load, parse


def _port(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


def _topology_with_a_server_on(port: int):
    """A topology the validator accepts whose bank chaincode server listens on `port` (orderer0's operations
    port moved out of its way)."""
    data = load().model_dump(mode="json", exclude_none=True)
    data["orderer_org"]["orderers"][0]["operations_port"] = 19443
    next(o for o in data["orgs"] if o["name"] == "bank")["chaincode_server_port"] = port
    return parse(data, "a topology with a chaincode server on port 9443")


def test_a_server_on_port_9443_serves_its_operations_endpoint_on_another_port():
    topology = _topology_with_a_server_on(9443)
    bank = topology.org("bank")
    service = compose.build(topology)["services"][topology.chaincode_server_host(bank)]
    env = service["environment"]
    grpc, operations = _port(env["CHAINCODE_SERVER_ADDRESS"]), _port(env["CHAINCODE_OPERATIONS_ADDRESS"])
    assert grpc == 9443
    assert operations != grpc
    assert service["expose"] == [str(grpc), str(operations)]
    # the healthcheck asks the port the operations endpoint serves on
    assert f":{operations}/healthz'" in service["healthcheck"]["test"][-1]


def test_each_service_serves_its_operations_endpoint_where_the_native_server_does():
    """The native runtime's rule, which the topology validator keeps clear of every other port."""
    topology = load()
    doc = compose.build(topology)
    for org in topology.orgs:
        service = doc["services"][topology.on_hosts().chaincode_server_host(org)]
        native = ccservers.operations_address(topology, org)
        assert _port(service["environment"]["CHAINCODE_OPERATIONS_ADDRESS"]) == _port(native) \
            == org.chaincode_server_port + OPERATIONS_PORT_SHIFT
        assert service["environment"]["CHAINCODE_OPERATIONS_ADDRESS"] == f"0.0.0.0:{_port(native)}"
