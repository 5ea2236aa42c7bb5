"""The network configuration the contract runs with: which roles each org's parties may hold,
the maximum payment term, who attests invoice verifications and whether registration needs them.

It is data, not code, and it comes from the deployment: the network tooling derives it from
the topology (each org's ``role:`` and the ``contract:`` settings, see network/contract_config.py),
writes it to a JSON file and starts every org's chaincode server with ``RECFIN_NETWORK_CONFIG``
naming that file. ``load_config`` reads it at startup; without the variable the contract runs
with ``DEFAULT_CONFIG`` (the four orgs of network/topology.yaml), which unit tests and the demo use.

Every org's server must run the same values: a per-org difference would make endorsements
disagree. So the chaincode definition's version carries a short digest of the configuration
(``1.0+cfg.<12 hex>``, ``tagged_version``): each org's lifecycle approval covers it, a changed
configuration is a new definition (new sequence) that a majority of orgs must approve, and a
server whose package label names another digest than the file it was given, or none, refuses to start.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator,
                      model_validator)

from . import dates
from .errors import shown

Role = Literal["core_enterprise", "supplier", "financier", "regulator"]
ROLES: tuple[str, ...] = get_args(Role)
CORE_ENTERPRISE, SUPPLIER, FINANCIER, REGULATOR = ROLES
# the sides of a claim, never among attesting_roles: each has a stake in whether an invoice passes
INTERESTED_ROLES = (CORE_ENTERPRISE, SUPPLIER)
# the roles attesting_roles may name: not the interested ones, nor the regulator, whose only writes are freezes
ATTESTING_ROLES = (FINANCIER,)

CONFIG_ENV = "RECFIN_NETWORK_CONFIG"     # path of the JSON file the chaincode server runs with
PACKAGE_ENV = "CHAINCODE_ID"             # the chaincode server's package ID: <label>:<sha256>
DIGEST_TAG = "+cfg."                     # version 1.0 with configuration digest abc...: 1.0+cfg.abc...
SHORT_DIGEST = 12


# The highest VAT rate, in percent (13% in China today, on goods). A claim on a part of a delivery is bounded by
# its share of the receipt plus VAT at this rate: the share counts the invoices' amounts without tax, and an
# invoice's tax is otherwise unbounded, so it could carry any face on a small share. A law, not a network's choice:
# a constant, so every network runs the same bound.
HIGHEST_VAT_RATE_PERCENT = 13


# How many days old a passing attestation may be and still back a registration, when max_attestation_age_days is
# unset. A verification says what the sources said when it was made: an invoice can be red-flushed (红冲) at any time
# after, and a pass older than a month predates at least one monthly VAT filing, in which that is usually recorded.
# Verifying again costs one query and one attestation, so a month asks little of a bank and keeps a check that
# backs a claim close to the claim.
DEFAULT_MAX_ATTESTATION_AGE_DAYS = 30
# The most max_attestation_age_days may be: a hundred years, older than any attestation a ledger
# holds, so no limit a network means is refused; a larger one could pass the longest span a timedelta
# holds (999999999 days) and fail every attested registration as an internal error, where refused at
# load it names the setting.
MAX_ATTESTATION_AGE_DAYS = 36_500
# The most max_payment_term_days may be: a hundred years, past any term a claim is given, so no term a network means
# is refused. The rule itself compares days and is exact for any term; the bound is for how a term is written. The
# contract writes it in every GetContractSettings answer and in its refusals, and Python writes an integer of more
# digits than its limit (PYTHONINTMAXSTRDIGITS, as low as 640) not at all: a server started with a lower limit would
# answer with an internal error where the others answer the term. A client reading JSON numbers as doubles (as
# JavaScript does) reads a term past 2**53 days as another number.
MAX_PAYMENT_TERM_DAYS = 36_500


# How an attestation names a data source, and how many it names at most: one definition for the attestation
# request (model.InvoiceAttestationRequest) and for attestation_sources, which a passing attestation must name
SOURCE_NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
MAX_SOURCES = 10
SourceName = Annotated[str, Field(pattern=SOURCE_NAME_PATTERN, description="a data source's name, e.g. reference-tax")]
_SOURCE_NAME = re.compile(SOURCE_NAME_PATTERN)


class NetworkConfigError(ValueError):
    """The configuration file is missing, unreadable or invalid, or not the one the package was approved with."""


def _known_roles(field: str, roles: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError(f"{field}: {', '.join(unknown)} is not one of {', '.join(ROLES)}")
    return roles


# Of each setting in days, for a refusal of a value that is no number of days or out of its range: an example, what
# null (unset) means, the most it may be in numbers and in words, and what the number bounds
_DAYS_SETTINGS = {
    "max_payment_term_days": ("90", "one calendar year", MAX_PAYMENT_TERM_DAYS, "a hundred years",
                              "a claim may fall due at most that many days after its term starts"),
    "max_attestation_age_days": ("30", f"the default of {DEFAULT_MAX_ATTESTATION_AGE_DAYS} days",
                                 MAX_ATTESTATION_AGE_DAYS, "a hundred years",
                                 "a passing attestation counts for a registration made at most that many days "
                                 "after it"),
}

# An integer of more digits than this is named by its length (an integer of N digits) wherever a refusal shows it:
# written out it would be cut (errors.shown writes at most 40 characters of a number), and past the interpreter's
# digit limit (which may be set as low as 640) not written at all, so servers would word one refusal differently.
# No setting takes such a number.
_DIGITS_SHOWN = 40
_LONGEST_SHOWN = 10 ** _DIGITS_SHOWN


def _as_refused(value: object) -> object:
    """``value`` as a setting's refusal shows it: an integer too long to show by its length (``_LONGEST_SHOWN``)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _LONGEST_SHOWN:
        return _LongInteger(Decimal(value).adjusted() + 1)
    return value


class ContractSettings(BaseModel):
    """The contract's rules that do not depend on which orgs are in the channel (topology ``contract:``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_payment_term_days: int | None = Field(
        default=None, ge=1, le=MAX_PAYMENT_TERM_DAYS,
        description="longest allowed span to the due date, in days, from the issue date or from the claim's earliest "
                    f"invoice's date when that is earlier, 1 to {MAX_PAYMENT_TERM_DAYS}; unset (null, the default): "
                    "one calendar year, after the 2025 rules on supply-chain payment terms: the due date no later than "
                    "the same day a year after that day (28 February from a 29 February), so 365 or "
                    "366 days as the year has a 29 February or not",
    )
    attesting_roles: tuple[str, ...] = Field(
        default=(FINANCIER,),
        description="roles whose parties may attest an invoice verification: financier (the default), or none. "
                    "Banks check invoices for their own decisions and answer for what they sign, while the supplier "
                    "that registers a claim and the debtor that owes it each have a stake in the outcome, and the "
                    "regulator reads everything but changes only freeze state, so those roles are refused",
    )
    require_attestation: bool = Field(
        default=False,
        description="RegisterReceivable refuses an invoice without a passing verification attestation",
    )
    attestation_sources: tuple[str, ...] = Field(
        default=(),
        description="sources a passing attestation must name to count for registration (e.g. reference-tax); "
                    "empty: any source",
    )
    max_attestation_age_days: int | None = Field(
        default=None, ge=1, le=MAX_ATTESTATION_AGE_DAYS,
        description="with require_attestation on, how many days old a passing attestation may be at "
                    f"the registration's time and still count for it, 1 to {MAX_ATTESTATION_AGE_DAYS}; "
                    f"unset (null, the default): {DEFAULT_MAX_ATTESTATION_AGE_DAYS} days. A check says what "
                    "the sources said then, and an invoice verified once may be voided or red-flushed "
                    "since; a failure counts whatever its age",
    )

    def payment_term_exceeded(self, issue: date, due: date) -> date | None:
        """None when a claim whose term starts on ``issue`` may fall due on ``due``; otherwise the last due date
        the maximum payment term allows it. RegisterReceivable starts the term on the claim's issue date, or on
        its earliest invoice's date when that is earlier."""
        if self.max_payment_term_days is None:
            latest = dates.a_year_after(issue)
            return latest if due > latest else None
        # compared in days: issue + a configured term of any length could pass the calendar's last day, while
        # issue + a term shorter than the one asked for is always a date
        if (due - issue).days > self.max_payment_term_days:
            return issue + timedelta(days=self.max_payment_term_days)
        return None

    @property
    def attestation_age_limit_days(self) -> int:
        """How many days old a passing attestation may be at a registration's time and still count for it."""
        return self.max_attestation_age_days or DEFAULT_MAX_ATTESTATION_AGE_DAYS

    def attestation_age_text(self) -> str:
        """The limit on a passing attestation's age in words, for a refusal."""
        if self.max_attestation_age_days is None:
            return f"{DEFAULT_MAX_ATTESTATION_AGE_DAYS} days (the default: max_attestation_age_days is unset)"
        return f"{dates.days_text(self.max_attestation_age_days)} (max_attestation_age_days)"

    def payment_term_text(self) -> str:
        """The maximum payment term in words, for a refusal."""
        if self.max_payment_term_days is None:
            return "one calendar year (the default: max_payment_term_days is unset)"
        return f"{dates.days_text(self.max_payment_term_days)} (max_payment_term_days)"

    # mode="before": pydantic's lax reading would take true (YAML's yes too) as 1 day, "90" and 90.0 as 90, and "yes"
    # or 1 as true, so a slip in the topology would pass as a rule, every org approving it by its digest. Per field,
    # not a strict model: a strict one would refuse the JSON lists the tuple settings are written as.
    @field_validator("max_payment_term_days", "max_attestation_age_days", mode="before")
    @classmethod
    def _days_as_a_number(cls, days: object, info: ValidationInfo) -> object:
        example, unset, most, most_in_words, bounds = _DAYS_SETTINGS[info.field_name]
        days = _as_refused(days)
        if isinstance(days, _LongInteger):
            raise ValueError(f"{shown(days)} is not a number of days any setting takes: write the days as a number "
                             f"(e.g. {example}), or null for {unset}")
        if days is not None and (isinstance(days, bool) or not isinstance(days, int)):
            raise ValueError(f"{shown(days)} is not a whole number of days: write the days as a number, "
                             f"without quotes or decimals (e.g. {example}), or null for {unset}")
        if days is not None and not 1 <= days <= most:
            # 0 could be read as "no limit" or as "none allowed": neither is offered, a network sets a number
            raise ValueError(f"{days} days: {bounds}, so write 1 to {most} ({most_in_words}), or null "
                             f"for {unset}")
        return days

    @field_validator("require_attestation", mode="before")
    @classmethod
    def _true_or_false(cls, value: object) -> object:
        if not isinstance(value, bool):
            raise ValueError(f"{shown(_as_refused(value))} is not true or false: write true or false, without "
                             "quotes")
        return value

    @field_validator("attestation_sources")
    @classmethod
    def _sources_an_attestation_can_name(cls, sources: tuple[str, ...]) -> tuple[str, ...]:
        # otherwise no attestation could ever name them all, and with require_attestation on (now or after a
        # change of that one setting) no receivable could be registered
        bad = [s for s in sources if not _SOURCE_NAME.fullmatch(s)]
        if bad:
            raise ValueError(f"{', '.join(repr(s) for s in bad)}: not a source name an attestation can give, "
                             "1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit "
                             "(e.g. reference-tax); write the names as the attesters' sources report them")
        if len(sources) > MAX_SOURCES:
            raise ValueError(f"{len(sources)} sources, but an attestation names at most {MAX_SOURCES}, so none "
                             f"could name them all: require at most {MAX_SOURCES}")
        return sources

    @field_validator("attesting_roles")
    @classmethod
    def _known_attesting_roles(cls, roles: tuple[str, ...]) -> tuple[str, ...]:
        _known_roles("attesting_roles", roles)
        interested = [r for r in roles if r in INTERESTED_ROLES]
        if interested:
            raise ValueError(f"{', '.join(interested)} may not attest: a supplier registers the "
                             "claims an invoice backs and a core enterprise owes them, so each has a stake in the "
                             f"outcome; name only {' or '.join(ATTESTING_ROLES)}")
        if REGULATOR in roles:
            raise ValueError("regulator may not attest: the regulator reads everything but changes only freeze "
                             "state (FreezeReceivable, UnfreezeReceivable), and an attestation is a ledger write "
                             "that can decide a registration; name only " + " or ".join(ATTESTING_ROLES)
                             + " (a network deployed naming it: set contract.attesting_roles to [financier] in "
                             "its topology and run `recfin chaincode deploy`; do not edit a deployed "
                             "network_config file, whose digest the chaincode definition names)")
        return roles

    @model_validator(mode="after")
    def _someone_may_attest(self) -> "ContractSettings":
        # otherwise every registration is refused for want of an attestation nobody may make
        if self.require_attestation and not self.attesting_roles:
            raise ValueError("require_attestation is on but attesting_roles is empty: no party could attest an "
                             "invoice, so no receivable could be registered; name the roles that attest "
                             f"({', '.join(ATTESTING_ROLES)}) or turn require_attestation off")
        return self


class NetworkConfig(ContractSettings):
    org_roles: dict[str, tuple[str, ...]] = Field(
        description="MSP ID -> the roles its parties may hold",
    )

    @field_validator("org_roles")
    @classmethod
    def _known_org_roles(cls, org_roles: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if not org_roles:
            raise ValueError("names no org, so no party could register: map each org's MSP ID to the roles its "
                             f"parties may hold (one of {', '.join(ROLES)}), as `recfin chaincode deploy` derives "
                             "them from the topology's orgs")
        for msp, roles in org_roles.items():
            field = f"org_roles.{msp}"
            _known_roles(field, roles)
            if not roles:
                # an org the configuration leaves out holds no role already: an empty entry can only be a slip
                raise ValueError(f"{field} is empty: give the org the role its parties hold, or leave the org "
                                 "out (its parties then act in no role)")
            if twice := sorted({role for role in roles if roles.count(role) > 1}):
                raise ValueError(f"{field} names {', '.join(twice)} more than once: name each role once")
            if REGULATOR in roles and len(roles) > 1:
                # a freeze, and a claim whose parties are all one org's, add every regulator org to the claim's key
                # (policy.endorsing_orgs) so that the orgs of its parties cannot change it between them: an org that
                # is one of those parties too would add nobody
                others = ", ".join(role for role in roles if role != REGULATOR)
                raise ValueError(f"{field} gives the regulator role with {others}: a freeze adds the regulator "
                                 "orgs to a claim's key-level policy so that the claim's debtor, holder and bank "
                                 "cannot lift it between them, and an org that is also one of those parties would "
                                 "add no org; give the regulator an org of its own")
        if not any(REGULATOR in roles for roles in org_roles.values()):
            # the network tooling derives no configuration without one (network.topology.missing_roles_refusal); one
            # written or kept by hand ran, and left a frozen claim frozen for good, its debtor and holder told to
            # wait for a regulator that does not exist
            raise ValueError("names no org with the regulator role, which the contract needs: only a regulator "
                             "org's parties freeze and unfreeze a claim, so a frozen claim could never be "
                             "unfrozen, and only its admin runs UpgradeLedger; deploy a definition whose "
                             "configuration names a regulator org (`recfin org add NAME --role regulator`, or "
                             "an org of the topology with `role: regulator`, then `recfin chaincode deploy`), "
                             "not an edit of a deployed network_config file, whose digest the definition names")
        return org_roles

    @model_validator(mode="after")
    def _an_org_may_attest(self) -> "NetworkConfig":
        if self.require_attestation and not any(self.msps_with_role(role) for role in self.attesting_roles):
            raise ValueError(f"require_attestation is on but no org's parties may hold an attesting role "
                             f"({', '.join(self.attesting_roles)}): no receivable could be registered; add an org "
                             "with one of those roles, name a role an org has in attesting_roles, or turn "
                             "require_attestation off")
        return self

    def may_hold(self, msp_id: str, role: str) -> bool:
        """Whether parties of ``msp_id`` may hold ``role`` now: checked when a party registers, each time it
        acts, and for each attestation registration counts (a new definition may take a role from an org)."""
        return role in self.org_roles.get(msp_id, ())

    def msps_with_role(self, role: str) -> list[str]:
        return sorted(msp for msp, roles in self.org_roles.items() if role in roles)

    @property
    def msp_ids(self) -> list[str]:
        return sorted(self.org_roles)


DEFAULT_CONFIG = NetworkConfig(
    org_roles={
        "CoreEnterpriseMSP": (CORE_ENTERPRISE,),
        "SupplierMSP": (SUPPLIER,),
        "BankMSP": (FINANCIER,),
        "RegulatorMSP": (REGULATOR,),
    },
)


# ---- the file form and its digest ------------------------------------------------------------
# Settings added after networks were deployed, left out of the file while unset: a configuration that does not set
# one has the text, so the digest, it had before the setting existed, and the definition its orgs approved, and the
# servers started with its file, stay valid (unset, the setting's default applies)
_LEFT_OUT_WHILE_UNSET = ("max_attestation_age_days",)


def to_json(cfg: NetworkConfig) -> str:
    """The canonical JSON text of a configuration (sorted keys): what the deployment writes."""
    doc = cfg.model_dump(mode="json")
    for name in _LEFT_OUT_WHILE_UNSET:
        if doc[name] is None:
            del doc[name]
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def digest(cfg: NetworkConfig) -> str:
    """sha256 of the canonical JSON: the same values give the same digest however the file was formatted."""
    return hashlib.sha256(to_json(cfg).encode()).hexdigest()


def untagged_version(version: str) -> str:
    return version.split(DIGEST_TAG, 1)[0]


def tagged_version(version: str, cfg: NetworkConfig) -> str:
    """The chaincode definition version naming the configuration: ``1.0`` -> ``1.0+cfg.<12 hex>``."""
    return f"{untagged_version(version)}{DIGEST_TAG}{digest(cfg)[:SHORT_DIGEST]}"


# a package label's configuration digest: hex digits, at least as many as tagged_version writes
_DIGEST_IN_LABEL = re.compile(rf"[0-9a-f]{{{SHORT_DIGEST},64}}")


def version_digest(version_or_label: str) -> str | None:
    """The short digest a tagged version (or package label) names, None when it names none."""
    _, tag, short = version_or_label.partition(DIGEST_TAG)
    return (short or None) if tag else None


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


class _LongInteger:
    """A JSON integer of more than _DIGITS_SHOWN digits, read as this stand-in and never converted (the time that
    takes grows with the square of its length, and past the interpreter's digit limit it fails): no setting is such a
    number, and the setting it was given for refuses it by name, as any other bad value, in the same words on every
    server. A topology's integer too long to show in a setting's refusal is named so too (``_as_refused``)."""

    def __init__(self, length: int) -> None:
        self.length = length

    def __repr__(self) -> str:   # as errors.shown quotes it
        return f"an integer of {self.length} digits"


def _integer(digits: str) -> int | _LongInteger:
    """A JSON integer, or the stand-in for one of more than _DIGITS_SHOWN digits: a fixed limit, not the
    interpreter's own (PYTHONINTMAXSTRDIGITS, 640 at the lowest), so that every server refuses the same files in the
    same words, wherever in the file the number is (a file that is no object is shown in its refusal)."""
    length = len(digits.lstrip("-"))
    return _LongInteger(length) if length > _DIGITS_SHOWN else int(digits)


def parse_config(text: str, source: str) -> NetworkConfig:
    """A configuration from its JSON text; NetworkConfigError names the source and each bad field."""
    try:
        data = json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise NetworkConfigError(f"{source}: not valid JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise NetworkConfigError(f"{source}: expected a JSON object, got {shown(data)}")
    try:
        return NetworkConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = _field_path(err["loc"])
            problems.append(f"{source}: {where + ': ' if where else ''}{err['msg'].removeprefix('Value error, ')}")
        raise NetworkConfigError("\n".join(problems)) from None


def read_config(path: str | Path) -> NetworkConfig:
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise NetworkConfigError(
            f"{CONFIG_ENV}={path}: cannot read it ({exc.strerror}): `recfin chaincode deploy` writes it from the "
            f"topology; unset {CONFIG_ENV} to run with the default configuration") from None
    return parse_config(text, str(path))


def load_config(environ: Mapping[str, str] | None = None) -> NetworkConfig:
    """The configuration named by RECFIN_NETWORK_CONFIG (must exist and validate), else DEFAULT_CONFIG.

    When the server's package label (CHAINCODE_ID) names a configuration digest, the loaded
    configuration must have it: the orgs approved the definition for that configuration. With
    RECFIN_NETWORK_CONFIG set, the label must name one (at least 12 hex digits): a file is run only
    as the configuration of a package made for it."""
    env = os.environ if environ is None else environ
    path = env.get(CONFIG_ENV) or None
    cfg = read_config(path) if path else DEFAULT_CONFIG
    label = env.get(PACKAGE_ENV, "").partition(":")[0]
    approved = version_digest(label)
    if path and label and (approved is None or not _DIGEST_IN_LABEL.fullmatch(approved)):
        # every label `recfin chaincode deploy` writes for the contract names the file's digest: without one (a
        # package built by hand, say) nothing ties the file to the configuration the orgs approved
        raise NetworkConfigError(
            f"{path}: chaincode package {label} names no configuration digest ({DIGEST_TAG}<{SHORT_DIGEST} hex "
            f"digits> at the end of its version), so the file cannot be checked against the configuration the "
            f"orgs approved: start the server from the package `recfin chaincode deploy` wrote for this file "
            f"(its label ends in {DIGEST_TAG}{digest(cfg)[:SHORT_DIGEST]})")
    if approved is not None and not digest(cfg).startswith(approved):
        source = path or f"the default configuration ({CONFIG_ENV} is unset)"
        raise NetworkConfigError(
            f"{source}: its digest {digest(cfg)[:SHORT_DIGEST]} is not cfg.{approved}, the configuration chaincode "
            f"package {label} was approved with: start the server with the file that deployment wrote, or deploy "
            f"the new configuration with `recfin chaincode deploy`")
    return cfg
