"""`network up` and `chaincode restart` of a namespaced topology with an org cut off the bridge (`netns cut`) are
refused before anything starts or stops, naming the org and the `netns restore` that puts it back: the org's nodes
and chaincode server cannot be reached from here, so `up` waited its --timeout for a node that ran healthy and
failed saying only that its /healthz did not answer, and `restart` stopped a server that served its peer. Run
against a scripted `ip` (no root needed)."""
import pytest

from network import ccservers
from network.control import Network
from network.errors import NamespaceError
from network.fabric_bin import FabricInstall

from .test_namespaces_half_made import placed_as_netns_up_writes

PREFIX = "rfk"
SUBNET = "10.214.249.0/24"


@pytest.fixture
def namespaced(topology, tmp_path, monkeypatch):
    """The topology as `netns up` writes it, its data in <folder>/network, with a scripted `ip` made whole."""
    folder = tmp_path / "netns"
    return *placed_as_netns_up_writes(topology, PREFIX, SUBNET, folder, monkeypatch), folder


def cut(ip, layout, org):
    ip.links[None][layout.org(org).host_link] = (False, None)


def _up_to_its_first_step(topology, monkeypatch) -> str:
    monkeypatch.setattr(Network, "_up", lambda self: "past the namespace checks")
    return Network(topology, fabric=FabricInstall.locate(), timeout=5).up()


def test_up_refuses_naming_the_org_cut_off_and_the_restore(namespaced, fake_fabric, monkeypatch):
    ip, layout, placed, folder = namespaced
    cut(ip, layout, "supplier")
    with pytest.raises(NamespaceError) as refused:
        _up_to_its_first_step(placed, monkeypatch)
    message = str(refused.value)
    assert message.startswith(f"org supplier is cut off the bridge ({PREFIX}-supplier's link "
                              f"{layout.org('supplier').host_link} is down):")
    assert f"`recfin network netns restore supplier --folder {folder.resolve()} --prefix {PREFIX} " \
           f"--subnet {SUBNET}`" in message
    assert ip.changes == []


def test_up_names_netns_up_for_an_org_whose_namespace_end_is_down(namespaced, fake_fabric, monkeypatch):
    ip, layout, placed, folder = namespaced
    bank = layout.org("bank")
    ip.links[bank.netns][bank.ns_link] = (False, bank.address)       # a `netns up` stopped half-way
    with pytest.raises(NamespaceError) as refused:
        _up_to_its_first_step(placed, monkeypatch)
    message = str(refused.value)
    assert message.startswith(f"org bank is cut off the bridge ({PREFIX}-bank's link {bank.ns_link} in its "
                              f"namespace is down or has no address):")
    assert f"`recfin network netns up --folder {folder.resolve()} --prefix {PREFIX} --subnet {SUBNET}`" in message


def test_up_goes_on_where_every_org_is_connected(namespaced, fake_fabric, monkeypatch):
    _, _, placed, _ = namespaced
    assert _up_to_its_first_step(placed, monkeypatch) == "past the namespace checks"


def test_chaincode_restart_refuses_before_stopping_a_server(namespaced, fake_fabric, monkeypatch):
    ip, layout, placed, folder = namespaced
    data_root = placed.resolved_data_root()
    ccservers.save_deployment(data_root, ccservers.Deployment(
        "receivables", "1.0", 1, placed.chaincode.contract, None, None, 0,
        {org.msp_id: f"receivables_1.0:{org.name}" for org in placed.orgs}))
    cut(ip, layout, "bank")
    stopped = []
    net = Network(placed, fabric=FabricInstall.locate(), timeout=5, say=lambda _: None)
    monkeypatch.setattr(net.supervisor, "stop", lambda pid_file: stopped.append(pid_file))
    with pytest.raises(NamespaceError, match=r"^org bank is cut off the bridge .*`recfin network netns restore bank "):
        net.start_chaincode_servers(restart=True)
    assert stopped == [] and ip.changes == []


def _nothing_under(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def test_chaincode_deploy_refuses_before_anything_is_written(namespaced, fake_fabric, monkeypatch):
    """A deploy's install and approvals go to every org's peer, and its servers are probed from here: with one org
    cut off, each waited its timeout in turn, the packages and servers of the others left behind."""
    ip, layout, placed, folder = namespaced
    cut(ip, layout, "supplier")
    data_root = placed.resolved_data_root()
    before = _nothing_under(data_root)
    net = Network(placed, fabric=FabricInstall.locate(), timeout=5, say=lambda _: None)
    with pytest.raises(NamespaceError, match=r"^org supplier is cut off the bridge .*`recfin network netns restore "
                                             r"supplier "):
        net.deploy_chaincode()
    assert _nothing_under(data_root) == before and ip.changes == []


def test_org_add_refuses_before_the_channel_is_asked_anything(namespaced, fake_fabric, monkeypatch):
    """An add fetches the channel's config through the orderers, has admins sign and starts the org's peer, which
    joins from the others: with an org cut off, it waited its timeout for an answer that could not come."""
    from network.org_membership import OrgMembership

    ip, layout, placed, folder = namespaced
    cut(ip, layout, "orderer")
    members = OrgMembership(Network(placed, fabric=FabricInstall.locate(), timeout=5, say=lambda _: None))
    monkeypatch.setattr(type(members), "fetch_config", lambda self, via: pytest.fail("the channel was asked"))
    data_root = placed.resolved_data_root()
    before = _nothing_under(data_root)
    with pytest.raises(NamespaceError, match=r"^org orderer is cut off the bridge .*`recfin network netns restore "
                                             r"orderer "):
        members.add("bank2", "bank", "91110000MA1K00007E")
    assert _nothing_under(data_root) == before and ip.changes == []


def _members(placed, monkeypatch):
    """The channel's members, any admin taken as the one the config is fetched through."""
    from network.org_membership import OrgMembership
    members = OrgMembership(Network(placed, fabric=FabricInstall.locate(), timeout=5, say=lambda _: None))
    monkeypatch.setattr(type(members), "_via", lambda self, leaving=None: "bank")
    return members


def _members_never_asking(placed, monkeypatch):
    """The channel's members, the test failing if they ask the channel for its config."""
    members = _members(placed, monkeypatch)
    monkeypatch.setattr(type(members), "fetch_config", lambda self, via, keep=True: pytest.fail("the channel was asked"))
    return members


def test_org_remove_refuses_while_an_org_that_stays_is_cut_off(namespaced, fake_fabric, monkeypatch):
    """The removal's config update went through, then the chaincode deployed again without the org waited in vain
    for the approval of the org cut off: the org gone from the channel, the chaincode still naming it."""
    ip, layout, placed, folder = namespaced
    cut(ip, layout, "bank")
    members = _members_never_asking(placed, monkeypatch)
    with pytest.raises(NamespaceError, match=r"^org bank is cut off the bridge .*`recfin network netns restore bank "):
        members.remove("regulator")
    assert ip.changes == []


class _Asked(Exception):
    pass


def _asked(self, via, keep=True):
    raise _Asked


@pytest.mark.parametrize("removal", [lambda members: members.remove("regulator"),
                                     lambda members: members.plan_remove("regulator", dry_run=True),
                                     lambda members: members.plan_remove("regulator")],
                         ids=["removal", "dry-run", "update-out"])
def test_org_remove_of_the_org_cut_off_itself_goes_on(namespaced, fake_fabric, monkeypatch, removal):
    """Its own peer is stopped, not asked: cutting an org off, then removing it (or showing the removal, or writing
    it to a file with --update-out), is no reason to refuse."""
    ip, layout, placed, folder = namespaced
    cut(ip, layout, "regulator")
    members = _members(placed, monkeypatch)
    monkeypatch.setattr(type(members), "fetch_config", _asked)
    with pytest.raises(_Asked):
        removal(members)


def _refusal(call) -> str:
    with pytest.raises(NamespaceError) as refused:
        call()
    return str(refused.value)


def test_org_add_dry_run_refuses_as_the_add_does(namespaced, fake_fabric, monkeypatch):
    """The dry run said the update would go through where the add itself refuses up front: it makes the same
    check, before the channel is asked anything, and is refused in the same words."""
    ip, layout, placed, folder = namespaced
    cut(ip, layout, "supplier")
    members = _members_never_asking(placed, monkeypatch)
    data_root = placed.resolved_data_root()
    before = _nothing_under(data_root)
    run = _refusal(lambda: members.add("bank2", "bank", "91110000MA1K00007E"))
    dry_run = _refusal(lambda: members.plan_add("bank2", "bank", "91110000MA1K00007E", throwaway_crypto=True))
    assert dry_run == run and dry_run.startswith("org supplier is cut off the bridge ")
    assert _nothing_under(data_root) == before and ip.changes == []


def test_org_remove_dry_run_refuses_as_the_removal_does(namespaced, fake_fabric, monkeypatch):
    ip, layout, placed, folder = namespaced
    cut(ip, layout, "bank")
    members = _members_never_asking(placed, monkeypatch)
    run = _refusal(lambda: members.remove("regulator"))
    dry_run = _refusal(lambda: members.plan_remove("regulator", dry_run=True))
    assert dry_run == run and dry_run.startswith("org bank is cut off the bridge ")
    assert ip.changes == []


def test_org_add_update_out_refuses_as_its_dry_run_does(namespaced, fake_fabric, monkeypatch):
    """--update-out's file was written (the org's crypto made for it) while its dry run, and the add itself, were
    refused up front: the file is planned as the run would be, the channel asked nothing, the data folder as it
    was, in the dry run's words; with --config-block (a config given) too, as for the dry run."""
    from fabric_protos.common import configtx_pb2
    ip, layout, placed, folder = namespaced
    cut(ip, layout, "supplier")
    members = _members_never_asking(placed, monkeypatch)
    data_root = placed.resolved_data_root()
    before = _nothing_under(data_root)
    dry_run = _refusal(lambda: members.plan_add("bank2", "bank", "91110000MA1K00007E", throwaway_crypto=True))
    update_out = _refusal(lambda: members.plan_add("bank2", "bank", "91110000MA1K00007E"))
    offline = _refusal(lambda: members.plan_add("bank2", "bank", "91110000MA1K00007E",
                                                current=configtx_pb2.Config()))
    assert update_out == offline == dry_run and update_out.startswith("org supplier is cut off the bridge ")
    assert _nothing_under(data_root) == before and ip.changes == []


def test_org_add_definition_refuses_as_the_add_without_it_does(namespaced, fake_fabric, monkeypatch, tmp_path):
    """`org add --definition` (its keys made on the company's host) planned the update without the check the other
    `org add` paths make up front: with an org cut off it fetched the config through the orderers and waited its
    timeout, and with --config-block wrote the file the add itself refuses. Now refused in the same words, the
    channel asked nothing, for --update-out, --dry-run and a config given alike."""
    from fabric_protos.common import configtx_pb2

    from network import org_keys
    ip, layout, placed, folder = namespaced
    cut(ip, layout, "supplier")
    definition = org_keys.make(placed, "bank2", "bank", "91110000MA1K00007E", tmp_path / "bank2-keys").definition
    members = _members_never_asking(placed, monkeypatch)
    data_root = placed.resolved_data_root()
    before = _nothing_under(data_root)
    without = _refusal(lambda: members.plan_add("bank2", "bank", "91110000MA1K00007E"))
    for attempt in (lambda: members.plan_add_definition(definition),
                    lambda: members.plan_add_definition(definition, dry_run=True),
                    lambda: members.plan_add_definition(definition, current=configtx_pb2.Config())):
        assert _refusal(attempt) == without
    assert without.startswith("org supplier is cut off the bridge ")
    assert _nothing_under(data_root) == before and ip.changes == []


def test_org_remove_update_out_refuses_as_its_dry_run_does(namespaced, fake_fabric, monkeypatch):
    ip, layout, placed, folder = namespaced
    cut(ip, layout, "bank")
    members = _members_never_asking(placed, monkeypatch)
    dry_run = _refusal(lambda: members.plan_remove("regulator", dry_run=True))
    update_out = _refusal(lambda: members.plan_remove("regulator"))
    assert update_out == dry_run and update_out.startswith("org bank is cut off the bridge ")
    assert ip.changes == []


@pytest.fixture
def removal_file(topology, data_root, tmp_path):
    """regulator's removal as `org remove --update-out` writes it."""
    from network.org_change import plan_remove

    from .channel_fixtures import channel_config
    from .scripted_channel import ScriptedChannel, host
    current = channel_config(topology, data_root)
    writer = host(topology, data_root, ScriptedChannel(topology, current))
    return writer.write_update(plan_remove(topology, data_root, current, "regulator"), tmp_path / "remove.tx")


def test_org_submit_of_a_file_refuses_as_the_add_and_the_removal_do(namespaced, fake_fabric, monkeypatch,
                                                                    bank2_update_file, removal_file):
    """`org submit` sent the update, then started and joined the added org's peer, or deployed the chaincode again
    without the removed org, waiting in vain for the org cut off: refused up front, in the run's words, the channel
    asked nothing. --channel-only, which starts and deploys nothing, goes on."""
    ip, layout, placed, folder = namespaced
    cut(ip, layout, "bank")
    members = _members_never_asking(placed, monkeypatch)
    removal = _refusal(lambda: members.remove("regulator"))
    assert removal.startswith("org bank is cut off the bridge ")
    for path in (bank2_update_file[1], removal_file):
        assert _refusal(lambda: members.submit_update_file(path)) == removal
    assert ip.changes == []
    monkeypatch.setattr(type(members), "fetch_config", _asked)
    monkeypatch.setattr(type(members), "_file_submitter", lambda self, *args: None)
    with pytest.raises(_Asked):
        members.submit_update_file(removal_file, channel_only=True)


def test_org_submit_of_the_removal_of_the_org_cut_off_itself_goes_on(namespaced, fake_fabric, monkeypatch,
                                                                     removal_file):
    ip, layout, placed, folder = namespaced
    cut(ip, layout, "regulator")
    members = _members(placed, monkeypatch)
    monkeypatch.setattr(type(members), "fetch_config", _asked)
    monkeypatch.setattr(type(members), "_file_submitter", lambda self, *args: None)
    with pytest.raises(_Asked):
        members.submit_update_file(removal_file)
