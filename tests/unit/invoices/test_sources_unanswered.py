"""A source that cannot answer (a timeout, a service down) is not a source that answered it knows no such invoice or
enterprise: ``None`` is that answer, and a failure to ask is raised by the provider. ``verify_with_sources`` raises it
as :class:`SourceUnavailable`, naming the source and what it was asked, its cause chained: no verification is made of
it, and so no failure is attested that would warn the next bank of an invoice nobody found wrong."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group

from client.invoices import (InvoiceError, ReferenceBusinessRegistry, ReferenceCreditBureau,
                             ReferenceTaxInvoiceVerifier, SourceUnavailable, read_invoice, verify_with_sources)
from .test_attest import INVOICE


class TimingOut:
    source = "gov-tax"

    def lookup_invoice(self, number, seller_tax_id, code):
        raise TimeoutError("read timed out after 10 s")

    def lookup_enterprise(self, credit_code):
        raise TimeoutError("read timed out after 10 s")

    def lookup_credit(self, credit_code):
        raise ConnectionRefusedError(111, "Connection refused")


def test_a_tax_source_that_cannot_answer_is_raised_naming_it_and_the_invoice():
    with pytest.raises(SourceUnavailable, match=r"^gov-tax could not be asked about invoice 26442000000012345678 of "
                                                r"seller 91440300MA5G2HT8LX: TimeoutError: read timed out after 10 s; "
                                                r"nothing was verified: .*again") as raised:
        verify_with_sources(read_invoice(INVOICE), TimingOut(), ReferenceBusinessRegistry(), ReferenceCreditBureau())
    assert isinstance(raised.value, InvoiceError)
    assert raised.value.source == "gov-tax" and isinstance(raised.value.__cause__, TimeoutError)


@pytest.mark.parametrize("kind, asked", [("registry", "about enterprise 91440300MA5G2HT8LX"),
                                         ("bureau", "about the credit of 91440300MA5F7KQ3XU")])
def test_a_registry_or_bureau_that_cannot_answer_is_raised_naming_it_and_the_party(kind, asked):
    given = {"tax": ReferenceTaxInvoiceVerifier(), "registry": ReferenceBusinessRegistry(),
             "bureau": ReferenceCreditBureau()}
    given[kind] = TimingOut()
    with pytest.raises(SourceUnavailable, match=rf"^gov-tax could not be asked {asked}: "):
        verify_with_sources(read_invoice(INVOICE), **given)


def test_ctrl_c_while_a_source_is_asked_is_not_taken_for_the_source_failing():
    class Interrupted(TimingOut):
        def lookup_invoice(self, number, seller_tax_id, code):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        verify_with_sources(read_invoice(INVOICE), Interrupted())


@pytest.mark.parametrize("command", [["verify", INVOICE, "--reference-sources"], ["attest", INVOICE, "--as", "bank"]])
def test_the_cli_says_which_source_could_not_answer_and_exits_3(monkeypatch, command):
    # the reference providers read files loaded beforehand; a provider over the network times out so
    monkeypatch.setattr(ReferenceTaxInvoiceVerifier, "lookup_invoice", TimingOut.lookup_invoice)
    r = CliRunner().invoke(invoice_group, [str(a) for a in command])
    assert r.exit_code == 3, r.output
    assert r.output.startswith("Error: reference-tax could not be asked about invoice 26442000000012345678 of seller "
                               "91440300MA5G2HT8LX: TimeoutError: read timed out after 10 s; nothing was verified")
    assert len(r.output.splitlines()) == 1
