"""`recfin org remove` of a regulator org reads the ledger's claims first: while the key-level policy of a claim names
the org (a frozen claim's, or one whose debtor and holder are parties of one org, names every regulator org), the
removal is refused before anything is sent. Once the org had left, its peer would endorse nothing, so no change of
such a claim could ever be endorsed again, its unfreeze included.

The channel has two regulator orgs, regulator (topology.yaml's) and regulator2 (added). Its config calls go to the
scripted `peer` CLI (scripted_channel.py); the claims are read by the command's own reader (cli/org_commands.py)
from the real receivables contract on MemoryLedger (tests/unit/ledger_contract.py), through a stand-in for
``cli.connection.open_session``.
"""
from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest

from chaincode.contract import Contract, ContractRouter
from chaincode.receivables import ReceivablesContract
from chaincode.receivables.config import NetworkConfig
from chaincode.testing import make_identity
from cli import connection
from client.gateway.errors import ErrorDetail, EvaluateError
from cli.org_commands import _claims_check
from network import contract_config, membership
from network.errors import NetworkError
from network.org_change import OrgChangeError
from network.org_membership import ClaimsCheck, ClaimsUnreadable
from tests.unit.ledger_contract import Channel
from tests.unit.receivables_client.test_endorsement import claim, register

from .channel_fixtures import channel_config
from .scripted_channel import ScriptedChannel, host, with_org_recorded
from .test_org_membership import _removal_file

ORDER = "(2026) Hu 0101 Bao 123"


@pytest.fixture
def grown(topology, data_root):
    """regulator2 added and recorded here, its crypto made: the channel's fifth org, its second regulator org."""
    regulator2 = membership.new_org_spec(topology, "regulator2", "regulator")
    return with_org_recorded(topology, data_root, regulator2)


@pytest.fixture
def channel(fake_fabric, grown, data_root):
    return ScriptedChannel(grown, channel_config(grown, data_root))


def ledger_of(config: NetworkConfig, monkeypatch):
    """The contract on its own ledger, its parties registered (regulator2's users act for no party), and
    ``connection.open_session`` answering as each org's first user: the sessions opened are kept."""
    ledger = Channel(config)
    parties = SimpleNamespace(
        core=register(ledger, 1, "CoreEnterpriseMSP", "core_enterprise", "core"),
        tier1=register(ledger, 2, "SupplierMSP", "supplier", "tier1"),
        regulator=register(ledger, 3, "RegulatorMSP", "regulator", "regulator"),
        opened=[])
    clients = {"regulator": parties.regulator.client,
               "regulator2": ledger.client(make_identity("Regulator2MSP", "inspector1"))}

    @contextmanager
    def open_session(org, user=None, data_root=None, **_kwargs):
        parties.opened.append(f"{org}/{user}" if user else org)
        if org not in clients:
            raise NetworkError(f"no connection profile of {org}")
        yield SimpleNamespace(client=clients[org])

    monkeypatch.setattr(connection, "open_session", open_session)
    parties.ledger = ledger
    return parties


def claims_read(members) -> ClaimsCheck:
    return _claims_check(members.root, None, False)


def assert_nothing_sent(channel, data_root):
    assert channel.updates == []
    assert membership.load_state(data_root)["removed"] == []


def test_a_regulator_org_is_not_removed_while_a_claim_it_guards_is_frozen(
        channel, grown, topology, data_root, tmp_path, monkeypatch):
    parties = ledger_of(contract_config.network_config(grown), monkeypatch)
    frozen = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000001")
    claim(parties.ledger, parties.tier1, parties.core, "26312000000000000002")       # live, not frozen: no matter
    parties.regulator.client.freeze(frozen, ORDER)
    members = host(topology, data_root, channel)

    for attempt in (lambda: members.remove("regulator2", claims=claims_read(members)),
                    lambda: members.plan_remove("regulator2", claims=claims_read(members))):   # --dry-run, --update-out
        with pytest.raises(OrgChangeError) as refused:
            attempt()
        message = str(refused.value)
        assert message.startswith("regulator2 (Regulator2MSP) is a regulator org, and the key-level policy of claims "
                                  f"names it: 1 frozen ({frozen} by order {ORDER})")
        assert "Stopped before anything was sent" in message
        # the way out: lift the freeze as the leaving org, remove it, freeze again as the org that stays
        assert "`recfin regulator unfreeze ID --order LIFTING-REF --lifts FREEZE-ORDER --as regulator2`" in message
        assert "`recfin regulator freeze ID --order FREEZE-ORDER --as regulator`" in message
    # regulator2's first user acts for no party, so the claims were read as regulator's
    assert parties.opened[:2] == ["regulator2", "regulator"]
    assert_nothing_sent(channel, data_root)

    # a removal written elsewhere (no check there) is refused where it is submitted
    path = _removal_file(members, members.fetch_config("bank"), "regulator2", tmp_path)
    with pytest.raises(OrgChangeError, match=f"1 frozen \\({frozen} by order"):
        members.submit_update_file(path, channel_only=True, claims=claims_read(members))
    assert_nothing_sent(channel, data_root)


def test_the_refusal_names_every_order_of_a_frozen_claim_queued_ones_too(
        channel, grown, topology, data_root, monkeypatch):
    """Each order must be lifted and imposed again, and once the last is lifted the claim keeps only that one: the
    refusal names them all, in their order, before anything is lifted."""
    parties = ledger_of(contract_config.network_config(grown), monkeypatch)
    frozen = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000001")
    for order in (ORDER, f"{ORDER}-2", f"{ORDER}-3"):
        parties.regulator.client.freeze(frozen, order)
    members = host(topology, data_root, channel)
    with pytest.raises(OrgChangeError) as refused:
        members.remove("regulator2", claims=claims_read(members))
    message = str(refused.value)
    assert f"1 frozen ({frozen} by order {ORDER} with {ORDER}-2, {ORDER}-3 queued behind it)" in message, message
    assert "`recfin receivable get ID` lists them" in message
    assert "`recfin receivable history ID` keeps the dates they were first recorded on" in message
    assert_nothing_sent(channel, data_root)


def test_once_no_claim_is_frozen_the_regulator_org_is_removed(channel, grown, topology, data_root, monkeypatch):
    parties = ledger_of(contract_config.network_config(grown), monkeypatch)
    thawed = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000001")
    parties.regulator.client.freeze(thawed, ORDER)
    parties.regulator.client.unfreeze(thawed, f"{ORDER} lifted")
    members = host(topology, data_root, channel)
    channel.after = channel_config(topology, data_root)            # the channel once regulator2 is gone
    finished = []
    monkeypatch.setattr(members, "_after_remove",
                        lambda org, policy=None, current=None, stranded=None: finished.append(org.name))

    change = members.remove("regulator2", claims=claims_read(members))

    assert change.verdict.ok and len(channel.updates) == 1       # sent
    assert finished == ["regulator2"]
    assert "regulator" in parties.opened                          # once the claims were read


def test_a_claim_frozen_before_the_regulator_org_joined_does_not_keep_it(channel, grown, topology, data_root,
                                                                         monkeypatch):
    """A key keeps the regulator orgs of the transaction that last wrote its policy: a claim frozen while regulator
    was the only regulator org names RegulatorMSP alone, so regulator2's leaving strands nothing of it."""
    parties = ledger_of(contract_config.network_config(topology), monkeypatch)     # before regulator2 joined
    frozen_before = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000001")
    parties.regulator.client.freeze(frozen_before, ORDER)
    assert "Regulator2MSP" not in parties.regulator.client.receivable_endorsers(frozen_before)
    members = host(topology, data_root, channel)

    assert members.plan_remove("regulator2", claims=claims_read(members)).verdict.ok

    # the chaincode deployed again for the five orgs (`org add regulator2`): a claim frozen now names regulator2
    parties.ledger.ledger.router = ContractRouter([ReceivablesContract(contract_config.network_config(grown))])
    frozen_after = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000002")
    parties.regulator.client.freeze(frozen_after, f"{ORDER}-2")
    with pytest.raises(OrgChangeError) as refused:
        members.plan_remove("regulator2", claims=claims_read(members))
    message = str(refused.value)
    assert f"1 frozen ({frozen_after} by order {ORDER}-2)" in message and frozen_before not in message
    assert "GetReceivableEndorsers" not in message                 # the keys were read, not derived
    assert_nothing_sent(channel, data_root)


def test_a_contract_without_the_endorsers_query_refuses_by_todays_regulator_orgs_and_says_so(
        channel, grown, topology, data_root, monkeypatch):
    # a contract deployed before GetReceivableEndorsers existed refuses it as a function it does not have; its
    # transactions are narrowed, not the class's attribute deleted: put back, it would be listed last of all, and
    # the metadata's order is what other tests check
    def without_endorsers_query(contract):
        return {name: found for name, found in Contract.transactions(contract).items()
                if name != "GetReceivableEndorsers"}
    monkeypatch.setattr(ReceivablesContract, "transactions", without_endorsers_query)
    parties = ledger_of(contract_config.network_config(topology), monkeypatch)
    frozen = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000001")
    parties.regulator.client.freeze(frozen, ORDER)
    members = host(topology, data_root, channel)

    with pytest.raises(OrgChangeError) as refused:
        members.plan_remove("regulator2", claims=claims_read(members))
    message = str(refused.value)
    assert f"1 frozen ({frozen} by order {ORDER})" in message
    assert "As the contract deployed does not answer GetReceivableEndorsers (an earlier version), these are" in message
    assert "one frozen before Regulator2MSP joined does not name it and may be listed all the same" in message
    assert "before lifting a freeze, deploy the current contract and run this again" in message
    assert_nothing_sent(channel, data_root)


@pytest.mark.parametrize("sends_nothing", [False, True], ids=["remove", "dry run"])
def test_claims_read_whose_keys_policies_cannot_be_read_refuse_by_todays_regulator_orgs_a_dry_run_too(
        channel, grown, topology, data_root, monkeypatch, sends_nothing):
    """The claims were read and one is frozen, but the query of its key's orgs fails (a peer timing out): the claims
    are judged by today's regulator orgs, and a dry run refuses as the removal would rather than call them unchecked."""
    parties = ledger_of(contract_config.network_config(grown), monkeypatch)
    frozen = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000001")
    parties.regulator.client.freeze(frozen, ORDER)
    members = host(topology, data_root, channel)
    check = claims_read(members)

    def query_fails(claim_ids, regulator_orgs):
        raise ClaimsUnreadable("as regulator2: DEADLINE_EXCEEDED; as regulator: DEADLINE_EXCEEDED")
    check = ClaimsCheck(read=check.read, endorsers=query_fails, sends_nothing=sends_nothing)

    with pytest.raises(OrgChangeError) as refused:
        members.plan_remove("regulator2", claims=check)
    message = str(refused.value)
    assert f"1 frozen ({frozen} by order {ORDER})" in message
    assert "As their keys' policies could not be read (as regulator2: DEADLINE_EXCEEDED;" in message
    assert "could not be read to find them" not in message
    assert_nothing_sent(channel, data_root)


def test_a_claim_of_one_orgs_parties_keeps_its_regulator_orgs_too(channel, grown, topology, data_root, monkeypatch):
    """A configuration may let one org's parties be both a core enterprise and a supplier: such a claim's key names
    its org and every regulator org, frozen or not."""
    roles = contract_config.network_config(grown).org_roles
    config = NetworkConfig(org_roles={**roles, "CoreEnterpriseMSP": ("core_enterprise", "supplier")})
    parties = ledger_of(config, monkeypatch)
    own_supplier = register(parties.ledger, 4, "CoreEnterpriseMSP", "supplier", "core-supplier")
    one_org = claim(parties.ledger, own_supplier, parties.core, "26312000000000000003")
    members = host(topology, data_root, channel)

    with pytest.raises(OrgChangeError) as refused:
        members.plan_remove("regulator2", claims=claims_read(members))
    message = str(refused.value)
    assert f"1 whose debtor and holder are parties of one org ({one_org})" in message
    assert " frozen (" not in message                       # it names no frozen claim
    assert "settled, or transferred by its holder to a party of another org, first" in message
    assert_nothing_sent(channel, data_root)


def test_claims_that_cannot_be_read_refuse_the_removal_unless_the_operator_confirms(
        channel, grown, topology, data_root, monkeypatch):
    parties = ledger_of(contract_config.network_config(grown), monkeypatch)
    members = host(topology, data_root, channel)
    for check, why in [(_claims_check(members.root, "bank", False), "as bank: no connection profile of bank"),
                       (ClaimsCheck(), "nothing here reads the ledger")]:
        with pytest.raises(OrgChangeError) as refused:
            members.remove("regulator2", claims=check)
        message = str(refused.value)
        assert "The claims could not be read to find them (" in message and why in message
        assert "--claims-as ORG/USER" in message and "run it again with --no-claim-check" in message
    assert_nothing_sent(channel, data_root)
    assert parties.opened == ["bank"]                     # --claims-as names the one identity that reads

    said = []
    members.net.say = said.append
    assert members.plan_remove("regulator2", claims=_claims_check(members.root, None, True)).verdict.ok
    assert parties.opened == ["bank"]                     # --no-claim-check: nothing read
    assert any("claims not read (--no-claim-check)" in line for line in said)


def test_a_removal_that_sends_nothing_warns_of_claims_it_cannot_read(channel, grown, topology, data_root, monkeypatch):
    parties = ledger_of(contract_config.network_config(grown), monkeypatch)
    frozen = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000001")
    parties.regulator.client.freeze(frozen, ORDER)
    members = host(topology, data_root, channel)
    said = []
    members.net.say = said.append

    unreadable = _claims_check(members.root, "bank", False, sends_nothing=True)     # bank has no profile here
    assert members.plan_remove("regulator2", claims=unreadable).verdict.ok
    assert any("claims not checked (as bank: no connection profile of bank): the removal and `org submit` check "
               "them" in line for line in said)
    # claims that are read still refuse it: a frozen claim found is no guess
    with pytest.raises(OrgChangeError, match=f"1 frozen \\({frozen} by order"):
        members.plan_remove("regulator2", claims=_claims_check(members.root, None, False, sends_nothing=True))
    assert_nothing_sent(channel, data_root)


def test_an_org_whose_parties_may_not_be_the_regulator_is_removed_without_reading_claims(topology, data_root):
    members = host(topology, data_root, ScriptedChannel(topology, channel_config(topology, data_root)))
    members.check_claims_without(topology.org("bank"), ClaimsCheck())      # no reader, and none needed


@pytest.mark.parametrize("how", ["org remove", "org submit"])
def test_a_removal_from_the_channel_scans_for_the_chaincode_it_strands_once(channel, grown, topology, data_root,
                                                                            tmp_path, monkeypatch, how):
    """The scan that refuses a removal stranding another chaincode is the one the steps after the update print
    from: the deployments are not read again for it."""
    members = host(topology, data_root, channel)
    channel.after = channel_config(topology, data_root)            # the channel once regulator2 is gone
    scanned = []
    scan = members.stranded_without
    monkeypatch.setattr(members, "stranded_without",
                        lambda org, current: scanned.append(org.name) or scan(org, current))
    unread = ClaimsCheck(skipped=True)
    if how == "org remove":
        members.remove("regulator2", claims=unread)
    else:
        members.submit_update_file(_removal_file(members, members.fetch_config("bank"), "regulator2", tmp_path),
                                   claims=unread)
    assert len(channel.updates) == 1 and "regulator2" in membership.load_state(data_root)["removed"]
    assert scanned == ["regulator2"]


@pytest.mark.parametrize("message, answer", [
    ("chaincode response 500, function 'receivables:GetReceivableEndorsers' is not a transaction of contract "
     "'receivables'", None),
    ("chaincode response 500, DEADLINE_EXCEEDED", ClaimsUnreadable),
])
def test_a_chaincode_without_the_endorsers_query_is_told_from_a_failing_read(
        grown, data_root, monkeypatch, message, answer):
    """A chaincode deployed before GetReceivableEndorsers refuses it as a transaction it does not have, said in the
    peer's detail: the keys' orgs are then unknown (None), not unreadable; any other failure leaves them unread."""
    parties = ledger_of(contract_config.network_config(grown), monkeypatch)
    frozen = claim(parties.ledger, parties.tier1, parties.core, "26312000000000000001")

    def refused(claim_id):
        raise EvaluateError("evaluate call to endorser returned error", transaction_id="t",
                            details=[ErrorDetail("peer0.regulator:7051", "RegulatorMSP", message)])
    monkeypatch.setattr(parties.regulator.client, "receivable_endorsers", refused)
    endorsers = _claims_check(data_root, "regulator", False).endorsers
    if answer is None:
        assert endorsers([frozen], []) is None
    else:
        with pytest.raises(answer, match="DEADLINE_EXCEEDED"):
            endorsers([frozen], [])
