"""A red-letter invoice's remark (备注) wrapped over two printed lines still names the invoice it offsets. The scan
reader read the original's identity from one line only: a remark wrapped after its label lost the identity
altogether (the invoice read as naming none), and one wrapped inside the figures, or between the code and the
number, was read as a cut-off number or not at all. The lines of a wrapped naming are now read as one."""

import pytest

from client.invoices.scan import ScanResult, extract_fields, read_scan

from . import _render
from ._samples import in_words
from ._tesseract import needs_tesseract
from .test_red_letter_names_its_original import BLUE_NUMBER, red_letter
from .test_scan_wrapped import placed_lines

needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")
pytestmark = needs_font

RED = red_letter()
WORDS = "（负数）" + in_words(-RED.total_with_tax_fen)   # as invoicing software prints a red-letter total

WRAPS = [
    pytest.param(("退货。被红冲蓝字数电发票号码：", BLUE_NUMBER), "", BLUE_NUMBER, id="after the label"),
    pytest.param(("退货。被红冲蓝字数电发票号码：" + BLUE_NUMBER[:12], BLUE_NUMBER[12:]), "", BLUE_NUMBER,
                 id="inside the number"),
    pytest.param(("退货。对应正数发票代码:3100204130", "号码:12345678"), "3100204130", "12345678",
                 id="between code and number"),
    # the label's first words cut short at the line's end: the naming begins only once the lines are read as one
    pytest.param(("退货。对应正", "数发票代码:3100204130号码:12345678"), "3100204130", "12345678",
                 id="inside 对应正数"),
    pytest.param(("退货。被红冲", "蓝字数电发票号码：" + BLUE_NUMBER), "", BLUE_NUMBER, id="inside 被红冲蓝字"),
    pytest.param(("退货。对应蓝", "字发票号码：" + BLUE_NUMBER), "", BLUE_NUMBER, id="inside 对应蓝字"),
    pytest.param(("退货。对", "应正数发票代码:3100204130号码:12345678"), "3100204130", "12345678",
                 id="after its first character"),
]


def _original(fields, inv):
    assert not fields["original"].flagged, fields["original"]
    return inv.original_code, inv.original_number


@pytest.mark.parametrize("scan", [False, True], ids=["text layer", "scan"])
@pytest.mark.parametrize("remark, code, number", WRAPS)
def test_a_remark_wrapped_over_two_lines_gives_the_original(remark, code, number, scan):
    fields, inv, _ = extract_fields(placed_lines(RED, remark=remark, words=WORDS, scan=scan), 0.8)
    assert inv is not None and _original(fields, inv) == (code, number)


@pytest.mark.parametrize("scan", [False, True], ids=["text layer", "scan"])
def test_a_whole_identity_is_not_run_into_figures_on_the_next_line(scan):
    remark = ("被红冲蓝字数电发票号码：" + BLUE_NUMBER, "2026年10月退货")
    fields, inv, _ = extract_fields(placed_lines(RED, remark=remark, words=WORDS, scan=scan), 0.8)
    assert _original(fields, inv) == ("", BLUE_NUMBER)


def test_a_low_confidence_continuation_flags_the_original():
    remark = ("退货。被红冲蓝字数电发票号码：", BLUE_NUMBER)
    fields, inv, _ = extract_fields(placed_lines(RED, remark=remark, words=WORDS, overrides={BLUE_NUMBER: 0.4}), 0.8)
    assert fields["original"].flagged and fields["original"].reason.startswith("low confidence 0.400")
    assert inv.original_number == ""


def test_a_label_cut_short_read_with_low_confidence_flags_the_original():
    # the label's first half on one line, the rest with the figures on the next: either half unsure flags it
    first, second = "退货。对应正", "数发票代码:3100204130号码:12345678"
    for unsure in (first, second):
        fields, inv, _ = extract_fields(placed_lines(RED, remark=(first, second), words=WORDS,
                                                     overrides={unsure: 0.4}), 0.8)
        assert fields["original"].flagged and fields["original"].reason.startswith("low confidence 0.400")
        assert inv.original_number == ""


def test_a_line_ending_in_a_labels_first_words_is_not_joined_to_other_figures():
    # 对应 closing a remark line, the next line no naming: nothing is named, nothing is made up
    remark = ("退货，数量对应", "发票号码：" + BLUE_NUMBER)
    fields, inv, _ = extract_fields(placed_lines(RED, remark=remark, words=WORDS), 0.8)
    assert "original" not in fields and inv.original_number == ""


@needs_tesseract
def test_a_scanned_page_read_by_ocr_gives_the_original_across_a_wrap_inside_the_label(tmp_path):
    remark = ("退货。对应正", "数发票代码:3100204130号码:12345678")
    result: ScanResult = read_scan(_render.save_png(RED, tmp_path / "red.png", remark=remark, words=WORDS))
    assert result.invoice is not None and _original(result.fields, result.invoice) == ("3100204130", "12345678")


@needs_tesseract
def test_a_scanned_page_read_by_ocr_gives_the_original_across_the_wrap(tmp_path):
    remark = ("退货。被红冲蓝字数电发票号码：", BLUE_NUMBER)
    result: ScanResult = read_scan(_render.save_png(RED, tmp_path / "red.png", remark=remark, words=WORDS))
    assert result.invoice is not None and _original(result.fields, result.invoice) == ("", BLUE_NUMBER)
