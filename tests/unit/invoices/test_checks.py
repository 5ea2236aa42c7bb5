from datetime import date, timedelta
from decimal import Decimal

import pytest

from client.invoices import CheckOptions, Enterprise, InMemoryRegistry, InvoiceUse, check_invoice
from client.invoices.fingerprint import invoice_fingerprint
from client.invoices.model import InvoiceLine

from ._samples import BUYER, SELLER, code, invoice, line, money

TODAY = date(2026, 9, 10)


def full_options(**kw):
    base = dict(today=TODAY, debtor=Enterprise(BUYER.tax_id, BUYER.name), supplier=Enterprise(SELLER.tax_id, SELLER.name),
                registry=InMemoryRegistry())
    base.update(kw)
    return CheckOptions(**base)


def test_a_good_invoice_passes_every_check():
    report = check_invoice(invoice(), full_options())
    assert report.ok
    assert {f.status for f in report.findings} == {"pass"}
    assert {f.check for f in report.findings} == {
        "totals.amount", "totals.tax", "totals.with_tax", "totals.positive", "totals.tax_rounding", "line.amount",
        "line.rate", "line.tax",
        "seller.tax_id", "buyer.tax_id", "number.format", "number.code", "date.plausible", "parties.debtor", "parties.supplier", "duplicate.ledger"}


def test_without_context_the_contextual_checks_are_skipped_not_passed():
    report = check_invoice(invoice())
    assert report.ok
    skipped = {f.check for f in report.skipped}
    assert skipped == {"date.plausible", "parties.debtor", "parties.supplier", "duplicate.ledger"}


def failing(report, check):
    return [f for f in report.of(check) if f.status == "fail"]


def test_totals_amount_fails_when_lines_do_not_add_up():
    inv = invoice()
    bad = inv.model_copy(update={"total_amount_fen": inv.total_amount_fen + 100,
                                 "total_with_tax_fen": inv.total_with_tax_fen + 100})
    report = check_invoice(bad, full_options())
    assert failing(report, "totals.amount") and not failing(report, "totals.with_tax")
    assert "2100.00" in report.finding("totals.amount").message and "2101.00" in report.finding("totals.amount").message


def test_totals_tax_fails():
    inv = invoice()
    report = check_invoice(inv.model_copy(update={"total_tax_fen": inv.total_tax_fen - 1,
                                                  "total_with_tax_fen": inv.total_with_tax_fen - 1}), full_options())
    assert failing(report, "totals.tax")


def test_totals_with_tax_fails():
    inv = invoice()
    report = check_invoice(inv.model_copy(update={"total_with_tax_fen": inv.total_with_tax_fen + 1}), full_options())
    assert [f.check for f in report.failed] == ["totals.with_tax"]


def test_red_letter_invoice_fails_positive():
    l = line("*电子元件*贴片电容", "-10", "1.50", "0.13")
    inv = invoice(lines=(l,))
    report = check_invoice(inv, full_options())
    assert [f.check for f in report.failed] == ["totals.positive"]


CAPACITORS = line("*电子元件*贴片电容", "200", "1.50", "0.13")
BOLTS = line("*金属制品*不锈钢螺栓", "1000", "0.80", "0.13")
DISCOUNT = InvoiceLine(name="*电子元件*贴片电容", quantity=None, unit_price=None, amount_fen=-3000,
                       tax_rate=Decimal("0.13"), tax_fen=-390)


@pytest.mark.parametrize("lines, negative", [
    ((CAPACITORS, line("*金属制品*不锈钢螺栓", "-100", "0.80", "0.13")), [2]),
    # a discount of nothing: no line of its name above it
    ((BOLTS, DISCOUNT), [2]),
    # a discount printed above the line of its name discounts no line
    ((DISCOUNT, CAPACITORS, BOLTS), [1]),
    ((line("*金属制品*不锈钢螺栓", "-100", "0.80", "0.13"), CAPACITORS, DISCOUNT), [1]),
])
def test_a_negative_line_on_a_positive_invoice_fails_positive_unless_it_discounts_the_line_above(lines, negative):
    # before: every check passed, and a registration claimed the total of goods sold less goods taken back
    inv = invoice(lines=lines)
    assert inv.total_with_tax_fen > 0
    report = check_invoice(inv, full_options())
    assert [f.check for f in report.failed] == ["totals.positive"]
    finding = report.finding("totals.positive")
    assert finding.details["negative_lines"] == negative
    for n in negative:
        assert f"line {n} ({lines[n - 1].name}) {money(lines[n - 1].amount_fen)}: negative" in finding.message
    assert "a return is invoiced on a red-letter invoice of its own" in finding.message


@pytest.mark.parametrize("lines", [
    (CAPACITORS, DISCOUNT, BOLTS),
    (CAPACITORS, BOLTS, DISCOUNT),
    # a unit taken back under its line is read as a discount of it, as the matcher folds it
    (CAPACITORS, line("*电子元件*贴片电容", "-1", "1.50", "0.13")),
])
def test_a_discount_line_under_the_line_it_discounts_passes(lines):
    report = check_invoice(invoice(lines=lines), full_options())
    assert report.ok and report.finding("totals.positive").status == "pass"


def test_a_red_letter_invoice_fails_positive_as_red_letter_not_line_by_line():
    # every line negative: the total says it, and the lines are not named again
    inv = invoice(lines=(line("*电子元件*贴片电容", "-10", "1.50", "0.13"), line("*金属制品*不锈钢螺栓", "-5", "0.80", "0.13")))
    finding = check_invoice(inv, full_options()).finding("totals.positive")
    assert finding.status == "fail" and "negative_lines" not in finding.details
    assert finding.message.startswith(f"total with tax is {money(inv.total_with_tax_fen)}: a red-letter or zero invoice")


def test_line_tax_within_one_fen_passes_and_beyond_fails():
    base = line("*服务*咨询费", "3", "33.33", "0.06")  # 99.99 x 6% = 5.9994 -> 6.00
    assert base.tax_fen == 600
    for tax, ok in ((600, True), (599, True), (601, True), (598, False), (700, False)):
        l = base.model_copy(update={"tax_fen": tax})
        inv = invoice(lines=(l,))
        f = check_invoice(inv).finding("line.tax")
        assert (f.status == "pass") == ok, tax


def test_line_tax_rounds_half_up():
    l = line("*服务*咨询费", "1", "0.25", "0.06")  # 25 fen x 6% = 1.5 fen -> 2 fen
    assert l.tax_fen == 2
    assert check_invoice(invoice(lines=(l,)), CheckOptions(tolerance_fen=0)).finding("line.tax").status == "pass"
    assert check_invoice(invoice(lines=(l.model_copy(update={"tax_fen": 1}),)),
                         CheckOptions(tolerance_fen=0)).finding("line.tax").status == "fail"


def test_line_amount_against_quantity_and_price():
    l = line("*电子元件*贴片电容", "200", "1.50", "0.13")
    assert check_invoice(invoice(lines=(l,))).finding("line.amount").status == "pass"
    wrong = l.model_copy(update={"quantity": Decimal("201")})
    assert check_invoice(invoice(lines=(wrong,))).finding("line.amount").status == "fail"
    no_price = l.model_copy(update={"unit_price": None})
    assert check_invoice(invoice(lines=(no_price,))).finding("line.amount").status == "skipped"


def test_tax_ids_must_pass_their_check_digit():
    bad_seller = SELLER.model_copy(update={"tax_id": SELLER.tax_id[:17] + ("0" if SELLER.tax_id[17] != "0" else "1")})
    report = check_invoice(invoice(seller=bad_seller))
    assert [f.check for f in report.failed] == ["seller.tax_id"]
    bad_buyer = BUYER.model_copy(update={"tax_id": "1234567890"})
    report = check_invoice(invoice(buyer=bad_buyer))
    assert [f.check for f in report.failed] == ["buyer.tax_id"]


@pytest.mark.parametrize("issued,ok", [
    (date(2026, 9, 10), True), (date(2025, 9, 11), True), (date(2026, 9, 11), False), (date(2025, 9, 9), False),
])
def test_date_plausible(issued, ok):
    f = check_invoice(invoice(issued=issued), CheckOptions(today=TODAY, max_age_days=364)).finding("date.plausible")
    assert (f.status == "pass") == ok



def test_an_age_of_one_day_is_said_in_the_singular():
    options = CheckOptions(today=TODAY, max_age_days=1)
    within = check_invoice(invoice(issued=TODAY - timedelta(days=1)), options).finding("date.plausible")
    older = check_invoice(invoice(issued=TODAY - timedelta(days=2)), options).finding("date.plausible")
    assert f"within 1 day of {TODAY}" in within.message and f"2 days before {TODAY}, more than the 1 day allowed" in older.message

def test_buyer_must_be_the_registered_debtor():
    other = Enterprise(code("91110108MA01C3D5E"), None)
    assert check_invoice(invoice(), full_options(debtor=other)).finding("parties.debtor").status == "fail"
    wrong_name = Enterprise(BUYER.tax_id, "华南精密制造有限公司")
    assert check_invoice(invoice(), full_options(debtor=wrong_name)).finding("parties.debtor").status == "fail"
    # names compare after NFKC and without spaces: full-width brackets equal ASCII ones
    buyer = BUYER.model_copy(update={"name": "华南精密制造（深圳）股份有限公司"})
    same = Enterprise(BUYER.tax_id, "华南精密制造(深圳)股份有限公司 ")
    assert check_invoice(invoice(buyer=buyer), full_options(debtor=same)).finding("parties.debtor").status == "pass"


def test_seller_must_be_the_registering_supplier():
    other = Enterprise(code("91310115MA1K4A2B7"), "上海星河电子科技有限公司")
    f = check_invoice(invoice(), full_options(supplier=other)).finding("parties.supplier")
    assert f.status == "fail" and other.credit_code in f.message


def test_duplicate_against_the_ledger():
    inv = invoice()
    fp = invoice_fingerprint(inv)
    registry = InMemoryRegistry({fp: InvoiceUse("RCV-0001", live=True)})
    f = check_invoice(inv, full_options(registry=registry)).finding("duplicate.ledger")
    assert f.status == "fail" and "RCV-0001" in f.message and "still live" in f.message
    assert f.details == {"fingerprint": fp, "receivable_id": "RCV-0001", "live": True}
    other = invoice(number="26442000000099999999")
    assert check_invoice(other, full_options(registry=registry)).finding("duplicate.ledger").status == "pass"


def test_a_settled_invoice_is_still_a_duplicate():
    # the ledger keeps a settled receivable's invoices: registering it again would be refused
    inv = invoice()
    registry = InMemoryRegistry({invoice_fingerprint(inv): InvoiceUse("RCV-0002", live=False)})
    f = check_invoice(inv, full_options(registry=registry)).finding("duplicate.ledger")
    assert f.status == "fail" and "RCV-0002" in f.message and "settled" in f.message and f.details["live"] is False


def test_an_altered_copy_is_a_duplicate_of_the_original():
    # another date and other amounts, same seller and number: the same invoice
    inv = invoice()
    registry = InMemoryRegistry({invoice_fingerprint(inv): InvoiceUse("RCV-0003", live=True)})
    copy = invoice(issued=date(2026, 9, 5), lines=(line("*电子元件*贴片电容", "400", "1.50", "0.13"),))
    assert copy.total_amount_fen != inv.total_amount_fen
    assert check_invoice(copy, full_options(registry=registry)).finding("duplicate.ledger").status == "fail"


@pytest.mark.parametrize("number, code, status", [
    ("26442000000012345678", "", "pass"),
    ("00123456", "3100204130", "pass"),
    ("00123456", "031002400111", "pass"),
    ("00123456", "", "fail"),
    ("26442000000012345678", "3100204130", "fail"),
    ("00123456", "3100", "fail"),
])
def test_the_code_is_given_exactly_when_the_number_needs_one(number, code, status):
    inv = invoice(number=number).model_copy(update={"code": code})
    assert check_invoice(inv, full_options()).finding("number.code").status == status


@pytest.mark.parametrize("number", ["2644-2000000012345678", "026442000000012345678", "-26442000000012345678",
                                    "INV-0001", "1234567"])
def test_a_rewritten_number_fails_number_format(number):
    report = check_invoice(invoice(number=number), full_options())
    assert not report.ok
    assert report.finding("number.format").status == "fail" and repr(number) in report.finding("number.format").message
    assert report.finding("number.code").status == "skipped"


def test_the_real_number_forms_pass_number_format():
    assert check_invoice(invoice(), full_options()).finding("number.format").status == "pass"
    legacy = invoice(number="00123456").model_copy(update={"code": "3100204130"})
    assert check_invoice(legacy, full_options()).finding("number.format").status == "pass"


@pytest.mark.parametrize("rate", ["0.13", "0.09", "0.06", "0.05", "0.03", "0.01", "0.02", "0.015", "0.005", "0"])
def test_a_line_at_a_statutory_rate_passes_line_rate(rate):
    inv = invoice(lines=(line("*信息技术服务*软件维护服务费", "1", "1000.00", rate),))
    finding = check_invoice(inv).finding("line.rate")
    assert finding.status == "pass" and finding.details == {"line": 1, "tax_rate": str(Decimal(rate))}


@pytest.mark.parametrize("rate, shown", [("0.90", "90%"), ("0.08", "8%"), ("0.125", "12.5%"), ("0.0001", "0.01%")])
def test_a_line_at_no_statutory_rate_fails_line_rate_naming_it(rate, shown):
    inv = invoice(lines=(line("*电子元件*贴片电容", "200", "1.50", "0.13"),
                         line("*信息技术服务*软件维护服务费", "1", "1000.00", rate)))
    report = check_invoice(inv)
    assert report.finding("line.tax").status == "pass"   # the tax is the rate's: only line.rate tells
    (failed,) = failing(report, "line.rate")
    assert failed.message.startswith(f"line 2: {shown} is no VAT rate or levy rate")
    assert failed.details == {"line": 2, "tax_rate": str(Decimal(rate))}


@pytest.mark.parametrize("rate, last_day", [("0.17", date(2018, 4, 30)), ("0.11", date(2018, 4, 30)),
                                            ("0.16", date(2019, 3, 31)), ("0.10", date(2019, 3, 31))])
def test_a_replaced_rate_passes_only_on_an_invoice_issued_before_it_ended(rate, last_day):
    def rate_on(issued):
        inv = invoice(issued=issued, lines=(line("*电子元件*贴片电容", "200", "1.50", rate),))
        return check_invoice(inv).finding("line.rate")

    assert rate_on(last_day).status == "pass"
    after = rate_on(last_day + timedelta(days=1))
    assert after.status == "fail" and f"the invoice is dated {last_day + timedelta(days=1)}" in after.message
    assert "(补开)" in after.message


@pytest.mark.parametrize("rate, shown", [("0.16", "16%"), ("0.10", "10%")])
def test_a_rate_that_replaced_another_fails_on_an_invoice_issued_before_it_began(rate, shown):
    # 16 and 10 % began on 2018-05-01 (财税〔2018〕32号); before then a line was taxed at 17 or 11 %
    def rate_on(issued):
        inv = invoice(issued=issued, lines=(line("*电子元件*贴片电容", "200", "1.50", rate),))
        return check_invoice(inv).finding("line.rate")

    assert rate_on(date(2018, 5, 1)).status == "pass"
    before = rate_on(date(2018, 4, 30))
    assert before.status == "fail" and before.details == {"line": 1, "tax_rate": str(Decimal(rate))}
    assert before.message.startswith(f"line 1: {shown} was a VAT rate from 2018-05-01 until 2019-03-31")
    assert "the invoice is dated 2018-04-30, before it applied" in before.message


@pytest.mark.parametrize("rate, issued, then", [
    ("0.13", date(2017, 6, 30), None), ("0.13", date(2017, 7, 1), "17%, 11%, 6%"),
    ("0.13", date(2019, 3, 31), "16%, 10%, 6%"), ("0.13", date(2019, 4, 1), None),
    ("0.09", date(2019, 3, 31), "16%, 10%, 6%"), ("0.09", date(2019, 4, 1), None),
    ("0.11", date(2017, 7, 1), None), ("0.17", date(2017, 6, 30), None)])
def test_13_and_9_percent_pass_only_in_their_periods(rate, issued, then):
    # 13 % until 2017-06-30 (财税〔2017〕37号 folded it into 11 %) and again from 2019-04-01 (公告2019年第39号),
    # 9 % from 2019-04-01 only; ``then``: the VAT rates of the invoice's date, named when the line fails
    inv = invoice(issued=issued, lines=(line("*电子元件*贴片电容", "200", "1.50", rate),))
    finding = check_invoice(inv).finding("line.rate")
    assert finding.status == ("pass" if then is None else "fail"), finding.message
    if then is not None:
        assert finding.message.startswith(f"line 1: {int(Decimal(rate) * 100)}% ")
        assert f"the invoice is dated {issued}" in finding.message
        assert f"when the VAT rates were {then}:" in finding.message


def test_a_passing_rate_is_described_as_it_was_on_the_invoices_date():
    def passed(issued):
        inv = invoice(issued=issued, lines=(line("*电子元件*贴片电容", "200", "1.50", "0.13"),))
        finding = check_invoice(inv).finding("line.rate")
        assert finding.status == "pass", finding.message
        return finding.message
    assert passed(date(2017, 6, 30)) == ("line 1: 13%, VAT rate until 2017-06-30 (farm produce, utilities, books and "
                                         "the like), 11% since")
    assert passed(date(2019, 4, 1)) == "line 1: 13%, VAT rate (goods, processing, repairs, leasing of movables)"


def test_an_exempt_line_read_from_xml_passes_line_rate():
    from client.invoices import parse_invoice

    from ._samples import einvoice_xml

    exempt = line("*农产品*蔬菜", "10", "5.00", "0")
    xml = einvoice_xml(invoice(lines=(exempt,))).replace("<TaxRate>0</TaxRate>", "<TaxRate>免税</TaxRate>")
    assert "<TaxRate>免税</TaxRate>" in xml
    assert check_invoice(parse_invoice(xml.encode())).finding("line.rate").status == "pass"


@pytest.mark.parametrize("issued, status", [(date(2020, 2, 29), "fail"), (date(2020, 3, 1), "fail"),
                                            (date(2021, 3, 31), "fail"), (date(2021, 4, 1), "pass")])
def test_line_rate_refuses_1_percent_from_a_seller_whose_tax_id_shows_hubei_while_it_was_exempt(issued, status):
    from client.invoices import Party

    # a made-up individual business in Wuhan (division 420102): 公告2020年第13号 exempted Hubei's small-scale
    # taxpayers from 2020-03-01 until 2021-03-31, where those elsewhere were levied at 1 %
    hubei = Party(name="武汉市江岸区晴川商贸部", tax_id=code("92420102MA4K2B3C7"))

    def finding(seller, rate="0.01"):
        inv = invoice(issued=issued, seller=seller, lines=(line("*日用杂品*收纳箱", "10", "30.00", rate),))
        return check_invoice(inv).finding("line.rate")

    refused = finding(hubei)
    assert refused.status == status, refused.message
    assert refused.details == {"line": 1, "tax_rate": "0.01"}
    if status == "fail" and issued >= date(2020, 3, 1):
        assert refused.message.startswith("line 1: 1% is no levy rate a seller in Hubei (湖北省) charged")
        assert f"the seller's tax id {hubei.tax_id} shows division code 420102, in Hubei" in refused.message
    # the same line from the Shenzhen sample seller is judged by its date alone, and Hubei's 3 % and exempt pass
    assert finding(SELLER).status == ("fail" if issued < date(2020, 3, 1) else "pass")
    assert finding(hubei, "0.03").status == "pass" and finding(hubei, "0").status == "pass"
