"""A quantity and a unit price each within what a file may give can multiply to more than any amount: the checks
and the matcher say so, naming the figure, where they ended in a decimal.InvalidOperation traceback."""

from client.invoices import check_invoice, match_invoice, parse_invoice, read_goods_receipt, read_purchase_order

from ._samples import einvoice_xml, invoice

HUGE = "99999999999999999"   # 17 digits: the readers take up to 18 before the point
PRODUCT_YUAN = f"{int(HUGE) ** 2}.00"   # HUGE x HUGE, exactly


def huge_line_invoice():
    xml = einvoice_xml(invoice()).replace("<Quantity>200</Quantity><UnPrice>1.50</UnPrice>",
                                          f"<Quantity>{HUGE}</Quantity><UnPrice>{HUGE}</UnPrice>")
    return parse_invoice(xml.encode())


def test_quantity_times_price_beyond_any_amount_fails_line_amount_naming_the_product():
    report = check_invoice(huge_line_invoice())
    finding = report.of("line.amount")[0]
    assert finding.status == "fail"
    assert f"{HUGE} x {HUGE} = {PRODUCT_YUAN}, but the amount is 300.00" in finding.message


def test_a_po_value_beyond_any_amount_is_a_match_problem_naming_it(tmp_path):
    po = tmp_path / "po.csv"
    po.write_text("po_number,line,item_code,item_name,quantity,unit_price\n"
                  f"PO-1,1,C0805,贴片电容,{HUGE},{HUGE}\nPO-1,2,B-M6,不锈钢螺栓,1000,0.80\n"
                  "PO-1,3,SVC-01,软件维护服务费,1,1000.00\n", encoding="utf-8")
    gr = tmp_path / "gr.csv"
    gr.write_text("receipt_number,po_number,line,item_code,item_name,quantity\n"
                  f"GR-1,PO-1,1,C0805,贴片电容,{HUGE}\nGR-1,PO-1,2,B-M6,不锈钢螺栓,1000\n"
                  "GR-1,PO-1,3,SVC-01,软件维护服务费,1\n", encoding="utf-8")
    result = match_invoice(huge_line_invoice(), read_purchase_order(po), read_goods_receipt(gr))
    assert result.status == "partial"
    [problem] = result.problems
    assert problem.startswith("invoice amount 2100.00 is not the PO value of the invoiced quantities less the "
                              f"invoice's discounts {int(HUGE) ** 2 + 800 + 1000}.00 ")
