"""A printed remark (备注) shares its lines with other blocks of the page: the drawer (开票人) right of it, an older
invoice's seller block left of it. OCR reads such a block into the remark's line, and the scan reader joined a naming
of the invoice a red-letter invoice offsets, wrapped after its label, with whatever the next line held first: the
other block's text came between the label and the figures, and the original was lost with nothing flagged. A
deduction after 差额征税 wrapped inside its figure was read as the part on the first line. The remark's own text now
ends at a column gap and goes on below where its text begins; a naming's label left with no identity after it is
flagged, as the XML reader refuses it."""

import pytest

from client.invoices import MalformedInput, parse_invoice
from client.invoices.scan import ScanResult, extract_fields, read_scan

from . import _render
from ._samples import einvoice_xml, in_words
from ._tesseract import needs_tesseract
from .test_einvoice_forms import difference_invoice
from .test_red_letter_names_its_original import BLUE_NUMBER, red_letter, with_remark
from .test_scan_wrapped import placed_lines

needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")
pytestmark = needs_font

RED = red_letter()
WORDS = "（负数）" + in_words(-RED.total_with_tax_fen)
WRAPPED = ("退货。被红冲蓝字数电发票号码：", BLUE_NUMBER)
DRAWER = (900, "开票人：王五")
# an older invoice: the remark box right of the seller's block, whose lines OCR reads into the remark's
OLDER = dict(remark_x=800, beside_remark={0: (40, "地址电话：深圳市南山区科技园 0755-86001234"),
                                          1: (40, "开户行及账号：招商银行 755912345610101")})

BESIDE = [
    pytest.param(dict(remark=WRAPPED, beside_remark={0: DRAWER}), "", BLUE_NUMBER, id="drawer right of the label"),
    pytest.param(dict(remark=("退货。对应正数发票代码:3100204130", "号码:12345678"),
                      beside_remark={0: DRAWER, 1: (900, "复核：李四")}), "3100204130", "12345678",
                 id="blocks right of both lines"),
    pytest.param(dict(remark=WRAPPED, **OLDER), "", BLUE_NUMBER, id="seller block left of both lines"),
    pytest.param(dict(remark=WRAPPED, remark_x=800, beside_remark={0: (40, "名称：深圳市前海供应链有限公司"),
                                                                   1: (40, "纳税人识别号：91440300MA5F7KQ3XU")}),
                 "", BLUE_NUMBER, id="seller name and tax id left"),
]


def _original(fields, inv):
    assert "original" in fields and not fields["original"].flagged, fields.get("original")
    return inv.original_code, inv.original_number


@pytest.mark.parametrize("scan", [False, True], ids=["text layer", "scan"])
@pytest.mark.parametrize("layout, code, number", BESIDE)
def test_a_wrapped_naming_beside_another_block_gives_the_original(layout, code, number, scan):
    fields, inv, _ = extract_fields(placed_lines(RED, words=WORDS, scan=scan, **layout), 0.8)
    assert inv is not None and _original(fields, inv) == (code, number)


@pytest.mark.parametrize("scan", [False, True], ids=["text layer", "scan"])
def test_a_naming_label_with_no_identity_after_it_is_flagged(scan):
    # nothing below the label that begins where the remark's text does: the drawer's block is no continuation
    fields, inv, _ = extract_fields(placed_lines(RED, words=WORDS, scan=scan, remark=WRAPPED[:1],
                                                 beside_remark={0: DRAWER}), 0.8)
    original = fields["original"]
    assert original.flagged and original.value is None
    assert "(被红冲蓝字数电发票号码：) but gives no number after it" in original.reason
    assert inv.original_number == ""


@pytest.mark.parametrize("remark", ["对应蓝字发票号码：见附件", "对应正数发票代码:3100204130。退货"])
def test_the_xml_reader_refuses_a_naming_label_with_no_identity_after_it(remark):
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(with_remark(einvoice_xml(RED), remark).encode())
    assert refused.value.field.endswith("Remark") and "but gives no" in refused.value.problem


@pytest.mark.parametrize("scan", [False, True], ids=["text layer", "scan"])
@pytest.mark.parametrize("remark", [("差额征税：8000", "0.00。"), ("差额征税：", "80000.00。")],
                         ids=["inside the figure", "after the mark"])
def test_a_deduction_wrapped_beside_another_block_is_read_whole(remark, scan):
    fields, inv, _ = extract_fields(placed_lines(difference_invoice(), scan=scan, remark=remark,
                                                 beside_remark={0: DRAWER}), 0.8)
    assert fields["deduction"].value == "80000.00" and not fields["deduction"].flagged
    assert inv.lines[0].deduction_fen == 8_000_000 and not [n for n, f in fields.items() if f.flagged]


@pytest.mark.parametrize("scan", [False, True], ids=["text layer", "scan"])
def test_a_deduction_without_its_fen_is_not_run_into_the_next_lines_figures(scan):
    # the next remark line begins with figures that are no part of it: 80000 then 12 个月 is not 8000012
    fields, inv, _ = extract_fields(placed_lines(difference_invoice(), scan=scan,
                                                 remark=("差额征税：80000", "12 个月服务费")), 0.8)
    assert fields["deduction"].value == "80000.00" and inv.lines[0].deduction_fen == 8_000_000


@needs_tesseract
@pytest.mark.parametrize("layout", [dict(remark=WRAPPED, beside_remark={0: DRAWER}),
                                    dict(remark=WRAPPED, remark_x=800,
                                         beside_remark={0: (40, "名称：深圳市前海供应链有限公司"),
                                                        1: (40, "纳税人识别号：91440300MA5F7KQ3XU")})],
                         ids=["drawer right", "seller block left"])
def test_a_scanned_remark_read_by_ocr_into_another_blocks_line_gives_the_original(tmp_path, layout):
    result: ScanResult = read_scan(_render.save_png(RED, tmp_path / "red.png", words=WORDS, **layout))
    assert result.invoice is not None and _original(result.fields, result.invoice) == ("", BLUE_NUMBER)


@needs_tesseract
def test_a_scanned_deduction_wrapped_inside_its_figure_is_read_whole(tmp_path):
    result = read_scan(_render.save_png(difference_invoice(), tmp_path / "difference.png",
                                        remark=("差额征税：8000", "0.00。")))
    assert result.fields["deduction"].value == "80000.00"
    assert result.invoice is not None and result.invoice.lines[0].deduction_fen == 8_000_000


def test_a_text_layer_pdf_with_the_drawer_beside_the_remark_gives_the_original(tmp_path):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    pdf = _render.save_text_pdf(RED, tmp_path / "red.pdf", words=WORDS, remark=WRAPPED, beside_remark={0: DRAWER})
    result = read_scan(pdf)
    assert result.method == "text-layer" and _original(result.fields, result.invoice) == ("", BLUE_NUMBER)
