"""`OrgMembership` refuses to submit an update its signatures cannot carry, and says whose are missing.

What is tested is what happens before anything reaches the ordering service, so the `peer`
CLI is a script that hands out a saved config block for `peer channel fetch config` and
records any `peer channel update`; no part of Fabric is imitated beyond that transport.
"""
from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import pytest
import yaml

from network import Network, bundle, config_signing, crypto, membership, org_change
from network import channel_config as channel_config_module
from network.errors import NetworkError, TopologyError
from network.org_change import OrgChangeError
from network.org_definition import decode_msp, msp_value
from network.org_membership import OrgMembership, PolicyNotSatisfiedError
from network.topology import address_refusal

from .channel_fixtures import channel_config, config_block

CODE = "91110000MA1K00007E"


@pytest.fixture
def channel_peer(fake_fabric, tmp_path, topology, data_root):
    """A `peer` whose fetch returns the channel's config block; returns the file submissions go to."""
    block = tmp_path / "current.block"
    block.write_bytes(config_block(channel_config(topology, data_root), topology.channel).SerializeToString())
    submitted = tmp_path / "submitted.txt"
    peer = fake_fabric / "bin" / "peer"
    peer.write_text(f"""#!/bin/sh
case "$1 $2" in
  "channel fetch") cp {block} "$4"; exit 0;;
  "channel update") echo "$@" >> {submitted}; [ -f {block}.after ] && cp {block}.after {block}; exit 0;;
esac
echo "not handled: $*" >&2
exit 1
""")
    peer.chmod(0o755)
    return submitted


def test_add_with_one_admin_names_the_missing_ones_and_sends_nothing(channel_peer, topology, data_root):
    lines = []
    members = OrgMembership(Network(topology, data_root=data_root, say=lines.append))
    with pytest.raises(PolicyNotSatisfiedError) as refused:
        members.add("bank2", "bank", CODE, sign_as=["bank"])
    message = str(refused.value)
    assert message.startswith("not submitted: /Channel/Application/Admins (MAJORITY Admins) needs 3 of 4 org admins")
    assert "missing 2 of CoreEnterpriseMSP, RegulatorMSP, SupplierMSP" in message and "--sign-as" in message
    assert not channel_peer.exists()
    assert membership.load_state(data_root) == {"added": [], "removed": []}
    assert [o.name for o in members.topology.orgs] == [o.name for o in topology.orgs]


@pytest.mark.parametrize("step", ["add", "plan_add"])
def test_a_new_org_gets_its_crypto_folder_although_the_channel_exists(channel_peer, topology, data_root, step,
                                                                      monkeypatch):
    # the channel's genesis block is there: an org's folder missing is refused unless the org is the one added
    block = data_root / "channel" / f"{topology.channel}.block"
    block.parent.mkdir(parents=True)
    block.write_bytes(b"genesis block stand-in")
    members = OrgMembership(Network(topology, data_root=data_root))
    if step == "add":
        # sent with enough signatures; what follows the update (the orderer taking it, the peer) is not tested here
        monkeypatch.setattr(members, "_wait_for_config", lambda *_args, **_kwargs: None)
        monkeypatch.setattr(members, "_after_add", lambda spec, grown: None)
        members.add("bank2", "bank", CODE, sign_as=["bank", "supplier", "regulator"])
        assert channel_peer.read_text().split()[:2] == ["channel", "update"]
    else:
        members.plan_add("bank2", "bank", CODE, sign_as=["bank"])      # planned, nothing submitted
        assert not channel_peer.exists()
    spec = membership.new_org_spec(topology, "bank2", "bank", CODE)
    assert crypto.ca_files_problem(crypto.org_crypto(data_root, spec.name, spec.domain)) is None


def test_an_add_refused_for_its_signatures_writes_nothing_and_the_corrected_one_goes_through(
        channel_peer, topology, data_root, monkeypatch):
    """The policy is checked before the org's crypto is made: a refused `org add` leaves no folder whose users
    (named after the first --role, carrying the first --enterprise) would refuse the corrected command."""
    before = _tree(data_root / "crypto"), membership.load_state(data_root)
    members = OrgMembership(Network(topology, data_root=data_root))
    with pytest.raises(PolicyNotSatisfiedError, match="missing 2 of CoreEnterpriseMSP, RegulatorMSP, SupplierMSP"):
        members.add("acme", "bank", CODE, sign_as=["bank"])
    assert (_tree(data_root / "crypto"), membership.load_state(data_root)) == before
    assert not (data_root / "crypto" / "acme").exists()
    assert not channel_peer.exists()

    other = "91310000MA1K00002C"                       # the corrected role and enterprise
    dry_run = members.plan_add("acme", "supplier", other, throwaway_crypto=True)
    assert dry_run.verdict.ok and org_change.parties_of(dry_run.org)["enterprises"] == [other]
    monkeypatch.setattr(members, "_wait_for_config", lambda *_args, **_kwargs: None)
    monkeypatch.setattr(members, "_after_add", lambda spec, grown: None)
    added = members.add("acme", "supplier", other)
    assert added.verdict.ok and channel_peer.read_text().split()[:2] == ["channel", "update"]
    paths = crypto.org_crypto(data_root, "acme", added.org.domain)
    assert crypto.cert_attrs(crypto.client_certificate(paths, "supplier1"))["recfin.enterprise"] == other


def _lose_admin(topology, data_root, org, lost):
    """The org admin's MSP folder gone ("admin folder"), or its keystore emptied ("admin key"); returns the folder."""
    spec = topology.org(org)
    msp = crypto.org_crypto(data_root, spec.name, spec.domain).user_msp(spec.admin)
    if lost == "admin folder":
        shutil.rmtree(msp.parent)
    else:
        for key in (msp / "keystore").iterdir():
            key.unlink()
    return msp


@pytest.mark.parametrize("lost", ["admin folder", "admin key"])
def test_an_add_issues_a_signing_admins_lost_key_again_before_its_policy_check(channel_peer, topology, data_root,
                                                                               monkeypatch, lost):
    # as [1/6] did before the policy came first: the early verdict counts the admin the real update is signed by
    msp = _lose_admin(topology, data_root, "supplier", lost)
    members = OrgMembership(Network(topology, data_root=data_root))
    with pytest.raises(PolicyNotSatisfiedError, match=r"has 2 \(BankMSP, SupplierMSP\)"):
        members.add("acme", "bank", CODE, sign_as=["bank", "supplier"])
    assert not (data_root / "crypto" / "acme").exists() and not channel_peer.exists()
    assert crypto.keystore_key(msp) is not None        # the channel's org completed, nothing of the new one
    monkeypatch.setattr(members, "_wait_for_config", lambda *_args, **_kwargs: None)
    monkeypatch.setattr(members, "_after_add", lambda spec, grown: None)
    added = members.add("acme", "bank", CODE, sign_as=["bank", "supplier", "regulator"])
    assert added.verdict.ok and "SupplierMSP" in added.signatures


def test_an_add_keeps_the_refusals_of_the_channels_orgs_material_and_writes_nothing_of_the_new_org(
        channel_peer, topology, data_root):
    block = data_root / "channel" / f"{topology.channel}.block"
    block.parent.mkdir(parents=True)
    block.write_bytes(b"genesis block stand-in")
    supplier = topology.org("supplier")
    shutil.rmtree(crypto.org_crypto(data_root, supplier.name, supplier.domain).root)
    members = OrgMembership(Network(topology, data_root=data_root))
    with pytest.raises(crypto.CaFilesError, match=r"supplier is gone .*restore the folder from a backup"):
        members.add("acme", "bank", CODE)
    assert not (data_root / "crypto" / "acme").exists() and not channel_peer.exists()


@pytest.mark.parametrize("case", ["dry run, key lost", "another's key", "encrypted key", "key elsewhere",
                                  "signer file, a symlink to nothing", "two certificates",
                                  "dry run, a README in the keystore"])
def test_an_admin_folder_whose_key_cannot_sign_is_refused_saying_what_to_do(channel_peer, topology, data_root, case):
    from cryptography.hazmat.primitives import serialization

    spec = topology.org("supplier")
    msp = crypto.org_crypto(data_root, spec.name, spec.domain).user_msp(spec.admin)
    own = crypto.keystore_key(msp)
    key = serialization.load_pem_private_key(own.read_bytes(), password=None)
    _lose_admin(topology, data_root, "supplier", "admin key")
    if case == "another's key":     # kept, as a key always is; add issues no other while one is there
        bank = topology.org("bank")
        shutil.copy(crypto.keystore_key(crypto.org_crypto(data_root, bank.name, bank.domain).user_msp(bank.admin)),
                    msp / "keystore" / "other_sk")
    elif case == "key elsewhere":
        (msp / crypto.KEY_ELSEWHERE_FILE).write_text("the key is in the bank's HSM\n")
    elif case == "signer file, a symlink to nothing":     # the key is in an HSM: it is not lost, nor issued again
        (msp / crypto.HSM_SIGNER_FILE).symlink_to(msp / "moved-away.yaml")
    elif case == "two certificates":
        (msp / "keystore" / "priv_sk").write_bytes(own.read_bytes() if own.exists() else b"")
        shutil.copy(next((msp / "signcerts").glob("*.pem")), msp / "signcerts" / "second.pem")
    elif case == "dry run, a README in the keystore":
        (msp / "keystore" / "README").write_text("keys go here\n")
    elif case == "encrypted key":
        (msp / "keystore" / "priv_sk").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret")))
    keystore = re.escape(str(msp / "keystore"))
    expected = {
        # the dry run writes nothing, so a lost key stays lost there: only `org add` itself issues it again
        "dry run, key lost": rf"^SupplierMSP's admin cannot sign for the dry run: it has no key in {keystore}\. To "
                             rf"see the rest of the verdict, name the other signers: --sign-as coreenterprise "
                             rf"--sign-as bank --sign-as regulator$",
        "dry run, a README in the keystore": rf"^SupplierMSP's admin cannot sign for the dry run: it has no key in "
                                             rf"{keystore}\.",
        "key elsewhere": rf"^SupplierMSP's admin cannot sign the update: .*{crypto.KEY_ELSEWHERE_FILE} says its key "
                         rf"is held elsewhere.*\(`recfin org add \.\.\. --update-out FILE --sign-as coreenterprise "
                         rf"--sign-as bank --sign-as regulator`\) and have SupplierMSP's admin sign it where the key "
                         rf"is \(`recfin org sign FILE`.* or move .*{crypto.KEY_ELSEWHERE_FILE} out of the data folder",
        "signer file, a symlink to nothing": rf"^SupplierMSP's admin cannot sign the update: "
                                             rf"{re.escape(str(msp / crypto.HSM_SIGNER_FILE))} says its key is held "
                                             rf"elsewhere",
        "two certificates": r"^SupplierMSP's admin cannot sign the update from .*: more than one certificate in "
                            r".*signcerts; put the folder right",
        "another's key": rf"^SupplierMSP's admin cannot sign the update: no key in {keystore} matches the "
                         rf"admin's certificate\. If that key is lost, move the files of {keystore} out of the data "
                         rf"folder, then run `recfin org add` again",
        "encrypted key": rf"^SupplierMSP's admin cannot sign the update: the key in {keystore} is encrypted \(recfin "
                         rf"reads only unencrypted admin keys: decrypt it in place\)",
    }[case]
    members = OrgMembership(Network(topology, data_root=data_root))
    with pytest.raises(NetworkError, match=expected) as refused:
        if case.startswith("dry run"):
            members.plan_add("acme", "bank", CODE, throwaway_crypto=True)
        else:
            members.add("acme", "bank", CODE)
    # no advice only Python code, or another command, could follow
    assert "load_msp_folder" not in str(refused.value) and "hsm link" not in str(refused.value)
    assert not (data_root / "crypto" / "acme").exists() and not channel_peer.exists()


def test_an_add_interrupted_before_the_new_orgs_msp_is_completed_by_the_next(channel_peer, topology, data_root,
                                                                             monkeypatch):
    # the run stopped (Ctrl-C, a full disk) with the org's CAs written and no msp/ yet
    spec = membership.new_org_spec(topology, "acme", "bank", CODE)
    real = crypto._OrgIssuer.verifying_msp

    def interrupted(self, msp):
        if self.paths.root.name == "acme" and self.writes:    # the writing run, after the run that only checks
            raise KeyboardInterrupt
        return real(self, msp)
    with monkeypatch.context() as m:
        m.setattr(crypto._OrgIssuer, "verifying_msp", interrupted)
        with pytest.raises(KeyboardInterrupt):
            crypto.generate(membership.with_orgs(topology, [*topology.orgs, spec]), data_root)
    paths = crypto.org_crypto(data_root, "acme", spec.domain)
    left = _tree(paths.root)
    assert paths.ca_cert.is_file() and not paths.msp_dir.exists()
    members = OrgMembership(Network(topology, data_root=data_root))
    assert members.plan_add("acme", "bank", CODE, throwaway_crypto=True).verdict.ok
    assert _tree(paths.root) == left                  # the dry run left the half-made folder as it is
    monkeypatch.setattr(members, "_wait_for_config", lambda *_args, **_kwargs: None)
    monkeypatch.setattr(members, "_after_add", lambda spec, grown: None)
    added = members.add("acme", "bank", CODE)
    assert added.verdict.ok
    assert (paths.msp_dir / "cacerts" / "ca.pem").read_bytes() == left["ca/ca.pem"]     # the CA it left, kept


def test_remove_with_too_few_admins_sends_nothing_and_keeps_the_org(channel_peer, topology, data_root, tmp_path):
    membership.record_added(data_root, membership.new_org_spec(topology, "supplier2", "supplier", CODE))
    members = OrgMembership(Network(topology, data_root=data_root))
    with pytest.raises(OrgChangeError, match="Supplier2MSP is not in receivables's config .*: there is no "
                                             "update to show or sign"):
        members.plan_remove("supplier2")       # the saved block predates supplier2: nothing to remove there
    with pytest.raises(OrgChangeError, match="supplier is the channel's last supplier org"):
        members.remove("supplier", sign_as=["supplier", "bank"])    # recorded here, supplier2 is not in the channel
    grown = membership.effective(topology, data_root)
    crypto.generate(grown, data_root)
    (tmp_path / "current.block").write_bytes(
        config_block(channel_config(grown, data_root), topology.channel).SerializeToString())
    with pytest.raises(PolicyNotSatisfiedError, match="needs 3 of 5 org admins, has 2"):
        members.remove("supplier", sign_as=["supplier", "bank"])
    assert not channel_peer.exists()
    assert "supplier" in [o.name for o in members.topology.orgs]


def test_a_dry_run_fetches_the_config_through_the_peer_cli(channel_peer, topology, data_root):
    change = OrgMembership(Network(topology, data_root=data_root)).plan_add("bank2", "bank", CODE,
                                                                             throwaway_crypto=True)
    assert change.verdict.ok and change.org.msp_id == "Bank2MSP"
    assert not (data_root / "crypto" / "bank2").exists() and not channel_peer.exists()


# ---- the update as a file signed on each admin's host ---------------------------------------------
def _channel_after_submit(tmp_path, change):
    """What the scripted orderer hands out once the update went through: the config with the new org."""
    group = change.update.write_set.groups["Application"].groups[change.org.msp_id]
    after = channel_config_module.with_org(change.current, change.org.msp_id, group)
    after.channel_group.groups["Application"].version = change.update.write_set.groups["Application"].version
    (tmp_path / "current.block.after").write_bytes(
        config_block(after, change.channel, last_update=change.envelope()).SerializeToString())


def test_a_file_signed_in_turn_is_submitted_once_the_policy_is_met(channel_peer, topology, data_root, tmp_path,
                                                                   monkeypatch):
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    change = members.plan_add("bank2", "bank", CODE, sign_as=["bank"])
    path = members.write_update(change, tmp_path / "bank2.tx")
    assert not channel_peer.exists()

    signer, checked = members.sign_update_file(path, "supplier")
    assert signer.startswith("SupplierMSP ") and not checked.verdict.ok
    with pytest.raises(PolicyNotSatisfiedError, match="missing 1 of CoreEnterpriseMSP, RegulatorMSP") as refused:
        members.submit_update_file(path)
    assert "recfin org sign" in str(refused.value) and not channel_peer.exists()
    with pytest.raises(config_signing.UpdateFileError, match="SupplierMSP.s admin has already signed"):
        members.sign_update_file(path, "SupplierMSP")

    _, checked = members.sign_update_file(path, "regulator")
    assert checked.verdict.ok and checked.summary()["missing"] == []
    finished = []
    monkeypatch.setattr(members, "_after_add", lambda spec, grown: finished.append((spec.name, len(grown.orgs))))
    _channel_after_submit(tmp_path, change)
    members.submit_update_file(path)
    sent = channel_peer.read_text().split()
    assert sent[:3] == ["channel", "update", "-f"] and "receivables" in sent
    submitted = config_signing.read_update_file(Path(sent[3]))[1]
    assert len(submitted.signatures) == 2       # the submitting admin's own signature is added by the peer CLI
    assert finished == [("bank2", len(topology.orgs) + 1)]


def test_two_admins_signing_one_file_at_once_both_count(channel_peer, topology, data_root, tmp_path, monkeypatch):
    """Each reads the file, signs and rewrites it; the second waits for the first, so it reads the first's
    signature and keeps it (unlocked, both would read the unsigned file and the last write would win)."""
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    change = members.plan_add("bank2", "bank", CODE, sign_as=[])
    path = members.write_update(change, tmp_path / "bank2.tx")
    check = OrgMembership.check_update_file

    def slow_check(self, *args, **kwargs):
        checked = check(self, *args, **kwargs)
        time.sleep(0.3)                       # a wide window between reading the file and writing it back
        return checked

    monkeypatch.setattr(OrgMembership, "check_update_file", slow_check)
    errors = []

    def sign(org):
        try:
            OrgMembership(Network(topology, data_root=data_root, timeout=5)).sign_update_file(path, org)
        except Exception as exc:             # reported below, with the thread's org
            errors.append((org, exc))

    signers = [threading.Thread(target=sign, args=(org,)) for org in ("supplier", "regulator")]
    for thread in signers:
        thread.start()
    for thread in signers:
        thread.join(30)
    assert not errors
    signed_by = {s.msp_id for s in config_signing.signers(config_signing.read_update_file(path)[1])}
    assert signed_by == {"SupplierMSP", "RegulatorMSP"}


def test_a_file_for_another_channel_or_an_older_config_is_refused(channel_peer, topology, data_root, tmp_path):
    members = OrgMembership(Network(topology, data_root=data_root))
    change = members.plan_add("bank2", "bank", CODE, sign_as=[])
    elsewhere = type(change.update)()
    elsewhere.CopyFrom(change.update)
    elsewhere.channel_id = "otherchannel"
    other = config_signing.write_update_file(tmp_path / "other.tx", "otherchannel",
                                             config_signing.envelope(elsewhere, []))
    with pytest.raises(OrgChangeError, match="updates channel 'otherchannel', not 'receivables'"):
        members.sign_update_file(other, "bank")
    path = members.write_update(change, tmp_path / "bank2.tx")
    moved_on = type(change.current)()
    moved_on.CopyFrom(change.current)
    moved_on.channel_group.groups["Application"].version += 1       # another update went in meanwhile
    (tmp_path / "current.block").write_bytes(config_block(moved_on, change.channel).SerializeToString())
    with pytest.raises(OrgChangeError, match="computed against an older channel config"):
        members.sign_update_file(path, "bank")
    _channel_after_submit(tmp_path, change)
    (tmp_path / "current.block.after").replace(tmp_path / "current.block")     # this very update went in
    with pytest.raises(OrgChangeError, match="already has the update .* \\(Bank2MSP added\\): nothing to sign"):
        members.sign_update_file(path, "bank")
    assert len(config_signing.read_update_file(path)[1].signatures) == 0


def test_a_file_that_adds_an_org_and_changes_more_is_refused_naming_the_rest(channel_peer, topology, data_root,
                                                                              tmp_path):
    members = OrgMembership(Network(topology, data_root=data_root))
    change = members.plan_add("bank2", "bank", CODE, sign_as=["bank"])
    honest = members.write_update(change, tmp_path / "bank2.tx")
    summary = members.check_update_file(honest).summary()
    assert {(r["element"], r["version"], r["new_version"]) for r in summary["changes"] if r["kind"] == "group"} == {
        ("/Channel/Application", 1, 2), ("/Channel/Application/Bank2MSP", None, 0)}
    # the same file with the channel's endorsement policy changed: its carried spec still says "add Bank2MSP"
    smuggled = type(change.update)()
    smuggled.CopyFrom(change.update)
    endorsement = smuggled.write_set.groups["Application"].policies["Endorsement"]
    endorsement.CopyFrom(change.current.channel_group.groups["Application"].policies["Endorsement"])
    endorsement.version += 1
    endorsement.mod_policy = "Writers"
    path = config_signing.write_update_file(tmp_path / "smuggled.tx", change.channel,
                                            config_signing.envelope(smuggled, []))
    before = path.read_bytes()
    for act in (lambda: members.sign_update_file(path, "supplier"), lambda: members.submit_update_file(path)):
        with pytest.raises(OrgChangeError, match=rf"{path}: the update adds Bank2MSP, but also .* writes policy "
                                                 r"/Channel/Application/Endorsement at version 1, mod_policy Writers"):
            act()
    assert path.read_bytes() == before and not channel_peer.exists()


def test_channel_only_records_the_new_org_and_starts_nothing_for_networks_of_bundles(
        channel_peer, topology, data_root, tmp_path, monkeypatch):
    said = []
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5, say=said.append))
    change = members.plan_add("bank2", "bank", CODE, sign_as=["bank", "supplier", "regulator"])
    path = members.write_update(change, tmp_path / "bank2.tx")

    def started(*_):
        raise AssertionError("a channel-only submit starts nothing")

    monkeypatch.setattr(members, "_after_add", started)
    _channel_after_submit(tmp_path, change)
    members.submit_update_file(path, channel_only=True)
    assert channel_peer.read_text().split()[:2] == ["channel", "update"]
    assert "bank2" in [o.name for o in membership.effective(topology, data_root).orgs]
    steps = "\n".join(said)
    assert "nothing started or stopped on this host" in steps
    assert "recfin org bundle bank2" in steps and "recfin host approve" in steps and "recfin host commit" in steps


def test_an_org_of_topology_yaml_that_left_is_added_again_and_the_data_folder_still_loads(
        channel_peer, topology, data_root, tmp_path):
    """bank2 joined, then bank (an org of topology.yaml) left; `org add bank --update-out` and `org submit
    --channel-only` bring it back as topology.yaml defines it (no port of it was taken meanwhile). Every later
    command reads the data folder: the spec bank was added with takes the place of topology.yaml's, so its MSP
    ID is not listed twice."""
    bank2 = membership.new_org_spec(topology, "bank2", "bank", CODE)
    crypto.generate(membership.with_orgs(topology, [*topology.orgs, bank2]), data_root)
    membership.record_added(data_root, bank2)
    membership.record_removed(data_root, "bank")
    left = membership.effective(topology, data_root)
    (tmp_path / "current.block").write_bytes(
        config_block(channel_config(left, data_root), topology.channel).SerializeToString())

    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    change = members.plan_add("bank", "bank", None)
    assert change.verdict.ok and change.org.msp_id == "BankMSP"
    path = members.write_update(change, tmp_path / "add-bank.tx")
    _channel_after_submit(tmp_path, change)
    members.submit_update_file(path, channel_only=True)
    assert channel_peer.read_text().split()[:2] == ["channel", "update"]

    net = Network(topology, data_root=data_root, timeout=5)      # as `network status` and `down` load it
    assert [o.msp_id for o in net.topology.orgs] == ["CoreEnterpriseMSP", "SupplierMSP", "BankMSP", "RegulatorMSP",
                                                     "Bank2MSP"]
    assert net.topology.org("bank").peers[0].port == change.org.peers[0].port == topology.org("bank").peers[0].port
    assert [r.name for r in net.status()].count("peer0.bank") == 1
    assert net.down() == []

    membership.record_removed(data_root, "bank")                 # and it may leave again: gone, not back as before
    assert "bank" not in [o.name for o in membership.effective(topology, data_root).orgs]


def _left_channel(tmp_path, topology, data_root, *names):
    """The orgs of topology.yaml without names, as membership.yaml records their leaving, in the channel config too."""
    for name in names:
        membership.record_removed(data_root, name)
    left = membership.effective(topology, data_root)
    (tmp_path / "current.block").write_bytes(
        config_block(channel_config(left, data_root), topology.channel).SerializeToString())
    return left


def test_the_core_enterprise_that_left_comes_back_with_its_msp_id_domain_users_and_ca(
        channel_peer, topology, data_root, tmp_path):
    """The ledger binds its parties to CoreEnterpriseMSP: `org add coreenterprise` gives it that MSP ID again
    (not CoreenterpriseMSP), with topology.yaml's domain, users and ports, and the CA its crypto still has."""
    _left_channel(tmp_path, topology, data_root, "coreenterprise")
    members = OrgMembership(Network(topology, data_root=data_root))
    change = members.plan_add("coreenterprise", "core-enterprise", None)
    assert change.verdict.ok
    assert change.org == topology.org("coreenterprise")
    group = change.update.write_set.groups["Application"].groups["CoreEnterpriseMSP"]
    ca = crypto.org_crypto(data_root, "coreenterprise", "core.recfin.local").ca_cert.read_bytes()
    assert list(decode_msp(group).root_certs) == [ca]
    with pytest.raises(NetworkError, match="give --role core-enterprise"):
        members.plan_add("coreenterprise", "bank", CODE)
    assert not channel_peer.exists()


def _genesis_block_stand_in(topology, data_root):
    block = data_root / "channel" / f"{topology.channel}.block"
    block.parent.mkdir(parents=True)
    block.write_bytes(b"genesis block stand-in")


def _tree(root):
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def _org_add_refused(channel_peer, topology, data_root, paths, step, refusal, *org, sign_as):
    """`org add` of the org (step: add, plan_add or a dry run), its folder removed, refused with refusal, having
    written nothing."""
    shutil.rmtree(paths.root)
    before = _tree(data_root / "crypto"), membership.load_state(data_root)
    members = OrgMembership(Network(topology, data_root=data_root))
    with pytest.raises(crypto.CaFilesError, match=rf"^{re.escape(str(paths.root))} is gone .*, but {refusal}: "
                                                  rf"restore the folder from a backup"):
        if step == "add":
            members.add(*org, sign_as=sign_as)
        else:
            members.plan_add(*org, sign_as=sign_as, throwaway_crypto=step == "dry run")
    assert (_tree(data_root / "crypto"), membership.load_state(data_root)) == before
    assert not paths.root.exists() and not channel_peer.exists()


@pytest.mark.parametrize("step", ["add", "plan_add", "dry run"])
def test_org_add_of_an_org_in_the_channel_whose_folder_is_gone_is_refused_before_anything_is_written(
        channel_peer, topology, data_root, tmp_path, step):
    """bank2 is in the channel with its CA; its crypto folder was lost. `org add bank2` again makes no new CA (the
    channel would not know it, and `network up` would then take it as bank2's): it names the folder to restore."""
    bank2 = membership.new_org_spec(topology, "bank2", "bank", CODE)
    grown = membership.with_orgs(topology, [*topology.orgs, bank2])
    crypto.generate(grown, data_root)
    membership.record_added(data_root, bank2)
    (tmp_path / "current.block").write_bytes(
        config_block(channel_config(grown, data_root), topology.channel).SerializeToString())
    _genesis_block_stand_in(topology, data_root)
    paths = crypto.org_crypto(data_root, bank2.name, bank2.domain)
    _org_add_refused(channel_peer, topology, data_root, paths, step,
                     "Bank2MSP is in the config of the channel receivables", "bank2", "bank", CODE, sign_as=["bank"])
    with pytest.raises(crypto.CaFilesError, match="restore the folder"):
        crypto.generate(membership.effective(topology, data_root), data_root)     # `network up` still refuses


@pytest.mark.parametrize("genesis_block_here", [True, False])
@pytest.mark.parametrize("step", ["add", "plan_add", "dry run"])
def test_an_org_that_left_whose_folder_is_gone_is_refused_not_given_a_new_ca_of_the_same_subject(
        channel_peer, topology, data_root, tmp_path, step, genesis_block_here):
    """The ledger binds coreenterprise's parties to client IDs of its CA's identities: a new CA of the same subject
    would give them to whoever holds it, so its folder is restored, never made again."""
    if genesis_block_here:
        _genesis_block_stand_in(topology, data_root)
    _left_channel(tmp_path, topology, data_root, "coreenterprise")
    paths = crypto.org_crypto(data_root, "coreenterprise", "core.recfin.local")
    _org_add_refused(channel_peer, topology, data_root, paths, step, "coreenterprise was in the channel receivables "
                     "and comes back under its MSP ID CoreEnterpriseMSP", "coreenterprise", "core-enterprise", None,
                     sign_as=["bank", "supplier", "regulator"])


def test_a_new_org_under_the_msp_id_of_the_core_enterprise_that_left_is_refused(
        channel_peer, topology, data_root, tmp_path):
    """core-enterprise would be CoreEnterpriseMSP with a CA of its own, whose admin could bind identities to the
    parties the ledger holds for the departed coreenterprise."""
    _left_channel(tmp_path, topology, data_root, "coreenterprise")
    members = OrgMembership(Network(topology, data_root=data_root))
    for attempt in (lambda: members.plan_add("core-enterprise", "core-enterprise", "91310000MA1K000019"),
                    lambda: members.add("core-enterprise", "core-enterprise", "91310000MA1K000019")):
        with pytest.raises(NetworkError, match="core-enterprise would take the MSP ID CoreEnterpriseMSP, which is "
                                               "coreenterprise's.*`recfin org add coreenterprise --role core-enterprise`"):
            attempt()
    assert not (data_root / "crypto" / "core-enterprise").exists()
    assert not channel_peer.exists()
    assert members.plan_add("coreenterprise", "core-enterprise", None).org.msp_id == "CoreEnterpriseMSP"


def _removal_file(members, current, name, tmp_path) -> Path:
    """A removal written as another host's recfin (or configtxlator and `peer channel signconfigtx`) would write it:
    the pure planner, which checks no role."""
    change = org_change.plan_remove(members.topology, members.root, current, name)
    return members.write_update(change, tmp_path / f"remove-{name}.tx")


@pytest.mark.parametrize("channel_only", [True, False])
def test_a_removal_file_of_the_channel_s_last_regulator_is_refused_before_it_is_sent(
        channel_peer, topology, data_root, tmp_path, channel_only):
    """regulator2 is recorded here, but the channel (its fetched config) has no such org: the channel's roles count."""
    membership.record_added(data_root, membership.new_org_spec(topology, "regulator2", "regulator"))
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    assert members.check_removable("regulator").name == "regulator"           # by this data folder's record alone
    path = _removal_file(members, members.fetch_config("bank"), "regulator", tmp_path)
    with pytest.raises(OrgChangeError, match="regulator is the channel's last regulator org: .* --role regulator"):
        members.submit_update_file(path, channel_only=channel_only)
    assert not channel_peer.exists()
    assert membership.load_state(data_root)["removed"] == []


def test_a_removal_file_of_the_channel_s_last_regulator_is_not_signed(channel_peer, topology, data_root, tmp_path):
    """`org sign` signed it, though `org submit` refuses it and the regulator org that must join first changes the
    config the removal was computed from: the admins' signatures could never be used."""
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    unsigned = org_change.plan_remove(topology, data_root, members.fetch_config("bank"), "regulator", sign_as=[])
    path = members.write_update(unsigned, tmp_path / "remove-regulator.tx")
    written = path.read_bytes()
    with pytest.raises(OrgChangeError, match=r"regulator is the channel's last regulator org: .* --role regulator` "
                                             r"first\)\. Nothing signed, .*remove-regulator\.tx left as it was: .*"
                                             r"`recfin org remove regulator --update-out`"):
        members.sign_update_file(path, "bank")
    assert path.read_bytes() == written
    assert not channel_peer.exists()


def test_a_removal_file_is_signed_where_an_org_that_stays_has_a_role_this_data_folder_cannot_tell(
        channel_peer, topology, data_root, tmp_path):
    """The channel has Regulator2MSP, added from another host and not recorded here: the submitting host, which
    records it, decides whether regulator is the last of its role; the signing host signs."""
    regulator2 = membership.new_org_spec(topology, "regulator2", "regulator")
    grown = membership.with_orgs(topology, [*topology.orgs, regulator2])
    crypto.generate(grown, data_root)
    (tmp_path / "current.block").write_bytes(
        config_block(channel_config(grown, data_root), topology.channel).SerializeToString())
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    unsigned = org_change.plan_remove(topology, data_root, members.fetch_config("bank"), "regulator", sign_as=[])
    path = members.write_update(unsigned, tmp_path / "remove-regulator.tx")
    signer, checked = members.sign_update_file(path, "bank")
    assert signer.startswith("BankMSP ") and "BankMSP" in checked.verdict.signed_by


def test_a_removal_is_refused_when_the_channel_has_an_org_whose_role_this_data_folder_cannot_tell(
        channel_peer, topology, data_root, tmp_path):
    regulator2 = membership.new_org_spec(topology, "regulator2", "regulator")
    grown = membership.with_orgs(topology, [*topology.orgs, regulator2])
    crypto.generate(grown, data_root)                # in the channel, added from another data folder: not recorded
    (tmp_path / "current.block").write_bytes(
        config_block(channel_config(grown, data_root), topology.channel).SerializeToString())
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    path = _removal_file(members, members.fetch_config("bank"), "regulator", tmp_path)
    # `org remove` says what `org submit` says: the channel's orgs count, not this data folder's record alone
    for attempt in (lambda: members.submit_update_file(path, channel_only=True),
                    lambda: members.plan_remove("regulator", sign_as=[]),
                    lambda: members.remove("regulator")):
        with pytest.raises(OrgChangeError, match="the channel also has Regulator2MSP, which it does not, so whether "
                                                 "one of them is a regulator org cannot be told here"):
            attempt()
    assert not channel_peer.exists()


def test_a_removal_the_channel_already_has_is_held_to_this_data_folders_record(
        channel_peer, topology, data_root, tmp_path):
    """regulator is gone from the channel (removed from another host); here it is still the last regulator org
    recorded, and the config, which lacks it, tells nothing of its role: the record decides."""
    left = membership.with_orgs(topology, [o for o in topology.orgs if o.name != "regulator"])
    (tmp_path / "current.block").write_bytes(
        config_block(channel_config(left, data_root), topology.channel).SerializeToString())
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    with pytest.raises(OrgChangeError, match="regulator is the channel's last regulator org: .* --role regulator"):
        members.remove("regulator")
    assert not channel_peer.exists()
    assert membership.load_state(data_root)["removed"] == []


def test_org_add_again_with_another_enterprise_is_refused_naming_the_certificates_kept(
        channel_peer, topology, data_root):
    """A first `org add bank2 --update-out` issued bank2's users; a second with another --enterprise would carry
    that enterprise in the update while the users' certificates keep the first."""
    members = OrgMembership(Network(topology, data_root=data_root))
    members.plan_add("bank2", "bank", CODE, sign_as=[])
    other = "91110000MA1K00006B"
    folder = data_root / "crypto" / "bank2"
    for attempt in (lambda: members.plan_add("bank2", "bank", other, sign_as=[]),
                    lambda: members.plan_add("bank2", "bank", other, throwaway_crypto=True),
                    lambda: members.add("bank2", "bank", other)):
        with pytest.raises(OrgChangeError) as refused:
            attempt()
        message = str(refused.value)
        assert f"{folder} holds bank2's users from an earlier `recfin org add`" in message
        assert f"officer1: recfin.enterprise {CODE} in its certificate, {other} given" in message
        assert f"move {folder} out of the data folder" in message
    assert crypto.cert_attrs(crypto.client_certificate(crypto.org_crypto(data_root, "bank2", "bank2.recfin.local"),
                                                       "officer1"))["recfin.enterprise"] == CODE
    again = members.plan_add("bank2", "bank", CODE, sign_as=[])           # as the first attempt: planned
    assert org_change.parties_of(again.org)["enterprises"] == [CODE]
    assert not channel_peer.exists()


def test_org_add_of_an_org_the_channel_has_under_another_ca_is_refused_and_starts_nothing(
        channel_peer, topology, data_root, tmp_path, monkeypatch):
    """An earlier `org add bank2 --update-out` made bank2's keys here, and meanwhile the channel got Bank2MSP from
    another host's: the peer started from this folder would hold certificates the channel does not trust."""
    members = OrgMembership(Network(topology, data_root=data_root))
    members.plan_add("bank2", "bank", CODE, sign_as=[])
    bank2 = membership.new_org_spec(topology, "bank2", "bank", CODE)
    grown = membership.with_orgs(topology, [*topology.orgs, bank2])
    elsewhere = tmp_path / "elsewhere"
    crypto.generate(grown, elsewhere, only=["bank2"])
    config = channel_config(grown, data_root)
    config.channel_group.groups["Application"].groups["Bank2MSP"].values["MSP"].CopyFrom(
        msp_value("Bank2MSP", crypto.org_crypto(elsewhere, "bank2", bank2.domain).msp_dir))
    (tmp_path / "current.block").write_bytes(config_block(config, topology.channel).SerializeToString())
    started = []
    monkeypatch.setattr(members, "_start_peers", started.append)
    before = membership.load_state(data_root)
    ca = crypto.org_crypto(data_root, "bank2", bank2.domain).ca_cert
    with pytest.raises(OrgChangeError, match=rf"^Bank2MSP is already in the channel with another CA than "
                                             rf"{re.escape(str(ca))}: choose another org name$"):
        members.add("bank2", "bank", CODE, sign_as=["bank", "supplier", "regulator"])
    assert started == [] and membership.load_state(data_root) == before and not channel_peer.exists()


def test_org_add_again_with_another_role_is_refused_naming_the_users_it_would_not_have(
        channel_peer, topology, data_root):
    """User names follow the role: a retry as a supplier would give bank2 supplier1 and supplier2, while its folder
    keeps officer1 and officer2, issued as financiers. A user issued by `recfin org user add` and recorded here is
    one of the org's; one the folder holds without a record is named."""
    members = OrgMembership(Network(topology, data_root=data_root))
    first = members.plan_add("bank2", "bank", CODE, sign_as=[])
    with pytest.raises(OrgChangeError) as refused:
        members.plan_add("bank2", "supplier", CODE, sign_as=[])
    message = str(refused.value)
    assert "holds bank2's users from an earlier `recfin org add`" in message
    assert "officer1: held here, not one of the users given; officer2: held here, not one of the users given" in message
    assert "supplier1" not in message          # not issued yet: issued from what is given
    assert not (data_root / "crypto" / "bank2" / "users" / "supplier1@bank2.recfin.local").exists()

    paths = crypto.org_crypto(data_root, "bank2", first.org.domain)
    clerk = first.org.users[0].model_copy(update={"name": "clerk1"})
    crypto.issue_user(paths, "clerk1", "client", clerk.attrs)
    with pytest.raises(OrgChangeError, match="clerk1: held here, not one of the users given"):
        members.plan_add("bank2", "bank", CODE, sign_as=[])
    membership.record_user(data_root, "bank2", clerk)            # as `recfin org user add` records it
    assert members.plan_add("bank2", "bank", CODE, sign_as=[]).org.msp_id == "Bank2MSP"      # planned
    assert not channel_peer.exists()


def test_an_admin_msp_folder_named_from_its_parent_reaches_the_peer_cli_as_an_absolute_path(
        fake_fabric, topology, data_root, tmp_path, monkeypatch):
    # the peer CLI reads a relative CORE_PEER_MSPCONFIGPATH against FABRIC_CFG_PATH's folder, not ours
    from network.crypto import org_crypto

    bank = topology.org("bank")
    msp = org_crypto(data_root, bank.name, bank.domain).user_msp(bank.admin)
    monkeypatch.chdir(msp.parent)
    admin = OrgMembership(Network(topology, data_root=data_root)).admin("bank", Path(msp.name))
    assert admin.msp_dir == msp and (admin.msp_dir / "signcerts").is_dir()


# ---- the org's host address: `recfin org add --address` ---------------------------------------------------
BANK2_HOST = "198.51.100.20"


def test_an_address_given_to_org_add_travels_with_the_update_and_the_bundles_name_it(
        channel_peer, topology, data_root, tmp_path):
    """The address the admins sign (it rides in the update with the org's spec) is what the data folder records on
    `submit --channel-only`, and what the bundles written from it resolve the new org's peer to."""
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    change = members.plan_add("bank2", "bank", CODE, sign_as=["bank", "supplier", "regulator"], address=BANK2_HOST)
    assert change.summary()["address"] == BANK2_HOST
    path = members.write_update(change, tmp_path / "bank2.tx")
    _channel_after_submit(tmp_path, change)
    members.submit_update_file(path, channel_only=True)

    recorded = membership.effective(topology, data_root).org("bank2")
    assert recorded.address == BANK2_HOST
    own = bundle.write(topology.on_hosts(), data_root, "bank2", tmp_path / "bank2-bundle")
    assert f"{BANK2_HOST}\tpeer0.bank2.recfin.local" in (own.root / bundle.HOSTS_FILE).read_text().splitlines()
    other = bundle.write(topology.on_hosts(), data_root, "bank", tmp_path / "bank-bundle")
    override = yaml.safe_load((other.root / bundle.COMPOSE_OVERRIDE).read_text())
    assert f"peer0.bank2.recfin.local:{BANK2_HOST}" in override["services"]["peer0.bank.recfin.local"]["extra_hosts"]


@pytest.mark.parametrize("address, problem", [("127.0.0.1", "is a loopback address"),
                                              ("fe80::1%eth0", "has a zone"),
                                              ("10.0.0.300", "is not an IP address")])
def test_an_address_no_other_host_reaches_is_refused_before_anything_is_written(
        channel_peer, topology, data_root, address, problem):
    before = sorted(p.relative_to(data_root) for p in data_root.rglob("*"))
    members = OrgMembership(Network(topology, data_root=data_root, timeout=5))
    for attempt in (lambda: members.plan_add("bank2", "bank", CODE, address=address),
                    lambda: members.add("bank2", "bank", CODE, address=address)):
        with pytest.raises(TopologyError) as refused:
            attempt()
        assert str(refused.value) == address_refusal("org bank2", address, "--address")
        assert problem in str(refused.value)
    assert sorted(p.relative_to(data_root) for p in data_root.rglob("*")) == before
    assert not channel_peer.exists()


def test_a_dry_run_refused_for_an_admin_without_a_key_goes_through_with_the_signers_it_names(channel_peer, topology,
                                                                                             data_root):
    _lose_admin(topology, data_root, "supplier", "admin key")
    members = OrgMembership(Network(topology, data_root=data_root))
    with pytest.raises(NetworkError, match=r"name the other signers: (.*)$") as refused:
        members.plan_add("acme", "bank", CODE, sign_as=["supplier"], throwaway_crypto=True)
    named = re.search(r"name the other signers: (.*)$", str(refused.value)).group(1).split()
    assert named[::2] == ["--sign-as"] * 3
    change = members.plan_add("acme", "bank", CODE, sign_as=named[1::2], throwaway_crypto=True)
    assert change.verdict.ok and "SupplierMSP" not in change.signatures
    assert not (data_root / "crypto" / "acme").exists()
