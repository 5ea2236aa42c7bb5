"""The JSON shapes the contract publishes through GetMetadata: arguments and results.

JSON arguments are declared with :func:`json_argument`: the runtime parses the JSON
and hands the contract the plain value, and the metadata shows the model's
schema. The contract then validates the value itself, so a bad field is refused
with a rule code (``amount-not-integer-fen``, ``argument-invalid``, ...) rather than a
generic conversion error. Text that is not JSON at all is refused by the runtime,
naming the parameter, before the contract runs.
"""

from __future__ import annotations

from typing import Any

from typing import Literal

from pydantic import BaseModel, Field
from pydantic_core import core_schema

from . import config as cfg
from .model import DiscountOffer, Doc, Financing, Offer, Party, Receivable, Status


def json_argument(model: type[BaseModel]) -> type:
    """A parameter type: any JSON value at run time, ``model``'s schema in the metadata."""

    def core(cls: type, source: Any, handler: Any) -> Any:
        return core_schema.any_schema()

    def json_schema(cls: type, schema: Any, handler: Any) -> Any:
        return handler(model.__pydantic_core_schema__)

    return type(f"{model.__name__}Argument", (), {
        "__get_pydantic_core_schema__": classmethod(core),
        "__get_pydantic_json_schema__": classmethod(json_schema),
        "__doc__": f"A JSON {model.__name__}, validated by the contract.",
    })


class Allocation(Doc):
    receivable_id: str
    amount: int
    payee: str
    outstanding: int


class PaymentResult(Receivable):
    """The receivable paid against, with where each fen went (one entry per leaf paid)."""

    allocations: list[Allocation]


class TransferResult(Receivable):
    """The receivable transferred or split; on a split, the two children as well."""

    children_records: list[Receivable] = []


class HistoryEntry(Doc):
    tx_id: str
    timestamp: str
    is_delete: bool
    action: str | None = None
    by: str | None = None
    msp_id: str | None = None
    status: str | None = None
    holder: str | None = None
    outstanding: int | None = None
    financing_id: str | None = Field(default=None, description=(
        "the financing the claim was under after this write (requested, accepted or disbursed): the one "
        "record of a financing since cancelled or recoursed, which the claim no longer names"))
    financier: str | None = Field(default=None, description="credit code of the bank the claim named after this write")
    frozen: bool | None = None
    freeze_order: str | None = Field(default=None, description=(
        "the reference of the order the claim was frozen under after this write; null when not frozen"))
    queued_orders: list[str] = Field(default_factory=list, description=(
        "the references of the freeze orders queued behind freeze_order after this write, oldest first"))
    lifting_order: str | None = Field(default=None, description=(
        "on the write that lifted a freeze (UnfreezeReceivable), the reference of the order that lifted it; "
        "null on every other write, and on a lifting recorded before liftings were kept"))


class PartyHistoryEntry(Doc):
    """One write of a party record: the transaction, when, and the org, name, role and identities the record named
    after it (a name that changes from one write to the next is a RenameParty: the former names are the earlier
    ones; identities that change, a bind or an unbind)."""

    tx_id: str
    timestamp: str
    is_delete: bool
    msp_id: str | None = None
    name: str | None = Field(default=None, description="the party's name after this write; null on a delete or a "
                                                       "value no party record parses to")
    role: str | None = Field(default=None, description="the party's role after this write, which no transaction "
                                                       "changes (one that does was written outside the contract, "
                                                       "by the party's org alone); null as name is")
    client_ids: list[str] | None = Field(default=None, description="the client identities the record listed as "
                                                                   "acting for the party after this write; null as "
                                                                   "name is")


class ReceivableSummary(Doc):
    id: str
    status: str
    holder: str
    face_amount: int
    outstanding: int
    parent_id: str | None


class ProvenanceNode(ReceivableSummary):
    """A claim of the tree below the one asked about, as the caller may read it: one it may not read
    (GetReceivable's rules) is ``redacted``, with its id, parent and children only."""

    status: str | None = Field(description="null on a redacted node")
    holder: str | None = Field(description="null on a redacted node")
    face_amount: int | None = Field(description="null on a redacted node")
    outstanding: int | None = Field(description="null on a redacted node")
    children: list[ProvenanceNode]
    children_omitted: bool = Field(default=False, description=(
        "true (and children empty) on a node whose children are not in this answer: one 64 levels below the "
        "one asked about (only a lineage split deeper before splits were limited has one), or one whose "
        "children would take the answer past 500 parts, read level by level; GetProvenance of this node "
        "answers the parts below. Absent otherwise"))
    redacted: bool = Field(default=False, description=(
        "true on a node the caller may not read (GetReceivable would refuse it: a part passed on to another "
        "holder, say): its status, holder and amounts are null, its id, parent and children are shown. Absent "
        "otherwise"))


class ProvenanceAncestor(ReceivableSummary):
    """A claim ``GetProvenance``'s claim was split from, shown whole, or ``redacted`` where this peer cannot
    read it (its key in ``unreadable`` or ``newer_version``)."""

    status: str | None = Field(description="null on a redacted ancestor")
    holder: str | None = Field(description="null on a redacted ancestor")
    face_amount: int | None = Field(description="null on a redacted ancestor")
    outstanding: int | None = Field(description="null on a redacted ancestor")
    parent_id: str | None = Field(description=(
        "the claim it was split from; on a redacted ancestor, whose record is unread and so does not tell it, "
        "the claim its id extends (<parent>.<n>) that lists it among its children, null where none does "
        "(parent_unknown) or where its id is a root's"))
    redacted: bool = Field(default=False, description=(
        "true on an ancestor this peer cannot read (a newer contract version wrote it, or no version did): its "
        "status, holder and amounts are null, its key is named in unreadable or newer_version. Absent "
        "otherwise"))
    parent_unknown: bool = Field(default=False, description=(
        "true on a redacted ancestor whose parent could not be told (the claim its id extends is missing, "
        "unreadable too, or does not list it): the ancestors end there, short of the root. Absent otherwise"))


UNREADABLE_FIELD = Field(default_factory=list, description=(
    "keys of the records passed over as no contract version wrote them (a value written outside the contract, "
    "or a copy of another record): in no record or figure here; report them to the network's operators"))
NEWER_VERSION_FIELD = Field(default_factory=list, description=(
    "keys of the records passed over as a newer contract version wrote them, which this peer's older version "
    "cannot read: in no record or figure here; install the channel's version on this peer, or ask another"))


class PassedOver(Doc):
    """The records an answer passed over because this peer cannot read them, by key, as UpgradeLedger names
    them: a reader summing the answer learns what it does not hold."""

    unreadable: list[str] = UNREADABLE_FIELD
    newer_version: list[str] = NEWER_VERSION_FIELD


class Provenance(PassedOver):
    """GetProvenance's answer: a part of the tree this peer cannot read, or whose record no split writes, is shown
    where it lies, ``redacted``, with nothing below it, its key named in ``unreadable`` or ``newer_version``; so
    is such an ancestor, in its place among ``ancestors`` (``ProvenanceAncestor``)."""

    id: str
    root_id: str
    ancestors: list[ProvenanceAncestor]
    tree: ProvenanceNode


class FinancingView(Financing, PassedOver):
    """GetFinancing's answer: the request and its offers' public records; an offer record this peer cannot read
    is in none of ``offers``, named in ``unreadable`` or ``newer_version`` instead."""

    offers: list[Offer]


class Page(PassedOver):
    records: list[Receivable]
    fetched: int
    bookmark: str


class Exposure(Doc):
    """The figures of one currency: amounts in fen of that currency."""

    exposure: int
    financed: int
    overdue: int = Field(description="outstanding on the claims unpaid past their due date on the day asked: "
                                     "marked OVERDUE, or CONFIRMED or FINANCED with the due date gone by")
    receivables: int
    financed_share: str


class Statistics(PassedOver):
    """GetStatistics' answer. Amounts are grouped by currency (ISO 4217 code), never added across currencies."""

    per_debtor: dict[str, dict[str, Exposure]] = Field(description="debtor's credit code -> currency -> figures")
    total: dict[str, Exposure] = Field(description="currency -> figures over every debtor")
    count_by_status: dict[str, int]


class InvoiceLookup(Doc):
    """FindInvoice's answer: is the invoice used, by which receivable, is that claim still live."""

    fingerprint: str
    used: bool = Field(description="the registry holds it: a registration naming this invoice is refused")
    receivable_id: str | None = Field(description="the root receivable it backs; null when unused")
    live: bool = Field(description="a claim of that lineage is still unsettled "
                                   "(REGISTERED, CONFIRMED, FINANCED, OVERDUE)")


class ContractSettingsView(Doc):
    """GetContractSettings' answer: the rules of the configuration this peer's chaincode server runs with
    (``config.ContractSettings``), each unset one with the value the contract applies in its stead."""

    max_payment_term_days: int | None = Field(ge=1, description="the longest span from a claim's issue date (or "
                                                                "its earliest invoice's date when earlier) to its "
                                                                "due date, in days (as the configuration, at least "
                                                                "1); null: one calendar year (payment_term)")
    payment_term: str = Field(description="the maximum payment term in words, as a registration's refusal "
                                          "names it, e.g. one calendar year (the default: max_payment_term_days "
                                          "is unset)")
    require_attestation: bool = Field(description="RegisterReceivable refuses an invoice without a passing "
                                                  "verification attestation")
    attestation_sources: list[str] = Field(description="sources a passing attestation must name to count for a "
                                                       "registration; empty: any source")
    max_attestation_age_days: int | None = Field(description="how many days old a passing attestation may be "
                                                             "and still count for a registration, as configured; "
                                                             "null: the default (attestation_age_limit_days)")
    attestation_age_limit_days: int = Field(description="the limit the contract applies: "
                                                        "max_attestation_age_days, or its default when unset")
    attesting_roles: list[str] = Field(description="roles whose parties may attest an invoice verification")
    config_digest: str = Field(description="sha256 hex of the configuration's canonical JSON: the chaincode "
                                           "definition's version names its first 12 digits (1.0+cfg.<12 hex>)")

    @classmethod
    def of(cls, config: cfg.ContractSettings, config_digest: str) -> "ContractSettingsView":
        return cls(max_payment_term_days=config.max_payment_term_days, payment_term=config.payment_term_text(),
                   require_attestation=config.require_attestation,
                   attestation_sources=list(config.attestation_sources),
                   max_attestation_age_days=config.max_attestation_age_days,
                   attestation_age_limit_days=config.attestation_age_limit_days,
                   attesting_roles=list(config.attesting_roles), config_digest=config_digest)


class IdentityParty(Doc):
    """FindIdentityParty's answer: the party a client identity acts for, decided as every transaction decides it."""

    msp_id: str
    client_id: str = Field(description="x509::<subject DN>::<issuer DN>, as the question gave it (trimmed)")
    party: Party | None = Field(description="the party whose binding names the identity and whose record lists "
                                            "it; null: it acts for no party (never bound, unbound, or bound "
                                            "by a binding the party's record does not list)")
    bound_to: str | None = Field(description="the credit code the identity's binding names, whether or not that "
                                             "party's record lists it; null: no binding, or one whose value is no "
                                             "well-formed credit code (it acts for no one). With party null, a "
                                             "binding and a record that disagree (a stray binding, or one "
                                             "removed while a record still lists the identity) show here; a "
                                             "record other than the one named is not read")
    held_by: list[str] | None = Field(description="the orgs named by a key-level policy on the identity's binding "
                                                  "key that is not its own org's alone (the contract never sets "
                                                  "one; two other orgs can, under the chaincode policy): its "
                                                  "org can neither write nor delete that binding, so unbinding "
                                                  "another identity does not count it as one left to act. "
                                                  "null: no such policy")


class RecordedPayment(Doc):
    """One payment on a claim in its payment record: when, and how much it took off what was owed."""

    paid_on: str = Field(description="business date (China Standard Time) of the payment's transaction")
    amount: int = Field(description="fen taken off the claim: the amount paid, plus the discount an early payment "
                                    "under a discount offer was granted")


class PaymentRecord(Doc):
    """One claim of a debtor as the ledger stood at the end of the record's ``as_of``: dates, amounts, states.

    Dates are business dates (China Standard Time) of the transactions that
    made each change; a state never reached is null.
    """

    receivable_id: str
    parent_id: str | None = Field(description="set on the parts of a split claim")
    holder: str = Field(description="a credit code, or for a bank an opaque token: the same for one holder in "
                                    "every answer about this debtor to this bank")
    face_amount: int
    outstanding: int
    currency: str = Field(description="the claim's currency (ISO 4217): face_amount and outstanding are in it")
    due_date: str
    status: Status
    registered_on: str = Field(description="the claim's first record (a split part's: the split)")
    confirmed_on: str | None = Field(description="the debtor's confirmation (a split part keeps the original's)")
    rejected_on: str | None
    withdrawn_on: str | None = Field(description="its creditor withdrew it before its debtor answered "
                                                 "(WithdrawReceivable): no decision of the debtor's")
    financed_on: str | None = Field(description="the day the bank's offer of the financing live on as_of was "
                                                "accepted (kept once the financing ended in settlement); null when "
                                                "none was, or a cancellation dropped it unpaid. Which bank and on "
                                                "what terms is not shown")
    marked_overdue_on: str | None = Field(description="RecordOverdue recorded it")
    split_on: str | None
    settled_on: str | None = Field(description="paid in full (by payment, discount or repayment)")
    days_late: int = Field(description="settled: days after the due date it was settled; unpaid: days past due "
                                       "on as_of; else 0")
    overdue: bool = Field(description="on as_of: confirmed, unpaid and past its due date (or marked overdue)")
    freezes: list[str] = Field(description="the dates freeze orders were recorded (one queued behind another "
                                           "included)")
    unfreezes: list[str] = Field(description=(
        "the dates freeze orders were lifted, one per order (a queued one included): a day on whose end the "
        "claim has as many liftings as freezes so far, no order bound it"))
    frozen: bool = Field(description="under a freeze order on as_of")
    payments: list[RecordedPayment] = Field(description="the payments made on the claim by as_of, oldest first: "
                                                        "face_amount less their amounts is what was owed on a day")


class PaymentRecordPage(Doc):
    """GetDebtorPaymentRecord's answer: one page of a debtor's claims as of a date."""

    debtor: str
    as_of: str
    holder_ids: Literal["credit-code", "token"]
    records: list[PaymentRecord]
    history_cut: list[str] = Field(description="claims whose history the peer cut at its totalQueryLimit, "
                                               "a record no transaction of this contract created, or one a "
                                               "newer contract version wrote by as_of, which this peer's "
                                               "older version cannot read: not counted")
    fetched: int
    bookmark: str


class ListedOffer(Offer):
    """An offer as its bank's list of open offers shows it: the public record (never its private terms, the expiry
    among them: GetOfferTerms reads them) and its claim's debtor."""

    debtor: str = Field(description="credit code of the debtor of the claim the offer is on (receivable_id)")


class OfferPage(PassedOver):
    """ListOffersByFinancier's answer: one page of a bank's offers still OPEN, by debtor then offer id; expired
    ones included (their expiry is private)."""

    records: list[ListedOffer]
    fetched: int
    bookmark: str


class DiscountOfferPage(PassedOver):
    records: list[DiscountOffer]
    fetched: int
    bookmark: str


class RequestRecord(Doc):
    """GetRequest's answer: what the contract recorded for a business request id when it first applied it."""

    request_id: str
    party: str = Field(description="credit code of the party that made the request")
    transaction: str = Field(description="the transaction it was applied by, e.g. TransferReceivable")
    arguments: str = Field(description="sha256 of the transaction name and arguments it was bound to")
    tx_id: str = Field(description="the transaction that applied it (later retries were answered from this record)")
    at: str = Field(description="that transaction's timestamp")
    result: dict[str, Any] = Field(description="what the transaction returned: the same document every retry "
                                               "returned, with the ids it produced")


class FinancedClaim(Doc):
    """One live financing of a bank on the debtor's claims, and what of its principal is still out."""

    receivable_id: str
    financing_id: str
    status: Literal["ACCEPTED", "DISBURSED"]
    due_date: str
    currency: str = Field(description="the claim's currency (ISO 4217): the amounts below are in it")
    principal: int = Field(description="disbursed, or for an accepted offer: what its terms will advance, fen")
    collected: int = Field(description="paid by the debtor to the bank on the claim so far, fen")
    outstanding_principal: int = Field(description="max(0, principal - collected), fen")


class OpenOffer(Doc):
    """One offer of a bank on the debtor's claims that the holder could accept today, and what it would advance."""

    offer_id: str
    financing_id: str
    receivable_id: str
    due_date: str
    expires_on: str = Field(description="the last day the holder may accept it (from the offer's private terms: "
                            "the bank and the regulator read them)")
    currency: str = Field(description="the claim's currency (ISO 4217): the amounts below are in it")
    outstanding: int = Field(description="what the debtor still owes on the claim, fen")
    advance: int = Field(description="outstanding x the offer's advance rate, as the disbursement would compute it, "
                                     "fen")


class FinancierExposure(PassedOver):
    """GetFinancierExposure's answer: one bank's outstanding financed principal on one debtor's claims, and what
    its open offers on them would add. Against a limit on the debtor, count exposure + offered."""

    financier: str
    debtor: str
    version: int = Field(description="the version of these figures, moved by each offer of the bank on the "
                                     "debtor's claims: send it with an offer priced on them (MakeFinancingOffer's "
                                     "exposure_version), refused if it has moved since")
    exposure: dict[str, int] = Field(description="currency -> the sum of outstanding_principal in it, fen: "
                                                 "what is out")
    financings: list[FinancedClaim]
    offered: dict[str, int] = Field(description="currency -> the sum of the open offers' advance in it, fen: what "
                                                "holders can still put out by accepting; count it with exposure "
                                                "against a limit")
    offers: list[OpenOffer]
    uncounted_offers: list[str] = Field(description="the offers the bank's own recfin.offer-made entries list on the "
                                                    "debtor that offered leaves out (ended, or their "
                                                    "record or claim rewritten; not one whose own terms "
                                                    "have expired, which its acceptance refuses by those "
                                                    "terms), in id order: send them with an "
                                                    "offer priced on these figures (MakeFinancingOffer's "
                                                    "uncounted_offers), which drops their entries so that none is "
                                                    "accepted after")


class FingerprintCollision(Doc):
    """An invoice that backs two claims, or one claim twice: registered under a spelling the contract now
    refuses, and again under another spelling, which the fingerprint registry holds the current spelling for
    (UpgradeLedger finds it; double financing that already happened)."""

    fingerprint: str = Field(description="the invoice's fingerprint in its current spelling")
    receivable_id: str = Field(description="the claim registered under the spelling left out of the registry")
    code: str = Field(description="the invoice code as that claim stores it")
    number: str = Field(description="the invoice number as that claim stores it")
    held_by: str = Field(description="the claim the fingerprint registry holds the current spelling for: "
                                     "receivable_id itself when that claim lists the invoice twice")
    held_by_code: str = Field(description="the invoice code as held_by stores it (an earlier spelling too, when "
                                          "held_by was registered before the current one)")
    held_by_number: str = Field(description="the invoice number as held_by stores it")
    live: bool = Field(description="some claim of receivable_id's lineage is still unsettled")
    held_by_live: bool = Field(description="some claim of held_by's lineage is still unsettled")


class UnspelledInvoice(Doc):
    """A stored invoice whose code and number give no spelling the contract now accepts (letters, another
    length, an 8-digit number without its code): the registry holds it under its stored fingerprint only."""

    receivable_id: str
    code: str
    number: str
    fingerprint: str = Field(description="the fingerprint it was registered under")


class ClaimToReseal(Doc):
    """A claim whose key-level policy leaves out an org due now (a freeze before b8aeb33 kept the debtor's and the
    holder's orgs only; an earlier version guarded a claim of one org's parties by that org alone). UpgradeLedger
    cannot rewrite it: Fabric checks a change of a policy against that policy. Until resealed (ResealReceivable,
    endorsed by the orgs its key names), those orgs can change the claim between them, a freeze's lifting
    included."""

    receivable_id: str
    key_orgs: list[str] = Field(description="the MSP IDs the claim key's policy names now")
    due_orgs: list[str] = Field(description="the MSP IDs it is due (the debtor's and the holder's orgs, the bank's "
                                            "while financed, the regulator's while frozen or where those are one)")


class Reseal(Doc):
    """What ResealReceivable did: the claim's key-level policy, which named ``orgs_before``, names
    ``orgs_after`` (the orgs due now, or the same orgs where only the earlier form was rewritten:
    ``member_form_resealed``, or where the key was left as it was and only entries it covers were rewritten:
    ``entries_resealed``), each org's peers; nothing else of the claim changed."""

    receivable_id: str
    orgs_before: list[str] = Field(description="the MSP IDs the claim key's policy named, which endorsed the reseal")
    orgs_after: list[str] = Field(description="the MSP IDs it names now: the orgs due (the debtor's and the "
                                              "holder's, the bank's while financed, the regulator's while frozen "
                                              "or where those are one); where the key named them all "
                                              "already, in the earlier form or in this version's (left as "
                                              "it was), the orgs it named")
    member_form_resealed: bool = Field(
        description="whether the policy was in the form earlier contract versions wrote, MSP role "
                    "MEMBER (any certificate of its orgs met it, a client's too), now rewritten to role PEER "
                    "(their peers)")
    entries_resealed: int = Field(
        description="how many entries the claim's reseal covers beside its key had their policy rewritten "
                    "to this version's form: its live loan's recfin.by-financier entry, and its invoices' "
                    "fingerprint and goods receipts' registry entries (while it is REGISTERED one in the "
                    "earlier form, MEMBER, or naming orgs other than due, or none; past that, one in the "
                    "earlier form, to the same orgs' peers)")
    tx_id: str = Field(description="the reseal's transaction: the claim's last change (last) stays the business "
                                   "change before it, as only the key's policy was written")


class LedgerUpgrade(Doc):
    """UpgradeLedger's answer for one page: the entries written, what it found, where the next page starts."""

    scanned: int = Field(description="records read on this page (receivables, then discount offers, then "
                                     "financing offers, then financings, then request records, then the other "
                                     "keys whose earlier policies it reseals, kind after kind)")
    writes: int = Field(description="every write of the page: each value written (an entry, a bank's "
                                    "exposure version moved) and each key-level policy written or "
                                    "rewritten counts one, those the other counts name and the rest "
                                    "(recfin.by-debtor entries written back, recfin.offer-made entries, "
                                    "registry, request record and notice policies, policies rewritten from "
                                    "the earlier form); 0 on a page run again")
    financier_entries: int = Field(description="recfin.by-financier entries written: live financings a bank's "
                                               "exposure left out")
    discount_offer_entries: int = Field(description="recfin.discount-by-debtor entries written: offers "
                                                    "ListDiscountOffers left out")
    open_offer_entries: int = Field(description="recfin.open-offer entries written: OPEN financing offers a "
                                                "bank's offered left out")
    fingerprint_entries: int = Field(description="invoices registered under their current spelling's fingerprint")
    claim_policies: int = Field(description="key-level policies written (the orgs due: the debtor's and the "
                                            "holder's, and others as any write names them): claims whose key has "
                                            "none, REGISTERED, REJECTED or WITHDRAWN ones an earlier version left "
                                            "so, and ones of any status written while their orgs due were one")
    financing_policies: int = Field(description="key-level policies written (the holder's and the bank's orgs): "
                                                "financings an earlier version accepted without one; and (the "
                                                "claim's own orgs) open requests it made without one")
    discount_offer_policies: int = Field(description="key-level policies written (the debtor's org): discount "
                                                     "offers' keys and recfin.discount-by-debtor entries an "
                                                     "earlier version left without one")
    collisions: list[FingerprintCollision]
    without_current_spelling: list[UnspelledInvoice]
    unreadable: list[str] = Field(description="keys of records passed over: a value this contract cannot read, or "
                                              "an offer or live financing whose claim is missing or unreadable")
    newer_version: list[str] = Field(description="keys of records passed over that a newer version of this "
                                                 "contract wrote (record-newer-version where read by name): "
                                                 "this peer's chaincode runs an older version than the "
                                                 "ledger's; install the channel's version and run the "
                                                 "upgrade again")
    claims_to_reseal: list[ClaimToReseal]
    bookmark: str = Field(description="where the next page starts; empty when done")
    done: bool = Field(description="no page is left to read: the scan has ended. Not that every record is "
                                   "upgraded: those the pages listed in unreadable and newer_version were "
                                   "passed over, nothing written for them (nor, for newer_version, for the "
                                   "records naming them)")
