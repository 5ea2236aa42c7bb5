"""The holder token docs/receivables.md ("Reads for risk and pricing") says a bank is shown in a debtor's payment
record is the one `GetDebtorPaymentRecord` answers it, by the form the page writes out.

The page tells a bank that already knows a supplier's credit code that it can find that supplier's claims in the
record by computing its token; a form other than the contract's would find none. The page also names the answer's
`holder_ids` for each reader.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .receivables.support import standard_net

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "receivables.md").read_text(encoding="utf-8")
FORM = re.compile(r"`H-` \+ the first (\d+) hex digits of the SHA-256 of the UTF-8 text\s+`([^`]+)`\s+"
                  r"\(the answer's `holder_ids` is\s+`([a-z-]+)`; `([a-z-]+)` for the debtor and the regulator\)")


def token(form: str, digits: int, *, bank: str, debtor: str, holder: str) -> str:
    text = (form.replace("<the bank's credit code>", bank).replace("<debtor>", debtor)
            .replace("<holder>", holder))
    assert "<" not in text, f"the page's form names a part the test does not fill: {form}"
    return "H-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:digits]


async def test_a_bank_finds_a_known_holder_by_the_token_the_page_says_it_computes():
    found = FORM.search(PAGE)
    assert found, "the page writes out no form of the holder token: reword the test with the page"
    digits, form, for_a_bank, for_the_others = found.groups()
    net = await standard_net()
    core, tier1, bank, regulator = (net.actors[k] for k in ("core", "tier1", "bank", "regulator"))
    await net.confirmed(tier1, core, 1000_00)
    page = await net.ok(bank, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True)
    assert page["holder_ids"] == for_a_bank
    assert [r["holder"] for r in page["records"]] == [
        token(form, int(digits), bank=bank.uscc, debtor=core.uscc, holder=tier1.uscc)]
    for reader in (core, regulator):
        page = await net.ok(reader, "GetDebtorPaymentRecord", core.uscc, "10", "", evaluate=True)
        assert page["holder_ids"] == for_the_others
        assert [r["holder"] for r in page["records"]] == [tier1.uscc]
