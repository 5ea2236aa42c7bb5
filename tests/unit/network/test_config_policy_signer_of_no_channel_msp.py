"""A config update's signature by an identity of an MSP the channel does not have is dropped by the
ordering service (policies.SignatureSetToValidIdentities cannot deserialize it) and reported among the
invalid signatures, saying why: it was listed among the signers (signed_by) though it counts for nothing,
so a reader took an org outside the channel for one that had signed."""
from __future__ import annotations

import pytest

from network import config_policy, config_signing, membership
from network.crypto import org_crypto
from network.org_change import plan_add

from .channel_fixtures import channel_config as build_config
from .channel_fixtures import with_org_keys


@pytest.fixture
def grown(topology, data_root):
    """The topology with bank2, its keys made, whose org the channel config does not have yet."""
    return with_org_keys(topology, data_root,
                         membership.new_org_spec(topology, "bank2", "bank", enterprise="91110000MA1K00006B"))


def _admin(topology, data_root, org_name: str) -> config_signing.AdminSigner:
    org = topology.org(org_name)
    msp_dir = org_crypto(data_root, org.name, org.domain).user_msp(org.admin)
    return config_signing.load_admin(msp_dir, org.msp_id)


@pytest.mark.parametrize("times", [1, 2])
def test_a_signer_of_an_msp_the_channel_does_not_have_is_invalid_not_among_the_signers(
        topology, grown, data_root, times):
    current = build_config(topology, data_root)
    newcomer = _admin(grown, data_root, "bank2")
    assert newcomer.msp_id not in current.channel_group.groups["Application"].groups
    change = plan_add(grown, data_root, current, "bank2", sign_as=["bank", "supplier"])
    signatures = [*change.signatures.values(), *[config_signing.sign(change.update, newcomer)] * times]
    verdict = config_policy.evaluate(current, config_signing.envelope(change.update, signatures))

    assert verdict.signed_by == ["BankMSP", "SupplierMSP"]
    assert sorted(s.split(" ", 1)[0] for s in verdict.signers) == ["BankMSP", "SupplierMSP"]
    # each of its signatures, a second one included, is dropped for its MSP, not as the identity's second
    assert len(verdict.invalid_signatures) == times
    for refused in verdict.invalid_signatures:
        assert refused.startswith(f"{newcomer.msp_id} "), refused
        assert (f": {newcomer.msp_id} is no MSP of this channel (BankMSP, CoreEnterpriseMSP, "
                "OrdererMSP, RegulatorMSP, SupplierMSP), so the ordering service cannot read the signer's "
                "identity and drops the signature") in refused, refused
    assert not verdict.ok
