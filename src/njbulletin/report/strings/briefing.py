"""Words of the one-page briefing (reports/YYYY-MM/briefing.html). Each entry is `key: (zh, en)`."""
from __future__ import annotations

BRIEFING: dict[str, tuple[str, str]] = {
    "page.briefing": ("月度简报", "Briefing"),
    "brief.title": ("月度简报（{month}）", "Monthly briefing, {month}"),
    "brief.h.figures": ("关键数字", "Key figures"),
    "brief.h.items": ("需关注的前 {count} 项", "The first {count} items needing attention"),
    "brief.col.metric": ("指标", "Measure"),
    "brief.col.value": ("本月", "This month"),
    "brief.col.mom": ("环比", "vs month before"),
    "brief.col.yoy": ("同比", "vs year before"),
    "brief.col.ytd": ("1–{n} 月累计（同比）", "Jan–{n} year to date (vs year before)"),
    "brief.none": ("本月没有需关注的事项。", "Nothing needs attention this month."),
    "brief.more": ("另有 {count} 项见需关注事项页面。", "The attention page lists {count} more items."),
    "brief.no_more": ("需关注事项页面没有更多事项。", "The attention page lists no more items."),
    "brief.na": ("—", "—"),
    "brief.note": ("“—”：该月不在历史数据中，无法比较。", "“—”: that month is not in the history; no comparison."),
    "brief.measure.bookings_total": ("预约挂号量（人次）", "Bookings (visits)"),
    "brief.measure.third_party_share": ("第三方预约占比（%）", "Third-party share (%)"),
    "brief.measure.platforms_total": ("线上平台预约量（人次）", "Online platform bookings (visits)"),
    "brief.measure.hotline_calls": ("热线来电量（个）", "Hotline calls (calls)"),
    "brief.measure.work_orders": ("工单量（件）", "Work orders (orders)"),
    "brief.measure.hospital_outpatient_visits": ("医院门急诊人次（人次）", "Hospital outpatient visits (visits)"),
    "brief.measure.upload_units_complete": ("完整上传单位数（家）", "Complete units (units)"),
    "brief.index_link": ("月度简报（一页）", "One-page briefing"),
    "brief.link": ("详情", "details"),
}
