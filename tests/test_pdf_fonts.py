"""The same PDF gives the same tables whatever fonts the machine has.

A PDF whose Chinese font is not embedded (reportlab's STSong-Light, the 宋体 of many government PDFs) is drawn
by PDFium with whatever CJK font the machine has; the reader must not depend on which. Each font set is made
in a private mount namespace (`unshare -m`): the machine's /usr/share/fonts is hidden under an empty tmpfs
and only the chosen fonts (plus the Latin DejaVu and Liberation) are bind-mounted back, then the reader runs
in a subprocess over every PDF fixture: the reportlab layouts of test_pdf_tables (non-embedded STSong-Light)
and the LibreOffice Writer PDFs of tests/fixtures/writer (fonts embedded). Every table, written as CSV, must
equal the text's byte for byte under each set with a CJK font; with no CJK font, equal or refused (one line
naming the font), never different.

Needs root (or a user namespace allowing mounts) and the font packages fonts-noto-cjk, fonts-wqy-microhei and
fonts-arphic-uming (.ci/run installs them). When it cannot run it says why; with CI=true it fails instead.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from njbulletin import parse_bulletin
from pdf_ruled_fixtures import build_ruled_pdf
from test_pdf_tables import LAYOUTS

from seedtools import SEED_PATH, seed_text

FONTS = Path("/usr/share/fonts")
OTHER_FONT_DIRS = (Path("/usr/local/share/fonts"), Path("/usr/share/X11/fonts"))  # PDFium looks here too
WRITER = Path(__file__).parent / "fixtures" / "writer"
LATIN = ("dejavu", "liberation")  # kept in every set: the sets differ in their CJK font only
FONT_SETS = {  # a set: the font file whose folder is mounted back (None: no CJK font at all)
    "Noto CJK only": "NotoSansCJK-Regular.ttc",
    "WenQuanYi Micro Hei only": "wqy-microhei.ttc",
    "AR PL UMing only": "uming.ttc",
    "no CJK font": None,
}
PACKAGES = "fonts-noto-cjk fonts-wqy-microhei fonts-arphic-uming"
pytestmark = pytest.mark.slow  # four subprocesses reading every fixture: about 30 s on two cores
CHILD = """
import json, sys
from pathlib import Path
from njbulletin import BulletinError, parse_bulletin
out = {}
for path in sys.argv[1:]:
    try:
        out[path] = {name: frame.write_csv() for name, frame in parse_bulletin(Path(path)).tables.items()}
    except BulletinError as exc:
        out[path] = str(exc)
print(json.dumps(out))
"""


def font_folder(file_name: str) -> Path | None:
    found = sorted(FONTS.rglob(file_name))
    return found[0].parent if found else None


def cannot_run() -> str | None:
    """Why the font sets cannot be made here (None when they can)."""
    if shutil.which("unshare") is None:
        return "the unshare command is missing (util-linux)"
    missing = [name for name, file_name in FONT_SETS.items() if file_name and font_folder(file_name) is None]
    if missing:
        return f"fonts missing for {', '.join(missing)}: install {PACKAGES}"
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt"], capture_output=True, text=True)
    if probe.returncode:
        return f"cannot make a private mount namespace ({probe.stderr.strip() or 'unshare -m failed'}): needs root"
    return None


def mount_script(keep: list[Path], hidden: Path) -> str:
    """Shell lines that, inside `unshare -m`, leave only the folders `keep` under /usr/share/fonts."""
    lines = ["set -e", f"mount --bind {FONTS} {hidden}", f"mount -t tmpfs none {FONTS}"]
    for number, folder in enumerate(keep):
        lines += [f"mkdir {FONTS}/{number}", f"mount --bind {hidden}/{folder.relative_to(FONTS)} {FONTS}/{number}"]
    lines += [f"mount -t tmpfs none {other}" for other in OTHER_FONT_DIRS if other.is_dir()]
    return "\n".join([*lines, 'exec "$@"'])


def read_under(font_set: str, paths: list[Path], hidden: Path) -> dict[str, object]:
    """{path: its tables as CSV, or the refusal's message} read with only that font set installed."""
    file_name = FONT_SETS[font_set]
    keep = [path for name in LATIN for path in sorted(FONTS.glob(f"*/{name}"))]
    if file_name:
        keep.append(font_folder(file_name))
    command = ["unshare", "-m", "sh", "-c", mount_script(keep, hidden), "fontset",
               sys.executable, "-c", CHILD, *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def font_set_results(tmp_path_factory):
    """{font set: {path: tables or refusal}}, and the fixtures' paths."""
    reason = cannot_run()
    if reason:
        message = f"the font-set test cannot run here: {reason}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("fontsets")
    paths = []
    for number, style in enumerate(LAYOUTS.values()):
        (folder / str(number)).mkdir()
        paths.append(folder / str(number) / "2024-11.pdf")
        paths[-1].write_bytes(build_ruled_pdf(seed_text(), style))
    paths += sorted(WRITER.glob("*.pdf"))
    hidden = folder / "fonts"
    hidden.mkdir()
    return {name: read_under(name, paths, hidden) for name in FONT_SETS}, paths


@pytest.fixture(scope="session")
def text_tables():
    return {name: frame.write_csv() for name, frame in parse_bulletin(SEED_PATH).tables.items()}


@pytest.mark.parametrize("font_set", [name for name, file_name in FONT_SETS.items() if file_name])
def test_every_fixture_gives_the_texts_tables_byte_for_byte_under_every_cjk_font(font_set_results, text_tables,
                                                                                  font_set):
    results, paths = font_set_results
    wrong = {path.name if path.parent == WRITER else LAYOUT_NAMES[int(path.parent.name)]: outcome(result, text_tables)
             for path, result in ((path, results[font_set][str(path)]) for path in paths)}
    assert {name: kind for name, kind in wrong.items() if kind != "same"} == {}


def test_with_no_cjk_font_every_fixture_reads_the_same_or_is_refused_naming_the_font(font_set_results, text_tables):
    results, paths = font_set_results
    kinds = {str(path): outcome(results["no CJK font"][str(path)], text_tables) for path in paths}
    assert "different" not in kinds.values()
    for path in paths[:len(LAYOUTS)]:  # the reportlab PDFs do not embed STSong-Light: nothing can draw it
        message = results["no CJK font"][str(path)]
        assert isinstance(message, str) and message.startswith(f"{path}: page 1: its text is in the font "
                                                                "STSong-Light, which the PDF does not embed")
        assert message.endswith("read the bulletin's text instead, typed or copied into 2024-11.txt")
    for path in paths[len(LAYOUTS):]:  # Writer embeds its fonts: nothing depends on the machine's
        assert kinds[str(path)] == "same", path


def fonts_of(data: bytes) -> set[tuple[str, bool]]:
    """(base font name, embedded?) of every font the first page's text is drawn in."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(data)
    fonts = set()
    try:
        page = document[0]
        for number in range(raw.FPDFPage_CountObjects(page.raw)):
            obj = raw.FPDFPage_GetObject(page.raw, number)
            if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_TEXT:
                font, name = raw.FPDFTextObj_GetFont(obj), ctypes.create_string_buffer(256)
                raw.FPDFFont_GetBaseFontName(font, name, len(name))
                fonts.add((name.value.decode("latin-1"), bool(raw.FPDFFont_GetIsEmbedded(font))))
    finally:
        document.close()
    return fonts


def test_the_writer_fixtures_embed_their_fonts_and_the_reportlab_ones_do_not():
    """What makes the font sets matter: only a font the PDF does not embed is drawn with the machine's."""
    for path in sorted(WRITER.glob("*.pdf")):
        fonts = fonts_of(path.read_bytes())
        assert fonts and all(embedded for _, embedded in fonts), (path, fonts)
    assert fonts_of(build_ruled_pdf(seed_text(), next(iter(LAYOUTS.values())))) == {("STSong-Light", False)}


LAYOUT_NAMES = list(LAYOUTS)


def outcome(result: object, text_tables: dict[str, str]) -> str:
    if isinstance(result, str):
        return f"refused: {result}"
    return "same" if result == text_tables else "different"
