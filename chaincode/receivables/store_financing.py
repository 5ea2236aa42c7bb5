"""The financings' records, under the claim's own orgs (its debtor's and its holder's) from the request and the
deal's parties' from acceptance on, and the assignment notices a disbursement issues, under the debtor's and the
bank's orgs; each with the regulator's org(s) where its two parties are one org's (``policy.deal_orgs``).
"""

from __future__ import annotations

from . import keys, policy
from .errors import RuleViolation
from .model import AssignmentNotice, Financing, Receivable
from .store_base import StoreBase, org_policy


class FinancingRecords(StoreBase):
    """Financings and assignment notices (part of ``Store``)."""

    # -- financing
    async def financing(self, financing_id: str) -> Financing:
        return await self._require(Financing, keys.FINANCING, financing_id, "financing")

    async def financing_or_none(self, financing_id: str) -> Financing | None:
        """The financing, or None when there is none or its id cannot be a key (for planning reads:
        ``financing`` reports either, in its turn)."""
        try:
            return await self._get(Financing, keys.FINANCING, financing_id)
        except RuleViolation:
            return None

    def _deal_policy_orgs(self, parties: tuple[str, str]) -> list[str] | None:
        """The orgs a deal's record between ``parties`` (two orgs' MSP IDs, the bank's second) is put under
        (``policy.deal_orgs``: the regulator's org(s) added where the two are one org); None where that leaves a
        single org, or a party names none: the chaincode-level policy's two orgs then guard it, better than one
        org's alone."""
        if not all(parties):
            return None
        if self.regulators is None:
            raise TypeError("a Store that writes a deal's key-level policy is given the configuration's regulator "
                            "orgs (Store(stub, regulators=...))")
        orgs = policy.deal_orgs(*parties, self.regulators)
        return orgs if len(orgs) >= 2 else None

    async def put_financing(self, f: Financing, *, parties: tuple[str, str] | None = None) -> None:
        """Write the financing; with ``parties`` (the holder's and the bank's orgs, given by the change that names
        its bank, from the claim and the accepted offer: not from the request's own record, which any two orgs
        could have rewritten), give its key their key-level policy: from then on the deal's record (its
        disbursement, demand, repayment, cancellation, recourse) changes only with both parties' peers endorsing,
        whatever two other orgs run. A request has its claim's orgs' before (``put_financing_request``), not the
        bank's: the holder's withdrawal and the debtor's payment end it without any bank, and the acceptance,
        writing the claim's key too, is endorsed by those orgs. Written once: a policy written again fails a later
        change of the key in the same block. Where one org both holds and finances (a group's finance company
        lending to a supplier of its own org), that org and the regulator's (``policy.deal_orgs``), as for a claim
        of one org's parties: under the chaincode-level policy any two other orgs could rewrite the deal's record.
        None where no regulator's org is another: the request's, its claim's orgs, then stays, two orgs rather
        than one."""
        key = self.key(keys.FINANCING, f.id)
        await self.stub.put_state(key, f.to_bytes())
        if parties is not None and (orgs := self._deal_policy_orgs(parties)) is not None:
            await self._set_policy(key, orgs)

    def _request_policy_orgs(self, r: Receivable) -> list[str] | None:
        """The orgs a financing request on claim ``r`` is put under until acceptance: the claim's own, its debtor's
        and its holder's, with the regulator's where those are one org (``policy.deal_orgs``), as its key names
        them while the request is open (no bank yet; a frozen claim is neither requested on nor its request
        ended); None where that leaves one org."""
        return self._deal_policy_orgs((r.debtor_msp, r.holder_msp))

    async def put_financing_request(self, f: Financing, r: Receivable) -> None:
        """Write ``f``, a new financing request on claim ``r``, under the key-level policy of the claim's own orgs
        (``_request_policy_orgs``). Under the chaincode-level policy alone, any two orgs (the debtor's and a
        supplier's, say), running altered chaincode, could give the request a policy of their own, against which
        Fabric would then validate the acceptance that must write it, failing it while they refused to endorse
        it. Every step writing the request (an acceptance, the holder's withdrawal, the debtor's payment ending
        it) writes the claim's key too, which names those orgs, so none asks a new endorser; the key is new (its
        id comes from this transaction's), so nothing could seal it ahead."""
        await self.put_financing(f)
        if (orgs := self._request_policy_orgs(r)) is not None:
            await self._set_policy(self.key(keys.FINANCING, f.id), orgs)

    async def end_request(self, f: Financing, r: Receivable) -> None:
        """Write ``f``, a request on claim ``r`` ended before any offer on it was accepted (``put_financing``),
        unless its key carries a key-level policy other than the one ``put_financing_request`` gives it: one an
        earlier contract version's request (which had none) got from two orgs running altered chaincode since, or
        one naming a regulator's org the configuration has replaced since. Fabric would validate the write
        against it, and the holder's withdrawal or the debtor's payment, endorsed by the claim's own orgs, would
        fail while the orgs it names refused to endorse it. Left as it is, the request is acted on no more: its
        claim no longer names it."""
        key = self.key(keys.FINANCING, f.id)
        held = await self.stub.get_state_validation_parameter(key)
        if held is not None and held != self._request_policy(r):
            return
        await self.put_financing(f)

    def _request_policy(self, r: Receivable) -> bytes | None:
        """The key-level policy ``put_financing_request`` gives a request on ``r``; None where it gives none."""
        orgs = self._request_policy_orgs(r)
        return org_policy(orgs) if orgs is not None else None

    async def restore_financing_policy(self, f: Financing, parties: tuple[str, str]) -> bool:
        """Give ``f``'s key the policy ``put_financing`` writes at acceptance (``parties``: the holder's and the
        bank's orgs, with the regulator's where they are one) when it has none: a financing an earlier contract
        version accepted, which set none. None where that leaves one org, as at acceptance; a key carrying any
        policy is left as it is. Whether it wrote one."""
        if (orgs := self._deal_policy_orgs(parties)) is None:
            return False
        key = self.key(keys.FINANCING, f.id)
        return await self._seal_unguarded(key, orgs, await self.stub.get_state_validation_parameter(key))

    async def restore_request_policy(self, f: Financing, r: Receivable) -> bool:
        """Give ``f``'s key, an open request on claim ``r`` (which names it) made by an earlier contract version, the
        policy ``put_financing_request`` gives a request now (the claim's own orgs, ``_request_policy_orgs``) when it
        has none: under the chaincode-level policy alone, any two orgs could still seal it with one of their own and
        fail its acceptance. Every step writing the request writes the claim's key, which names those orgs, so none
        asks a new endorser. A key carrying any policy is left as it is. Whether it wrote one."""
        if (orgs := self._request_policy_orgs(r)) is None:
            return False
        key = self.key(keys.FINANCING, f.id)
        return await self._seal_unguarded(key, orgs, await self.stub.get_state_validation_parameter(key))

    async def notice(self, notice_id: str) -> AssignmentNotice:
        return await self._require(AssignmentNotice, keys.NOTICE, notice_id, "assignment notice")

    async def put_notice(self, n: AssignmentNotice, *, parties: tuple[str, str] | None = None) -> None:
        """Write the assignment notice; with ``parties`` (the debtor's and the bank's orgs, from the claim and
        the disbursing bank: given by the disbursement that issues it), give its key their key-level policy,
        so that the debtor's acknowledgement, its promise to pay the bank, is recorded only with the debtor's
        peer endorsing, and with the bank's: under the chaincode-level policy, any two orgs without the
        debtor's (the bank's and the holder's) could mark it acknowledged. Written once, as a financing's is;
        the recourse that releases it is endorsed by both anyway (the claim's key names them). Where one org
        is both (a group's finance company lending on a claim against its own org's core enterprise), that org
        and the regulator's (``policy.deal_orgs``): under the chaincode-level policy the holder's org and any
        other could mark it acknowledged. None where no regulator's org is another."""
        key = self.key(keys.NOTICE, n.id)
        await self.stub.put_state(key, n.to_bytes())
        if parties is not None and (orgs := self._deal_policy_orgs(parties)) is not None:
            await self._set_policy(key, orgs)

    async def restore_notice_policy(self, notice_id: str, parties: tuple[str, str]) -> bool:
        """Give notice ``notice_id``'s key the policy ``put_notice`` writes at disbursement (``parties``: the
        debtor's and the bank's orgs, with the regulator's where they are one) where it holds a notice and has
        no policy: one an earlier contract version issued. None where that leaves one org, as at disbursement.
        Whether it wrote one."""
        if not notice_id or (orgs := self._deal_policy_orgs(parties)) is None:
            return False
        key = self.key(keys.NOTICE, notice_id)
        if not await self.stub.get_state(key):
            return False
        held = await self.stub.get_state_validation_parameter(key)
        return await self._seal_unguarded(key, orgs, held)
