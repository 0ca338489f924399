"""Words of the calendar adjustment (volumes judged per working day, the Spring Festival's effect taken out), in
the one table of strings: the clause every volume item carries and the attention page's note. Each entry is
`key: (zh, en)`."""
from __future__ import annotations

CALENDAR: dict[str, tuple[str, str]] = {
    "cal.working_days": ("本月工作日 {days} 天，上年同月 {last} 天", "{days} working days this month, {last} a year earlier"),
    "cal.working_days_only": ("本月工作日 {days} 天", "{days} working days this month"),
    "cal.calendar_days": ("本月无工作日历，按日历天数 {days} 天计", "no working-day calendar this month: per calendar day ({days} days)"),
    "cal.clause": ("；{calendar}{festival}", "; {calendar}{festival}"),
    # A volume in a sentence, per working day (per calendar day in a month no calendar covers): `vol.` with its
    # value (每个工作日预约挂号 14 人次), `vol_name.` without it (每个工作日预约挂号人次), by level and indicator.
    "cal.per.working_day": ("每个工作日", "per working day"),
    "cal.per.calendar_day": ("每日", "per calendar day"),
    "vol.city.bookings_total": ("{per}预约挂号 {value} 人次", "{value} bookings {per}"),
    "vol.city.platforms_total": ("{per}线上平台预约 {value} 人次", "{value} online platform bookings {per}"),
    "vol.city.hotline_calls": ("{per}12320热线来电 {value} 个", "{value} 12320 hotline calls {per}"),
    "vol.city.work_orders": ("{per}12320热线工单 {value} 件", "{value} 12320 hotline work orders {per}"),
    "vol.city.hospital_outpatient_visits": ("{per}医院门急诊 {value} 人次", "{value} hospital outpatient visits {per}"),
    "vol.hospital.bookings": ("{per}预约挂号 {value} 人次", "{value} bookings {per}"),
    "vol.hospital.outpatient_visits": ("{per}门急诊 {value} 人次", "{value} outpatient visits {per}"),
    "vol.hospital.discharges": ("{per}出院 {value} 人", "{value} discharges {per}"),
    "vol_name.city.bookings_total": ("{per}预约挂号人次", "bookings {per}"),
    "vol_name.city.platforms_total": ("{per}线上平台预约人次", "online platform bookings {per}"),
    "vol_name.city.hotline_calls": ("{per}12320热线来电量", "12320 hotline calls {per}"),
    "vol_name.city.work_orders": ("{per}12320热线工单量", "12320 hotline work orders {per}"),
    "vol_name.city.hospital_outpatient_visits": ("{per}医院门急诊人次", "hospital outpatient visits {per}"),
    "vol_name.hospital.bookings": ("{per}预约挂号人次", "bookings {per}"),
    "vol_name.hospital.outpatient_visits": ("{per}门急诊人次", "outpatient visits {per}"),
    "vol_name.hospital.discharges": ("{per}出院人数", "discharges {per}"),
    "cal.festival_month": ("；本月含春节前后时段", "; the month holds part of the Spring Festival's window"),
    "cal.festival_effect": ("；春节因素 {effect}，已扣除", "; the Spring Festival's effect, {effect}, taken out"),
    "cal.axis": ("每个工作日{unit}", "{unit} per working day"),
    "h.calendar": ("按中国日历判断", "Judged against China's calendar"),
    "p.calendar_method": (
        "预约挂号、门诊、出院、热线电话与工单、预约平台等计数类指标，按每个工作日判断：工作日取自国家法定节假日"
        "安排（含调休上班日，{source}）。图表和表格仍显示原始数字；控制图对这些指标的判断、本页各项中的数值和"
        "控制限，均为每个工作日的数值。{this_month}。",
        "Volumes (bookings, outpatient visits, discharges, hotline calls and work orders, platform bookings) are "
        "judged per working day, by China's official calendar with its holidays and make-up working days "
        "({source}). Charts and tables keep the counts as printed; the control charts of these indicators, and "
        "the values and limits of this page's items, are per working day. {this_month}."),
    "p.calendar_festival": (
        "历史中有 {festivals} 个春节，春节因素由历史数据估计（参照 {method} 的春节移动假日回归："
        "春节窗口，即除夕前一周至元宵节，落在各月的比例）：整个窗口落在一个月时，每个工作日的数量约"
        "{effect}。春节所在月份按扣除该因素后的数值判断。国家统计局对许多指标发布 1–2 月合计数，原因相同。",
        "The history holds {festivals} Spring Festivals, so the festival's effect is estimated from it (as "
        "{method}'s moving-holiday regressor for Chinese New Year: the share of the "
        "festival's window, from a week before the lunar new year to the Lantern Festival, in each month): a month "
        "holding the whole window has about {effect} per working day. A festival month is judged with that "
        "effect taken out. China's statistics bureau publishes many January and February figures combined for "
        "the same reason."),
    "p.calendar_few_festivals": (
        "历史中的春节不足两个（{festivals} 个），尚未估计春节因素：春节前后的月份只按工作日调整，其偏低可能只是春节所致。",
        "The history holds fewer than two Spring Festivals ({festivals}), so the festival's effect is not "
        "estimated yet: a month around the festival is adjusted for its working days only, and a low value there "
        "may be the festival alone."),
    "p.calendar_uncovered": (
        "{months} 没有工作日历（{package} 与 {file} 均未覆盖），按日历天数判断；"
        "在 {file} 中补充当年的节假日与调休日期即可按工作日判断。",
        "{months}: no working-day calendar (neither {package} nor {file} covers it), "
        "judged per calendar day; add the year's holidays and make-up days to {file} to judge it per "
        "working day."),
    "cal.source.official": ("国务院办公厅节假日安排，{package} {version}", "the State Council's notices, {package} {version}"),
    "cal.source.reference": ("用户补充的节假日文件 {file}", "the user's holiday file {file}"),
}
