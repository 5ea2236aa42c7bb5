"""The orgs the SDK names to endorse a change, why it named them, and what an EndorseError then says."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from client.gateway.errors import EndorseError, GatewayError

from ._models import FinancingView, Receivable
from .errors import reworded


def _parties_orgs(financing: FinancingView, receivable: Receivable, bank_msp: str | None) -> list[str]:
    """The orgs of the debtor, the holder and the bank of a financing: who endorses a change to a financed claim
    (``bank_msp`` standing for a bank the financing does not name yet; None: no one). One org where a single
    org's parties are all three: the claim's key then names it and the regulator's org(s), as the financing's key
    does, so the caller names the orgs a confirmation of such a claim names (``_Operations._one_org_endorsers``).
    Where two of them are one org, the financing's or the notice's key may name the regulator orgs too
    (``_EndorserChoice._deal_regulators``)."""
    return _unique([receivable.debtor_msp, financing.holder_msp, financing.financier_msp or bank_msp])


def _one_org_terms_refusal(what: str, financing_id: str, org: str, parties: list[str], why: str) -> ValueError:
    """Where one org's parties hold and finance, the terms' collection needs that org and a regulator org to
    endorse a write (chaincode.receivables.collections), and the SDK reads which orgs those are from the chaincode's
    committed definition (:meth:`_Operations._terms_endorsers`). Where it cannot (``why``), it does not guess:
    naming every org of the channel, as a confirmation whose claim's key-level policy cannot be read does, would
    send the terms to orgs outside the collection, so the caller names them (``parties``: the orgs to name besides
    a regulator org)."""
    return ValueError(
        f"{what} on {financing_id}: its holder and its bank are both parties of {org}, so the terms' collection "
        f"needs {org} and a regulator org to endorse, which the SDK reads from the chaincode's committed "
        f"definition, and {why}; name the endorsing orgs yourself "
        f"(endorsing_organizations, `--endorsing-org MSP`): {', '.join(parties)} and a regulator org")


class _Endorsers(NamedTuple):
    """The orgs the SDK names to endorse a change (``orgs``; None: the Gateway plans them) and, where it chose them
    for a claim of one org's parties (:meth:`_Operations._one_org_endorsers`), what an EndorseError then says:
    ``action``, the change; ``org``, that org; ``asked``, which orgs were asked and why (:meth:`explained`)."""

    orgs: Sequence[str] | None
    action: str = ""
    org: str = ""
    asked: str = ""

    def explained(self, error: EndorseError) -> EndorseError | None:
        """``error`` said again with why these orgs were asked and what to do, where the Gateway found no peer able
        to endorse of an org other than ``org`` (it may be the regulator's, which the claim's key names: nothing was
        ordered, and nothing is tried without it). None where there is nothing to add: orgs not chosen so, an error
        naming no such org, or ``org`` itself among those that could not (the caller's own, which it names)."""
        unable = _orgs_without_endorser(error)
        if not self.asked or not unable or self.org in unable:
            return None
        return reworded(error, f"{self.action} needs {self.org} and {self.asked} and {', '.join(unable)} could not "
                               f"({error.message}); start a peer of {', '.join(unable)} with the chaincode, or name "
                               f"the endorsing orgs yourself, {self.org} and the orgs the claim's key names among them "
                               "(endorsing_organizations, `--endorsing-org MSP`)")


def _reading(what: str, org: str, action: str) -> str:
    """What a failed read the SDK made to plan ``action`` (a change to a claim of ``org``'s parties) says it was
    reading (:func:`~client.receivables.errors.while_reading`): ``what``, on a peer of ``org``, and that nothing was
    sent."""
    return (f"reading {what}, on a peer of {org}, to choose who endorses {action}: nothing was sent; name the "
            "endorsing orgs yourself to send it without this read (endorsing_organizations, `--endorsing-org MSP`)")


def _besides(orgs: list[str], more: list[str], why: str) -> str:
    """How an EndorseError names the orgs of ``more`` not in ``orgs`` and ``why`` they were asked too ("" for
    none): the continuation of :attr:`_Endorsers.asked`."""
    added = [org for org in more if org not in orgs]
    return f", and {', '.join(added)}, {why}" if added else ""


def _on_one_line(error: Exception) -> str:
    """What ``error`` says, on one line, as the CLI shows a refusal: a GatewayError renders each peer's detail on a
    line of its own, so they are joined to its message here."""
    if isinstance(error, GatewayError):
        return "; ".join([error.message, *map(str, error.details)])
    return str(error)


def _deal_orgs(financing: FinancingView | None) -> list[str]:
    """The holder's and the bank's orgs of an accepted financing, the parties' orgs among the members of its terms'
    collection (the regulator's is the other): who endorses a change to the financing record alone (its key's
    policy from acceptance; the chaincode's any two orgs for one an earlier contract version accepted, until
    UpgradeLedger gives it its policy), so that the
    terms it carries reach no org outside the collection. None where the caller may not read the financing or it
    has no bank yet; one org where it both holds and finances (the financing's key then names it and every
    regulator org, which the caller adds: ``_EndorserChoice._deal_regulators``)."""
    if financing is None or not financing.financier_msp:
        return []
    return _unique([financing.holder_msp, financing.financier_msp])


NO_ENDORSING_PEERS = "failed to find any endorsing peers for org(s):"
"""How Fabric's Gateway refuses named orgs it has no peer of with the chaincode (registry.planForOrgs)."""


def _no_endorser_of(error: EndorseError, org: str) -> bool:
    """Whether ``error`` says that ``org``, and no other named org, could not endorse (:func:`_orgs_without_endorser`).
    Nothing was sent to the orderer, so the same proposal can go to another org instead."""
    return _orgs_without_endorser(error) == [org]


def orgs_without_endorsing_peers(error: GatewayError) -> list[str]:
    """The orgs Fabric's Gateway says in ``error`` it found no peer able to endorse of (:data:`NO_ENDORSING_PEERS`:
    their peers are down, or none has the chaincode installed), in its order; empty where it says no such thing
    (a peer that answered and refused is no such sign). Nothing reached the orderer: started again, or with
    those orgs left out of ``endorsing_organizations``, the same call can go through."""
    message = error.message or ""
    if NO_ENDORSING_PEERS not in message:
        return []
    return [name.strip() for name in message.split(NO_ENDORSING_PEERS, 1)[1].split(",") if name.strip()]


def _orgs_without_endorser(error: EndorseError) -> list[str]:
    """The named orgs ``error`` says could not endorse: those the Gateway found no peer of
    (:func:`orgs_without_endorsing_peers`), else the orgs of the peers that failed, each once; empty when it names
    none."""
    return orgs_without_endorsing_peers(error) or list(dict.fromkeys(detail.msp_id for detail in error.details))


def _unique(items: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out
