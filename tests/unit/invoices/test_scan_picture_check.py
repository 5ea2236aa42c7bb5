"""A PDF whose text layer is read (not a scanner's) but whose page carries a picture covering it: the picture may
print another invoice than the text says, and a person looking at the page sees the picture. Its key fields are
compared with what OCR reads off the picture, never taken from the text alone."""

import json
from datetime import date

import pytest

from client.invoices import MissingDependency, read_scan

from . import _render
from ._samples import invoice, line, money
from ._tesseract import needs_tesseract

needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")

KEY_FIELDS = ("number", "issue_date", "seller.tax_id", "buyer.tax_id", "total_amount", "total_tax", "total_with_tax")

# what the page's picture prints
PRINTED = invoice()
# what its text layer says: another number and date, and a line of 9000.00 where the picture prints 1000.00
SAID = invoice(number="26442000000099999999", issued=date(2026, 9, 2), lines=(
    line("*电子元件*贴片电容", "200", "1.50", "0.13", unit="个", spec="0805"),
    line("*金属制品*不锈钢螺栓", "1000", "0.80", "0.13", unit="个", spec="M6"),
    line("*信息技术服务*软件维护服务费", "1", "9000.00", "0.06", unit="项"),
))


def _text_over_picture(tmp_path, name: str, said=SAID, printed=PRINTED):
    """A PDF of ``said``'s text, drawn visible over a picture of ``printed`` covering the page: not a scanner's
    searchable PDF (no text drawn invisible or under the picture), so its text layer is read."""
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the PDF")
    return _render.save_pages_pdf([_render.placed_rows(said)], tmp_path / name, image=_render.render_image(printed))


@needs_tesseract
@needs_font
def test_key_fields_the_picture_prints_otherwise_than_the_text_layer_are_flagged_with_both_readings(tmp_path):
    result = read_scan(_text_over_picture(tmp_path, "altered.pdf"))
    assert result.method == "text-layer" and not result.ok
    differ = {"number": (PRINTED.number, SAID.number), "issue_date": ("2026年09月01日", "2026年09月02日"),
              **{name: (money(getattr(PRINTED, f"{name}_fen")), money(getattr(SAID, f"{name}_fen")))
                 for name in ("total_amount", "total_tax", "total_with_tax")}}
    for name, (seen, said) in differ.items():
        field = result.fields[name]
        assert field.flagged and field.confidence == 0.0, name
        assert field.value == said   # left as the text says, for a person to settle, never trusted
        assert f"reads {seen!r}" in field.reason and f"the PDF's text layer reads {said!r}" in field.reason, name
        assert "the picture covering page 1" in field.reason
    # what the picture prints alike is not flagged
    for name in ("seller.tax_id", "buyer.tax_id"):
        assert not result.fields[name].flagged and result.fields[name].confidence == 1.0
    # the invoice goes nowhere as trusted: the fields the picture disagrees on are unreviewed
    assert {u.field for u in result.invoice.unreviewed} >= set(differ)


@needs_tesseract
@needs_font
def test_a_picture_that_prints_what_the_text_layer_says_flags_nothing(tmp_path):
    result = read_scan(_text_over_picture(tmp_path, "same.pdf", said=PRINTED))
    assert result.method == "text-layer"
    assert not [name for name in KEY_FIELDS if result.fields[name].flagged]
    assert all(result.fields[name].confidence == 1.0 for name in KEY_FIELDS)


@needs_font
def test_the_picture_check_turned_off_flags_the_key_fields_as_not_compared(tmp_path, monkeypatch):
    from client.invoices import scan

    def no_ocr(*args, **kwargs):
        raise AssertionError("the page images were read by OCR with the check turned off")

    monkeypatch.setattr(scan, "_ocr_images", no_ocr)
    result = read_scan(_text_over_picture(tmp_path, "altered.pdf"), image_check=False)
    assert result.method == "text-layer" and not result.ok
    for name in KEY_FIELDS:
        field = result.fields[name]
        assert field.flagged and field.confidence == 0.0, name
        assert "not compared with the page images covering page 1 (the check against the page images was turned " \
               "off)" in field.reason
    assert result.fields["number"].value == SAID.number
    # the fields outside the check are as the text layer reads them
    assert not result.fields["seller.name"].flagged and result.fields["seller.name"].confidence == 1.0


@needs_font
def test_without_tesseract_the_key_fields_of_a_pictured_page_are_flagged_as_not_compared(tmp_path, monkeypatch):
    from client.invoices import scan

    def no_tesseract():
        raise MissingDependency("the tesseract binary", "install tesseract-ocr")

    monkeypatch.setattr(scan, "require_tesseract", no_tesseract)
    result = read_scan(_text_over_picture(tmp_path, "altered.pdf"))
    assert not result.ok
    assert all(result.fields[name].flagged and result.fields[name].confidence == 0.0 for name in KEY_FIELDS)
    assert "they could not be read: the tesseract binary is not available" in result.fields["number"].reason


@needs_font
def test_a_seal_beside_the_text_is_no_picture_of_the_page_and_costs_no_ocr(tmp_path, monkeypatch):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the PDF")
    from client.invoices import scan

    def no_ocr(*args, **kwargs):
        raise AssertionError("a page with a seal on it was read by OCR")

    monkeypatch.setattr(scan, "_ocr_images", no_ocr)
    seal = _render.render_image(PRINTED).resize((150, 80))
    sealed = _render.save_pages_pdf([_render.placed_rows(PRINTED)], tmp_path / "seal.pdf", image=seal,
                                    image_box=(1300, 20, 150, 80))
    result = read_scan(sealed)
    assert result.method == "text-layer" and result.ok


@needs_font
def test_the_cli_reads_with_the_check_turned_off_and_says_so(tmp_path):
    from click.testing import CliRunner

    from cli.invoice_commands import invoice as invoice_group

    path = _text_over_picture(tmp_path, "altered.pdf")
    result = CliRunner().invoke(invoice_group, ["read", str(path), "--no-image-check", "--json"])
    assert result.exit_code == 1, result.output
    fields = json.loads(result.stdout)["fields"]
    assert fields["number"]["flagged"] and fields["number"]["confidence"] == 0.0
    assert "the check against the page images was turned off" in fields["number"]["reason"]


@needs_font
def test_a_pictured_page_whose_images_cannot_be_taken_out_has_its_key_fields_flagged(tmp_path, monkeypatch):
    from client.invoices import scan

    monkeypatch.setattr(scan, "require_tesseract", lambda: "tesseract")
    monkeypatch.setattr(scan, "_pdf_images", lambda *args, **kwargs: [])
    result = read_scan(_text_over_picture(tmp_path, "altered.pdf"))
    assert all(result.fields[name].flagged and result.fields[name].confidence == 0.0 for name in KEY_FIELDS)
    assert "no image could be taken out of them to read" in result.fields["number"].reason
