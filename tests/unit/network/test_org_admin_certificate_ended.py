"""An org admin whose certificate has ended cannot act through the `peer` CLI: the CLI sets up no local MSP
whose signing identity has ended ("signing identity expired ... ago", msp/mspimplsetup.go), and the ordering
service refuses a transaction whose creator's certificate has ("broadcast client identity expired",
orderer/common/msgprocessor/expiration.go). Its signature on a config update still counts: Fabric's MSP
validates a signer's certificate as at its notBefore, never against today (getValidityOptsForCert).

So `org add|remove` and `org submit` fetch the channel's config and submit as an admin whose certificate has
not ended where one is here, the ended admin's signature going with the update, and an ended admin named to
act is refused before the CLI runs, saying whose certificate ended and what to do."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from network import config_policy, config_signing
from network.crypto import org_crypto
from network.errors import ToolError
from network.org_membership import OrgChangeError, PolicyNotSatisfiedError

from .channel_fixtures import certificate_ending_in
from .channel_fixtures import channel_config as build_config
from .scripted_channel import BANK2_CODE, ScriptedChannel, host, with_update


class PeerCliRefusingEndedIdentities(ScriptedChannel):
    """The scripted channel, whose `peer` CLI fails as Fabric's does when the MSP folder it acts as holds a
    certificate that has ended; ``ended_calls`` records each such call (MSP ID, verb)."""

    def __init__(self, topology, config):
        super().__init__(topology, config)
        self.ended_calls: list[tuple[str, str]] = []

    def run(self, tool, args, env=None, *, check=True, cwd=None):
        cert = config_signing.load_admin(Path(env["CORE_PEER_MSPCONFIGPATH"]),
                                         env["CORE_PEER_LOCALMSPID"]).identity.certificate
        if cert.not_valid_after_utc <= dt.datetime.now(dt.timezone.utc):
            self.ended_calls.append((env["CORE_PEER_LOCALMSPID"], f"{args[0]} {args[1]}"))
            raise ToolError(f"peer {' '.join(args[:3])} failed: Cannot run peer because error when setting up MSP "
                            f"of type bccsp: signing identity expired 1m0s ago")
        return super().run(tool, args, env, check=check, cwd=cwd)


def _end_admin_certificate(topology, data_root: Path, org_name: str) -> dt.datetime:
    """The org admin's certificate in data_root issued again by its CA, ended a minute ago and begun within the
    CA's dates (so that the channel's MSP still takes it as the org's admin); returns its end."""
    org = topology.org(org_name)
    paths = org_crypto(data_root, org.name, org.domain)
    now = dt.datetime.now(dt.timezone.utc)
    return certificate_ending_in(paths.user_msp(org.admin) / "signcerts" / "cert.pem", paths.ca_key,
                                 -1 / (24 * 60), began=now - dt.timedelta(minutes=4))


def _adding(topology, data_root, channel, monkeypatch):
    members = host(topology, data_root, channel)
    monkeypatch.setattr(members, "_wait_for_config", lambda *_args, **_kwargs: None)
    monkeypatch.setattr(members, "_after_add", lambda spec, grown: None)
    return members


def _arrives_satisfied(config, sent, submitter_msp_dir: Path, submitter_msp: str) -> bool:
    """Whether the update as the ordering service gets it, the submitter's own signature added as the CLI adds
    it, meets its policies."""
    arriving = type(sent)()
    arriving.CopyFrom(sent)
    config_signing.add_signature(arriving, config_signing.load_admin(submitter_msp_dir, submitter_msp))
    return config_policy.evaluate(config, arriving).ok


def test_an_add_is_fetched_and_sent_by_an_admin_whose_certificate_has_not_ended_with_the_ended_ones_signature(
        fake_fabric, topology, data_root, monkeypatch):
    _end_admin_certificate(topology, data_root, "coreenterprise")   # the first org, which fetched and submitted
    config = build_config(topology, data_root)
    channel = PeerCliRefusingEndedIdentities(topology, config)
    members = _adding(topology, data_root, channel, monkeypatch)
    members.add("bank2", "bank", BANK2_CODE, sign_as=["coreenterprise", "supplier", "bank"])
    assert channel.ended_calls == []
    [(submitter, _env, sent)] = channel.updates
    assert submitter == "SupplierMSP"
    valid = {s.msp_id: s.valid for s in config_signing.signers(sent, config)}
    assert valid == {"CoreEnterpriseMSP": True, "BankMSP": True}
    supplier = topology.org("supplier")
    assert _arrives_satisfied(config, sent, org_crypto(data_root, supplier.name, supplier.domain)
                              .user_msp(supplier.admin), "SupplierMSP")


def test_an_add_whose_staying_signers_certificates_all_ended_is_refused_before_anything_is_made_or_sent(
        fake_fabric, topology, data_root, monkeypatch):
    ended = {name: _end_admin_certificate(topology, data_root, name)
             for name in ("coreenterprise", "supplier", "bank")}
    channel = PeerCliRefusingEndedIdentities(topology, build_config(topology, data_root))
    members = _adding(topology, data_root, channel, monkeypatch)
    with pytest.raises(PolicyNotSatisfiedError) as refused:
        members.add("bank2", "bank", BANK2_CODE, sign_as=["coreenterprise", "supplier", "bank"])
    message = str(refused.value)
    core = topology.org("coreenterprise")
    cert = org_crypto(data_root, core.name, core.domain).user_msp(core.admin) / "signcerts" / "cert.pem"
    assert message.startswith(f"not submitted: CoreEnterpriseMSP's admin certificate {cert} ended on "
                              f"{ended['coreenterprise']:%Y-%m-%d %H:%M} UTC")
    assert "A signature it made on an update still counts" in message
    assert "`recfin network prepare`" in message
    assert channel.ended_calls == [] and channel.updates == []      # the regulator's admin fetched the config
    assert not (data_root / "crypto" / "bank2").exists()


@pytest.fixture
def signed_file(fake_fabric, topology, data_root, tmp_path):
    """bank2's update file signed by the admins of coreenterprise, supplier and bank (the policy met), the
    channel set to take it; then coreenterprise's admin certificate ends: (the channel, the file)."""
    config = build_config(topology, data_root)
    channel = PeerCliRefusingEndedIdentities(topology, config)
    writer = host(topology, data_root, channel)
    change = writer.plan_add("bank2", "bank", BANK2_CODE, sign_as=["bank"])
    path = writer.write_update(change, tmp_path / "bank2.tx")
    for org_name in ("coreenterprise", "supplier"):
        host(topology, data_root, channel).sign_update_file(path, org_name)
    channel.after = with_update(change.current, change.update)
    _end_admin_certificate(topology, data_root, "coreenterprise")
    return channel, path


def test_a_file_is_submitted_by_an_admin_here_whose_certificate_has_not_ended(signed_file, topology, data_root):
    channel, path = signed_file
    host(topology, data_root, channel).submit_update_file(path, channel_only=True)
    assert channel.ended_calls == []
    [(submitter, _env, sent)] = channel.updates
    assert submitter == "SupplierMSP"       # CoreEnterpriseMSP, first of the orgs that signed, has ended
    assert {s.msp_id: s.valid for s in config_signing.signers(sent, channel.config)} == {
        "BankMSP": True, "CoreEnterpriseMSP": True}


def test_a_file_submitted_as_an_admin_whose_certificate_has_ended_is_refused_naming_it(
        signed_file, topology, data_root):
    channel, path = signed_file
    with pytest.raises(OrgChangeError, match=r"^CoreEnterpriseMSP's admin certificate .*/signcerts/cert\.pem "
                                             r"ended on .* UTC, and the `peer` CLI acts as no identity whose "
                                             r"certificate has ended") as refused:
        host(topology, data_root, channel).submit_update_file(path, channel_only=True, as_org="coreenterprise")
    assert "act as another org's admin" in str(refused.value)
    assert channel.ended_calls == [] and channel.updates == []
