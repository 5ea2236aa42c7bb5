"""`chaincode restart` checks the ports of the servers it is to start before it stops any, as `up` and
`deploy` do: a server that died while another program took its port is refused naming that program, the
running servers left alone, where they were stopped and the restart then failed on the dead server's port
naming no holder."""
import pytest

from network import ccservers
from network.control import Network
from network.errors import PortInUseError
from network.fabric_bin import FabricInstall
from network.packaging import ccaas_package, package_id

from .test_deploy import RecordingSupervisor, holding


@pytest.fixture
def deployed(topology, data_root, fake_fabric):
    ccservers.save_deployment(data_root, ccservers.Deployment(       # the packages a deploy installs
        "receivables", "1.0", 1, topology.chaincode.contract, None, None, 0,
        {org.msp_id: package_id("receivables_1.0", ccaas_package(
            "receivables_1.0", ccservers.connection(topology, data_root, org))) for org in topology.orgs}))
    bank = topology.org("bank")
    running = [ccservers.server_pid_file(data_root, "receivables", org) for org in topology.orgs
               if org is not bank]
    return Network(topology, data_root=data_root, fabric=FabricInstall.locate(),
                   supervisor_=RecordingSupervisor(running=running), say=lambda _: None)


def test_a_restart_whose_dead_servers_port_another_program_holds_stops_nothing(deployed, topology):
    port = topology.org("bank").chaincode_server_port
    with holding(topology.listen_host, port):
        with pytest.raises(PortInUseError, match=rf"^port already in use: receivables\.bank chaincode server "
                                                 rf"{topology.listen_host}:{port} \(held by pid \d+ "):
            deployed.start_chaincode_servers(restart=True)
    assert deployed.supervisor.stopped == [] and deployed.supervisor.started == []


def test_an_org_the_deployment_has_no_package_for_is_not_checked(deployed, topology, data_root):
    """Its server is not started (the restart says so), so a program on its port is no reason to refuse."""
    record = ccservers.load_deployment(data_root, "receivables")
    del record.package_ids[topology.org("bank").msp_id]
    ccservers.save_deployment(data_root, record)
    with holding(topology.listen_host, topology.org("bank").chaincode_server_port):
        restarted = deployed.start_chaincode_servers(restart=True)
    assert restarted == [ccservers.server_name("receivables", org.name) for org in topology.orgs
                         if org.name != "bank"]
