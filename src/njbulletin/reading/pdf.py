"""A PDF bulletin as text for the parser: PDFium's text layer, with each table laid out by position.

Word processors export the statistics as ruled tables whose narrow name column wraps long names inside
their cells, the row number and numbers centred vertically beside them; PDFium's text layer then writes
one row over three lines. So each page that holds a table is read by position (`pdf_page` reads the
characters' boxes and the ruling lines, `pdf_grid` lays out ruled tables, `pdf_columns` tables aligned
in columns without rules, `pdf_layout` puts the page together): every table row becomes one text line,
cells in column order, and the prose around the tables stays as the text layer has it. A page without a
table is its text layer unchanged. docs/pdf-and-synthetic.md gives the measurements behind the choices.

A PDF without a text layer (a scan) cannot be read without OCR, and this module says so rather than
let the parser report missing sections or, worse, return empty tables; a table that cannot be laid out
(a turned page, a table drawn as a picture) is refused the same way, naming its page and table.
"""
from __future__ import annotations

from njbulletin.errors import BulletinError

# Fewer visible characters than this per page, on average, means there is no real text layer
# (a scan may still carry a stray page number or a producer stamp as text).
MIN_CHARS_PER_PAGE = 20

# PDFium's document-loading error codes (FPDF_ERR_*) that deserve their own message.
PASSWORD_ERROR = 4
SECURITY_ERROR = 5


def extract_pdf_text(data: bytes) -> str:
    """Return the text of every page of a PDF, pages joined by a newline, tables laid out by position.

    Raises BulletinError for a PDF that cannot be opened (broken, truncated, password-protected), for one
    without a text layer, which needs OCR first, and for a table that cannot be laid out (pdf_layout).
    """
    return "\n".join(extract_pdf_pages(data))


def extract_pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, tables laid out by position (see extract_pdf_text)."""
    import pypdfium2 as pdfium  # deferred: only PDF input pays for loading PDFium

    from njbulletin.reading.pdf_layout import lay_out_pages
    from njbulletin.reading.pdf_page import read_page

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise BulletinError(describe_open_failure(exc)) from None
    try:
        pages = [read_page(document, index) for index in range(len(document))]
    except pdfium.PdfiumError as exc:
        raise BulletinError(f"cannot read the PDF's text: {exc}") from None
    finally:
        document.close()
    check_text_layer([page.text for page in pages])
    return lay_out_pages(pages)


def describe_open_failure(exc: Exception) -> str:
    """One line saying why PDFium could not open the file."""
    code = getattr(exc, "err_code", None)
    if code == PASSWORD_ERROR:
        return "the PDF is password-protected; save an unprotected copy and read that"
    if code == SECURITY_ERROR:
        return "the PDF uses an unsupported security handler; save an unprotected copy and read that"
    return f"not a readable PDF (broken or truncated?): {exc}"


def count_visible_chars(text: str) -> int:
    return sum(1 for char in text if not char.isspace())


def check_text_layer(pages: list[str]) -> None:
    """Raise when the PDF has no text layer worth the name: it is a scan and needs OCR."""
    if not pages:
        raise BulletinError("the PDF has no pages")
    visible = sum(count_visible_chars(text) for text in pages)
    if visible < MIN_CHARS_PER_PAGE * len(pages):
        found = "no text at all" if visible == 0 else f"only {visible} characters of text"
        raise BulletinError(f"the PDF has no text layer ({found} on {len(pages)} pages; a scanned or "
                            f"image-only PDF?); it needs OCR before it can be read")


def main(argv: list[str] | None = None) -> int:
    """`python -m njbulletin.reading.pdf FILE.pdf`: print the text the parser reads (tables laid out by
    position), whose line numbers errors name."""
    import sys
    from pathlib import Path

    from njbulletin.reading.textio import read_bulletin_bytes

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m njbulletin.reading.pdf FILE.pdf", file=sys.stderr)
        return 2
    try:
        text = extract_pdf_text(read_bulletin_bytes(Path(args[0])))
    except BulletinError as exc:
        print(f"error: {exc.with_source(args[0])}", file=sys.stderr)
        return 2
    sys.stdout.write(text.replace("\r\n", "\n").replace("\r", "\n"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
