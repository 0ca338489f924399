"""Words of statistical process control and of the attention list, in the one table of strings: the page, its
sentences (one per kind of item), the rules, variations and limits, each indicator's name and unit, the XmR
charts, and the attention banner and index cells. Each entry is `key: (zh, en)`."""
from __future__ import annotations

ATTENTION: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ the page
    "page.50-attention": ("需关注事项", "Needs attention"),
    "intro.50-attention": (
        "本月需要关注的事项，按重要性排序：每项的得分 = 偏离预期的程度（以其自身波动计）× 所涉及的全市份额。"
        "长期存在的问题（无上传、有收入无业务量、表单或实时上传天数缺失）从第一个月起列出，注明持续多久及估计份额；"
        "同一单位的标记、信号与变化合为一项。其余事项折叠在后；全部序列完整的控制图结果可在导出表中查看。",
        "What needs attention this month, ranked by importance: each item's score is how far it is from what was "
        "expected (in units of its own variation) times the share of the city it concerns. Standing problems (no "
        "uploads, income without activity, forms or real-time days missing) are listed from the first month, with "
        "since when they have lasted and their estimated weight; a unit's flag, signal and move are one item. The "
        "rest is folded below; every series' statistical process control is in spc.csv."),
    "h.attention_list": ("需关注事项（按重要性排序）", "What needs attention, ranked by importance"),
    "h.attention.1": ("需关注事项", "Items that need attention"),
    "h.attention.2": ("其余事项（折叠）", "The rest (folded)"),
    "p.attention_folded": ("其余 {count} 项：份额未达重要性门槛的长期问题、新增的其他数据质量标记、相对自身波动变动最大的序列",
                           "{count} more: standing problems under the materiality rule, other new quality flags, "
                           "and the biggest movers relative to their own variation"),
    "p.ranking_method": (
        "排序方法：得分 = √份额 × |z|（|z| 最多计 10）。份额为该项所涉及的全市份额（全市指标为 1；医院的预约量按其占各医院"
        "预约量之和的比例，门急诊人次与次均门急诊收入按门急诊人次占比，出院人数与次均住院收入按出院人数占比；区为 "
        "1/区数）；z 为偏离均值的程度，以 σ = 平均移动极差 / 1.128 计。长期问题在其出现的第一个月按族系门槛计，"
        "此后按 1 计；单位停止上传、从表中消失或新出现按 10 计。得分相同时，需警惕先于中性、中性先于向好，全市先于区、"
        "区先于医院。",
        "How items are ranked: score = √share × min(|z|, 10). The share is the part of the city the item concerns (1 "
        "for a city indicator; a hospital's bookings by its share of the hospitals' bookings, its visits and income "
        "per visit by its share of the visits, its discharges and income per discharge by its share of the "
        "discharges; a district 1 / the number of districts); z is the distance from the mean in σ = mean moving "
        "range / 1.128. A standing problem counts at the family threshold in its first month and as 1 after; a "
        "unit that stopped uploading, vanished from or appeared in a table counts 10. At equal score, concerning "
        "comes before neutral before improving, and the city before a district before a hospital."),
    "p.false_alarms": (
        "控制误报：本月共判断 {series} 条序列。为使整个序列族在“什么都没发生”的月份误报的概率不超过 5%，每条序列须"
        "偏离均值至少 {threshold} σ（西达克校正：1 − 0.95^(1/{series}) 的双侧正态分位数）才列为特殊原因信号：超出控制"
        "限且 |z| 达到此门槛，或连续 7 个月在均值同侧且这 7 个月的均值偏离达到此门槛（以 σ/√7 计）；仅有连续上升、"
        "下降或接近控制限的信号不列出（仍见数据导出）。",
        "False alarms under control: {series} series are judged this month. So that the whole family raises a false "
        "alarm in at most 5% of months where nothing happens, a series must be at least {threshold} σ from its mean "
        "to be listed as a special cause (Šidák: the two-sided normal quantile of 1 − 0.95^(1/{series})): outside "
        "its limits with |z| at that threshold, or 7 months on one side of the mean whose mean is that far (in σ/√7). "
        "Trends and points close to the limits alone are not listed (they stay in spc.csv)."),
    "p.materiality": (
        "重要性门槛：所涉份额不足全市 0.1% 的单位序列不列出（例如全市 276,195 次预约中只有 15 次的医院），本月有 "
        "{count} 条序列因此未列出；份额不足 0.1% 的长期问题折叠在后。",
        "Materiality: a unit's series concerning less than 0.1% of the city is not listed (a hospital with 15 of "
        "the city's 276,195 bookings, say); {count} series are left out this month for it; standing problems under "
        "0.1% are folded below."),
    "h.signal_charts": ("各信号的 XmR 控制图", "Each signal's XmR chart"),
    "h.spc_method": ("方法：统计过程控制", "Method: statistical process control"),
    "h.xmr": ("XmR 控制图（统计过程控制）", "XmR charts (statistical process control)"),
    "p.attention_count": (
        "本月共有 {count} 项需关注（长期存在的问题 {standing} 项，特殊原因变异信号 {signals} 项，单位与表格变化 "
        "{units} 项，印刷合计不符 {totals} 项），按重要性排列如下。",
        "{count} items need attention this month ({standing} standing problems, {signals} special-cause signals, "
        "{units} changes of units and tables, {totals} printed totals that do not reconcile), ranked below."),
    "p.attention_none": ("本月没有需关注的事项。", "Nothing needs attention this month."),
    "p.attention_movers": ("另列出相对自身波动变动最大的 {movers} 项供参考。",
                           "The {movers} biggest movers relative to their own variation are listed besides."),
    "p.attention_section_none": ("无。", "None."),
    "p.no_previous_month": (
        "上月（{month}）未处理，无法判断哪些质量标记是新增的、哪些单位停止或开始上传、哪些单位从表中消失或新出现。",
        "The month before ({month}) was not processed, so there is no telling which quality flags are new, "
        "which units stopped or started uploading, or which vanished from or appeared in a table."),
    "p.no_limits_yet": (
        "目前共有 {months} 个月的数据，尚不能画出控制限：XmR 控制图至少需要 12 个月的数据（12 至 19 个月时控制限为"
        "暂定），因此本月不判断特殊原因变异。",
        "Months of data so far: {months}. No process limits can be drawn yet: an XmR chart needs at "
        "least 12 months (limits from 12 to 19 months are provisional). No special-cause variation is judged "
        "this month."),
    "p.xmr_none_yet": (
        "目前共有 {months} 个月的数据，尚不能画出 XmR 控制图：至少需要 12 个月。",
        "Months of data so far: {months}. An XmR chart needs at least 12 months, so none is drawn yet."),
    "p.spc_method": (
        "每个指标（全市、各区、各医院）按月形成一条序列，用 XmR 控制图判断：均值 ± 2.66 × 平均移动极差为控制限"
        "（计算前剔除大于 3.267 × 平均移动极差的移动极差）。特殊原因变异包括：超出控制限；连续 7 个月在均值同一侧；"
        "连续 7 个月上升或下降；3 个月中有 2 个月接近控制限（超过均值到控制限距离的三分之二，且在均值同侧）。"
        "变异按指标的改善方向判为向好、需警惕或中性。少于 12 个月不画控制限，12 至 19 个月的控制限为暂定。"
        "缺少的月份不计算移动极差，连续规则也不跨越缺月。每个月只与最近 {window} 个月（含本月）比较：均值和控制限"
        "由这些月份计算，更早的月份不参与判断。",
        "Each indicator of the city, each district and each hospital is a monthly series judged with an XmR "
        "chart: the process limits are the mean ± 2.66 × the mean moving range (moving ranges above 3.267 × "
        "their mean are screened out first). Special-cause variation is a point outside the limits; 7 months in "
        "a row on one side of the mean; 7 months in a row rising or falling; or 2 of 3 months close to a limit "
        "(beyond two thirds of the way from the mean, on the same side). A signal is improving, concerning or "
        "neutral by the indicator's direction. Under 12 months there are no limits; from 12 to 19 they are "
        "provisional. A missing month breaks moving ranges and runs. Each month is judged against its last "
        "{window} months (itself included): the mean and the limits come from those months, and older months "
        "take no part."),
    "p.xmr_intro": (
        "全市各指标的 XmR 控制图：灰点为普通原因变异，彩色点为特殊原因变异（蓝色向好，橙色需警惕，紫色中性）；"
        "实线为均值，虚线为控制限；右上角为变异图标（最新一个月的判断）。",
        "XmR charts of the city's indicators: grey points are common-cause variation, coloured ones special "
        "cause (blue improving, orange concerning, purple neutral); the solid line is the mean and the dashed "
        "lines the process limits; the icon at the top right is the variation of the latest month."),
    "p.signal_charts_intro": (
        "灰点为普通原因变异，彩色点为特殊原因变异（蓝色向好，橙色需警惕，紫色中性）；实线为均值，虚线为控制限，"
        "左侧为其数值；圈出的点为本月；右上角为变异图标。",
        "Grey points are common-cause variation, coloured ones special cause (blue improving, orange concerning, "
        "purple neutral); the solid line is the mean and the dashed lines the process limits, with their values at "
        "the left; the ringed point is this month; the icon at the top right is this month's variation."),
    "p.see_trends_chart": ("全市指标的完整 XmR 控制图见“趋势”页。", "The city's full XmR charts are on the Trends page."),
    # ------------------------------------------------------------------ one line per item
    "att.standing.outpatient_income_without_visits": (
        "{unit}门急诊人次为 0，门急诊收入却有 {income} 千元：按全市次均门急诊收入估计缺少约 {estimate} 人次，约占全市"
        "门急诊人次的 {weight}",
        "{unit}: 0 outpatient visits but {income} thousand yuan of outpatient income: about {estimate} visits "
        "missing at the city's income per visit, {weight} of the city's visits"),
    "att.standing.inpatient_income_without_discharges": (
        "{unit}出院人数为 0，住院收入却有 {income} 千元：按全市次均住院收入估计缺少约 {estimate} 人次出院，约占全市"
        "出院人数的 {weight}",
        "{unit}: 0 discharges but {income} thousand yuan of inpatient income: about {estimate} discharges missing "
        "at the city's income per discharge, {weight} of the city's discharges"),
    "att.standing.visits_without_outpatient_income": (
        "{unit}门急诊人次为 {activity}，门急诊收入却为 0：按全市次均门急诊收入估计缺少约 {missing_income} 千元，约占全市"
        "门急诊收入的 {weight}",
        "{unit}: {activity} outpatient visits but no outpatient income: about {missing_income} thousand yuan "
        "missing at the city's income per visit, {weight} of the city's outpatient income"),
    "att.standing.discharges_without_inpatient_income": (
        "{unit}出院人数为 {activity}，住院收入却为 0：按全市次均住院收入估计缺少约 {missing_income} 千元，约占全市"
        "住院收入的 {weight}",
        "{unit}: {activity} discharges but no inpatient income: about {missing_income} thousand yuan missing at "
        "the city's income per discharge, {weight} of the city's inpatient income"),
    "att.standing.no_uploads": ("{unit}无任何上传数据（0 条记录、0 天、0 张表单），按本级 {units} 个单位之一计，约占 {weight}",
                                "{unit}: no uploads at all (0 records, 0 days, 0 forms), one of the {units} units of "
                                "its level: {weight}"),
    "att.standing.no_realtime_days": ("{unit}实时上传天数为 0，按本级 {units} 个单位之一计，约占 {weight}",
                                      "{unit}: no day with real-time uploads, one of the {units} units of its level: "
                                      "{weight}"),
    "att.standing.forms_incomplete": ("{unit}实时表单上传不全，缺少的表单按比例约占本级单位的 {weight}",
                                      "{unit}: real-time forms missing, in proportion {weight} of its level's units"),
    "att.standing.realtime_days_short": ("{unit}实时上传天数不足，缺少的天数按比例约占本级单位的 {weight}",
                                         "{unit}: days without real-time uploads, in proportion {weight} of its "
                                         "level's units"),
    "att.since": ("（自 {since} 起，连续 {months} 个月）", " (since {since}, {months} months in a row)"),
    "att.since_new": ("（本月新出现）", " (new this month)"),
    "att.since_unknown": ("（本月）", " (this month)"),
    "p.since_unknown": ("档案中只有本月，没有更早的月份，因此各项长期问题注明“本月”，无法判断已持续多久。",
                        "The archive holds this month only, so each standing problem says \"this month\": how long it "
                        "has lasted cannot be told."),
    "att.facets": ("；另有：{facets}", "; also: {facets}"),
    "att.facets_some": ("；另有：{facets}及其他 {more} 项", "; also: {facets} and {more} more"),
    "att.facet.signal": ("{indicator}{rule}", "{indicator} {rule}"),
    "att.facet.stopped_uploading": ("本月停止上传（上月有上传）", "stopped uploading this month"),
    "att.facet.started_uploading": ("本月开始上传", "started uploading this month"),
    "att.facet.vanished": ("从{table}中消失", "vanished from the {table}"),
    "att.facet.appeared": ("新出现在{table}中", "appeared in the {table}"),
    "att.total_error": ("印刷合计与明细不符：{table}·{unit}（{rule}）", "A printed total does not reconcile: {table}, "
                                                               "{unit} ({rule})"),
    "att.new_flag": ("新增数据质量标记：{unit}·{rule}", "New quality flag: {unit}, {rule}"),
    "att.new_flags": ("新增数据质量标记“{rule}”：{count} 个单位（{units}）",
                      "New quality flag, {rule}: {count} units ({units})"),
    "att.and_more": ("，另有 {more} 个", "; and {more} more"),
    "att.stopped_uploading": ("{unit}本月停止上传数据（上月有上传）",
                              "{unit} stopped uploading this month (it uploaded the month before)"),
    "att.started_uploading": ("{unit}本月开始上传数据（上月没有上传）",
                              "{unit} started uploading this month (nothing the month before)"),
    "att.vanished": ("{unit}从{table}中消失（上月在列）", "{unit} vanished from the {table} (listed the month before)"),
    "att.appeared": ("{unit}新出现在{table}中（上月不在列）", "{unit} appeared in the {table} (not listed the month before)"),
    "att.table.bookings": ("预约挂号表", "bookings table"),
    "att.table.uploads": ("数据采集表", "uploads table"),
    "att.table.hotline": ("12320热线统计", "hotline statistics"),
    "att.table.booking_platforms": ("线上预约平台表", "online platforms table"),
    "att.measured": ("{indicator}为 {value}", "{indicator} {value}"),
    "att.signal.outside_limits.high": ("{unit}{measured}，高于控制上限 {upper}（均值 {mean}）",
                                       "{unit}: {measured}, above its upper limit {upper} (mean {mean})"),
    "att.signal.outside_limits.low": ("{unit}{measured}，低于控制下限 {lower}（均值 {mean}）",
                                      "{unit}: {measured}, below its lower limit {lower} (mean {mean})"),
    "att.signal.shift.high": ("{unit}{indicator}连续7个月高于均值（本月 {value}，均值 {mean}，控制限 {lower} 至 {upper}）",
                              "{unit}: {indicator} 7 months in a row above the mean (this month {value}; mean "
                              "{mean}, limits {lower} to {upper})"),
    "att.signal.shift.low": ("{unit}{indicator}连续7个月低于均值（本月 {value}，均值 {mean}，控制限 {lower} 至 {upper}）",
                             "{unit}: {indicator} 7 months in a row below the mean (this month {value}; mean "
                             "{mean}, limits {lower} to {upper})"),
    "att.signal.trend.high": ("{unit}{indicator}连续7个月上升（本月 {value}，均值 {mean}，控制限 {lower} 至 {upper}）",
                              "{unit}: {indicator} 7 months in a row rising (this month {value}; mean {mean}, "
                              "limits {lower} to {upper})"),
    "att.signal.trend.low": ("{unit}{indicator}连续7个月下降（本月 {value}，均值 {mean}，控制限 {lower} 至 {upper}）",
                             "{unit}: {indicator} 7 months in a row falling (this month {value}; mean {mean}, "
                             "limits {lower} to {upper})"),
    "att.signal.close_to_limits.high": (
        "{unit}{indicator}近3个月中有2个月接近控制上限（本月 {value}，均值 {mean}，上限 {upper}）",
        "{unit}: {indicator} 2 of the last 3 months close to the upper limit (this month {value}; mean {mean}, "
        "upper limit {upper})"),
    "att.signal.close_to_limits.low": (
        "{unit}{indicator}近3个月中有2个月接近控制下限（本月 {value}，均值 {mean}，下限 {lower}）",
        "{unit}: {indicator} 2 of the last 3 months close to the lower limit (this month {value}; mean {mean}, "
        "lower limit {lower})"),
    "att.judged": ("{sentence}——{judgement}", "{sentence}: {judgement}"),
    "att.provisional": ("（控制限为暂定，基于 {points} 个月）", " (provisional limits, from {points} months)"),
    "att.mover": ("{unit}{indicator}由 {previous} 变为 {value}，变动为其平均月变动的 {ratio} 倍",
                  "{unit}: {indicator} from {previous} to {value}, {ratio} times its average monthly move"),
    "att.city": ("全市", "Citywide"),
    "att.count": ("需关注 {count} 项", "{count} items need attention"),
    "att.count_one": ("需关注 1 项", "1 item needs attention"),
    "att.count_none": ("无需关注事项", "Nothing needs attention"),
    "att.more": ("……另有 {more} 项", "… and {more} more"),
    "att.fig.attention": ("需关注事项（项）", "Items that need attention"),
    "att.fig.standing": ("其中长期存在的问题（项）", "Of which standing problems"),
    "att.fig.signals": ("其中特殊原因变异信号（项）", "Of which special-cause signals"),
    "att.fig.new_flags": ("新增数据质量标记（上月没有的，项）", "New quality flags (not flagged the month before)"),
    "att.fig.movers": ("另列变动最大项（项）", "Biggest movers listed besides"),
    "att.fig.threshold": ("信号门槛（族系校正，σ）", "Signal threshold (family-wise, σ)"),
    "att.fig.immaterial": ("未达重要性门槛的序列（条）", "Series under the materiality rule"),
    "att.fig.months": ("已处理的月份（个）", "Months processed"),
    "att.fig.series": ("本月有数值的序列（条）", "Series with a value this month"),
    "att.fig.limits": ("其中有控制限：正式 / 暂定（条）", "Of which with limits: proper / provisional"),
    "index.attention": ("需关注", "Needs attention"),
    # ------------------------------------------------------------------ rules, variations, limits
    "spc.rule.outside_limits": ("超出控制限", "Outside the limits"),
    "spc.rule.shift": ("连续7个月在均值同侧", "7 months on one side of the mean"),
    "spc.rule.trend": ("连续7个月上升或下降", "7 months rising or falling"),
    "spc.rule.close_to_limits": ("3个月中2个月接近控制限", "2 of 3 months close to a limit"),
    "spc.variation.common_cause": ("普通原因变异", "common cause"),
    "spc.variation.improving": ("向好", "improving"),
    "spc.variation.concerning": ("需警惕", "concerning"),
    "spc.variation.neutral": ("中性", "neutral"),
    "spc.icon.common_cause": ("普通原因变异", "Common cause variation"),
    "spc.icon.improving": ("特殊原因变异：向好（{side}）", "Special cause: improving ({side})"),
    "spc.icon.concerning": ("特殊原因变异：需警惕（{side}）", "Special cause: concerning ({side})"),
    "spc.icon.neutral": ("特殊原因变异：中性（{side}）", "Special cause: neutral ({side})"),
    "spc.side.high": ("偏高", "high"),
    "spc.side.low": ("偏低", "low"),
    "spc.limits.none": ("无控制限（少于 12 个月）", "no limits (under 12 months)"),
    "spc.limits.provisional": ("暂定控制限（{points} 个月）", "provisional limits ({points} months)"),
    "spc.limits.proper": ("控制限（{points} 个月）", "process limits ({points} months)"),
    "spc.mean": ("均值", "Mean"),
    "spc.limit_lines": ("控制限", "Process limits"),
    "spc.common_point": ("普通原因变异", "Common cause"),
    "spc.improving_point": ("特殊原因：向好", "Special cause: improving"),
    "spc.concerning_point": ("特殊原因：需警惕", "Special cause: concerning"),
    "spc.neutral_point": ("特殊原因：中性", "Special cause: neutral"),
    "title_xmr": ("{indicator}：XmR 控制图（截至{month}）", "{indicator}: XmR chart, up to {month}"),
    "title_xmr_unit": ("{unit}：{indicator}（截至{month}）", "{unit}: {indicator}, up to {month}"),
    # ------------------------------------------------------------------ indicators: name, and unit of measure
    "ind.city.bookings_total": ("预约挂号量", "Bookings"),
    "ind.city.channel_share": ("{channel}渠道占比", "{channel} share of bookings"),
    "ind.city.platforms_total": ("线上平台预约量", "Online platform bookings"),
    "ind.city.hotline_calls": ("12320热线来电量", "12320 hotline calls"),
    "ind.city.work_orders": ("12320热线工单量", "12320 hotline work orders"),
    "ind.city.hospitals_booking": ("开展预约挂号的医院数", "Hospitals taking bookings"),
    "ind.city.upload_completeness": ("完整上传单位占比", "Share of units uploading completely"),
    "ind.city.hospital_outpatient_visits": ("医院门急诊人次", "Hospital outpatient visits"),
    "ind.hospital.bookings": ("预约挂号量", "bookings"),
    "ind.hospital.outpatient_visits": ("门急诊人次", "outpatient visits"),
    "ind.hospital.income_per_visit": ("次均门急诊收入", "outpatient income per visit"),
    "ind.hospital.discharges": ("出院人数", "discharges"),
    "ind.hospital.income_per_discharge": ("次均住院收入", "inpatient income per discharge"),
    "ind.district.completeness_score": ("数据完整度得分", "completeness score"),
    "ind.district.realtime_day_share": ("实时上传天数占比", "share of days with real-time uploads"),
    "ind_unit.bookings": ("预约量（人次）", "Bookings"),
    "ind_unit.calls": ("来电（个）", "Calls"),
    "ind_unit.work_orders": ("工单（件）", "Work orders"),
    "ind_unit.hospitals": ("医院（家）", "Hospitals"),
    "ind_unit.visits": ("门急诊人次（人次）", "Outpatient visits"),
    "ind_unit.discharges": ("出院人数（人次）", "Discharges"),
    "ind_unit.yuan": ("元", "Yuan"),
    "ind_unit.percent": ("占比（%）", "Share (%)"),
    "ind_unit.score": ("得分（%）", "Score (%)"),
}
