"""The contract's configuration comes from the deployment: RECFIN_NETWORK_CONFIG names the file."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import collections
from chaincode.receivables import config as cfg
from chaincode.receivables.config import DEFAULT_CONFIG, NetworkConfig, NetworkConfigError

from .support import BANK, CORE, SUPPLIER, Actor, Net, admin_identity, transient_terms

BANK2 = "Bank2MSP"
WITH_BANK2 = NetworkConfig(org_roles={**DEFAULT_CONFIG.org_roles, BANK2: ("financier",)})


def written(tmp_path, config: NetworkConfig | dict, name: str = "network_config.json"):
    path = tmp_path / name
    path.write_text(cfg.to_json(config) if isinstance(config, NetworkConfig) else json.dumps(config))
    return path


def test_without_the_variable_the_default_configuration_applies():
    assert cfg.load_config({}) is DEFAULT_CONFIG
    assert cfg.load_config({cfg.CONFIG_ENV: ""}) is DEFAULT_CONFIG


def test_the_named_file_is_loaded(tmp_path):
    path = written(tmp_path, WITH_BANK2)
    loaded = cfg.load_config({cfg.CONFIG_ENV: str(path)})
    assert loaded == WITH_BANK2 and loaded.msps_with_role("financier") == [BANK2, BANK]


def test_a_missing_file_is_named_with_the_variable_and_what_to_do(tmp_path):
    missing = tmp_path / "absent.json"
    with pytest.raises(NetworkConfigError) as err:
        cfg.load_config({cfg.CONFIG_ENV: str(missing)})
    message = str(err.value)
    assert message.startswith(f"RECFIN_NETWORK_CONFIG={missing}: cannot read it")
    assert "recfin chaincode deploy" in message and "unset RECFIN_NETWORK_CONFIG" in message


@pytest.mark.parametrize("change, where, what", [
    ({"org_roles": {BANK2: ["lender"]}}, "org_roles", "org_roles.Bank2MSP: lender is not one of"),
    ({"max_payment_term_days": 0}, "max_payment_term_days", "0 days: a claim may fall due at most that many"),
    ({"require_attestation": "sometimes"}, "require_attestation", "is not true or false"),
    ({"surprise": 1}, "surprise", "Extra inputs are not permitted"),
])
def test_a_bad_field_is_named_with_the_file(tmp_path, change, where, what):
    doc = json.loads(cfg.to_json(DEFAULT_CONFIG)) | change
    path = written(tmp_path, doc)
    with pytest.raises(NetworkConfigError) as err:
        cfg.load_config({cfg.CONFIG_ENV: str(path)})
    assert str(err.value).startswith(f"{path}: {where}")
    assert what in str(err.value)


@pytest.mark.parametrize("org_roles, what", [
    ({}, "org_roles: names no org, so no party could register"),
    ({**DEFAULT_CONFIG.org_roles, BANK2: []}, f"org_roles.{BANK2} is empty: give the org the role"),
    ({**DEFAULT_CONFIG.org_roles, BANK2: ["financier", "financier"]},
     f"org_roles.{BANK2} names financier more than once"),
    # with the bank's org the regulator's too, a freeze of a claim it finances would add no org to the claim's
    # key-level policy: the debtor's, the holder's and the bank's orgs could lift it between them
    ({**{msp: roles for msp, roles in DEFAULT_CONFIG.org_roles.items() if msp != "RegulatorMSP"},
      BANK: ["financier", "regulator"]}, f"org_roles.{BANK} gives the regulator role with financier: "),
    ({**DEFAULT_CONFIG.org_roles, "RegulatorMSP": ["supplier", "regulator"]},
     "org_roles.RegulatorMSP gives the regulator role with supplier: "),
], ids=["no org", "an org without a role", "a role twice", "the bank regulates", "the regulator supplies"])
def test_org_roles_no_configuration_could_work_with_stop_the_server_naming_the_file(tmp_path, org_roles, what):
    doc = json.loads(cfg.to_json(DEFAULT_CONFIG)) | {"org_roles": org_roles}
    path = written(tmp_path, doc)
    with pytest.raises(NetworkConfigError) as err:
        cfg.load_config({cfg.CONFIG_ENV: str(path)})
    assert str(err.value).startswith(f"{path}: org_roles: ")
    assert what in str(err.value)


def test_a_missing_field_and_broken_json_are_named(tmp_path):
    path = written(tmp_path, {"max_payment_term_days": 30})
    with pytest.raises(NetworkConfigError, match="network_config.json: org_roles: Field required"):
        cfg.read_config(path)
    path.write_text('{"org_roles": {\n  "BankMSP": [financier]}')
    with pytest.raises(NetworkConfigError, match="not valid JSON at line 2"):
        cfg.read_config(path)


def test_the_digest_ignores_formatting_and_tags_the_version(tmp_path):
    path = tmp_path / "compact.json"
    path.write_text(json.dumps(json.loads(cfg.to_json(WITH_BANK2)), separators=(",", ":")))
    assert cfg.digest(cfg.read_config(path)) == cfg.digest(WITH_BANK2) != cfg.digest(DEFAULT_CONFIG)
    version = cfg.tagged_version("1.0", WITH_BANK2)
    assert version == f"1.0+cfg.{cfg.digest(WITH_BANK2)[:12]}"
    assert cfg.tagged_version(version, DEFAULT_CONFIG).startswith("1.0+cfg.")      # re-tagged, not stacked
    assert cfg.untagged_version(version) == "1.0" and cfg.version_digest("1.0") is None


def test_a_package_approved_for_another_configuration_refuses_the_file(tmp_path):
    path = written(tmp_path, WITH_BANK2)
    approved = {cfg.CONFIG_ENV: str(path), cfg.PACKAGE_ENV: f"receivables_{cfg.tagged_version('1.0', WITH_BANK2)}:ab"}
    assert cfg.load_config(approved) == WITH_BANK2
    stale = approved | {cfg.PACKAGE_ENV: f"receivables_{cfg.tagged_version('1.0', DEFAULT_CONFIG)}:ab"}
    with pytest.raises(NetworkConfigError, match=f"{path}: its digest .* is not cfg"):
        cfg.load_config(stale)
    with pytest.raises(NetworkConfigError, match="the default configuration"):
        cfg.load_config({cfg.PACKAGE_ENV: approved[cfg.PACKAGE_ENV]})
    assert cfg.load_config({cfg.PACKAGE_ENV: "receivables_1.0:ab"}) is DEFAULT_CONFIG   # untagged: no check


@pytest.mark.parametrize("tag", [None, "", cfg.digest(WITH_BANK2)[:4]],
                         ids=["untagged", "an empty tag", "the file's digest, too short to tell"])
def test_a_package_that_names_no_configuration_digest_refuses_the_file(tmp_path, tag):
    """A file is run only as the configuration of a package made for it: every label `recfin chaincode deploy`
    writes names the file's digest in 12 hex digits, so a label naming none (a package built by hand), or fewer
    (which many another file's digest would start with too), names no approval of it."""
    label = "receivables_1.0" if tag is None else f"receivables_1.0+cfg.{tag}"
    path = written(tmp_path, WITH_BANK2)
    with pytest.raises(NetworkConfigError) as err:
        cfg.load_config({cfg.CONFIG_ENV: str(path), cfg.PACKAGE_ENV: f"{label}:ab"})
    message = str(err.value)
    assert message.startswith(f"{path}: chaincode package {label} names no configuration digest")
    assert f"its label ends in +cfg.{cfg.digest(WITH_BANK2)[:12]}" in message
    if not tag:         # no file, no digest: the default configuration, as before
        assert cfg.load_config({cfg.PACKAGE_ENV: f"{label}:ab"}) is DEFAULT_CONFIG


def test_the_contract_runs_with_the_deployments_file(tmp_path, monkeypatch):
    from chaincode.receivables import ReceivablesContract

    monkeypatch.setenv(cfg.CONFIG_ENV, str(written(tmp_path, WITH_BANK2)))
    contract = ReceivablesContract()
    assert contract.config == WITH_BANK2
    assert f"terms-{SUPPLIER}-{BANK2}" in contract.collection_names
    monkeypatch.setenv(cfg.CONFIG_ENV, str(tmp_path / "absent.json"))
    with pytest.raises(NetworkConfigError, match="absent.json"):
        ReceivablesContract()


def test_collections_derived_from_a_configuration_naming_a_new_bank_include_its_pair():
    names = {c["name"] for c in collections.collections_config(WITH_BANK2)}
    assert names == {f"terms-{SUPPLIER}-{BANK}", f"terms-{SUPPLIER}-{BANK2}"}
    assert collections.endorsement_policy(WITH_BANK2, principal="peer").count(".peer'") == 5


async def test_a_financier_of_a_bank_the_configuration_names_registers_and_offers():
    net = Net(WITH_BANK2)
    core = await net.party("core", CORE, "core_enterprise")
    tier1 = await net.party("tier1", SUPPLIER, "supplier")
    second = await net.party("second", BANK2, "financier", "Second Commercial Bank")
    r = await net.confirmed(tier1, core, 500_000_00)
    financing, offer = await net.offered(tier1, r["id"], second)
    assert offer["financier"] == second.uscc
    assert f"terms-{SUPPLIER}-{BANK2}" in net.ledger.private_state


async def test_under_the_default_configuration_that_bank_cannot_register():
    net = Net()
    admin = Actor(f"admin@{BANK2}", BANK2, admin_identity(BANK2, f"admin-{BANK2}"))
    await net.refused(admin, "RegisterParty",
                      {"uscc": "91110000MA1K00007E", "name": "Second Commercial Bank", "role": "financier",
                       "msp_id": BANK2, "client_ids": ["x509::CN=officer1::CN=ca"]},
                      rule="role-not-allowed-for-org")


async def test_a_party_whose_org_may_no_longer_hold_its_role_acts_in_no_role():
    from .support import standard_net

    net = await standard_net()
    core, tier1, bank, regulator = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    r = await net.confirmed(tier1, core, 100_000_00)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    # a new definition takes the financier role from BankMSP and the regulator role from RegulatorMSP; the party
    # records still say financier and regulator
    net.contract.config = DEFAULT_CONFIG.model_copy(update={"org_roles": {
        **DEFAULT_CONFIG.org_roles, BANK: ("core_enterprise",), "RegulatorMSP": ()}})
    message = await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(),
                                rule="role-not-allowed-for-org")
    assert f"is registered as a financier, but this network's configuration lets parties of {BANK} be " \
           "core_enterprise (org_roles): it acts in no role" in message
    await net.refused(bank, "GetFinancing", f["id"], evaluate=True, rule="role-not-allowed-for-org")
    for fn, args in (("GetStatistics", ()), ("GetReceivable", (r["id"],))):  # reads the role alone granted
        message = await net.refused(regulator, fn, *args, evaluate=True, rule="role-not-allowed-for-org")
        assert "lets parties of RegulatorMSP be no role" in message
    await net.refused(regulator, "FreezeReceivable", r["id"], "ORDER-1", rule="role-not-allowed-for-org")
    # the orgs whose roles stand act as before
    assert (await net.ok(tier1, "GetReceivable", r["id"], evaluate=True))["id"] == r["id"]
    await net.ok(tier1, "WithdrawFinancing", f["id"])


async def test_a_claim_cannot_go_to_or_be_owed_by_a_party_whose_org_may_no_longer_hold_its_role():
    """Such a party acts in no role: a claim it received, or owed, could never be acted on by it."""
    from .support import CORE, standard_net

    config = DEFAULT_CONFIG.model_copy(update={"org_roles": {**DEFAULT_CONFIG.org_roles, BANK: ("financier", "supplier")}})
    net = await standard_net(config)
    core, tier1 = net.actors["core"], net.actors["tier1"]
    bank_supplier = await net.party("bank_sup", BANK, "supplier")
    r = await net.confirmed(tier1, core, 100_000)
    # a new definition takes "supplier" from BankMSP and "core_enterprise" from CoreEnterpriseMSP
    net.contract.config = config.model_copy(update={"org_roles": {**config.org_roles, BANK: ("financier",), CORE: ()}})
    before = dict(net.ledger.state)
    message = await net.refused(tier1, "TransferReceivable", r["id"], bank_supplier.uscc, "100",
                                rule="role-not-allowed-for-org")
    assert f"is registered as a supplier, but this network's configuration lets parties of {BANK} be financier " \
           "(org_roles): it takes part in no role" in message
    message = await net.refused(tier1, "RegisterReceivable", net.registration(tier1, core, 1000),
                                rule="role-not-allowed-for-org")
    assert f"lets parties of {CORE} be no role (org_roles): it takes part in no role" in message
    assert net.ledger.state == before


async def test_an_offer_for_a_holder_org_the_configuration_derives_no_collection_for_is_refused():
    """Terms go to the collection of the holder's org and the bank's, derived from the configuration's suppliers
    and banks. A request made before a new definition took the supplier role from the holder's org has no such
    collection any more: the offer is refused, naming the pair, and nothing is written (``net.refused``)."""
    from chaincode.contract import ContractRouter
    from chaincode.receivables import ReceivablesContract

    from .support import standard_net

    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 100_000_00)
    f = await net.ok(tier1, "RequestFinancing", r["id"])
    # the new definition's chaincode servers start with a configuration whose suppliers are another org's
    moved = DEFAULT_CONFIG.model_copy(update={"org_roles": {**DEFAULT_CONFIG.org_roles, SUPPLIER: (),
                                                            "Supplier2MSP": ("supplier",)}})
    net.ledger.router = ContractRouter([ReceivablesContract(moved)])
    message = await net.refused(bank, "MakeFinancingOffer", f["id"], transient=transient_terms(), rule="no-collection")
    assert f"no private data collection terms-{SUPPLIER}-{BANK} for {SUPPLIER} and {BANK}" in message


async def test_an_offer_of_a_bank_whose_org_may_no_longer_finance_cannot_be_accepted():
    """Its bank could never disburse, and the claim, FINANCED to it, would wait on a financier that cannot act."""
    from .support import standard_net

    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 100_000_00)
    f, offer = await net.offered(tier1, r["id"], bank)
    # a new definition takes the financier role from BankMSP after the offer was made
    net.contract.config = DEFAULT_CONFIG.model_copy(update={"org_roles": {**DEFAULT_CONFIG.org_roles, BANK: ()}})
    message = await net.refused(tier1, "AcceptFinancingOffer", offer["id"], rule="role-not-allowed-for-org")
    assert f"lets parties of {BANK} be no role (org_roles): it takes part in no role" in message
    assert (await net.ok(tier1, "GetReceivable", r["id"], evaluate=True))["status"] == "CONFIRMED"
    await net.ok(tier1, "WithdrawFinancing", f["id"])
