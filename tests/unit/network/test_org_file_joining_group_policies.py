"""An update file adding an org whose group other orgs' admins could act for: signed and submitted by none.

recfin writes every org's group held by its own admins: each element's mod_policy `Admins` (the group's own),
its policies met by its own admins, peers and clients. A file edited before anyone signed it could give the
joining group an Admins policy another org's admin meets, so that admin would count for both orgs in
the channel's `MAJORITY Admins`, or a mod_policy naming another org's policy, so that org could replace
the joining org's MSP alone. `org sign` and `org submit` show the signers the org's name, role and
certificates, not its policies: they refuse such a file before anything is signed or sent.

Nor may the joining group hold a group inside it or a value other than the MSP and the anchor peers (the
ordering service refuses both in an application org, so every signature collected would be for nothing), or
an MSP value missing or not a protobuf (whose CAs could not be checked: `org sign` stopped on a Python
traceback): each is refused, naming what is wrong and the file.
"""
from __future__ import annotations

import pytest
from fabric_protos.common import configtx_pb2

from network import config_policy, config_signing
from network.org_change import OrgChangeError, admin_signers
from network.org_definition import config_policy as compiled_policy

from .scripted_channel import admins_host, host, signed_by_the_admins_as_written, with_update

BANKS_ADMIN = {"Type": "Signature", "Rule": "OR('BankMSP.admin')"}


def admins_are_the_banks(update: configtx_pb2.ConfigUpdate) -> None:
    group = update.write_set.groups["Application"].groups["Bank2MSP"]
    group.policies["Admins"].CopyFrom(compiled_policy(BANKS_ADMIN))


def msp_changed_by_the_bank(update: configtx_pb2.ConfigUpdate) -> None:
    update.write_set.groups["Application"].groups["Bank2MSP"].values["MSP"].mod_policy = \
        "/Channel/Application/BankMSP/Admins"


def neither_signed_nor_submitted(edited, refused: str, channel, topology, data_root, tmp_path) -> None:
    """The edited file is refused with ``refused`` (a pattern) where an admin signs it, left as it was, and
    where it is submitted from another admin's host, nothing sent."""
    before = edited.read_bytes()
    with pytest.raises(OrgChangeError, match=refused):
        host(topology, data_root, channel).sign_update_file(edited, "coreenterprise")
    assert edited.read_bytes() == before
    supplier_root = admins_host(topology, data_root, tmp_path / "supplier-host", "supplier")
    with pytest.raises(OrgChangeError, match=refused):
        host(topology, supplier_root, channel).submit_update_file(edited, channel_only=True)
    assert channel.updates == []


def test_a_joining_group_whose_admins_policy_another_orgs_admin_meets_is_neither_signed_nor_submitted(
        channel, bank2_update_file, topology, data_root, tmp_path):
    change, path = bank2_update_file
    edited = signed_by_the_admins_as_written(change, topology, data_root, tmp_path, admins_are_the_banks)

    # What it would do once in: BankMSP's admin alone meets Bank2MSP's Admins too, two votes in MAJORITY
    # Admins
    update = configtx_pb2.ConfigUpdate.FromString(config_signing.read_update_file(edited)[1].config_update)
    after = with_update(change.current, update)
    bank = admin_signers(topology, data_root, ["BankMSP"])["BankMSP"]
    # any update bumping /Channel/Application, whose policy is MAJORITY Admins: this one, judged there
    signed = config_signing.envelope(update, [config_signing.sign(update, bank)])
    verdict = config_policy.evaluate(after, signed)
    assert verdict.checks[0].met == ["Bank2MSP", "BankMSP"]

    refused = (r"the update adds Bank2MSP with a group not held by its own admins as every org's is .*: "
               r"its policy Admins is OR\('BankMSP.admin'\) where OR\('Bank2MSP.admin'\)\. Other orgs' "
               r"admins could act as Bank2MSP's, counting twice in the channel's MAJORITY Admins or changing "
               r"its MSP alone\. Sign and submit none of .*older.tx: write the update again with "
               r"`recfin org add --update-out`")
    neither_signed_nor_submitted(edited, refused, channel, topology, data_root, tmp_path)


def test_a_joining_groups_msp_changed_by_another_orgs_policy_is_not_submitted(
        channel, bank2_update_file, topology, data_root, tmp_path):
    change, path = bank2_update_file
    edited = signed_by_the_admins_as_written(change, topology, data_root, tmp_path, msp_changed_by_the_bank)
    supplier_root = admins_host(topology, data_root, tmp_path / "supplier-host", "supplier")
    with pytest.raises(OrgChangeError,
                       match=r"its value MSP has mod_policy '/Channel/Application/BankMSP/Admins'"):
        host(topology, supplier_root, channel).submit_update_file(edited, channel_only=True)
    assert channel.updates == []
    # the file as `org add --update-out` wrote it goes in
    for org_name in ("supplier", "regulator"):
        host(topology, data_root, channel).sign_update_file(path, org_name)
    host(topology, supplier_root, channel).submit_update_file(path, channel_only=True)
    assert len(channel.updates) == 1


def joining(update: configtx_pb2.ConfigUpdate) -> configtx_pb2.ConfigGroup:
    return update.write_set.groups["Application"].groups["Bank2MSP"]


def group_inside(update):
    joining(update).groups["Ledger"].mod_policy = "Admins"


def unknown_value(update):
    joining(update).values["Capabilities"].mod_policy = "Admins"


def msp_not_a_protobuf(update):
    joining(update).values["MSP"].value = b"\xff\x00 not an MSPConfig"


def no_msp(update):
    del joining(update).values["MSP"]


@pytest.mark.parametrize("edit, named", [
    (group_inside, r"a group Ledger inside it \(an org's group holds none\)"),
    (unknown_value, r"a value Capabilities \(an org's group holds MSP and AnchorPeers only\)"),
    (msp_not_a_protobuf, r"an MSP value that cannot be read \(.*\)"),
    (no_msp, r"no MSP value"),
])
def test_a_joining_group_fabric_refuses_or_recfin_cannot_read_is_neither_signed_nor_submitted(
        channel, bank2_update_file, topology, data_root, tmp_path, edit, named):
    change, _path = bank2_update_file
    edited = signed_by_the_admins_as_written(change, topology, data_root, tmp_path, edit)
    refused = (rf"^the update adds Bank2MSP with a group Fabric would refuse or that cannot be read: "
               rf"{named}\. Sign and submit none of {edited}: write the update again with "
               rf"`recfin org add --update-out`$")
    neither_signed_nor_submitted(edited, refused, channel, topology, data_root, tmp_path)
