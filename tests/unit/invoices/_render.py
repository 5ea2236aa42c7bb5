"""Render synthetic invoices as images and PDFs, so OCR tests know the truth.

The layout follows the printed fully digitalised e-invoice: labelled header
fields, buyer then seller, an item table (a name too long for its column wraps onto
further lines), totals. Needs Pillow and a CJK font
(Debian fonts-wqy-zenhei or fonts-noto-cjk); the text-layer PDF needs fpdf2.
"""

from __future__ import annotations

import io
import random
import unicodedata
from pathlib import Path

from client.invoices.model import Invoice

from ._samples import in_words, money

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


# A name longer than its column wraps onto lines of its own below its row, as invoicing software prints it: within
# NAME_WIDTH (clear of 规格型号 at 560 by more than a cell gap), each line WRAP_PITCH below the last, closer than the
# next row (ROW_PITCH). Widths are reckoned per character (a CJK character 28 units, any other 17, which only m and
# W exceed in WenQuanYi Zen Hei), so where a name breaks does not depend on which font is installed.
NAME_WIDTH = 480
ROW_PITCH = 56
WRAP_PITCH = 40


# Every cell is printed from its column's left edge. A spec wider than its column would run over the unit beside it,
# which no invoice prints (invoicing software wraps a spec within its column, as it does a name, and this renderer
# does not wrap one): :func:`placed_rows` refuses it, reckoned as :func:`wrap_name` reckons, so that a page drawn
# with one is not taken for a page a reader must read.
SPEC_WIDTH = COLUMNS[2] - COLUMNS[1]


def wrap_name(name: str) -> list[str]:
    """The name as the lines it is printed on: broken between characters, wherever the column is full."""
    out = [""]
    for char in name:
        if out[-1] and _width(out[-1] + char) > NAME_WIDTH:
            out.append("")
        out[-1] += char
    return out


def _width(text: str) -> int:
    return sum(28 if unicodedata.east_asian_width(char) in "WF" else 17 for char in text)


def placed_rows(inv: Invoice, words: str | None = None, *, side_by_side: bool = False,
                printed: dict[tuple[int, str], str] | None = None,
                remark: str | tuple[str, ...] | None = None, remark_x: int = 160,
                beside_remark: dict[int, tuple[int, str]] | None = None) -> list[tuple[int, list[tuple[int, str]]]]:
    """The invoice as rows of (x, text) cells, each row with its y in layout units; a wrapped item name's
    further lines are rows of one cell, under the name column. ``words``: the amount in words (大写) to print,
    when not the invoice's own. ``side_by_side``: buyer and seller blocks next to each other, as the printed
    fully digitalised invoice has them, rather than one above the other. ``printed``: a cell's text where it is
    not the value's (line index, column) -> text, e.g. ``{(1, "tax_rate"): "免税", (1, "tax"): "***"}``.
    ``remark``: the 备注 printed below the totals; a tuple prints it wrapped, each part on a line of its own under
    the first, :data:`WRAP_PITCH` apart, as a long remark wraps; its text begins at ``remark_x``, its label 备注
    120 units left of it. ``beside_remark``: another block's (x, text) printed on a line of the remark, by the
    remark line's index (0 its first), as the drawer (开票人) stands right of the remark, or an older invoice's seller
    block left of it: what OCR may read into the remark's line. A spec wider than its column
    (:data:`SPEC_WIDTH`) is refused with ``ValueError``."""
    printed = printed or {}
    out: list[tuple[int, list[tuple[int, str]]]] = []
    y = 40

    def put(cells: list[tuple[int, str]], pitch: int = ROW_PITCH) -> None:
        nonlocal y
        if out:
            y += pitch
        out.append((y, cells))

    for cells in _header_rows(inv, side_by_side):
        put(cells)
    for i, l in enumerate(inv.lines):
        if l.spec and _width(l.spec) > SPEC_WIDTH:
            raise ValueError(f"line {i}: spec {l.spec!r} is {_width(l.spec)} units wide, wider than its column "
                             f"({SPEC_WIDTH}; a Chinese character 28, any other 17): it would be printed over the "
                             "unit, as no invoice prints it; use a shorter spec")
        first, *more = wrap_name(l.name)
        cells = [(COLUMNS[0], first)]
        if l.spec:
            cells.append((COLUMNS[1], l.spec))
        if l.unit:
            cells.append((COLUMNS[2], l.unit))
        cells += [(COLUMNS[3], str(l.quantity)), (COLUMNS[4], str(l.unit_price)), (COLUMNS[5], money(l.amount_fen)),
                  (COLUMNS[6], printed.get((i, "tax_rate"), f"{(l.tax_rate * 100).normalize():f}%")),
                  (COLUMNS[7], printed.get((i, "tax"), money(l.tax_fen)))]
        put(cells)
        for part in more:
            put([(COLUMNS[0], part)], WRAP_PITCH)
    put([(40, "合计"), (COLUMNS[5], f"¥{money(inv.total_amount_fen)}"), (COLUMNS[7], f"¥{money(inv.total_tax_fen)}")])
    put([(40, "价税合计（大写）"), (300, in_words(inv.total_with_tax_fen) if words is None else words),
         (COLUMNS[5] - 120, f"（小写）¥{money(inv.total_with_tax_fen)}")])
    if remark is not None:
        first, *more = (remark,) if isinstance(remark, str) else remark
        beside = beside_remark or {}
        for i, part in enumerate((first, *more)):
            cells = [(remark_x - 120, "备注"), (remark_x, part)] if i == 0 else [(remark_x, part)]
            put(sorted(cells + ([beside[i]] if i in beside else [])), ROW_PITCH if i == 0 else WRAP_PITCH)
    return out


def rows(inv: Invoice) -> list[list[tuple[int, str]]]:
    """The invoice as rows of (x, text) cells, top to bottom."""
    return [cells for _, cells in placed_rows(inv)]


ID_LABEL = "统一社会信用代码/纳税人识别号："


def _header_rows(inv: Invoice, side_by_side: bool = False) -> list[list[tuple[int, str]]]:
    if side_by_side:  # the seller's block starts at 780, half way across the page
        parties = [[(40, "购买方信息"), (120, f"名称：{inv.buyer.name}"), (780, "销售方信息"), (860, f"名称：{inv.seller.name}")],
                   [(120, ID_LABEL + inv.buyer.tax_id), (860, ID_LABEL + inv.seller.tax_id)]]
    else:
        parties = [[(40, "购买方信息"), (260, f"名称：{inv.buyer.name}")], [(260, ID_LABEL + inv.buyer.tax_id)],
                   [(40, "销售方信息"), (260, f"名称：{inv.seller.name}")], [(260, ID_LABEL + inv.seller.tax_id)]]
    return [
        [(480, "电子发票（增值税专用发票）")],
        [(40, f"发票号码：{inv.number}")],
        [(40, f"开票日期：{inv.issue_date.year}年{inv.issue_date.month:02d}月{inv.issue_date.day:02d}日")],
        *parties,
        list(zip(COLUMNS, ("项目名称", "规格型号", "单位", "数量", "单价", "金额", "税率", "税额"))),
    ]


def layout(inv: Invoice, scale: float = 1.4) -> list[list[tuple[str, tuple[int, int, int, int]]]]:
    """Each row's cells as (text, box in pixels) where :func:`render_image` draws them."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(cjk_font()), round(28 * scale))
    out = []
    for y, cells in placed_rows(inv):
        row = []
        for x, text in cells:
            origin = (round(x * scale), round(y * scale))
            left, top, right, bottom = font.getbbox(text)
            row.append((text, (origin[0] + left, origin[1] + top, origin[0] + right, origin[1] + bottom)))
        out.append(row)
    return out


def render_image(inv: Invoice, *, degrade: bool = False, seed: int = 0, scale: float = 1.4, words: str | None = None,
                 **layout):
    """A PIL image of the invoice; ``degrade`` adds blur, a small rotation and specks like a scan; ``layout``:
    :func:`placed_rows`'s ``side_by_side``, ``printed`` and ``remark``.

    At the default scale the text is about 39 px high: 9-10 pt type scanned at 300 dpi.
    """
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(str(cjk_font()), round(28 * scale))
    placed = placed_rows(inv, words, **layout)
    height = round((placed[-1][0] + ROW_PITCH + 40) * scale)  # a margin of 40 below the last row
    img = Image.new("L", (round(1500 * scale), height), 255)
    draw = ImageDraw.Draw(img)
    for y, cells in placed:
        for x, text in cells:
            draw.text((round(x * scale), round(y * scale)), text, font=font, fill=0)
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


def save_text_pdf(inv: Invoice, path: Path, words: str | None = None, **layout) -> Path:
    """A PDF with a text layer, as invoicing software writes it (fpdf2); ``layout`` as for :func:`placed_rows`."""
    return save_pages_pdf([placed_rows(inv, words, **layout)], path)


def save_pages_pdf(pages: list[list[tuple[int, list[tuple[int, str]]]]], path: Path, *,
                   image=None, image_box: tuple[int, int, int, int] | None = None, invisible: bool = False,
                   image_over_text: bool = False) -> Path:
    """A PDF with a text layer of several pages, each given as :func:`placed_rows` gives rows. ``image``: a PIL
    image drawn on each page first, at ``image_box`` (x, y, width, height in points; the whole page when not
    given), as a scanner's searchable PDF has its page's picture, invoicing software a seal, or its form drawn as
    the page's background; ``invisible``: the text drawn in render mode 3, as such a scanner writes its OCR;
    ``image_over_text``: the image drawn after the text, hiding it, as other scanners hide their OCR."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="pt", format=(800, 1560))
    pdf.add_font("cjk", fname=str(cjk_font()))
    png = None
    if image is not None:
        buf = io.BytesIO()
        (image if image.mode == "RGBA" else image.convert("RGB")).save(buf, format="PNG")  # RGBA: a soft mask
        png = buf.getvalue()

    def draw_image() -> None:
        if png is not None:
            x, y, width, height = image_box or (0, 0, 1560, 800)
            pdf.image(io.BytesIO(png), x=x, y=y, w=width, h=height)

    for rows in pages:
        pdf.add_page()
        pdf.set_font("cjk", size=14)
        if not image_over_text:
            draw_image()
        if invisible:
            pdf.text_mode = "INVISIBLE"
        for y, cells in rows:
            for x, text in cells:
                pdf.text(x, 20 + y / 2, text)  # half the image's units: 14 pt type
        if image_over_text:
            draw_image()
    path.write_bytes(bytes(pdf.output()))
    return path


def save_searchable_pdf(inv: Invoice, path: Path, *, layer: Invoice | None = None, invisible: bool = True) -> Path:
    """A scanner's searchable PDF: the invoice's picture as the page, and with it the text of ``layer`` (the
    invoice itself when not given: a scanner's OCR that read it right), drawn invisible over the picture, or
    visible under it (``invisible=False``), hidden by it. The picture is scaled to the page's width, the text placed
    as on the text-layer PDF, so the two line up."""
    image = render_image(inv)
    width = 1560
    return save_pages_pdf([placed_rows(layer or inv)], path, image=image,
                          image_box=(0, 0, width, round(image.height * width / image.width)), invisible=invisible,
                          image_over_text=not invisible)
