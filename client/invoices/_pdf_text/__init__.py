"""A PDF's text layer as lines whose characters know where they are printed.

pypdf extracts a page's text in the order the content draws it, and its ``visitor_text``
callback hands over each piece of that text with the matrices it is drawn with. The
pieces make up the text exactly, so each character gets a box: its piece's origin,
advanced by the widths of the characters before it. The text layer's glyph widths
are not passed on, so a CJK character counts one em and any other 0.6 em; the
error is far smaller than a column of the item table, which is what the boxes are
for: they cut each item row into its cells, spaces inside a name kept, and tell
which column a wrapped item name's next line lies under. Where a piece begins is
kept too: a unit drawn right after a spec that fills its column has a box touching
the spec's, and only the pieces tell the two apart. A page whose pieces do not
make up its text, or whose text is turned, gives lines without boxes (its rows are
then split by a row pattern, which takes a name as one word). The lines are put in the
order they are printed, top to bottom, lines on one baseline joined into one, and a
line's pieces left to right, by where each begins: a producer drawing its totals before
its header, or a form's labels before their values, reads as the page shows it, and so
does a number drawn as its digit groups out of order.

A scanner's "searchable PDF" has a text layer too: the picture of the page, and over it
the text its OCR read, drawn invisible (text render mode 3) or hidden under the picture.
That text is a reading, not the document: :func:`scanned_layer` tells such a layer
from the one invoicing software writes, which may draw a picture of its form (or a
watermark) as the page's background and its text, visible, over it.

The package, a module a job: ``_text_layer`` (the text and its characters' places), ``_verdict`` (whether the layer
is a scanner's, and why), ``_painting`` (what the pages paint, followed operator by operator), ``_operators`` (the
operators and the graphics state they set), ``_fonts`` (fonts, their widths, where text lies), ``_geometry`` (paths,
regions, clipping and areas), ``_rows`` (a path of many edges measured over glyphs row by row, and a line's dashes)
and ``_work`` (the work allowed, and counted).
"""

from ._text_layer import PageContents, text_layer
from ._verdict import LayerVerdict, layer_verdict, scanned_layer

__all__ = ["LayerVerdict", "PageContents", "layer_verdict", "scanned_layer", "text_layer"]
