"""Render synthetic invoices as images and PDFs, so OCR tests know the truth.

The layout follows the printed fully digitalised e-invoice: labelled header
fields, buyer then seller, an item table, totals. Needs Pillow and a CJK font
(Debian fonts-wqy-zenhei or fonts-noto-cjk); the text-layer PDF needs fpdf2.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from client.invoices.model import Invoice

from ._samples import money

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
COLUMNS = (40, 560, 700, 790, 890, 1040, 1210, 1340)  # name spec unit qty price amount rate tax


def cjk_font() -> Path | None:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return Path(candidate)
    return None


def rows(inv: Invoice) -> list[list[tuple[int, str]]]:
    """The invoice as rows of (x, text) cells."""
    out: list[list[tuple[int, str]]] = [
        [(480, "电子发票（增值税专用发票）")],
        [(40, f"发票号码：{inv.number}")],
        [(40, f"开票日期：{inv.issue_date.year}年{inv.issue_date.month:02d}月{inv.issue_date.day:02d}日")],
        [(40, "购买方信息"), (260, f"名称：{inv.buyer.name}")],
        [(260, f"统一社会信用代码/纳税人识别号：{inv.buyer.tax_id}")],
        [(40, "销售方信息"), (260, f"名称：{inv.seller.name}")],
        [(260, f"统一社会信用代码/纳税人识别号：{inv.seller.tax_id}")],
        list(zip(COLUMNS, ("项目名称", "规格型号", "单位", "数量", "单价", "金额", "税率", "税额"))),
    ]
    for l in inv.lines:
        cells = [(COLUMNS[0], l.name)]
        if l.spec:
            cells.append((COLUMNS[1], l.spec))
        if l.unit:
            cells.append((COLUMNS[2], l.unit))
        cells += [(COLUMNS[3], str(l.quantity)), (COLUMNS[4], str(l.unit_price)), (COLUMNS[5], money(l.amount_fen)),
                  (COLUMNS[6], f"{int(l.tax_rate * 100)}%"), (COLUMNS[7], money(l.tax_fen))]
        out.append(cells)
    out.append([(40, "合计"), (COLUMNS[5], f"¥{money(inv.total_amount_fen)}"), (COLUMNS[7], f"¥{money(inv.total_tax_fen)}")])
    out.append([(40, "价税合计（大写）"), (COLUMNS[5] - 120, f"（小写）¥{money(inv.total_with_tax_fen)}")])
    return out


def layout(inv: Invoice, scale: float = 1.4) -> list[list[tuple[str, tuple[int, int, int, int]]]]:
    """Each row's cells as (text, box in pixels) where :func:`render_image` draws them."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(cjk_font()), round(28 * scale))
    out = []
    for r, cells in enumerate(rows(inv)):
        row = []
        for x, text in cells:
            origin = (round(x * scale), round((40 + 56 * r) * scale))
            left, top, right, bottom = font.getbbox(text)
            row.append((text, (origin[0] + left, origin[1] + top, origin[0] + right, origin[1] + bottom)))
        out.append(row)
    return out


def render_image(inv: Invoice, *, degrade: bool = False, seed: int = 0, scale: float = 1.4):
    """A PIL image of the invoice; ``degrade`` adds blur, a small rotation and specks like a scan.

    At the default scale the text is about 39 px high: 9-10 pt type scanned at 300 dpi.
    """
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(str(cjk_font()), round(28 * scale))
    height = round((80 + 56 * len(rows(inv))) * scale)
    img = Image.new("L", (round(1500 * scale), height), 255)
    draw = ImageDraw.Draw(img)
    for r, cells in enumerate(rows(inv)):
        for x, text in cells:
            draw.text((round(x * scale), round((40 + 56 * r) * scale)), text, font=font, fill=0)
    if degrade:
        rng = random.Random(seed)
        for _ in range(1500):
            draw.point((rng.randrange(img.width), rng.randrange(img.height)), fill=rng.randrange(80, 200))
        img = img.rotate(0.4, expand=True, fillcolor=255, resample=Image.BICUBIC)
        img = img.filter(ImageFilter.GaussianBlur(0.8))
    return img


def save_png(inv: Invoice, path: Path, **kw) -> Path:
    render_image(inv, **kw).save(path, format="PNG")
    return path


def save_jpeg(inv: Invoice, path: Path, quality: int = 60, **kw) -> Path:
    render_image(inv, **kw).save(path, format="JPEG", quality=quality)
    return path


def save_image_pdf(inv: Invoice, path: Path, **kw) -> Path:
    """An image-only PDF (no text layer), as a scanner writes it."""
    render_image(inv, **kw).convert("RGB").save(path, format="PDF", resolution=150)
    return path


def save_text_pdf(inv: Invoice, path: Path) -> Path:
    """A PDF with a text layer, as invoicing software writes it (fpdf2)."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="pt", format=(800, 1560))
    pdf.add_page()
    pdf.add_font("cjk", fname=str(cjk_font()))
    pdf.set_font("cjk", size=14)
    for r, cells in enumerate(rows(inv)):
        for x, text in cells:
            pdf.text(x, 40 + 28 * r, text)
    buf = io.BytesIO(pdf.output())
    path.write_bytes(buf.getvalue())
    return path
