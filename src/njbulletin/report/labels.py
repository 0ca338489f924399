"""Chart and table text in Chinese (zh) and English (en).

Hospital and district names come from the hospital registry (`njbulletin.validate.names`) in English; the few
hotline categories and booking platforms the bulletin prints have English names here. A name with no
English form is shown as printed (the CJK font renders it), never dropped.
"""
from __future__ import annotations

import polars as pl

from njbulletin.contract import CHANNEL_NAMES

SOURCE_LINE = "南京市卫生信息中心 bulletin, {month}"

TEXT: dict[str, dict[str, str]] = {
    # channels (their zh and en names come from data/reference/channels.csv), kinds, levels
    **CHANNEL_NAMES,
    "call": {"zh": "来电", "en": "Calls"},
    "work_order": {"zh": "工单", "en": "Work orders"},
    "district": {"zh": "区", "en": "District"},
    "hospital": {"zh": "医院", "en": "Hospital"},
    # indicators and metrics
    "realtime_ratio": {"zh": "实时上传天数比", "en": "Real-time day ratio"},
    "forms_ratio": {"zh": "表单上传比", "en": "Forms ratio"},
    "completeness_score": {"zh": "完整度得分", "en": "Completeness score"},
    "outpatient_visits": {"zh": "门急诊人次", "en": "Outpatient visits"},
    "income_per_visit": {"zh": "次均门急诊收入", "en": "Outpatient income per visit"},
    "discharges": {"zh": "出院人数", "en": "Discharges"},
    "income_per_discharge": {"zh": "次均住院收入", "en": "Inpatient income per discharge"},
    "records_per_visit": {"zh": "每人次定时上传数据量", "en": "Scheduled records per visit"},
    "bookings_total": {"zh": "预约挂号量", "en": "Bookings"},
    "third_party_share": {"zh": "第三方预约占比", "en": "Third-party share"},
    "platforms_total": {"zh": "线上平台预约量", "en": "Online platform bookings"},
    "hotline_calls": {"zh": "热线来电量", "en": "Hotline calls"},
    "work_orders": {"zh": "工单量", "en": "Work orders"},
    "hospital_outpatient_visits": {"zh": "医院门急诊人次", "en": "Hospital outpatient visits"},
    "upload_units": {"zh": "数据采集单位数", "en": "Uploading units"},
    "upload_units_complete": {"zh": "完整上传单位数", "en": "Complete units"},
    "cumulative_bookings": {"zh": "总预约挂号量（累计）", "en": "Cumulative bookings"},
    "cumulative_records": {"zh": "累计校验入库数据", "en": "Cumulative validated records"},
    "share_complete": {"zh": "完整上传单位占比", "en": "Share of units complete"},
    "mean_score": {"zh": "平均完整度得分", "en": "Mean completeness score"},
    "penetration": {"zh": "预约渗透率", "en": "Booking penetration"},
    # axis units
    "unit_bookings": {"zh": "预约量（人次）", "en": "Bookings (visits)"},
    "unit_share": {"zh": "占比（%）", "en": "Share (%)"},
    "unit_calls": {"zh": "数量（次）", "en": "Count (calls or orders)"},
    "unit_visits": {"zh": "门急诊人次（人次）", "en": "Outpatient visits (visits)"},
    "unit_discharges": {"zh": "出院人数（人次）", "en": "Discharges (patients)"},
    "unit_yuan_per_visit": {"zh": "次均门急诊收入（元）", "en": "Income per visit (yuan)"},
    "unit_yuan_per_discharge": {"zh": "次均住院收入（元）", "en": "Income per discharge (yuan)"},
    "unit_income_k": {"zh": "门急诊收入（千元）", "en": "Outpatient income (thousand yuan)"},
    "unit_records_per_visit": {"zh": "定时上传数据量 / 门急诊人次（条/人次）", "en": "Scheduled records per visit (records)"},
    "unit_days": {"zh": "实时数据上传天数（天）", "en": "Real-time upload days (days)"},
    "unit_units": {"zh": "单位数（家）", "en": "Units (count)"},
    "unit_ratio": {"zh": "比例（0–1）", "en": "Ratio (0–1)"},
    "unit_month": {"zh": "月份", "en": "Month"},
    "unit_value": {"zh": "数值", "en": "Value"},
    "unit_penetration": {"zh": "预约量 / 门急诊人次（%）", "en": "Bookings / outpatient visits (%)"},
    # axis names without a unit
    "axis_hospital": {"zh": "医院", "en": "Hospital"},
    "axis_unit": {"zh": "单位", "en": "Unit"},
    "axis_channel": {"zh": "预约渠道", "en": "Booking channel"},
    "axis_platform": {"zh": "平台", "en": "Platform"},
    "axis_category": {"zh": "类别", "en": "Category"},
    "axis_indicator": {"zh": "指标", "en": "Indicator"},
    "axis_level": {"zh": "层级", "en": "Level"},
    # chart titles ({month} is filled in)
    "title_channels": {"zh": "{month} 各渠道预约挂号量", "en": "Bookings by channel, {month}"},
    "title_channel_mix": {"zh": "{month} 各医院预约渠道构成", "en": "Booking channel mix by hospital, {month}"},
    "title_platforms": {"zh": "{month} 线上平台预约量", "en": "Bookings by online platform, {month}"},
    "title_hotline": {"zh": "{month} 12320热线来电与工单", "en": "12320 hotline calls and work orders, {month}"},
    "title_penetration": {"zh": "{month} 医院预约渗透率", "en": "Booking penetration by hospital, {month}"},
    "title_completeness": {"zh": "{month} 数据采集完整度（{level}）", "en": "Upload completeness ({level}), {month}"},
    "title_realtime_days": {"zh": "{month} 实时数据上传天数分布", "en": "Distribution of real-time upload days, {month}"},
    "title_ranking": {"zh": "{month} {indicator}排名（{level}）", "en": "{indicator} ranking ({level}), {month}"},
    "title_scatter": {"zh": "{month} 门急诊人次与收入（{level}）", "en": "Outpatient visits and income ({level}), {month}"},
    "title_trend": {"zh": "{indicator}（截至{month}）", "en": "{indicator}, up to {month}"},
    "title_completeness_trend": {"zh": "完整上传单位占比（截至{month}）", "en": "Share of units complete, up to {month}"},
}

NAMES_EN: dict[str, str] = {
    # hotline categories (12320卫生热线)
    "咨询类": "Enquiries", "医疗投诉": "Medical complaints", "电话预约": "Phone bookings",
    "人工服务": "Operator service", "心理危机干预": "Crisis counselling", "自助语音问答": "Self-service voice answers",
    "市12345工单": "City 12345 work orders", "省12345工单": "Province 12345 work orders",
    "自接工单": "Own work orders",
    # booking platforms (线上预约情况)
    "健康南京": "Healthy Nanjing app", "南京卫生12320微信": "Nanjing Health 12320 WeChat",
    "我的南京客户端": "My Nanjing app", "12320快速预约": "12320 quick booking",
    "南京卫生12320网": "Nanjing Health 12320 website",
}


def text(key: str, lang: str = "zh", **values: object) -> str:
    """The string for a key in a language, with {placeholders} filled in."""
    try:
        entry = TEXT[key]
    except KeyError:
        raise KeyError(f"no label {key!r}") from None
    return entry["en" if lang == "en" else "zh"].format(**values)


def source_line(month: str) -> str:
    """The source line under every chart."""
    return SOURCE_LINE.format(month=month)


def name_label(name: str, lang: str = "zh") -> str:
    """A hotline category or platform in the language (as printed when no English name is known)."""
    return NAMES_EN.get(name, name) if lang == "en" else name


def with_name_labels(frame: pl.DataFrame, column: str, lang: str = "zh",
                     registry: pl.DataFrame | None = None) -> pl.DataFrame:
    """Add `label`: a hospital or district name as printed (zh) or its registry English name (en)."""
    if lang != "en":
        return frame.with_columns(pl.col(column).alias("label"))
    from njbulletin.validate.names import resolve_names

    return (resolve_names(frame, column, registry).rename({"english_name": "label"})
            .drop("canonical_name", "name_known"))


def with_text_labels(frame: pl.DataFrame, column: str, lang: str = "zh") -> pl.DataFrame:
    """Add `label` for a column of label keys (channels, kinds, levels, metrics) or printed names."""
    def translate(value: str) -> str:
        return text(value, lang) if value in TEXT else name_label(value, lang)

    return frame.with_columns(pl.col(column).map_elements(translate, return_dtype=pl.String).alias("label"))


def display_name(name: str, lang: str = "zh") -> str:
    """One hospital or district name as printed (zh) or in English from the registry (en)."""
    if lang != "en":
        return name
    from njbulletin.validate.names import english_name

    return english_name(name)


def percent(share: float | None, digits: int = 2) -> str:
    """A share in [0, 1] as a percentage ('n/a' when it could not be computed)."""
    return "n/a" if share is None else f"{share * 100:.{digits}f}%"
