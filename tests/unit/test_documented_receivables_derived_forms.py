"""The values docs/receivables.md writes out how to compute are the ones the contract computes: the holder token a
bank is shown in a debtor's payment record ("Reads for risk and pricing") and a record's id from the transaction
that created it ("Key layout").

The page tells a bank that already knows a supplier's credit code that it can find that supplier's claims in the
record by computing its token, and an auditor that an id names its transaction; a form other than the contract's
finds nothing. Each form is read from the page and computed here, and compared with what the ledger answers.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from chaincode.receivables.fingerprint import canonical_form, invoice_fingerprint

from .receivables.support import standard_net
from .test_documented_receivables_money_examples import pattern

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "receivables.md").read_text(encoding="utf-8")
FORM = pattern(r"`H-` \+ the first (\d+) hex digits of the SHA-256 of the UTF-8 text `([^`]+)` "
               r"\(the answer's `holder_ids` is `([a-z-]+)`; `([a-z-]+)` for the debtor and the regulator\)")


def one_line(text: str) -> str:
    """``text``, read from the page, its line breaks and runs of white space as the single spaces they stand for."""
    return " ".join(text.split())


def token(form: str, digits: int, *, bank: str, debtor: str, holder: str) -> str:
    text = (form.replace("<the bank's credit code>", bank).replace("<debtor>", debtor)
            .replace("<holder>", holder))
    assert "<" not in text, f"the page's form names a part the test does not fill: {form}"
    return "H-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:digits]


async def test_a_bank_finds_a_known_holder_by_the_token_the_page_says_it_computes():
    found = FORM.search(PAGE)
    assert found, "the page writes out no form of the holder token: reword the test with the page"
    digits, form, for_a_bank, for_the_others = found.groups()
    form = one_line(form)
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


ID_FORM = pattern(r"Ids are derived from the transaction id \(((?:`[A-Z]-`, )+)`([A-Z])-` \+ the first (\d+) hex "
                  r"digits of the SHA-256 of the UTF-8 text `([^`]+)`\)")


async def test_each_id_is_the_page_s_hash_of_the_transaction_that_created_its_record():
    found = ID_FORM.search(PAGE)
    assert found, "the page writes out no form of the ids: reword the test with the page"
    listed, last, digits, form = found.groups()
    form = one_line(form)
    prefixes = re.findall(r"`([A-Z])-`", listed) + [last]
    assert "<tx id>" in form

    def derived(prefix: str, tx_id: str) -> str:
        return f"{prefix}-" + hashlib.sha256(form.replace("<tx id>", tx_id).encode("utf-8")).hexdigest()[:int(digits)]

    net = await standard_net()
    core, tier1, bank = (net.actors[k] for k in ("core", "tier1", "bank"))
    claim = await net.confirmed(tier1, core, 1000_00)
    await net.financed(tier1, claim["id"])
    await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    made = {}   # each id the transactions above answered or wrote, by its prefix, with the transaction it names
    for tx_id, name, payload in net.ledger.events:
        event = json.loads(payload)
        for field in ("receivable_id", "financing_id", "offer_id", "notice_id"):
            value = event.get(field)
            if isinstance(value, str) and "." not in value:
                made.setdefault(value[0], set()).add(value)
        made.setdefault("tx", set()).add(tx_id)
    created = {prefix: {derived(prefix, tx_id) for tx_id in made["tx"]} for prefix in prefixes}
    for prefix in ("R", "F", "O", "N", "D"):
        assert prefix in made, f"the transactions run made no {prefix}- id"
        assert made[prefix] <= created[prefix], (prefix, made[prefix])


# a row of the worked examples' table: | invoice | `canonical form` | `fingerprint` |, the form's `|` escaped; a row
# of "same seller" names the seller of the row before it
FINGERPRINT_ROW = re.compile(r"^\| [^|`]*(?:seller `(\w+)`)?[^|`]*(?:code `(\d+)`[^|`]*)?number `(\d+)` \| "
                             r"`(recfin-invoice-v2(?:\\\|[^`]*)+)` \| `([0-9a-f]{64})` \|$", re.MULTILINE)


def test_each_worked_fingerprint_is_the_contract_s_of_that_invoice():
    rows = FINGERPRINT_ROW.findall(PAGE)
    assert len(rows) >= 2, "the page's fingerprint examples are not read: reword the test with the page"
    seller = ""
    for named_seller, code, number, form, fingerprint in rows:
        seller = named_seller or seller
        assert form.replace("\\|", "|") == canonical_form(seller, code, number)
        assert invoice_fingerprint(seller, code, number) == fingerprint
        assert hashlib.sha256(form.replace("\\|", "|").encode("utf-8")).hexdigest() == fingerprint


# "`terms_hash = sha256(canonical JSON of the terms)` (keys sorted, no spaces, UTF-8)", after the terms' example
TERMS = pattern(r"(?s)```json\n(\s*\{\"advance_rate\".*?)```.*?`terms_hash = sha256\(canonical JSON of the terms\)` "
                r"\(keys sorted, no spaces, UTF-8\)")


async def test_an_offer_s_terms_hash_is_the_page_s_hash_of_the_terms_sent():
    found = TERMS.search(PAGE)
    assert found, "the page gives no example of the terms with their hash's form: reword the test with the page"
    terms = json.loads(found[1])
    terms["salt"] = "a salt of sixteen+ characters"   # the page's is a placeholder
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    claim = await net.confirmed(tier1, core, 1000_00)
    _, offer = await net.offered(tier1, claim["id"], terms={"terms": json.dumps(terms).encode()})
    canonical = json.dumps(terms, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert offer["terms_hash"] == hashlib.sha256(canonical).hexdigest()


def test_the_forms_are_read_wherever_the_page_breaks_its_lines():
    """A paragraph rewrapped is the same text: a form read only with the page's present line breaks would fail the
    tests above for a change that changes nothing."""
    rewrapped = re.sub(r"(?<=\S) (?=\S)", "\n", PAGE)   # every single space a line break
    for form in (FORM, ID_FORM, TERMS):
        as_written, as_rewrapped = form.search(PAGE), form.search(rewrapped)
        assert as_written and as_rewrapped, form.pattern
        assert [one_line(group) for group in as_rewrapped.groups()] == \
            [one_line(group) for group in as_written.groups()], form.pattern
