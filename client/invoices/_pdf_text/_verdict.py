"""Whether a PDF's text layer is a scanner's reading of its page images rather than the text the invoice was
made of (:func:`scanned_layer`), and the reason given."""

from __future__ import annotations

from dataclasses import dataclass

from ._work import _too_much_said
from ._text_layer import PageContents
from ._painting import _ANNOTATION, _FILLED_SHAPE, _IMAGE, _MAX_FORM_DEPTH, _STROKED_LINE, _Painting


@dataclass(frozen=True)
class LayerVerdict:
    """What following a PDF's pages told of its text layer: why it is a scanner's reading of its page images
    (:func:`scanned_layer`), or ``None``; and the pages (from 1) that images cover half of or more
    (:attr:`_Painting.pictured`), whose picture may print another invoice than the text says, followed up to the
    page that told the layer a scanner's."""

    scanned: str | None
    pictured: tuple[int, ...]


def scanned_layer(pages, contents: PageContents | None = None) -> str | None:
    """Why the text layer is a scanner's reading of its page images, or ``None`` (:func:`layer_verdict`)."""
    return layer_verdict(pages, contents).scanned


def layer_verdict(pages, contents: PageContents | None = None) -> LayerVerdict:
    """The pages pictured (:class:`LayerVerdict`), and why the text layer is a scanner's reading of its page images
    rather than the text the invoice was made of, or ``None`` where it is not: on some page text is drawn invisible
    (in a render mode that paints nothing, or only with paint of opacity 0, or white (:data:`_PAPER`) over an image drawn before it), or text is drawn before
    an opaque image that covers half the page or more, or before opaque images that together cover half the text
    drawn before them or more, in pieces (a seal or a QR code covers far less), which paint over it, or before
    opaque images, shapes filled or lines stroked in an opaque paint (white too) over half or more of a glyph of a
    number it says, one alone or together (:meth:`_Painting._painted_over_number`), which paint other figures, or
    none, where the text layer says that number. Text a viewer does not show is doubted alike: half of a run or more
    beyond the page's MediaBox or CropBox, or outside the clipping path in force, or white on the bare page; and text
    under an annotation shown with an appearance, taken for an opaque image over its /Rect drawn after the content.
    Visible text drawn after such images is what the page shows: invoicing software drawing its form or a watermark
    as a background. Where an image lies is where the page's content places it: each ``cm`` within its ``q`` ...
    ``Q``, and each form XObject it is drawn in, by the ``cm`` before the form's ``Do`` and the form's own
    ``/Matrix``, forms inside forms too (:class:`_Painting`); an inline image (``BI`` ... ``ID`` ... ``EI``) alike.
    What it covers is what shows of it within the page, within the ``/BBox`` of each form it is drawn in, which
    clips what the form draws, and within each clipping path the content sets (``W``, ``W*``). The work of
    following is bounded by an allowance per page, what a page leaves of its own carried to the pages after it, and
    a cap for the file (:data:`_WORK_PER_PAGE`, :data:`_WORK_PER_FILE`): pages may share one content stream and
    forms. ``contents``: the pages' content as :func:`text_layer` parsed it, so that it is not parsed again; where
    that did not read some page's text whole (more work than allowed), why, when nothing else is wrong: the text is
    not all the page shows."""
    contents = contents if contents is not None else PageContents()
    painting = _Painting(contents)
    pictured: list[int] = []
    for number, page in enumerate(pages, start=1):
        painting.follow(page)
        if painting.pictured:
            pictured.append(number)
        scanned = _scanned_said(painting, number)
        if scanned is not None:
            return LayerVerdict(scanned, tuple(pictured))
    return LayerVerdict(contents.unread, tuple(pictured))


def _scanned_said(painting: _Painting, number: int) -> str | None:
    """Why the text of page ``number``, as followed, is not what the page shows, or ``None``."""
    if painting.too_deep:
        return (f"forms drawn inside forms more than {_MAX_FORM_DEPTH} deep on page {number} (a form that "
                "draws itself?): what the page shows cannot be told, so its text is not taken for the invoice's")
    if painting.too_much:
        return _too_much_said(painting, "page 1" if number == 1 else f"pages 1 to {number}",
                              "to check than the check allows",
                              "what its pages show is not known, so their text is taken as doubtful")
    if painting.invisible:
        return f"text drawn invisible on page {number}, {painting.invisible}"
    if painting.hidden:
        if painting.number_painted_over:
            under, painter = _painted_over_said(painting.number_painted_by)
            return (f"a number in the text on page {number} drawn under {under} over it: the page shows what "
                    f"{painter} there, not the number the text says")
        if painting.hidden_by == _ANNOTATION:
            return (f"text on page {number} drawn under an annotation's appearance (/Annots) that covers half of "
                    "it or more, which a viewer paints over it")
        if painting.images_over_text > 1:
            return (f"text on page {number} drawn under {painting.images_over_text} images that together cover "
                    "half of it or more, which hide it")
        if painting.page_image:
            return f"text on page {number} drawn under an image of the whole page, which hides it"
        return f"text on page {number} drawn under an image that covers half of it or more, which hides it"
    return None


# What paints over a number's digits, each with what the reason calls one of it, several, and the one that paints
# (_painted_over_said).
_PAINTERS = {_IMAGE: ("an image", "images", "the image"),
             _ANNOTATION: ("an annotation's appearance", "annotations' appearances", "the annotation"),
             _FILLED_SHAPE: ("a filled shape", "filled shapes", "the shape"),
             _STROKED_LINE: ("a stroked line", "stroked lines", "the line")}


def _painted_over_said(painters: set[str]) -> tuple[str, str]:
    """What the reason says a number is drawn under, and what paints there, by what paints over it: one kind
    (``an image that covers it, which paints``, ``the image paints``) or several (``images and filled shapes that
    cover it, which paint``, ``they paint``)."""
    kinds = [kind for kind in _PAINTERS if kind in painters]
    if len(kinds) == 1:
        one, _, the = _PAINTERS[kinds[0]]
        return f"{one} that covers it, which paints", f"{the} paints"
    several = [_PAINTERS[kind][1] for kind in kinds]
    return f"{', '.join(several[:-1])} and {several[-1]} that cover it, which paint", "they paint"
