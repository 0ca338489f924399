"""Property-based fuzzing of the bulletin parser (issue 8, item 1).

Each case mutates the seed bulletin (data/raw/2024-11.txt): it deletes, duplicates, swaps,
joins and splits lines; changes digits; inserts junk tokens and junk lines; repeats a line
until it is long; truncates; then re-encodes the text (UTF-8, UTF-8 BOM, GB18030, UTF-16,
with LF, CRLF or CR line ends) and flips, drops or inserts bytes. For every case
`parse_text` and `parse_bulletin` must either return a Bulletin that honours the tables
contract or raise BulletinError - never another exception - and finish within a second.
A third property flips, drops and inserts bytes in a PDF of the seed (text layer via PDFium).

Profiles (select with NJBULLETIN_FUZZ):
- ``ci`` (default): 1,200 text cases + 1,000 file cases + 150 damaged PDFs, well under a minute;
- ``long`` (``make fuzz``): 50,000 text and 50,000 file cases, 5,000 damaged PDFs.
"""
from __future__ import annotations

import os
import re
import signal
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from njbulletin.contract import TABLE_SCHEMAS
from njbulletin.errors import BulletinError
from njbulletin.reading.parser import Bulletin, parse_bulletin, parse_text

from seedtools import replace_once, seed_text

CI_TEXT_CASES = 1_200
CI_FILE_CASES = 1_000
settings.register_profile("ci", max_examples=CI_TEXT_CASES, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=50_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("NJBULLETIN_FUZZ", "ci")
PROFILE_SETTINGS = settings.get_profile(PROFILE)
TEXT_CASES = PROFILE_SETTINGS.max_examples
FILE_CASES = CI_FILE_CASES if PROFILE == "ci" else TEXT_CASES

CASE_CPU_SECONDS = 5.0  # CPU time per case, 2,000 times the seed's 2.5 ms: only a runaway (quadratic) parse reaches it
HANG_SECONDS = 120  # a case still running after this (wall clock, however loaded the machine) is a hang: fail it

SEED = seed_text()
SEED_LINES = SEED.split("\n")
# Most mutations aim at the statistics section (where the tables are), the rest anywhere.
STATS_START = next(i for i, line in enumerate(SEED_LINES) if "卫生热线" in line and "数据统计" in line)
DIGIT_LINES = [i for i, line in enumerate(SEED_LINES) if any(ch.isdigit() for ch in line)]

MAX_LINE_CHARS = 20_000  # far longer than any printed line, yet bulletin-sized in total
JUNK_TOKENS = ["/", "合计", "合 计", "合计：", "小计", "序号", "11/11", "0/11", "/ /", "12320", "第三方",
               "接入单位", "人次", "- 3 -", "第 2 页", "3", "，", "。", "(", "（截止", "1,234", "0.5",
               "2024 年 11 月", "年", "月", "2024年13月", "\ufeff", "\u3000", "１２", "\x00", "\x1b",
               "亿条", "万次", "个", "—", "", " "]
LONG_DIGITS = st.text(alphabet="0123456789", min_size=10, max_size=400)
JUNK = st.one_of(st.sampled_from(JUNK_TOKENS), LONG_DIGITS,
                 st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6))

# --------------------------------------------------------------------------- mutations


def line_index(draw_from_stats: bool, position: int) -> int:
    """Map a drawn position to a line index, inside the statistics section or anywhere."""
    if draw_from_stats:
        return STATS_START + position % (len(SEED_LINES) - STATS_START)
    return position % len(SEED_LINES)


LINE = st.builds(line_index, st.sampled_from([True, True, True, False]), st.integers(0, 10_000))

MUTATION = st.one_of(
    st.tuples(st.just("delete"), LINE, st.integers(1, 3)),
    st.tuples(st.just("duplicate"), LINE),
    st.tuples(st.just("swap"), LINE, LINE),
    st.tuples(st.just("move"), LINE, LINE),
    st.tuples(st.just("join"), LINE),
    st.tuples(st.just("split"), LINE, st.integers(0, 200)),
    st.tuples(st.just("digit"), st.sampled_from(DIGIT_LINES), st.integers(0, 200), st.sampled_from("0123456789")),
    st.tuples(st.just("insert_token"), LINE, st.integers(0, 200), JUNK),
    st.tuples(st.just("replace_token"), LINE, st.integers(0, 200), JUNK),
    st.tuples(st.just("insert_line"), LINE, st.lists(JUNK, min_size=1, max_size=8).map(" ".join)),
    st.tuples(st.just("repeat"), LINE, st.integers(2, 300)),
    st.tuples(st.just("truncate"), st.floats(0, 1)),
)


def apply_mutation(lines: list[str], mutation: tuple) -> list[str]:
    """Return a new list of lines with one mutation applied (indices wrap around the current length)."""
    kind, *args = mutation
    lines = list(lines)
    if not lines:
        return lines
    at = lambda i: i % len(lines)  # noqa: E731
    if kind == "delete":
        i, count = at(args[0]), args[1]
        del lines[i:i + count]
    elif kind == "duplicate":
        i = at(args[0])
        lines.insert(i, lines[i])
    elif kind == "swap":
        i, j = at(args[0]), at(args[1])
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "move":
        line = lines.pop(at(args[0]))
        lines.insert(at(args[1]) if lines else 0, line)
    elif kind == "join" and len(lines) > 1:
        i = at(args[0]) % (len(lines) - 1)
        lines[i:i + 2] = [lines[i] + " " + lines[i + 1]]
    elif kind == "split":
        i = at(args[0])
        tokens = lines[i].split(" ")
        cut = args[1] % (len(tokens) + 1)
        lines[i:i + 1] = [" ".join(tokens[:cut]), " ".join(tokens[cut:])]
    elif kind == "digit":
        i = at(args[0])
        positions = [p for p, ch in enumerate(lines[i]) if ch.isdigit()]
        if positions:
            p = positions[args[1] % len(positions)]
            lines[i] = lines[i][:p] + args[2] + lines[i][p + 1:]
    elif kind in ("insert_token", "replace_token"):
        i = at(args[0])
        tokens = lines[i].split(" ")
        p = args[1] % (len(tokens) + (1 if kind == "insert_token" else 0))
        tokens[p:p + (kind == "replace_token")] = [args[2]]
        lines[i] = " ".join(tokens)
    elif kind == "insert_line":
        lines.insert(at(args[0]), args[1])
    elif kind == "repeat":  # a long line, at most about MAX_LINE_CHARS (repeats do not compound without bound)
        i = at(args[0])
        lines[i] = " ".join([lines[i]] * max(1, min(args[1], MAX_LINE_CHARS // (len(lines[i]) + 1))))
    elif kind == "truncate":
        text = "\n".join(lines)
        return text[:int(len(text) * args[0])].split("\n")
    return lines


def mutate_text(mutations: list[tuple]) -> str:
    lines = SEED_LINES
    for mutation in mutations:
        lines = apply_mutation(lines, mutation)
    return "\n".join(lines)


ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le")
LINE_ENDS = ("\n", "\r\n", "\r")

BYTE_MUTATION = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**7), st.integers(1, 255)),
    st.tuples(st.just("drop"), st.integers(0, 10**7), st.integers(1, 8)),
    st.tuples(st.just("insert"), st.integers(0, 10**7), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("truncate"), st.floats(0, 1)),
)


def apply_byte_mutation(data: bytes, mutation: tuple) -> bytes:
    kind, *args = mutation
    if kind == "truncate":
        return data[:int(len(data) * args[0])]
    if not data:
        return data
    i = args[0] % len(data)
    if kind == "flip":
        return data[:i] + bytes([data[i] ^ args[1]]) + data[i + 1:]
    if kind == "drop":
        return data[:i] + data[i + args[1]:]
    return data[:i] + args[1] + data[i:]


def encode_text(text: str, encoding: str, line_end: str) -> bytes:
    return text.replace("\n", line_end).encode(encoding)


# --------------------------------------------------------------------------- checking one case

OUTCOMES: Counter = Counter()  # (property, outcome) -> cases; each property test counts its own campaign


@contextmanager
def hang_guard(seconds: int):
    """Turn a case that runs for `seconds` into a failure (SIGALRM), so a hang never blocks the run."""
    def on_alarm(signum, frame):
        raise TimeoutError(f"case still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_bulletin(bulletin: Bulletin) -> None:
    """A returned Bulletin honours the contract: a real month, its length, every table with its schema."""
    assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", bulletin.month), bulletin.month
    assert 28 <= bulletin.days_in_month <= 31
    assert set(bulletin.tables) == set(TABLE_SCHEMAS)
    for name, frame in bulletin.tables.items():
        assert isinstance(frame, pl.DataFrame)
        assert dict(frame.schema) == TABLE_SCHEMAS[name], name
        assert frame["month"].unique().to_list() in ([], [bulletin.month]), name
    assert bulletin.tables["bookings"].height > 0 and bulletin.tables["uploads"].height > 0


def parse_once(parse, argument) -> tuple[str, float]:
    """Parse once under the hang guard; return ('parsed' | 'rejected', the CPU seconds this process took).
    CPU time, not wall time: other processes taking the machine's cores do not count against the case.
    Any exception other than BulletinError propagates and fails the test."""
    started = time.process_time()
    with hang_guard(HANG_SECONDS):
        try:
            bulletin = parse(argument)
        except BulletinError as exc:
            assert str(exc).strip(), "a BulletinError must say what is wrong"
            outcome = "rejected"
        else:
            check_bulletin(bulletin)
            outcome = "parsed"
    return outcome, time.process_time() - started


def run_case(parse, argument, prop: str) -> str:
    """Parse a case; return 'parsed' or 'rejected'. Another exception, or a case that takes more than
    CASE_CPU_SECONDS of CPU (a runaway parse, whatever else the machine is doing), fails."""
    outcome, cpu = parse_once(parse, argument)
    assert cpu < CASE_CPU_SECONDS, f"case took {cpu:.2f} s of CPU (limit {CASE_CPU_SECONDS} s): a runaway parse"
    OUTCOMES[(prop, outcome)] += 1
    event(f"outcome: {outcome}")
    return outcome


# --------------------------------------------------------------------------- properties


def run_campaign(prop: str, campaign, minimum_cases: int) -> None:
    """Run one property's whole hypothesis campaign, then check it on its own: at least `minimum_cases`
    cases were tried, and mutated input is neither all rejected nor all parsed (no test order involved)."""
    for outcome in ("parsed", "rejected"):
        OUTCOMES.pop((prop, outcome), None)
    campaign()
    parsed, rejected = OUTCOMES[(prop, "parsed")], OUTCOMES[(prop, "rejected")]
    print(f"{prop}: {parsed + rejected} cases, {parsed} parsed, {rejected} rejected with BulletinError")
    assert parsed + rejected >= minimum_cases, (prop, parsed, rejected)
    assert 0 < parsed < parsed + rejected, (prop, parsed, rejected)


@settings(PROFILE_SETTINGS, max_examples=TEXT_CASES)
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4))
def mutated_text_campaign(mutations):
    for mutation in mutations:
        event(f"mutation: {mutation[0]}")
    run_case(parse_text, mutate_text(mutations), "text")


@pytest.mark.slow
def test_mutated_text_parses_or_raises_bulletin_error():
    run_campaign("text", mutated_text_campaign, minimum_cases=TEXT_CASES)


@pytest.fixture(scope="module")
def fuzz_file():
    with tempfile.TemporaryDirectory(prefix="njbulletin-fuzz-") as folder:
        yield Path(folder) / "2024-11.txt"


@settings(PROFILE_SETTINGS, max_examples=FILE_CASES)
@given(mutations=st.lists(MUTATION, max_size=3), encoding=st.sampled_from(ENCODINGS),
       line_end=st.sampled_from(LINE_ENDS), byte_mutations=st.lists(BYTE_MUTATION, max_size=3))
def mutated_file_campaign(fuzz_file, mutations, encoding, line_end, byte_mutations):
    data = encode_text(mutate_text(mutations), encoding, line_end)
    for mutation in byte_mutations:
        data = apply_byte_mutation(data, mutation)
        event(f"byte mutation: {mutation[0]}")
    event(f"encoding: {encoding}")
    fuzz_file.write_bytes(data)
    run_case(parse_bulletin, fuzz_file, "file")


@pytest.mark.slow
def test_mutated_file_parses_or_raises_bulletin_error(fuzz_file):
    run_campaign("file", lambda: mutated_file_campaign(fuzz_file), minimum_cases=FILE_CASES)


CI_PDF_CASES = 150  # a PDF case takes about 80 ms (PDFium), so fewer of them
PDF_CASES = CI_PDF_CASES if PROFILE == "ci" else TEXT_CASES // 10


@pytest.fixture(scope="module")
def seed_pdf() -> bytes:
    from pdf_fixtures import build_plain_pdf

    return build_plain_pdf(SEED)


@settings(PROFILE_SETTINGS, max_examples=PDF_CASES)
@given(byte_mutations=st.lists(BYTE_MUTATION, min_size=1, max_size=3))
def damaged_pdf_campaign(fuzz_file, seed_pdf, byte_mutations):
    data = seed_pdf
    for mutation in byte_mutations:
        data = apply_byte_mutation(data, mutation)
        event(f"byte mutation: {mutation[0]}")
    pdf_file = fuzz_file.with_suffix(".pdf")
    pdf_file.write_bytes(data)
    run_case(parse_bulletin, pdf_file, "pdf")


@pytest.mark.slow
def test_damaged_pdf_parses_or_raises_bulletin_error(fuzz_file, seed_pdf):
    run_campaign("pdf", lambda: damaged_pdf_campaign(fuzz_file, seed_pdf), minimum_cases=PDF_CASES)


def test_fuzz_campaign_is_at_least_two_thousand_cases():
    """The CI campaign's size, from its settings (each property test checks it tried that many)."""
    assert TEXT_CASES + FILE_CASES + PDF_CASES >= 2_000


# --------------------------------------------------------------------------- sanity of the harness


def test_unmutated_seed_round_trips_every_encoding(tmp_path):
    """With no mutation the harness gives back the seed in every encoding and line end (so a mutation
    is what makes a case differ), and it parses to the hand-checked seed figures."""
    assert mutate_text([]) == SEED
    for encoding in ENCODINGS[:4]:  # utf-16-le without a BOM is not a supported encoding
        for line_end in LINE_ENDS:
            path = tmp_path / "2024-11.txt"
            path.write_bytes(encode_text(SEED, encoding, line_end))
            bulletin = parse_bulletin(path)
            assert bulletin.tables["bookings"]["count"].sum() == 276195, (encoding, line_end)
            assert bulletin.tables["hotline"].height == 9


def test_mutations_do_what_they_say():
    lines = ["a 1", "b 2", "c 3"]
    assert apply_mutation(lines, ("delete", 1, 1)) == ["a 1", "c 3"]
    assert apply_mutation(lines, ("duplicate", 0)) == ["a 1", "a 1", "b 2", "c 3"]
    assert apply_mutation(lines, ("swap", 0, 2)) == ["c 3", "b 2", "a 1"]
    assert apply_mutation(lines, ("join", 1)) == ["a 1", "b 2 c 3"]
    assert apply_mutation(lines, ("split", 0, 1)) == ["a", "1", "b 2", "c 3"]
    assert apply_mutation(lines, ("digit", 2, 0, "9")) == ["a 1", "b 2", "c 9"]
    assert apply_mutation(lines, ("insert_token", 0, 1, "合计")) == ["a 合计 1", "b 2", "c 3"]
    assert apply_mutation(lines, ("replace_token", 0, 1, "/")) == ["a /", "b 2", "c 3"]
    assert apply_mutation(lines, ("repeat", 1, 3)) == ["a 1", "b 2 b 2 b 2", "c 3"]
    assert apply_mutation(lines, ("truncate", 0.5)) == ["a 1", "b"]
    assert apply_byte_mutation(b"abc", ("flip", 1, 1)) == b"acc"
    assert apply_byte_mutation(b"abc", ("drop", 0, 2)) == b"c"


# --------------------------------------------------------------------------- regressions found by the fuzzer


def line_number_of(prefix: str) -> int:
    """1-based number of the seed line that starts with a prefix."""
    return next(i + 1 for i, line in enumerate(SEED_LINES) if line.startswith(prefix))


def test_regression_row_number_too_large_for_int64():
    # Found: ('replace_token', 353, 0, '10000000000000000000') crashed polars with an Int64 overflow.
    text = replace_once(SEED, "2 南京市第一医院 935", "10000000000000000000 南京市第一医院 935")
    with pytest.raises(BulletinError, match="20 digits") as caught:
        parse_text(text)
    assert caught.value.line == line_number_of("2 南京市第一医院")
    assert "bookings" in caught.value.section


def test_regression_cell_longer_than_python_int_digit_limit():
    # A 5,000-digit cell used to raise ValueError (Python's int() limit on digits), not BulletinError.
    text = replace_once(SEED, "江宁区 16283726 ", "江宁区 " + "9" * 5000 + " ")
    with pytest.raises(BulletinError, match="too long for a table row") as caught:
        parse_text(text)
    assert caught.value.line == line_number_of("江宁区 ")


def test_regression_huge_amount_is_refused_not_infinite():
    # A 300-digit income cell used to parse silently as inf thousand yuan.
    text = replace_once(SEED, " 159731.26 ", " " + "9" * 300 + ".26 ")
    with pytest.raises(BulletinError, match="300 digits") as caught:
        parse_text(text)
    assert caught.value.line == line_number_of("江宁区 ")


def test_regression_eighteen_digit_counts_still_parse():
    # The bound is on damage only: an 18-digit count still fits Int64 and parses.
    text = replace_once(SEED, "秦淮区 0 0 0/11 0 / 0 /", "秦淮区 123456789012345678 0 0/11 0 / 0 /")
    uploads = parse_text(text).tables["uploads"]
    assert uploads.filter(pl.col("unit") == "秦淮区")["scheduled_records"].to_list() == [123456789012345678]


def test_regression_oversized_text_is_refused_quickly(monkeypatch):
    # Found: three compounding 'repeat' mutations built a 300 MB string that parse_text took 37 s over;
    # files over the input limit were refused, text given as a string was not.
    import njbulletin.reading.parser as parser

    monkeypatch.setattr(parser, "MAX_INPUT_BYTES", len(SEED) - 1)
    parse = parser._parse

    def never_parsed(*args, **kwargs):
        raise AssertionError("the oversized text was parsed before it was refused")

    monkeypatch.setattr(parser, "_parse", never_parsed)  # refused quickly: before any parsing, on its length
    with pytest.raises(BulletinError, match="input limit"):
        parse_text(SEED)
    monkeypatch.setattr(parser, "_parse", parse)
    monkeypatch.setattr(parser, "MAX_INPUT_BYTES", len(SEED))
    assert parse_text(SEED).month == "2024-11"


# --------------------------------------------------------------------------- silently wrong?
# A mutation that changes the data must not pass unnoticed: the parser rejects it, or validation
# (reconciliation of the printed totals) reports an error. These hold today:


def is_noticed(text: str) -> bool:
    """True when the parser rejects the text or validation finds an error in what it parsed."""
    from njbulletin.validate.checks import validate_bulletin

    try:
        bulletin = parse_text(text)
    except BulletinError:
        return True
    return bool(validate_bulletin(bulletin).errors)


BOOKING_ROWS = [i for i, line in enumerate(SEED_LINES)
                if re.fullmatch(r"\d+ \S+( \d+){5}", line) and i > STATS_START]


def test_seed_has_the_35_booking_rows_the_checks_below_mutate():
    assert len(BOOKING_ROWS) == 35
    assert SEED_LINES[BOOKING_ROWS[0]].startswith("1 南京鼓楼医院（含分院） 7139")
    assert not is_noticed(SEED)


@pytest.mark.parametrize("index", BOOKING_ROWS[::3])
def test_deleting_a_booking_row_is_noticed(index):
    assert is_noticed(mutate_text([("delete", index, 1)]))


@pytest.mark.parametrize("index", BOOKING_ROWS[1::3])
def test_changing_a_booking_count_is_noticed(index):
    tokens = SEED_LINES[index].split(" ")
    for position in range(len(tokens) - 5, len(tokens)):  # each of the five counts, one at a time
        changed = list(tokens)
        changed[position] = str(int(changed[position]) + 1)
        assert is_noticed(mutate_text([("replace_token", index, position, changed[position])])), changed


def test_duplicating_any_statistics_line_is_noticed_or_harmless():
    seed_tables = parse_text(SEED).tables
    for index in range(STATS_START, len(SEED_LINES), 7):
        text = mutate_text([("duplicate", index)])
        if not is_noticed(text):
            tables = parse_text(text).tables
            assert all(tables[name].equals(seed_tables[name]) for name in tables), SEED_LINES[index]


# Found by the fuzzer as silent (parsed with no BulletinError and no validation error, yet the tables
# were wrong) and fixed since: each must now be refused or reported.

def replace_line(prefix: str, old: str, new: str) -> str:
    index = line_number_of(prefix) - 1
    assert old in SEED_LINES[index]
    return "\n".join([*SEED_LINES[:index], SEED_LINES[index].replace(old, new, 1), *SEED_LINES[index + 1:]])


def test_damaged_row_before_a_page_break_is_not_dropped_silently():
    # 南京同仁医院 is the last hospital row before the page break; with one cell missing the row used to
    # be skipped as page furniture (uploads 51 -> 50 rows). A line of counts is never furniture now.
    with pytest.raises(BulletinError, match=r"^<text>:515: \[uploads by hospital .*\] cannot read table row "
                                            r"'南京同仁医院 3750384 26 80468 30560.95 3159 35744.2'$"):
        parse_text(replace_line("南京同仁医院 ", " 11/11 ", " "))


def test_page_furniture_with_a_date_before_a_repeated_header_is_still_skipped():
    # A running title with a few numbers in it is furniture, not a damaged row: the tables stay the seed's.
    furniture = "南京市卫生信息中心 2024 年 11 月 第 3 页"
    text = replace_line("南京同仁医院 ", "35744.2", f"35744.2\n{furniture}")
    assert parse_text(text).tables["uploads"].equals(parse_text(seed_text()).tables["uploads"])


def test_hotline_category_without_its_count_is_not_dropped_silently():
    assert is_noticed(replace_line("件，省 12345 工单", "自接工单 1564 件", "自接工单 件"))


def test_changed_booking_row_number_is_noticed():
    assert is_noticed(replace_line("9 中国医学科学院皮肤病研究所", "9 中国", "0 中国"))


def test_extra_cell_in_an_upload_row_does_not_shift_columns_silently():
    # '江宁区 16283726 / 30 …' used to parse as unit '江宁区 16283726' with scheduled_records null; a unit
    # name never ends in a bare number now, so the row is refused with its line.
    with pytest.raises(BulletinError, match=r"^<text>:449: \[uploads by district .*\] cannot read table row '江宁区 16283726 / 30 11/11"):
        parse_text(replace_line("江宁区 ", "16283726 30", "16283726 / 30"))


def test_file_cut_off_inside_the_last_table_is_noticed():
    # Cut after 南京市口腔医院: the hospital uploads table keeps 26 of its 39 rows, and the
    # 累计校验入库数据 line below it is gone too. The table prints no total; what gives it away is that
    # nothing follows the last row.
    from njbulletin.validate.checks import validate_bulletin

    cut = line_number_of("南京市口腔医院 2756135")
    for ending in ("", "\n\n", "\n- 9 -\n"):
        errors = validate_bulletin(parse_text("\n".join(SEED_LINES[:cut]) + ending)).errors
        assert [error.format() for error in errors] == [
            f"error: <text>:{cut}: uploads: the file ends with the row of 南京市口腔医院 and nothing follows it "
            "(no closing note, no back page): it looks cut off, and rows after it may be missing "
            "[file_ends_inside_table]"]


def test_a_file_that_goes_on_after_its_last_table_is_not_taken_for_cut_off():
    from njbulletin.validate.checks import validate_bulletin

    note = line_number_of("（截止 2024 年 11 月，区及医院累计校验入库数据")
    for text in (SEED, "\n".join(SEED_LINES[:note])):  # whole, or cut right after the closing note
        assert parse_text(text).ends_with_row is None
        assert validate_bulletin(parse_text(text)).errors == []


def test_row_repeated_on_one_line_is_noticed():
    # Used to parse as hospital '南京市第一医院935111037014162南京市第一医院…' with the last copy's counts;
    # a name never takes in three numbers in a row now.
    row = SEED_LINES[line_number_of("2 南京市第一医院") - 1]
    assert is_noticed(replace_line("2 南京市第一医院", row, " ".join([row] * 3)))
