"""A `chaincode restart` whose start of one server fails says where that leaves every server: those restarted
run, the one that failed is stopped (not left half started), those after it still run the process they had, and
`recfin network up` starts the stopped one again."""
import pytest

from network import ccservers
from network.control import Network
from network.errors import NetworkError, NodeTimeoutError
from network.fabric_bin import FabricInstall
from network.packaging import ccaas_package, package_id

from .test_deploy import RecordingSupervisor


class FailingBankSupervisor(RecordingSupervisor):
    """The bank's server starts (its process runs) but never gets ready: the wait for it times out."""

    def wait_until(self, check, **kwargs):
        if kwargs.get("name") == "receivables.bank":
            raise NodeTimeoutError(f"receivables.bank: {kwargs['what']} not reached within 60s: see {kwargs['log']}")


@pytest.fixture
def deployed(topology, data_root, fake_fabric):
    ccservers.save_deployment(data_root, ccservers.Deployment(
        "receivables", "1.0", 1, topology.chaincode.contract, None, None, 0,
        {org.msp_id: package_id("receivables_1.0", ccaas_package(
            "receivables_1.0", ccservers.connection(topology, data_root, org))) for org in topology.orgs}))
    running = [ccservers.server_pid_file(data_root, "receivables", org) for org in topology.orgs]
    return Network(topology, data_root=data_root, fabric=FabricInstall.locate(),
                   supervisor_=FailingBankSupervisor(running=running), say=lambda _: None)


def test_the_error_says_which_servers_run_which_is_stopped_and_what_to_run(deployed, topology, data_root):
    names = [org.name for org in topology.orgs]
    failed = names.index("bank")
    assert 0 < failed < len(names) - 1          # servers restarted before it, and some not reached after it
    with pytest.raises(NetworkError) as raised:
        deployed.start_chaincode_servers(restart=True)
    message = str(raised.value)
    assert "receivables.bank: chaincode server listening" in message and "not reached within 60s" in message
    restarted = ", ".join(f"receivables.{name}" for name in names[:failed])
    not_reached = ", ".join(f"receivables.{name}" for name in names[failed + 1:])
    assert f"restarted and running: {restarted}" in message
    assert "receivables.bank is stopped" in message
    assert f"not restarted, still running as before: {not_reached}" in message
    assert "run `recfin network up`" in message
    bank = ccservers.server_pid_file(data_root, "receivables", topology.org("bank"))
    assert deployed.supervisor.running_pid(bank) is None            # what the message says: stopped
    assert deployed.supervisor.stopped.count(bank) == 2             # before its start, and after it failed
