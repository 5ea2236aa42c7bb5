"""A tax rate of a percent sign alone (``%``, ``％``: the figure before it lost) was refused as "not a number: ''",
quoting nothing of what the file holds. It is refused as no tax rate, quoting the rate as written, and saying how a
rate is written, in the XML reader and the JSON reader alike."""

from __future__ import annotations

import json

import pytest

from client.invoices.errors import MalformedInput
from client.invoices.parse import invoice_to_json, parse_invoice

from ._samples import einvoice_xml, invoice

INVOICE = invoice()


# a zero-width space or a byte order mark before the sign is no figure either, as a field of them alone is blank
@pytest.mark.parametrize("rate", ["%", " % ", "％", "\u200b%", "\ufeff ％"])
def test_a_rate_of_a_percent_sign_alone_is_refused_quoting_it(rate):
    xml = einvoice_xml(INVOICE, replace={"<TaxRate>0.13<": f"<TaxRate>{rate}<"}).encode("utf-8")
    doc = invoice_to_json(INVOICE)
    doc["lines"][0]["tax_rate"] = rate
    for data, field in ((xml, "EInvoice/EInvoiceData/IssuItemInformation[1]/TaxRate"),
                        (json.dumps(doc, ensure_ascii=False).encode("utf-8"), "lines[0]/tax_rate")):
        with pytest.raises(MalformedInput) as refused:
            parse_invoice(data)
        assert refused.value.field == field
        assert refused.value.problem == (f"not a tax rate: {rate.strip()!r} (a % sign with no figure before it): "
                                         "write the rate as printed, e.g. 13%, 0.13 or 免税")
