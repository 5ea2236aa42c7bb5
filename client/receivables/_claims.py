"""The operations of a claim's life outside financing and settlement: registration, confirmation, rejection,
withdrawal, a paper identity's link, transfer; the invoice verifications a registration may need; the regulator's
freezes and reseals; the ledger upgrade."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from datetime import date

from chaincode.receivables.config import ContractSettings
from chaincode.receivables.fingerprint import code_characters_problem, number_problem, paper_number_problem
from chaincode.receivables.payment_term import term_refusal
from client.business_dates import business_today
from client.gateway import GatewayError
from client.gateway._twins import Steps

from ._arguments import (_fingerprint, _id, _json, _order, _page_size, _part_of_a_claim, _party_code, _record_id,
                         _request_id, _request_of, _said, _text, _upgrade_bookmark)
from ._models import (ContractSettingsView, InvoiceAttestation, InvoiceAttestationRequest, InvoiceAttestations,
                      LedgerUpgrade, Receivable, ReceivableRegistration, Reseal, TransferResult, date_given)
from ._read_refusals import _unless_refused_the_read_steps
from .errors import ArgumentRefused, ReceivablesError, RefusedBeforeSending, RuleViolation
from ..money import Amount


def _paper_identity(paper_code: str, paper_number: str) -> tuple[str, str]:
    """A paper form's identity to link, checked as the contract checks the fields of an invoice naming one (its
    ``InvoiceInput``, by the same functions): what it refuses whatever the claim holds raises
    :class:`RefusedBeforeSending` under the contract's rule, nothing sent."""
    code, number = _id(paper_code, "paper_code"), _id(paper_number, "paper_number")
    # in the order the contract's model reads them: the code, then the number
    if (why := code_characters_problem(code)) is not None:
        raise RefusedBeforeSending("LinkPaperIdentity", "invoice-code-invalid", f"paper_code: {why}")
    if (why := paper_number_problem(number)) is not None:
        raise RefusedBeforeSending("LinkPaperIdentity", "invoice-number-invalid", f"paper_number: {why}")
    return code, number


def _linked_invoice_number(invoice_number: str) -> str:
    """The number of the invoice a paper identity is linked to, as :func:`_id`, refused (ValueError) unless it is an
    invoice number by the contract's own check (``fingerprint.number_problem``): the contract links the invoice only
    once the claim's invoice with that number passes as an ``InvoiceInput``, which no other number does, so one of
    10,000 digits, or with a dash or a space, went to the peers to come back not-found (or, from a caller who may
    not link, not-the-creditor, hiding the typo)."""
    number = _id(invoice_number, "invoice_number")
    if (why := number_problem(number)) is not None:
        raise ArgumentRefused(f"invoice_number: {why}; nothing was sent")
    return number


class _ClaimOperations:
    """A claim's registration, confirmation, rejection, withdrawal and transfer; invoice verification; the
    regulator's operations; the ledger upgrade."""

    # ------------------------------------------------------------ register, confirm, reject, withdraw, transfer

    def register_receivable(self, registration: ReceivableRegistration, *, request_id: str | None = None) -> Receivable:
        """A supplier registers a claim on a core enterprise, backed by invoices; it becomes creditor and holder.

        ``request_id`` (default: a new uuid4 hex) makes a retry of this call return the first result.
        """
        _request_of(registration, ReceivableRegistration, "register_receivable",
                    "ReceivableRegistration(debtor=..., face_amount=..., issue_date=..., due_date=..., invoices=[...])")
        return self._submit("RegisterReceivable", _json(registration), _request_id(request_id, "RegisterReceivable"),
                            model=Receivable)

    def check_payment_term(self, registration: ReceivableRegistration, *, today: date | None = None,
                           request_id: str | None = None) -> ContractSettingsView | None:
        """Refuse a registration whose due date is past the maximum payment term before it is sent: the settings
        are asked of the contract (:meth:`contract_settings`) and the claim held to them by the contract's own rule
        (``chaincode.receivables.payment_term``), on ``today`` (default: today's business date), which only the
        advice of the refusal depends on. A claim past the term raises :class:`RefusedBeforeSending` with the rule
        ``payment-term-too-long`` and the words the contract would answer with; nothing is sent. Returns the
        settings read, or None when they could not be (a chaincode from before GetContractSettings, a peer not
        answering): the registration is then sent as before and the contract decides.

        ``request_id``: the one the registration is to be sent with. A claim past the term is not refused when a
        call with that id committed (:meth:`request`): the contract answers a retry with the receivable that call
        registered before it checks anything, and the term may have been shortened since."""
        _request_of(registration, ReceivableRegistration, "check_payment_term",
                    "ReceivableRegistration(debtor=..., face_amount=..., issue_date=..., due_date=..., invoices=[...])")
        return self._run_steps(self._payment_term_steps)(registration, today, request_id)

    def _payment_term_steps(self, registration: ReceivableRegistration, today: date | None,
                            request_id: str | None) -> Steps[ContractSettingsView | None]:
        # each checked before the settings are read: a today of another type raised from inside the rule, or went
        # unused, when the claim was within the term, and a request id the registration cannot be sent with was
        # looked up as if it could
        if today is not None:
            date_given(today, "today")
        if request_id is not None:
            _request_id(request_id, "RegisterReceivable")
        # its dates as they will be sent: a copy (model_copy(update=...)) may hold them as text, which the send reads
        registration = registration.checked()
        try:
            settings = yield self.contract_settings()
        except (GatewayError, ReceivablesError):
            return None
        # as the contract answered it, unchecked: a contract of another version may allow a longer term than
        # this one's configuration bound (config.MAX_PAYMENT_TERM_DAYS), and the rule holds a claim to any term
        term = ContractSettings.model_construct(max_payment_term_days=settings.max_payment_term_days)
        refusal = term_refusal(term, registration.issue_date, registration.due_date,
                               [(inv.number, inv.date) for inv in registration.invoices],
                               today if today is not None else business_today())
        if refusal is not None:
            if request_id:
                try:
                    yield from self._request_steps(request_id, None)
                    return settings   # committed: the contract answers the retry as it did then
                except (GatewayError, ReceivablesError):
                    pass              # not found, or not read: the claim is held to the term
            raise RefusedBeforeSending("RegisterReceivable", refusal.code, refusal.detail)
        return settings

    def confirm(self, receivable_id: str, *, endorsing_organizations: Sequence[str] | None = None) -> Receivable:
        """The debtor confirms (确权) the claim: its irrevocable promise to pay at maturity.

        The claim's key-level policy, set at its registration, asks the debtor's org and the holder's. A claim an
        earlier contract version registered has none until ``UpgradeLedger`` or this confirmation gives it one, so the
        chaincode's "any two orgs" policy applies, which two orgs the debtor's org need not be among; a bank auditing
        the claim (``client.receivables.audit``) finances it only on the debtor's org's endorsement of the confirmation,
        and the creditor's of it and of every change before it. So the endorsers are named, whatever the claim's age:
        the debtor's org and the holder's, read from the claim (``get_receivable``). When they are one org, the claim's
        policy names that org and the orgs whose parties may be the regulator, which the channel's config block does not
        tell: the orgs the claim's key names are read (:meth:`receivable_endorsers`, from a peer of that org) and named,
        that org first. The index entries the confirmation writes carry no key-level policy, so Fabric checks them
        against the chaincode's endorsement policy, read from its committed definition (through a peer of that org too):
        where the key's orgs do not meet it (a ``--signature-policy`` asking three orgs, or naming no regulator org),
        the fewest other orgs of the channel that do with them are named as well. No other org is asked, so a peer down
        in one (a second bank's) stops nothing; when an org named has no peer able to endorse, nothing is ordered and
        the EndorseError names it, the orgs the key names and what to do. A failure of a read of the key's orgs, the
        definition or the channel's orgs (a peer a block behind: ``not-found``; no peer of that org up; an ACL refusal)
        is raised, its rule or code as it was, saying what was read; nothing is sent. So is a ValueError naming the
        chaincode's policy where no orgs of the channel meet it with the key's (every org could not either). Where the
        key's orgs are no plan (the caller may not read them; a chaincode from before GetReceivableEndorsers; a key
        naming fewer than two orgs, as an earlier contract version left it; a definition that names a channel policy,
        ``--channel-policy``, holds none, names a validation plugin of its own or does not decode), that org and every
        other org of the channel are named (read as ``register_party`` reads them), and an EndorseError says why every
        org was asked. A client built without its Network can read neither: it leaves the confirmation of such a claim
        to the Gateway's plan. A caller the contract does not let read the claim is sent to the Gateway's plan, for the
        contract to say why it refuses the confirmation. Pass ``endorsing_organizations`` (MSP IDs) to choose the orgs
        yourself (docs/sdk-receivables.md, "Who endorses").
        """
        if endorsing_organizations is None:
            return self._run_steps(self._confirm_steps)(receivable_id)
        return self._confirmation(receivable_id, endorsing_organizations)

    def _confirmation(self, receivable_id: str, endorsing_organizations: Sequence[str] | None):
        return self._submit("ConfirmReceivable", _record_id(receivable_id, "receivable_id"), model=Receivable,
                            endorsing_organizations=endorsing_organizations)

    def _confirm_steps(self, receivable_id: str) -> Steps[Receivable]:
        """The confirmation endorsed by the debtor's org and the holder's, read from the claim; where they are one
        org, by the orgs :meth:`_one_org_endorsers` names, and an EndorseError then says why they were asked
        (:meth:`_sent_to`). Left to the Gateway's plan when the caller may not read the claim, so that the contract
        says why it refuses the confirmation as well."""
        def send(orgs: list[str] | None) -> Any:
            return self._confirmation(receivable_id, orgs)

        receivable = yield from _unless_refused_the_read_steps(
            lambda: self.get_receivable(_record_id(receivable_id, "receivable_id")))
        if receivable is None:
            return (yield send(None))
        if receivable.debtor_msp != receivable.holder_msp:
            return (yield send([receivable.debtor_msp, receivable.holder_msp]))
        endorsers = yield from self._one_org_endorsers(receivable.debtor_msp, receivable_id,
                                                       f"confirming {receivable_id}")
        return (yield from self._sent_to(endorsers, send))

    def reject(self, receivable_id: str, reason: str) -> Receivable:
        """The debtor rejects a claim it does not owe; the invoices behind it are released."""
        return self._submit("RejectReceivable", _record_id(receivable_id, "receivable_id"),
                            _said(reason, "reason", "RejectReceivable"), model=Receivable)

    def withdraw(self, receivable_id: str, reason: str) -> Receivable:
        """The creditor withdraws a claim it registered that its debtor has not confirmed (REGISTERED, not
        frozen), any day, its due date passed or not: WITHDRAWN, with ``withdrawal_reason`` and ``withdrawn_on``;
        the invoices behind it are released for a new registration."""
        return self._submit("WithdrawReceivable", _record_id(receivable_id, "receivable_id"),
                            _said(reason, "reason", "WithdrawReceivable"),
                            model=Receivable)

    def link_paper_identity(self, receivable_id: str, invoice_number: str, paper_code: str,
                            paper_number: str) -> Receivable:
        """Link the paper form's identity (数电纸质发票: its 发票代码 ``paper_code`` and 8-digit 发票号码
        ``paper_number``) to the invoice numbered ``invoice_number`` (its 20-digit number) of a claim registered
        without it: the invoice registry then holds the invoice under both, so no claim can be registered on it
        under the paper identity. ``receivable_id``: the claim or a part split from it; the invoice and the
        change are its root's, which is returned. Only the claim's creditor, the invoice's seller, links it,
        before or after the debtor confirms the claim (anyone else: ``not-the-creditor``, as the registry holds
        the identity under the seller's tax id); refused on a frozen root, an ended lineage, an invoice naming a
        paper identity already, and an identity a registration would refuse or that backs a claim. A paper number
        that is not 8 ASCII digits (``invoice-number-invalid``) or a paper code holding anything but ASCII digits
        (``invoice-code-invalid``) is refused by the contract's own rule before anything is sent
        (:class:`RefusedBeforeSending`); so is an ``invoice_number`` that is no invoice number by the contract's
        check (ValueError: which rule the contract answers it with depends on the claim and the caller)."""
        return self._submit("LinkPaperIdentity", _record_id(receivable_id, "receivable_id"),
                            _linked_invoice_number(invoice_number), *_paper_identity(paper_code, paper_number),
                            model=Receivable)

    def transfer(self, receivable_id: str, to: str, amount: Amount, *, request_id: str | None = None) -> TransferResult:
        """The holder passes ``amount`` of a confirmed claim to supplier ``to`` (credit code).

        The whole outstanding amount moves the claim; less splits it into
        ``<id>.1`` (to the recipient) and ``<id>.2`` (kept), in ``children_records``.
        ``request_id`` (default: a new uuid4 hex) makes a retry of this call return the first result.
        """
        return self._submit("TransferReceivable", _record_id(receivable_id, "receivable_id"), _party_code(to, "to"),
                            _part_of_a_claim(amount, "TransferReceivable"),
                            _request_id(request_id, "TransferReceivable"), model=TransferResult)

    split = transfer

    # ------------------------------------------------------------ invoice verification

    def attest_invoice_verification(self, attestation_request: InvoiceAttestationRequest, *,
                                    request_id: str | None = None) -> InvoiceAttestation:
        """A bank signs what data sources said about an invoice; the ledger adds who and when.

        Build the request with ``InvoiceAttestationRequest.from_evidence`` (or use
        ``client.invoices.attest.attest_verification``, which verifies and attests in one call).
        ``request_id`` (default: a new uuid4 hex) makes a retry of this call return the first record.
        """
        _request_of(attestation_request, InvoiceAttestationRequest, "attest_invoice_verification",
                    "InvoiceAttestationRequest.from_evidence(...)")
        return self._submit("AttestInvoiceVerification", _json(attestation_request),
                            _request_id(request_id, "AttestInvoiceVerification"),
                            model=InvoiceAttestation)

    def invoice_attestations(self, fingerprint: str) -> InvoiceAttestations:
        """Every verification attestation of an invoice, oldest first, to the invoice's seller and buyer,
        parties of an attesting role and the regulator; to anyone else an empty list, as for an invoice
        nobody attested. A list, with ``unreadable`` and ``newer_version``, the keys of the records under the
        invoice the peer passed over as it cannot read them (:class:`InvoiceAttestations`; empty from a contract
        before them, which is asked for the list alone). A ``fingerprint`` that is not 64 lower-case hex digits is
        refused before it is sent (``RefusedBeforeSending``, rule ``fingerprint-invalid``)."""
        return self._run_steps(self._attestations_steps)(_fingerprint(fingerprint, "GetInvoiceAttestations"))

    def _attestations_steps(self, fingerprint: str) -> Steps[InvoiceAttestations]:
        try:
            return (yield self._evaluate("GetInvoiceAttestations", fingerprint, "object", model=InvoiceAttestations))
        except RuleViolation as refusal:
            # a contract before the records passed over takes the fingerprint alone
            if refusal.rule != "argument-invalid" or "GetInvoiceAttestations takes 1 arguments" not in refusal.detail:
                raise
        return (yield self._evaluate("GetInvoiceAttestations", fingerprint, model=InvoiceAttestations))

    # ------------------------------------------------------------ regulator

    def freeze(self, receivable_id: str, order_reference: str) -> Receivable:
        """The regulator freezes a claim under an order; nothing changes until it is unfrozen.

        A split claim is refused (``invalid-state``): freeze its parts. A frozen part also stops payments over
        its tree."""
        return self._submit("FreezeReceivable", _record_id(receivable_id, "receivable_id"),
                            _order(order_reference, "order_reference", "FreezeReceivable"),
                            model=Receivable)

    def unfreeze(self, receivable_id: str, order_reference: str, *, lifts: str | None = None) -> Receivable:
        """The regulator lifts a freeze order of a claim, citing ``order_reference``, the order that lifts it.

        ``lifts`` names the freeze order lifted, one in effect (``frozen``) or queued (``queued_freezes``); None
        lifts the one in effect, but for a retry of a lifting that committed (``order_reference`` the claim's
        ``last_unfreeze``'s, whatever was recorded since), refused ``lifting-sent-again`` while an order binds
        the claim, which it would lift too. A blank ``lifts`` raises ValueError, sending nothing: it names no order, and
        taken as the one in effect it would lift the order with priority. The claim stays frozen while another
        order binds it (a queued order takes effect when the one in effect is lifted), and is free only when the
        last is lifted. A ``lifts`` that binds no order of the claim is refused ``freeze-order-not-found``,
        naming those that do; an order recorded by another regulator org is refused ``not-the-ordering-regulator``
        (any regulator lifts it once that org is no longer one, or its party is not registered)."""
        # sent only when given: a contract before queued orders takes the claim id and the lifting order alone
        named = [] if lifts is None else [_text(lifts, "lifts")]
        if named and not lifts.strip():
            raise ArgumentRefused("lifts is blank: name the freeze order lifted, or pass lifts=None to lift the order "
                             "in effect")
        return self._submit("UnfreezeReceivable", _record_id(receivable_id, "receivable_id"),
                            _order(order_reference, "order_reference", "UnfreezeReceivable"),
                            *[_said(order, "lifts", "UnfreezeReceivable", max_len=200) for order in named],
                            model=Receivable)

    def reseal_receivable(self, receivable_id: str, *,
                          endorsing_organizations: Sequence[str] | None = None) -> Reseal:
        """Rewrite the key-level policy of a claim whose key names fewer orgs than due to the orgs due now
        (``upgrade_ledger`` lists such a claim in ``claims_to_reseal``): a claim frozen before a freeze added
        the regulator's org, or one of one org's parties an earlier contract version guarded by that org
        alone. A key in the form earlier contract versions wrote (MSP role MEMBER, which a client certificate
        of its orgs meets too) is rewritten to role PEER, the same orgs where it names every org due, without
        waiting for ``upgrade_ledger``. Its debtor, its holder, its bank while financed, or the regulator
        calls it; nothing else of the claim changes. The entries the reseal covers (its live loan's
        ``recfin.by-financier`` entry; its registry entries, past registration only one in the earlier
        form, to the same orgs' peers) are rewritten to this version's form too, with the key or alone.
        Answers a :class:`Reseal` (``orgs_before``,
        ``orgs_after``, ``member_form_resealed``, ``entries_resealed``, and ``tx_id``, the reseal's
        transaction: the claim's ``last`` does not change).

        Fabric validates a change of a key's policy against the policy the key carries, so the orgs it names
        now must endorse: they are read first (:meth:`receivable_endorsers`) and named. A caller the contract
        does not let read the claim is sent to the Gateway's plan, for the contract to say why it refuses the
        reseal, and so is a claim whose key has no policy (the chaincode-level policy guards it, so the
        Gateway's orgs endorse the reseal, which gives it the orgs due: ``orgs_before`` empty;
        ``upgrade_ledger`` seals such a key too). A key in the earlier form is named to its orgs as well,
        whose peers meet its MEMBER principals. The contract rewrites an entry only where its policy names
        no org beyond the key's, so the orgs named here meet it too. Refused ``nothing-to-reseal`` where
        nothing needs rewriting: the key names every org due already, not in the earlier form, and so do
        the entries it covers (nothing is written); ``not-a-party-to-claim`` for anyone else.
        Pass ``endorsing_organizations`` (MSP IDs) to choose the orgs yourself: the key's orgs must be among
        them (the orgs due may be too).
        """
        return self._run_steps(self._reseal_steps)(receivable_id, endorsing_organizations)

    def _reseal_steps(self, receivable_id: str, endorsing_organizations: Sequence[str] | None) -> Steps[Reseal]:
        """The reseal endorsed by the orgs the claim's key names now (:meth:`receivable_endorsers`): Fabric validates
        a change of a key's policy against the policy the key carries, so they, and neither the orgs due nor the
        Gateway's plan, must endorse it. Left to the Gateway's plan where the caller may not read the claim (the
        contract then says why it refuses the reseal as well) or the key carries no policy: the chaincode-level
        policy guards such a key, so the orgs the Gateway names for it endorse the reseal, which gives the key the
        orgs due."""
        receivable_id = _record_id(receivable_id, "receivable_id")
        if endorsing_organizations is None:
            endorsing_organizations = (yield from _unless_refused_the_read_steps(
                lambda: self.receivable_endorsers(receivable_id))) or None
        return (yield self._submit("ResealReceivable", receivable_id, model=Reseal,
                                   endorsing_organizations=endorsing_organizations))

    # ------------------------------------------------------------ ledger upgrade

    def upgrade_ledger(self, page_size: int = 20, bookmark: str = "") -> LedgerUpgrade:
        """One page of the ledger upgrade (an admin of the regulator's org; anyone else, the regulator itself too, is
        refused ``role-not-permitted``, since its pages name claim ids and the regulator changes only freeze
        state): writes the index and fingerprint entries records of earlier contract versions lack, and the
        key-level policy of a claim without one whose orgs due are two or more (``claim_policies``: one they left
        REGISTERED or REJECTED, or REGISTERED and rejected or withdrawn since, and one of any status written while
        its orgs due were one org); ``financing_policies`` counts those it gives a financing an earlier version
        accepted without one (its holder's and bank's orgs) and an open financing request an earlier version made
        without one, that its claim still names (the claim's own orgs, as RequestFinancing gives one now: any two
        other orgs could otherwise seal it, and its acceptance, withdrawal and the debtor's payment would then
        fail; one sealed before the page ran keeps that seal); reports invoices registered twice under two
        spellings (``collisions``). Start with bookmark "" and pass each page's ``bookmark`` until ``done``
        (``recfin chaincode upgrade-ledger`` does). Safe to run again: it writes only what is missing."""
        return self._submit("UpgradeLedger", _page_size(page_size, "UpgradeLedger"), _upgrade_bookmark(bookmark),
                            model=LedgerUpgrade)
