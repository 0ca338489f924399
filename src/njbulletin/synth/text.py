"""A synthetic month written as bulletin text, in the seed's layout (tables broken across pages with the
header repeated, names with spaced digits, wrapped prose)."""
from __future__ import annotations

import re

from njbulletin.contract import CHANNEL_REFERENCE
from njbulletin.synth.model import money_text

# --------------------------------------------------------------------------- text


def display_width(text: str) -> int:
    return sum(1 if ord(char) < 0x80 else 2 for char in text)


def wrap_paragraph(text: str, width: int = 68) -> list[str]:
    """Break a paragraph into lines of about `width` columns (a CJK character is two), never inside a
    run of ASCII (numbers stay whole), as the seed's extracted text is broken."""
    lines, current = [], ""
    for token in re.findall(r"[\x21-\x7e]+|\s|.", text):
        if current and display_width(current + token) > width:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current += token
    return lines + ([current.rstrip()] if current.strip() else [])


def space_digits(name: str) -> str:
    """A name as the bulletin prints it: a run of digits set off by spaces (南京卫生 12320 网)."""
    return re.sub(r"\s*(\d+)\s*", r" \1 ", name).strip()


def page_break(page: int, header: list[str]) -> list[str]:
    """Page furniture where a table continues on the next page: the page number, the header again."""
    return [f"- {page} -", "", *(" " + line if i == 0 else line for i, line in enumerate(header))]


def render_hotline(year: int, month: int, hotline: list[dict]) -> list[str]:
    calls = [row for row in hotline if row["kind"] == "call"]
    orders = [row for row in hotline if row["kind"] != "call"]
    total = sum(row["count"] for row in calls)
    item = lambda row: f"{space_digits(row['category'])} {row['count']} {row['measure']}"  # noqa: E731
    text = (f"{year} 年 {month} 月，南京 12320 卫生热线共受理咨询电话 {total} 个，其中"
            + "、".join(map(item, calls)) + ("，受理" + "，".join(map(item, orders)) if orders else "") + "。")
    lines = [f"南京 12320 卫生热线 {year} 年 {month} 月数据统计", ""]
    for line in wrap_paragraph(text):
        lines += [line, ""]
    return lines


def booking_header(channels: tuple[str, ...]) -> list[str]:
    """The bookings header: each channel under its first printed label (data/reference/channels.csv)."""
    labels = {channel.code: channel.labels[0] for channel in CHANNEL_REFERENCE}
    return ["序号 单位 " + " ".join(labels[channel] for channel in channels) + " 小计"]


UPLOAD_HEADER = ["接入单位 定时数据上传量 实时数据上传天数 实时数据表单上传情况", "门急诊信息 出院信息", "",
                 "人次 收入（千元） 人次 住院收入（千元）"]


def render_bookings(year: int, month: int, rows: list[dict], cumulative: int, break_after: int,
                    page: int, channels: tuple[str, ...]) -> list[str]:
    header = booking_header(channels)
    lines = [f"{year} 年 {month} 月 12320 预约挂号服务统计", "", header[0], ""]
    for index, row in enumerate(rows):
        if index == break_after:
            lines += page_break(page, header) + [""]
        counts = " ".join(str(row[key]) for key in (*channels, "subtotal"))
        lines += [f"{row['seq']} {row['hospital']} {counts}", ""]
    totals = [sum(row[channel] for row in rows) for channel in channels]
    lines += ["合计 " + " ".join(map(str, [*totals, sum(totals)])), "",
              f"（截止 {year} 年 {month} 月，总预约挂号量为 {cumulative} 次）", ""]
    return lines


def render_platforms(year: int, month: int, rows: list[dict]) -> list[str]:
    lines = [f"{year} 年 {month} 月度线上预约情况统计", "", "（不包含 12320 电话预约、医院诊间预约、医院自有途径预约）", "",
             "序号 名称 预约数量 序号 名称 预约数量", ""]
    half = (len(rows) + 1) // 2
    record = lambda i: f"{i + 1} {space_digits(rows[i]['platform'])} {rows[i]['count']}"  # noqa: E731
    for i in range(half):
        lines += [record(i) + (f" {record(i + half)}" if i + half < len(rows) else ""), ""]
    lines += [f"合计：{sum(row['count'] for row in rows)}"]
    return lines


def upload_cell(value) -> str:
    if value is None:
        return "/"
    return money_text(value) if isinstance(value, float) else str(value)


def render_uploads(year: int, month: int, level: str, rows: list[dict], break_after: int | None,
                   page: int) -> list[str]:
    title = "区" if level == "district" else "医院"
    lines = [f" {year} 年 {month} 月南京市卫生信息平台数据采集情况（{title}）", "", *UPLOAD_HEADER, ""]
    for index, row in enumerate(rows):
        if index == break_after:
            lines += page_break(page, UPLOAD_HEADER) + [""]
        forms = "/" if row["forms_expected"] is None else f"{row['forms_uploaded']}/{row['forms_expected']}"
        cells = [row["unit"], upload_cell(row["scheduled_records"]), upload_cell(row["realtime_days"]), forms,
                 *(upload_cell(row[f]) for f in ("outpatient_visits", "outpatient_income_k", "discharges",
                                                  "inpatient_income_k"))]
        lines += [" ".join(cells), ""]
    return lines
