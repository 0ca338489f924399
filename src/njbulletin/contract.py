"""The table contract: the tidy tables every layer agrees on.

Table names, their columns and polars dtypes, and the booking channels; and what every exported table and
column means (TABLE_DOCS: titles, descriptions, units, primary keys). The reader produces
these tables, validation checks them, storage writes them and the analyses read them; every one
of those imports the contract from here, never from the parser.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import polars as pl

from njbulletin.config import PROJECT_ROOT, REFERENCE_DIR
from njbulletin.errors import BulletinError

# The booking channels are reference data: data/reference/channels.csv, one row per channel in the order
# the bulletin prints them, with the label(s) printed in the bookings header, the code the tables use,
# and the zh and en names readers see. A new channel column is added there, not in code.
CHANNELS_PATH = REFERENCE_DIR / "channels.csv"
CHANNEL_FILE_COLUMNS = ("code", "printed", "zh", "en")
CHANNEL_CODE = re.compile(r"[a-z][a-z0-9_]*")
LABEL_SEPARATOR = "|"
# Header words that are not channels: the row number, the name column and the row total.
BOOKING_KEY_LABELS = ("序号", "单位", "名称")
SUBTOTAL_LABEL = "小计"
RESERVED_LABELS = (*BOOKING_KEY_LABELS, SUBTOTAL_LABEL, "合计")


@dataclass(frozen=True)
class Channel:
    """One booking channel: its code in the tables, its printed header label(s), its zh and en names."""

    code: str
    labels: tuple[str, ...]  # as printed; compared with the spaces removed
    zh: str
    en: str


def channel_file_name(path: Path) -> str:
    """The channels file as messages name it: relative to the project when it lies inside it."""
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def load_channels(path: Path = CHANNELS_PATH) -> tuple[Channel, ...]:
    """The channels of the reference file, checked: known columns, a code per row that is a lower-case
    identifier (it names columns such as `<code>_share`), no code or printed label used twice."""
    source = channel_file_name(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in CHANNEL_FILE_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise BulletinError(f"channel file lacks column(s) {', '.join(missing)}", line=1, source=source)
            rows = [(reader.line_num, row) for row in reader]
    except OSError as exc:
        raise BulletinError(f"cannot read the booking channels: {exc.strerror}", source=source) from None
    channels: list[Channel] = []
    for line, row in rows:
        channel = Channel(code=(row["code"] or "").strip(),
                          labels=tuple(label.strip() for label in (row["printed"] or "").split(LABEL_SEPARATOR)
                                       if label.strip()),
                          zh=(row["zh"] or "").strip(), en=(row["en"] or "").strip())
        problem = channel_problem(channel, channels)
        if problem:
            raise BulletinError(problem, line=line, source=source)
        channels.append(channel)
    if not channels:
        raise BulletinError("channel file lists no channel", line=1, source=source)
    return tuple(channels)


def channel_problem(channel: Channel, earlier: list[Channel]) -> str | None:
    """What is wrong with one row of the channels file, given the rows before it (None when nothing is)."""
    if not CHANNEL_CODE.fullmatch(channel.code) or channel.code in ("subtotal", "total"):
        return f"code '{channel.code}' is not a lower-case name such as self_service (letters, digits, _)"
    if not channel.labels or not channel.zh or not channel.en:
        return f"channel {channel.code} needs a printed label, a zh name and an en name"
    if any(other.code == channel.code for other in earlier):
        return f"code '{channel.code}' is listed twice"
    taken = {compact_label(label) for other in earlier for label in other.labels} | set(RESERVED_LABELS)
    repeated = [label for label in channel.labels if compact_label(label) in taken]
    if repeated:
        return f"printed label '{repeated[0]}' of {channel.code} is already a column of the bookings table"
    return None


def compact_label(label: str) -> str:
    """A printed label as the parser compares it: with every space removed."""
    return "".join(label.split())


# The bookings channels in the order the bulletin prints them, and the printed header labels
# (spaces removed) -> channel code, with 小计 -> subtotal.
CHANNEL_REFERENCE: tuple[Channel, ...] = load_channels()
CHANNELS = tuple(channel.code for channel in CHANNEL_REFERENCE)
CHANNEL_LABELS = {**{compact_label(label): channel.code for channel in CHANNEL_REFERENCE
                     for label in channel.labels}, SUBTOTAL_LABEL: "subtotal"}
CHANNEL_NAMES = {channel.code: {"zh": channel.zh, "en": channel.en} for channel in CHANNEL_REFERENCE}


def order_channels(codes: Iterable[str]) -> list[str]:
    """Channel codes (each once) in the channels file's order; codes the file does not know come last,
    in the order given."""
    present = list(dict.fromkeys(codes))
    return [code for code in CHANNELS if code in present] + [code for code in present if code not in CHANNELS]

TABLE_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "hotline": {"month": pl.String, "category": pl.String, "kind": pl.String, "count": pl.Int64},
    "bookings": {"month": pl.String, "seq": pl.Int64, "hospital": pl.String, "channel": pl.String,
                 "count": pl.Int64},
    "booking_platforms": {"month": pl.String, "platform": pl.String, "count": pl.Int64},
    "uploads": {"month": pl.String, "level": pl.String, "unit": pl.String,
                "scheduled_records": pl.Int64, "realtime_days": pl.Int64,
                "forms_uploaded": pl.Int64, "forms_expected": pl.Int64,
                "outpatient_visits": pl.Int64, "outpatient_income_k": pl.Float64,
                "discharges": pl.Int64, "inpatient_income_k": pl.Float64},
    "declared_totals": {"month": pl.String, "table": pl.String, "item": pl.String, "value": pl.Float64},
}
TABLE_NAMES = tuple(TABLE_SCHEMAS)

# ----------------------------------------------------------------------------- what each column means
# The one source of the exports' data packages (reports/**/datapackage.json) and of docs/data-dictionary.md
# (generated by `make dictionary`): every table's Chinese title, English description, where the bulletin
# prints it and its primary key; every column's Chinese title, English description and unit.


@dataclass(frozen=True)
class Column:
    title_zh: str
    description_en: str
    unit: str | None = None  # None: the column has no unit (a name, a code, a month)
    values: tuple[str, ...] = ()  # the only values the column may hold, when it is a code


@dataclass(frozen=True)
class Table:
    title_zh: str
    description_en: str
    source: str  # where the values come from: the bulletin's section heading, or the step that makes them
    primary_key: tuple[str, ...]
    columns: dict[str, Column]
    notes_md: str = ""  # further detail for the data dictionary (markdown)


MONTH = Column("月份", "The bulletin's month, YYYY-MM, read from its statistics headings (all headings must agree, "
               "and a raw file named YYYY-MM.* must agree with them).")
COUNT_OF_BOOKINGS = "bookings (appointments, 人次)"
THOUSAND_YUAN = "thousand yuan (千元)"

# Columns written by validation (quality_flags) and by the run (summary.csv of reports/data/): not tables of
# the contract above, but exported beside them.
QUALITY_FLAGS_SCHEMA: dict[str, pl.DataType] = {"month": pl.String, "level": pl.String, "unit": pl.String,
                                                "rule": pl.String, "detail": pl.String, "severity": pl.String}
SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "month": pl.String, "run_status": pl.String, "days_in_month": pl.Int64, "bookings_total": pl.Int64,
    "third_party_share": pl.Float64, "platforms_total": pl.Int64, "hotline_calls": pl.Int64,
    "upload_units": pl.Int64, "upload_units_complete": pl.Int64, "hospital_outpatient_visits": pl.Int64,
    "quality_flags": pl.Int64, "quality_errors": pl.Int64}
EXPORT_SCHEMAS: dict[str, dict[str, pl.DataType]] = {**TABLE_SCHEMAS, "quality_flags": QUALITY_FLAGS_SCHEMA,
                                                     "summary": SUMMARY_SCHEMA}


def channel_codes_described() -> str:
    """Each channel's code and the column header it is read from, in the bulletin's order."""
    labels = {code: label for label, code in CHANNEL_LABELS.items()}
    return ", ".join(f"`{code}` ({labels.get(code, code)})" for code in CHANNELS)


DECLARED_ITEMS_MD = """| table | item | printed as | unit |
|---|---|---|---|
| hotline | `total_calls` | 共受理咨询电话 N 个 | calls |
| bookings | *hospital name* | the row's 小计 | bookings |
| bookings | `total_<channel>` (one per channel) | the 合计 row, per channel | bookings |
| bookings | `total` | the 合计 row's 小计 column | bookings |
| bookings | `cumulative_bookings` | （截止 YYYY 年 MM 月，总预约挂号量为 N 次） | bookings since the service began |
| booking_platforms | `total` | 合计：N | bookings |
| uploads | `cumulative_records` | （截止 …，区及医院累计校验入库数据 285.01 亿条） | records (亿 = 10⁸, so 285.01 亿 = 28,501,000,000) |"""

TABLE_DOCS: dict[str, Table] = {
    "hotline": Table(
        "12320卫生热线受理情况",
        "Calls and work orders handled by the Nanjing 12320 health hotline in the month, one row per category.",
        "南京 12320 卫生热线 YYYY 年 MM 月数据统计 (a paragraph of prose, not a table)",
        ("month", "category"),
        {"month": MONTH,
         "category": Column("类别", "The category as printed, spaces removed, a leading 受理 or 其中 dropped: 咨询类, "
                                  "医疗投诉, 电话预约, 人工服务, 心理危机干预, 自助语音问答, 市12345工单, 省12345工单, 自接工单."),
         "kind": Column("类型", "`call` for the call categories, which sum to the printed total (共受理咨询电话 N 个); "
                              "`work_order` for the categories ending in 工单 (work orders of the city and province "
                              "12345 hotlines, and self-received ones), which are counted apart.",
                        values=("call", "work_order")),
         "count": Column("数量", "Calls, or work orders, of the category in the month.",
                         "calls (个/通) or work orders (件)")}),
    "bookings": Table(
        "12320预约挂号服务统计",
        "Appointments booked through the 12320 booking service in the month, one row per hospital and booking "
        "channel. The channel columns are located by their header labels, so a reordered table still reads "
        "right; each row's printed 小计 goes to declared_totals.",
        "YYYY 年 MM 月 12320 预约挂号服务统计: columns 序号, 单位, one per booking channel, and 小计",
        ("month", "hospital", "channel"),
        {"month": MONTH,
         "seq": Column("序号", "The row's number as printed."),
         "hospital": Column("单位", "The hospital as printed, spaces removed; brackets stay as printed (full-width "
                                  "（） or ASCII ()), and the hospital registry (data/reference/hospitals.csv) "
                                  "resolves variants to one canonical name."),
         "channel": Column("预约渠道", "The booking channel, coded from its column header: "
                                    f"{channel_codes_described()}.", values=CHANNELS),
         "count": Column("预约量", "Appointments made in the month at the hospital through the channel.",
                         COUNT_OF_BOOKINGS)},
        notes_md="The channels as the bulletin names them: 12320在线预约 (the 12320 website, WeChat and app), "
                 "快速预约 (quick booking), 诊间预约 (a follow-up booked by the doctor in the clinic), 第三方 "
                 "(third-party platforms)."),
    "booking_platforms": Table(
        "月度线上预约情况统计",
        "Online bookings in the month through each platform (12320 telephone bookings, bookings in the clinic and "
        "the hospitals' own channels are not included). The bulletin prints two records per line; rows are in "
        "序号 order.",
        "YYYY 年 MM 月度线上预约情况统计: columns 序号, 名称, 预约数量",
        ("month", "platform"),
        {"month": MONTH,
         "platform": Column("名称", "The platform as printed, spaces removed (健康南京, 南京卫生12320微信, "
                                  "我的南京客户端, 12320快速预约, 南京卫生12320网)."),
         "count": Column("预约数量", "Online bookings through the platform in the month.", COUNT_OF_BOOKINGS)}),
    "uploads": Table(
        "南京市卫生信息平台数据采集情况",
        "Data uploaded by each district and hospital to the city health-information platform in the month.",
        "YYYY 年 MM 月南京市卫生信息平台数据采集情况（区） and …（医院）",
        ("month", "level", "unit"),
        {"month": MONTH,
         "level": Column("级别", "`district` (the （区） table) or `hospital` (the （医院） table).",
                         values=("district", "hospital")),
         "unit": Column("接入单位", "The district or hospital as printed, spaces removed."),
         "scheduled_records": Column("定时数据上传量", "Records uploaded through the scheduled (batch) interface "
                                                   "in the month.", "records (条)"),
         "realtime_days": Column("实时数据上传天数", "Days of the month with real-time uploads (at most the days "
                                                  "in the month).", "days (天)"),
         "forms_uploaded": Column("实时数据表单上传数", "Real-time forms (data sets) uploaded: x in the column "
                                                    "实时数据表单上传情况 printed as x/11.", "forms (张)"),
         "forms_expected": Column("实时数据表单应传数", "Real-time forms expected: 11 in the column "
                                                    "实时数据表单上传情况 printed as x/11.", "forms (张)"),
         "outpatient_visits": Column("门急诊人次", "Outpatient and emergency visits reported (门急诊信息 · 人次).",
                                     "visits (人次)"),
         "outpatient_income_k": Column("门急诊收入", "Outpatient and emergency income (门急诊信息 · 收入（千元）), "
                                                  "as printed.", THOUSAND_YUAN),
         "discharges": Column("出院人次", "Inpatient discharges reported (出院信息 · 人次).", "discharges (人次)"),
         "inpatient_income_k": Column("住院收入", "Inpatient income (出院信息 · 住院收入（千元）), as printed.",
                                      THOUSAND_YUAN)}),
    "declared_totals": Table(
        "公报所列合计",
        "Every total the bulletin prints itself, kept apart from the data so that validation can reconcile each "
        "one with the sum of the rows it totals.",
        "the totals printed in each section (items below)",
        ("month", "table", "item"),
        {"month": MONTH,
         "table": Column("所属表", "The table the total belongs to."),
         "item": Column("合计项", "What the total counts: an item of the list in the data dictionary, or a "
                                "hospital's name for its row's 小计."),
         "value": Column("印出值", "The value as printed, in the unit of the item.",
                         "the item's unit: calls, bookings or records")},
        notes_md=DECLARED_ITEMS_MD),
    "quality_flags": Table(
        "数据质量标记",
        "The findings of validation that are not errors (and the errors too, when ingest ran with "
        "--allow-errors): one row per unit, rule and severity, repeats joined in the detail.",
        "validation (`njbulletin check`, and `njbulletin ingest`); the rules are described in docs/validation.md",
        ("month", "level", "unit", "rule", "severity"),
        {"month": MONTH,
         "level": Column("级别", "`district`, `hospital`, or the table the flag is about."),
         "unit": Column("对象", "The unit or the item flagged."),
         "rule": Column("规则", "The rule's identifier (docs/validation.md)."),
         "detail": Column("说明", "A readable description with the values involved."),
         "severity": Column("严重程度", "`warning`, or `error` (stored only when ingest ran with --allow-errors).",
                            values=("warning", "error"))}),
    "summary": Table(
        "月度关键指标",
        "One row per month: the key figures of the month's summary.json and the status of its last run (only "
        "in reports/data/, the exports of all months).",
        "`njbulletin run`, from each month's processed tables",
        ("month",),
        {"month": MONTH,
         "run_status": Column("运行状态", "The status of the month's last run: `ok`, or `failed` (a month whose "
                                      "analysis notebook failed still has its figures)."),
         "days_in_month": Column("当月天数", "The number of days in the month.", "days (天)"),
         "bookings_total": Column("预约挂号总量", "Bookings in the month, all hospitals and channels (the sum of "
                                              "bookings.count).", COUNT_OF_BOOKINGS),
         "third_party_share": Column("第三方预约占比", "The share of the month's bookings made through the "
                                                  "third_party channel, rounded to 6 decimals; empty when the "
                                                  "month has no bookings.", "fraction (0 to 1)"),
         "platforms_total": Column("线上平台预约量", "Online bookings through the platforms (the sum of "
                                               "booking_platforms.count).", COUNT_OF_BOOKINGS),
         "hotline_calls": Column("热线来电量", "Calls handled by the 12320 hotline (the sum of hotline.count where "
                                          "kind is call).", "calls (个/通)"),
         "upload_units": Column("接入单位数", "Districts and hospitals listed in the uploads tables.",
                                "units (districts and hospitals)"),
         "upload_units_complete": Column("数据完整单位数", "Of those, the units that uploaded in real time on every "
                                                    "day of the month and uploaded every expected form.",
                                         "units (districts and hospitals)"),
         "hospital_outpatient_visits": Column("医院门急诊人次", "Outpatient and emergency visits reported by the "
                                                         "hospitals (the sum of uploads.outpatient_visits where "
                                                         "level is hospital).", "visits (人次)"),
         "quality_flags": Column("质量标记数", "Rows of the month's quality_flags.", "flags"),
         "quality_errors": Column("质量错误数", "Of those, the errors (stored only with --allow-errors).",
                                  "flags")}),
}
