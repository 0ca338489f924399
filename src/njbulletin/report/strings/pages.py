"""Words of the pages in the one table of strings: page titles, headings, what each page shows, sentences,
key figures, notes under tables, the navigation bar and the index. Each entry is `key: (zh, en)`."""
from __future__ import annotations

PAGES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ page titles (by notebook) and headings
    "site": ("南京市卫生信息中心月报", "Nanjing Health Information Center bulletin"),
    "page.01-ingest": ("数据导入", "Ingest"),
    "page.02-validate": ("数据校验", "Validation"),
    "page.10-booking-channels": ("预约挂号渠道", "Booking channels"),
    "page.20-upload-completeness": ("数据采集完整度", "Upload completeness"),
    "page.30-hospital-throughput": ("医疗服务量与收入", "Hospital throughput"),
    "page.40-trends": ("趋势", "Trends"),
    "page.heading": ("{title}（{month}）", "{title}, {month}"),
    "h.summary": ("概要", "Summary"),
    "h.key_figures": ("关键数字", "Key figures"),
    "h.tables_written": ("写入的数据表", "Tables written"),
    "h.verdict": ("结论", "Verdict"),
    "h.errors": ("错误", "Errors"),
    "h.warnings_by_rule": ("按规则分组的警告", "Warnings by rule"),
    "h.rule_details": ("各规则明细", "Details per rule"),
    "h.printed_totals": ("印刷合计", "Printed totals"),
    "h.by_channel": ("各渠道预约挂号量", "Bookings by channel"),
    "h.channel_mix": ("各医院的预约渠道构成", "Each hospital's channel mix"),
    "h.concentration": ("集中度", "Concentration"),
    "h.without_channel": ("{channel}渠道预约量为 0 的医院", "Hospitals with no {channel} bookings"),
    "h.platforms": ("线上预约平台", "Online booking platforms"),
    "h.hotline": ("12320卫生热线", "12320 health hotline"),
    "h.reconciliation": ("月报合计是否相符", "Do the bulletin's totals reconcile?"),
    "h.penetration": ("预约渗透率", "Booking penetration"),
    "h.penetration_excluded": ("未计入渗透率的医院", "Hospitals left out of the penetration"),
    "h.completeness_levels": ("分层级完整度", "Completeness by level"),
    "h.unscored": ("未计算得分的单位", "Units left out of the score"),
    "h.ranking_level": ("完整度排名：{level}", "Completeness ranking: {level}"),
    "h.complete_units": ("完整上传的单位", "Complete units"),
    "h.without_uploads": ("无任何上传的单位", "Units with no uploads"),
    "h.realtime_days": ("实时上传天数分布", "Distribution of real-time upload days"),
    "h.month_flags": ("本月数据质量标记", "The month's quality flags"),
    "h.every_unit": ("各单位服务量与收入", "Every unit"),
    "h.ratio_exclusions": ("未计算的比值及原因", "Ratios left out, with the reason"),
    "h.rankings": ("医院排名", "Hospital rankings"),
    "h.records_ranking": ("每人次定时上传数据量排名（医院）", "Scheduled records per visit, ranked (hospitals)"),
    "h.visits_income": ("门急诊人次与收入", "Visits against income"),
    "h.outliers": ("异常值", "Outliers"),
    "h.summary_trend": ("各月关键数字", "Key figures per month"),
    "h.changes": ("环比与同比", "Month-on-month and year-on-year changes"),
    "h.trend_charts": ("趋势图", "Trend charts"),
    "h.hospitals_presence": ("预约表中新出现或消失的医院", "Hospitals appearing in or leaving the bookings table"),
    "h.units_presence": ("数据采集表中新出现或消失的单位", "Upload units appearing or leaving"),
    "h.completeness_trend": ("完整度变化", "Completeness over time"),
    "h.counters": ("累计数与当月数核对", "Cumulative counters against the monthly figures"),
    # ------------------------------------------------------------------ what each page shows
    "intro.01-ingest": (
        "读取本月月报原文（txt 或 pdf），校验后写入整理好的数据表（含数据质量标记）。有校验错误的月份"
        "不写入。",
        "Reads the month's bulletin (txt or pdf), validates it, and writes its tidy tables with the quality "
        "flags. A month with validation errors is not written."),
    "intro.02-validate": (
        "本月校验结果，最严重的在前：先给结论，再列出每个错误，然后按规则分组列出数据质量警告及其涉及的单位（涉及单位最多的规则在前）。",
        "The month's validation result, worst first: the verdict, then each error, then the data-quality warnings "
        "grouped by rule, the rules that caught the most units first, with the units each rule caught."),
    "intro.10-booking-channels": (
        "各渠道、各医院、各线上平台的预约挂号量及集中度，12320 热线，以及预约渗透率（预约量 ÷ 门急诊"
        "人次）。",
        "Bookings by channel, hospital and online platform, their concentration, the 12320 hotline, and "
        "booking penetration (bookings ÷ outpatient visits)."),
    "intro.20-upload-completeness": (
        "各区和各医院向南京市卫生信息平台上传数据的完整程度，区与医院分开统计。实时上传天数比 = 实时上传天"
        "数 ÷ 当月天数；表单上传比 = 已上传表单 ÷ 应上传表单；完整度得分为两者（各自封顶为 1）的平"
        "均值。每天实时上传且上传全部表单的单位为“完整上传”。",
        "How completely districts and hospitals upload to the Nanjing health information platform, districts "
        "and hospitals apart. Real-time day ratio = real-time upload days ÷ days in the month; forms ratio = "
        "forms uploaded ÷ forms expected; the completeness score is their mean, each capped at 1. A unit "
        "that uploaded in real time on every day and uploaded every form is complete."),
    "intro.30-hospital-throughput": (
        "各区和各医院的门急诊人次、次均门急诊收入、出院人数、次均住院收入和每人次定时上传数据量。收入原表以千"
        "元印刷，比值以元计。异常值：某单位的数值（取对数后）与同层级各单位的中位数相差超过"
        "通常差距的 3 倍；通常差距指各单位与中位数之差的中位数，乘以 1.4826 后与标准差可比。",
        "Outpatient visits, outpatient income per visit, discharges, inpatient income per discharge and "
        "scheduled records per visit for every district and hospital. Incomes are printed in thousand yuan; "
        "the ratios are in yuan. Outliers: a unit whose value (on a log scale) is further from the median of "
        "its level than 3 times the usual distance, the usual distance being the median of the units' "
        "distances from that median, times 1.4826 to compare with a standard deviation."),
    "intro.40-trends": (
        "截至本月已处理的各月：关键数字及其环比、同比，新出现或消失的医院和单位，完整度变化，以及累计数与当月"
        "数的核对。表格显示最近 13 个已处理月份，最新的在前；全部历史见趋势图，并可在首页下载。",
        "Every processed month up to this one: the key figures with their month-on-month and year-on-year "
        "changes, hospitals and units that appear or leave, completeness over time, and the cumulative "
        "counters checked against the monthly figures. Tables show the latest 13 processed months, newest "
        "first; the whole history is in the charts and can be downloaded from the index page."),
    "intro.printed_totals": (
        "月报印刷的各项合计及核对结果。累计数逐月核对，见“趋势”页。",
        "Every total the bulletin prints, and whether it reconciles. Cumulative counters are checked month "
        "against month on the Trends page."),
    # ------------------------------------------------------------------ sentences
    "p.exploring": ("探索运行（未经 {command}）：本页的图表、导出文件和数据表写入 {folder}，已发布的报告和数据不变。",
                    "Exploring (not run by {command}): this page's figures, exports and tables are written to "
                    "{folder}; the published reports and data are left as they are."),
    "p.ingest_read": ("读取 {file}：{month}，共 {days} 天；校验发现 {errors} 个错误、{warnings} 条警告。",
                      "Read {file}: {month}, {days} days; validation found {errors} errors and {warnings} warnings."),
    "p.ingest_written": ("以下数据表已保存，供其余各页使用，数据质量标记随表保存。",
                         "The tables below were stored for the other pages, with their quality flags."),
    "p.verdict_ok": ("✓ 所有印刷合计均与其明细相符，未发现错误。",
                     "✓ Every printed total reconciles with its rows: no errors."),
    "p.verdict_ok_counters": (
        "✓ {totals} 项印刷合计，{matched} 项相符，另 {counters} 项为累计数（见趋势页）；未发现错误。",
        "✓ {totals} printed totals: {matched} reconcile with their rows, and the other {counters} are cumulative "
        "counters (see the Trends page); no errors."),
    "p.verdict_errors": (
        "✗ 发现 {errors} 个错误（见下表）。该月带着错误标记保存，其数字依赖这些不符之处。",
        "✗ {errors} errors (listed below). The month was stored with its errors flagged, and its figures "
        "rest on them."),
    "p.verdict_warnings": ("另有 {warnings} 条数据质量警告，涉及 {rules} 条规则，按规则分组列于下方。",
                           "There are also {warnings} data-quality warnings under {rules} rules, grouped below."),
    "p.verdict_no_warnings": ("没有数据质量警告。", "There are no data-quality warnings."),
    "p.no_errors": ("没有错误。", "No errors."),
    "p.rule_summary": ("{rule}：{units} 个单位", "{rule}: {units} units"),
    "p.printed_summary": ("{totals} 项印刷合计，{matched} 项与明细相符", "{totals} printed totals, {matched} reconcile"),
    "p.printed_summary_counters": ("{totals} 项印刷合计，{matched} 项相符，另 {counters} 项为累计数（见趋势页）",
                                   "{totals} printed totals: {matched} reconcile, and the other {counters} are "
                                   "cumulative counters (see the Trends page)"),
    "intro.rule_details": ("每条规则一张表，涉及单位最多的规则在前，每张表中情况最严重的单位在前。点击规则名展开；打印时全部展开。",
                           "A table per rule, the rules that caught the most units first, and in each table the "
                           "worst units first. Click a rule to open it; every rule prints open."),
    "p.bookings_total": ("{month}，{hospitals} 家医院共预约挂号 {total} 人次。",
                         "In {month}, {hospitals} hospitals took {total} bookings."),
    "p.bookings_leading": ("最大的渠道是{channel}，{count} 人次（{share}）。",
                           "The largest channel is {channel}, with {count} ({share})."),
    "p.bookings_concentration": (
        "{hospital}一家占全部预约的 {top1}；前{n}家医院合计 {top_n}（HHI {hhi}"
        "）。",
        "{hospital} alone holds {top1} of all bookings; the top {n} hold {top_n} (HHI {hhi})."),
    "p.bookings_platforms_hotline": (
        "{platforms} 个线上平台共预约 {platform_total} 人次；12320 热线受"
        "理来电 {calls} 个、工单 {orders} 件。",
        "{platforms} online platforms took {platform_total} bookings; the 12320 hotline took {calls} calls "
        "and {orders} work orders."),
    "p.totals_reconcile": ("月报印刷的各项合计均与其明细相符（见“数据校验”页）。",
                           "Every printed total reconciles with its rows (see the Validation page)."),
    "p.totals_errors": ("有 {errors} 处印刷合计与明细不符，详见“数据校验”页。",
                        "{errors} printed totals do not reconcile with their rows; see the Validation page."),
    "p.completeness_overall": (
        "{month}（{days} 天）：{units} 个单位中有 {complete} 个每天实时上传"
        "并上传了全部表单。",
        "{month} ({days} days): {complete} of {units} units uploaded in real time on every day and uploaded "
        "every form."),
    "p.completeness_level": ("{level}：{complete}/{units} 个完整（{share}），平均完整度得分 {mean}。",
                             "{level}: {complete} of {units} complete ({share}), mean score {mean}."),
    "p.no_uploads": ("本月没有任何上传：{units}。", "No uploads at all: {units}."),
    "p.throughput_hospitals": (
        "{month}，{hospitals} 家医院共报告门急诊 {visits} 人次、出院 "
        "{discharges} 人次。",
        "In {month}, {hospitals} hospitals reported {visits} outpatient visits and {discharges} discharges."),
    "p.throughput_ratio": (
        "{basis}的 {units} 家医院中，{measure}的中位数为 {median}，最高的是{unit}（{top}），最低的是{low_unit}（{low}）。",
        "Among the {units} hospitals with {basis}, the median {measure} is {median}; the highest is {unit}, at "
        "{top}, and the lowest {low_unit}, at {low}."),
    "p.throughput_set_aside": ("异常值未计入最高和最低：{units}。", "Outliers left out of the highest and lowest: {units}."),
    "p.set_aside_item": ("{unit}（{value}，{side}）", "{unit} ({value}, {side})"),
    "p.throughput_too_small": ("{basis}的 {count} 家医院不作比较。", "{count} hospitals with {basis} are not compared."),
    "basis.outpatient_visits": ("门急诊人次不少于 {n} 人次", "at least {n} outpatient visits"),
    "basis.discharges": ("出院人数不少于 {n} 人次", "at least {n} discharges"),
    # the same minimum in a key figure's label, short enough for the label's column on A4 (the table's note says it
    # in full)
    "basis_short.outpatient_visits": ("门急诊人次不少于 {n} 人次", "≥ {n} visits"),
    "basis_short.discharges": ("出院人数不少于 {n} 人次", "≥ {n} discharges"),
    "fewer.outpatient_visits": ("门急诊人次少于 {n} 人次", "fewer than {n} outpatient visits"),
    "fewer.discharges": ("出院人数少于 {n} 人次", "fewer than {n} discharges"),
    "p.throughput_outliers": (
        "按稳健规则有 {outliers} 个数值明显偏离；{exclusions} 个比值因分母为 0 或"
        "缺失未计算（单位及原因见下表）。",
        "{outliers} values stand out by the robust rule, and {exclusions} ratios could not be computed "
        "(their units are listed below with the reason)."),
    "p.trends_none": ("尚无已处理的月份。", "No processed month yet."),
    "p.trends_one_month": (
        "目前只处理了一个月（{month}），尚无变化可比：下表给出该月数值。处理更多月份后即可看到趋势。",
        "Only one month is processed ({month}), so there is no change to show yet: the tables below give "
        "that month's values. Process more months to see trends."),
    "p.trends_span": ("共处理 {count} 个月，{first} 至 {last}。", "{count} processed months, {first} to {last}."),
    "p.trends_metric": ("{measure}：{month} 为 {value}，{comparisons}。",
                        "{measure}: {value} in {month}, {comparisons}."),
    "p.compared_with": ("较 {month} {change}", "{change} on {month}"),
    "p.and": ("，", " and "),
    "p.trends_no_previous": (
        "{month} 的上一个月未处理，因此该月没有环比变化。",
        "The month before {month} was not processed, so no month-on-month change is shown for it."),
    "p.trends_presence": ("各月之间，单位新出现 {appeared} 次、消失 {gone} 次。",
                          "Across the months, units appeared {appeared} times and disappeared {gone} times."),
    "p.no_trend_chart": ("只处理了 {month} 一个月，不绘制趋势图。",
                         "Only {month} is processed: no trend chart is drawn."),
    "p.see_validation": ("各条标记的含义和涉及的单位见“数据校验”页。",
                         "What each flag means, and which units it caught, is on the Validation page."),
    # ------------------------------------------------------------------ key figures
    "kf.bookings": ("预约挂号量（人次）", "Bookings"),
    "kf.channel": ("{channel}（人次，占比）", "{channel} (visits, share)"),
    "kf.hospitals": ("预约医院数（家）", "Hospitals with bookings"),
    "kf.top1_hospital": ("预约量最大的医院", "Hospital with the most bookings"),
    "kf.top1_share": ("其占全部预约的比例", "Its share of all bookings"),
    "kf.top_n_share": ("前{n}家医院占比", "Share of the top {n} hospitals"),
    "kf.hhi": ("医院集中度 HHI", "HHI of hospital shares"),
    "kf.platform_bookings": ("线上平台预约量（人次）（平台数）", "Online platform bookings (platforms)"),
    "kf.hotline_call": ("热线来电（个）（类别数）", "Hotline calls (categories)"),
    "kf.hotline_work_order": ("工单（件）（类别数）", "Work orders (categories)"),
    "kf.penetration_matched": ("计入渗透率的机构（家）", "Institutions in the penetration"),
    "kf.penetration_left_out": ("未计入渗透率的机构", "Institutions left out of the penetration"),
    "kf.left_out_counts": ("预约表 {bookings} 家，数据采集表 {uploads} 家",
                           "{bookings} from bookings, {uploads} from uploads"),
    "kf.penetration_highest": ("渗透率最高：预约量 / 门急诊人次", "Highest penetration: bookings / visits"),
    "kf.units": ("数据采集单位（家）", "Uploading units"),
    "kf.complete_units": ("完整上传单位", "Complete units"),
    "kf.of": ("{part} / {whole}", "{part} of {whole}"),
    "kf.level_complete.district": ("区", "Districts"),
    "kf.level_complete.hospital": ("医院", "Hospitals"),
    "kf.level_detail": ("完整 {complete}/{units} 家，无上传 {without} 家，平均得分 {mean}",
                        "{complete} of {units} complete, {without} without uploads, mean score {mean}"),
    "kf.complete_list": ("完整上传的单位", "Complete units, by name"),
    "kf.level_throughput.district": ("区：单位数、门急诊人次、出院人数",
                                     "Districts: units, outpatient visits, discharges"),
    "kf.level_throughput.hospital": ("医院：单位数、门急诊人次、出院人数",
                                     "Hospitals: units, outpatient visits, discharges"),
    "kf.throughput_detail": ("{units} 家，{visits} 人次，{discharges} 人次", "{units}, {visits}, {discharges}"),
    "kf.highest": ("{measure}最高（{level}，{basis}）", "Highest {measure} ({level}, {basis})"),
    "kf.lowest": ("{measure}最低（{level}，{basis}）", "Lowest {measure} ({level}, {basis})"),
    "kf.set_aside": ("{measure}异常值，未计入最高和最低（{level}）", "Outliers of {measure} left out of highest and lowest ({level})"),
    "kf.ratios_left_out": ("未计算的比值（个）", "Ratios left out"),
    "kf.outliers": ("异常值（个）", "Outliers"),
    "kf.months": ("已处理月份", "Processed months"),
    "kf.months_span": ("{count} 个（{first} 至 {last}）", "{count} ({first} to {last})"),
    "kf.mom_available": ("可计算环比的指标（个）", "Measures with a month-on-month change"),
    "kf.yoy_available": ("可计算同比的指标（个）", "Measures with a year-on-year change"),
    "kf.presence": ("单位新出现 / 消失（次）", "Units appearing / leaving"),
    "kf.presence_counts": ("{appeared} / {gone}", "{appeared} / {gone}"),
    "levels.district": ("区", "Districts"),
    "levels.hospital": ("医院", "Hospitals"),
    "fmt.yuan": ("{value} 元", "{value} yuan"),
    "fmt.points": ("{value} 个百分点", "{value} pp"),
    "fmt.hundred_million": ("{value}亿", "{value} billion"),
    # ------------------------------------------------------------------ notes under tables
    "table.source": ("来源：南京市卫生信息中心，{month}", "Source: Nanjing Health Information Center, {month}"),
    "note.missing_printed": ("—：月报中印为“/”或未印刷。", "—: printed as '/' in the bulletin, or not printed."),
    "note.missing_denominator": (
        "—：分母为 0 或缺失，比值无法计算（原因见“未计算的比值”表）。",
        "—: the denominator is 0 or missing, so the ratio cannot be computed (see the table of ratios left "
        "out)."),
    "note.missing_mix": ("—：该医院本月预约量为 0，无法计算占比。", "—: the hospital had no bookings, so no share."),
    "note.missing_previous": ("—：上一个月或去年同月未处理，或分母为 0，无法比较。",
                              "—: the month before, or the same month a year before, was not processed (or was 0)."),
    "note.missing_month": ("—：该月未处理或该项未印刷。", "—: the month was not processed, or the item not printed."),
    "note.missing_error_values": (
        "—：该错误没有印刷值与计算值（如结构错误），或原始文件中找不到对应行。",
        "—: the error has no printed and computed value (a structural error), or its line is not found in "
        "the raw file."),
    "note.missing_other_table": ("—：该机构不在此表中，或该值未印刷。",
                                 "—: the institution is not in that table, or the value was not printed."),
    "note.missing_visits": ("—：门急诊人次未印刷。", "—: outpatient visits not printed."),
    "note.penetration": (
        "同一机构的分院区计入其所属医院；未匹配或门急诊人次为 0 的机构见下表。",
        "A campus printed on its own row counts with its parent hospital; institutions not matched, or with "
        "no outpatient visits, are listed below."),
    "note.hotline": ("工单单独计数，其占比为占全部工单的比例，不是占来电的比例。",
                     "Work orders are counted apart: their share is of the work orders, not of the calls."),
    "note.hhi": ("HHI 为各医院预约占比的平方和，一家医院独占全部预约时为 1。",
                 "The HHI is the sum of the squared hospital shares: 1 when one hospital takes every booking."),
    "note.extremes": (
        "最高、最低只比较门急诊人次不少于 {visits} 人次（次均门急诊收入）或出院人数不少于 {discharges} 人次（次均住院收入）"
        "的单位，被判为异常值的单位不计入、另行列出。",
        "Highest and lowest compare only the units with at least {visits} outpatient visits (income per visit) or "
        "{discharges} discharges (income per discharge); a unit flagged as an outlier is left out and listed."),
    "note.ranking_minimum.outpatient_visits": (
        "只排列门急诊人次不少于 {n} 人次的单位；人次更少的 {left_out} 家未列入。",
        "Only units with at least {n} outpatient visits are ranked; {left_out} with fewer are left out."),
    "note.ranking_minimum.discharges": (
        "只排列出院人数不少于 {n} 人次的单位；人数更少的 {left_out} 家未列入。",
        "Only units with at least {n} discharges are ranked; {left_out} with fewer are left out."),
    "note.sorted_by_visits": ("区和医院分列，各按门急诊人次从多到少排列。",
                              "Districts, then hospitals, each by outpatient visits, the most first."),
    "note.outliers": ("数值的单位与指标相同：人次、元或条/人次。",
                      "Each value is in its indicator's unit: visits, yuan or records per visit."),
    "note.counter": (
        "当月数应等于累计数较上月的增加；差额照实列出，不作隐藏。",
        "The change of the cumulative counter from the month before should equal the monthly figure; the "
        "difference is shown, not hidden."),
    "note.latest_months": ("显示最近 {count} 个已处理月份（{first} 至 {last}），最新的在前；全部历史可在首页下载。",
                           "The latest {count} processed months ({first} to {last}), newest first; the whole history "
                           "can be downloaded from the index page."),
    "note.changes": ("环比、同比：数量为相对变化（%），占比为百分点之差（个百分点），与首页相同。",
                     "Changes: the relative change (%) of a count, the difference in percentage points (pp) of a "
                     "share, as on the index."),
    "empty.none": ("无。", "None."),
    # ------------------------------------------------------------------ navigation bar and index
    "nav.bar": ("报告导航", "Report navigation"),
    "print.page_of": ("第 {page} 页 / 共 {pages} 页", "Page {page} of {pages}"),
    "nav.index": ("全部月份", "All months"),
    "alt.image": ("图表（无标题）", "Chart (untitled)"),  # an image's alt text when its output gives none
    "index.title": ("南京市卫生信息中心月报：各月报告", "Nanjing Health Information Center bulletin: reports"),
    "index.month": ("月份", "Month"),
    "index.status": ("状态", "Status"),
    "index.reports": ("报告", "Reports"),
    "index.nothing": ("尚未运行任何月份。", "No month has been run yet."),
    "index.exports": ("下载全部月份的数据，每张表一个 CSV（UTF-8 带 BOM，可用 Excel 打开）：",
                      "Downloads of all months, one CSV per table (UTF-8 with BOM, for Excel):"),
    "index.downloads": ("下载：", "Downloads:"),
    "index.download.summary": ("关键数字", "Key figures (JSON)"),
    "index.download.manifest": ("运行记录", "Run record (JSON)"),
    "index.download.data": ("数据表（CSV）", "Tables (CSV)"),
    "index.export.summary": ("各月关键数字", "Key figures per month"),
    "index.legend": ("▲▼ 为较上一个月的变化。颜色表示其含义：", "▲▼ is the change from the month before; its colour says "
                     "what it means:"),
    "index.legend_improving": ("蓝色为改善", "blue, an improvement"),
    "index.legend_concerning": ("橙色为需关注", "orange, a concern"),
    "index.legend_neutral": ("灰色为无所谓好坏", "grey, neither"),
    "index.legend_separator": ("，", ", "),
    "index.legend_end": ("。", "."),
    "index.meaning.improving": ("改善", "improvement"),
    "index.meaning.concerning": ("需关注", "concern"),
    "index.meaning.neutral": ("无所谓好坏", "neither good nor bad"),
    "index.errors_allowed": ("（带 {errors} 个校验错误保存）", "(stored with {errors} validation errors)"),
    "index.unchanged": ("持平", "unchanged"),
    "index.no_month_before": ("{month} 未处理，不计环比", "{month} not processed: no change shown"),
    "index.points": ("{arrow} {value} 个百分点", "{arrow} {value} pp"),
    "index.lowest": ("最低", "low"),
    "index.col.bookings_total": ("预约挂号量（人次）", "Bookings"),
    "index.col.third_party_share": ("第三方预约占比（%）", "Third-party share (%)"),
    "index.col.platforms_total": ("线上平台预约量（人次）", "Platform bookings"),
    "index.col.hotline_calls": ("热线来电量（个）", "Hotline calls"),
    "index.col.upload_units_complete": ("完整上传单位（家）", "Complete upload units"),
    "index.col.hospital_outpatient_visits": ("医院门急诊人次（人次）", "Hospital outpatient visits"),
    "index.col.quality_flags": ("数据质量标记（条）", "Quality flags"),
    "index.highest": ("最高", "high"),
}
