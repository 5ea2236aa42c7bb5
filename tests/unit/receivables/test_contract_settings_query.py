"""GetContractSettings: the rules the peer's chaincode server runs with, each unset one with the value the contract
applies in its stead, and the digest the chaincode definition's version names; any member of the channel reads it."""

from __future__ import annotations

from chaincode.receivables import config as cfg
from chaincode.receivables.config import DEFAULT_CONFIG
from .support import SUPPLIER, Actor, Net, client_identity


async def _settings(config: cfg.NetworkConfig) -> dict:
    net = Net(config)
    # an identity acting for no party: the settings are the channel's, not a party's
    stranger = Actor("stranger", SUPPLIER, client_identity(SUPPLIER, "stranger"))
    return await net.ok(stranger, "GetContractSettings", evaluate=True)


async def test_the_defaults_are_named_where_a_setting_is_unset():
    assert await _settings(DEFAULT_CONFIG) == {
        "max_payment_term_days": None,
        "payment_term": "one calendar year (the default: max_payment_term_days is unset)",
        "require_attestation": False, "attestation_sources": [], "max_attestation_age_days": None,
        "attestation_age_limit_days": cfg.DEFAULT_MAX_ATTESTATION_AGE_DAYS, "attesting_roles": ["financier"],
        "config_digest": cfg.digest(DEFAULT_CONFIG)}


async def test_the_configured_values_are_answered_as_the_server_holds_them():
    config = DEFAULT_CONFIG.model_copy(update={"max_payment_term_days": 90, "require_attestation": True,
                                               "attestation_sources": ("reference-tax",),
                                               "max_attestation_age_days": 7})
    settings = await _settings(config)
    assert settings["max_payment_term_days"] == 90
    assert settings["payment_term"] == "90 days (max_payment_term_days)"
    assert (settings["require_attestation"], settings["attestation_sources"]) == (True, ["reference-tax"])
    assert (settings["max_attestation_age_days"], settings["attestation_age_limit_days"]) == (7, 7)
    # the version of a definition approved for this configuration names the same digest
    assert cfg.tagged_version("1.0", config).endswith(settings["config_digest"][:cfg.SHORT_DIGEST])
    assert settings["config_digest"] != cfg.digest(DEFAULT_CONFIG)
