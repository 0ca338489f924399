"""Charts for the analysis notebooks: a CJK font, one style, labelled axes, a source line, PNG + SVG.

The Noto Sans CJK SC font that ships in the `mplfonts` package is registered with matplotlib once, when
this module is imported (fontManager.addfont; the font cache is not rebuilt). Every chart function takes
polars frames (handed to seaborn as pandas at plot time), draws inside the project style, and returns
the matplotlib Figure; `publish_figure` writes it as PNG and SVG under a figures folder and shows the
PNG in the notebook.
"""
from __future__ import annotations

import base64
import importlib.util
import io
import math
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import polars as pl
import seaborn as sns
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.ticker import MaxNLocator

from njbulletin.atomic import atomic_path
from njbulletin.report.axes import (  # noqa: F401 - the charts' axes, used from here
    AXIS_SCALES,
    ValueFormatter,
    axis_number,
    axis_scale,
    format_value_axis,
    month_label,
    month_ticks,
    set_month_axis,
)
from njbulletin.report.labels import source_line
from njbulletin.report.sheets import DPI, PAPER, SMALLEST_TEXT, Sheet, rows_height, shorten, wrap

FONT_PACKAGE = "mplfonts"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
FORMATS = ("png", "svg")


def find_cjk_font() -> Path:
    """The Noto Sans CJK SC font file inside the installed mplfonts package."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"the {FONT_PACKAGE} package is not installed; it provides {FONT_FILE}")
    path = Path(spec.origin).parent / "fonts" / FONT_FILE
    if not path.is_file():
        raise RuntimeError(f"{path}: {FONT_FILE} is missing from the {FONT_PACKAGE} package")
    return path


def register_cjk_font() -> str:
    """Add the CJK font to matplotlib's font manager (once) and return its family name.

    A system font of the same family (Debian's fonts-noto-cjk installs 'Noto Sans CJK SC' as a .ttc) is
    dropped from the manager, so every machine draws with the same bundled file and figures are the same.
    """
    path = find_cjk_font()
    name = font_manager.FontProperties(fname=path).get_name()
    manager = font_manager.fontManager
    manager.ttflist = [entry for entry in manager.ttflist if entry.name != name or entry.fname == str(path)]
    if not any(entry.fname == str(path) for entry in manager.ttflist):
        manager.addfont(str(path))
    font_manager._get_font.cache_clear()
    return name


CJK_FONT = register_cjk_font()
# The font is also made the default sans-serif family, so that text matplotlib creates lazily (tick labels
# drawn when a notebook displays a figure) finds the Chinese glyphs too.
FONT_RC = {"font.family": "sans-serif", "axes.unicode_minus": False,
           "font.sans-serif": [CJK_FONT, *[f for f in plt.rcParams["font.sans-serif"] if f != CJK_FONT]]}
plt.rcParams.update(FONT_RC)

STYLE = {
    **sns.axes_style("whitegrid"),
    **FONT_RC,
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "svg.fonttype": "path",
    "svg.hashsalt": "njbulletin",  # the ids of clip paths and glyphs in an SVG, fixed instead of random
}
# One palette for every chart, which readers with colour blindness tell apart (about one man in twenty in
# China sees red and green alike): viridis, for categories (evenly spaced colours of it) and for heatmaps.
PALETTE = "viridis"
OTHER = "0.6"  # grey: what a chart does not single out (the points that are no outlier)
# DPI and SMALLEST_TEXT (7 pt, 9.7 px at a chart's own size) are report.sheets', which defines a chart's drawn size.
# No creation date and no software version in a figure's file: a rerun writes the same bytes.
SAVE_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}


def palette(count: int) -> list[tuple[float, float, float]]:
    """`count` colours of the project's palette, evenly spaced (dark to light)."""
    return sns.color_palette(PALETTE, max(count, 1))


@contextmanager
def chart_style():
    """Apply the project style while drawing (matplotlib rc_context).

    The interactive flag is kept as the block left it: the first figure of a notebook selects the inline
    backend, which switches interactive mode on, and restoring the old value would stop later figures
    from being shown in the notebook.
    """
    with plt.rc_context(STYLE):
        yield
        interactive = matplotlib.is_interactive()
    matplotlib.interactive(interactive)


def new_figure(width: float, height: float) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax


def decorate(fig: Figure, ax: plt.Axes, title: str, xlabel: str, ylabel: str, month: str, lang: str,
             subtitle: str | None = None, sheet: Sheet = PAPER) -> Figure:
    """Title (with a second line saying what the chart leaves out, when it does), wrapped to the sheet's width,
    axis labels and the source line at the bottom left, in the page's language."""
    # on a phone the title ends at the plot's right edge, so that a plot pushed right by its labels never pushes
    # the title off the figure
    ax.set_title(wrap(title if subtitle is None else f"{title}\n{subtitle}", sheet.title_units),
                 loc="center" if sheet is PAPER else "right")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    fig.text(0.005, 0.002, source_line(month, lang), fontsize=SMALLEST_TEXT, color="0.35", ha="left", va="bottom")
    fig.get_layout_engine().set(h_pad=0.12)
    return fig


def with_distinct_labels(frame: pl.DataFrame, label: str, sheet: Sheet | None = None) -> pl.DataFrame:
    """Make repeated category labels distinct ('name (2)'), so no row is merged into another's bar; with a
    sheet, labels too long for it are first shortened with "…" (report.sheets.shorten)."""
    if sheet is not None:
        frame = frame.with_columns(pl.col(label).map_elements(
            lambda value: shorten(value, sheet.label_units, sheet.label_lines), return_dtype=pl.String))
    repeat = pl.int_range(pl.len()).over(label)
    return frame.with_columns(pl.when(repeat > 0).then(pl.format("{} ({})", pl.col(label), repeat + 1))
                              .otherwise(pl.col(label)).alias(label))


def chart_width(labels, base: float, sheet: Sheet = PAPER) -> float:
    """A figure width that leaves room for the longest category label (long English names), at most the sheet's."""
    longest = max((len(str(label)) for label in labels), default=0)
    return sheet.figure_width(max(base, base * 0.55 + 0.075 * longest))


def bar_height(rows: int, sheet: Sheet = PAPER, extra: float = 0.0) -> float:
    return rows_height(rows, sheet, extra)


def leave_room_for_labels(ax: plt.Axes, largest: float) -> None:
    """Widen a bar chart's value axis so that the label at the end of its longest bar stays inside the chart."""
    if largest > 0:
        ax.set_xlim(0, largest * 1.2)


def plot_ranked_bars(frame: pl.DataFrame, value: str, label: str, *, title: str, xlabel: str, ylabel: str,
                     month: str, lang: str, percent: bool = False, subtitle: str | None = None,
                     sheet: Sheet = PAPER) -> Figure:
    """Horizontal bars, one per row, in the frame's order (rank it first); values annotated."""
    data = (with_distinct_labels(frame, label, sheet)
            .select(label, (pl.col(value) * (100 if percent else 1)).alias(value)).to_pandas())
    with chart_style():
        fig, ax = new_figure(chart_width(data[label], 8, sheet), bar_height(len(data), sheet, 0.2 * bool(subtitle)))
        sns.barplot(data=data, x=value, y=label, ax=ax, color=palette(1)[0], orient="h")
        for container in ax.containers:
            ax.bar_label(container, fmt="%.2f%%" if percent else "{:,.0f}", fontsize=SMALLEST_TEXT, padding=2)
        leave_room_for_labels(ax, float(data[value].max()) if len(data) else 0.0)
        if not percent:
            format_value_axis(ax.xaxis, lang)
        return decorate(fig, ax, title, xlabel, ylabel, month, lang, subtitle, sheet)


def plot_stacked_bars(frame: pl.DataFrame, label: str, columns: list[str], legend: list[str], *, title: str,
                      xlabel: str, ylabel: str, month: str, lang: str, percent: bool = True,
                      counts: str | None = None, counts_label: str | None = None,
                      subtitle: str | None = None, sheet: Sheet = PAPER) -> Figure:
    """Horizontal stacked bars: one bar per row of `frame`, one segment per column. With `counts` (a column),
    each bar's count is written on an axis to the right (`counts_label`), so that a bar of 100% says how
    many it is 100% of; the legend then sits under the chart."""
    data = (with_distinct_labels(frame, label, sheet)
            .select(label, *[pl.col(c).fill_null(0) * (100 if percent else 1) for c in columns],
                    *([counts] if counts else [])).to_pandas())
    columns_of_legend = len(columns) if sheet is PAPER else 2
    legend_rows = math.ceil(len(columns) / columns_of_legend)
    with chart_style():
        fig, ax = new_figure(chart_width(data[label], 9, sheet),
                             bar_height(len(data), sheet, (0.4 + 0.2 * legend_rows if counts else 0) + 0.2 * bool(subtitle)))
        left = [0.0] * len(data)
        for column, name, colour in zip(columns, legend, palette(len(columns))):
            ax.barh(data[label], data[column], left=left, label=name, color=colour)
            left = [a + b for a, b in zip(left, data[column])]
        ax.invert_yaxis()
        if counts:
            ax.set_xlim(0, 100 if percent else max(left, default=1))
            right = ax.secondary_yaxis("right")
            right.set_yticks(range(len(data)), labels=[f"{value:,.0f}" for value in data[counts]])
            right.set_ylabel(counts_label or "")
            right.tick_params(length=0)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09 - 0.02 * legend_rows), ncol=columns_of_legend,
                      frameon=False)
        else:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        return decorate(fig, ax, title, xlabel, ylabel, month, lang, subtitle, sheet)


def plot_heatmap(frame: pl.DataFrame, label: str, columns: list[str], column_labels: list[str], *, title: str,
                 xlabel: str, ylabel: str, month: str, lang: str, subtitle: str | None = None,
                 sheet: Sheet = PAPER) -> Figure:
    """Rows x shares (0 to 1), coloured from 0 to 100%, each value written in its cell as a percentage, as every
    page writes a share (empty cell = not computed). On a phone without the colour bar: the cells say it."""
    data = with_distinct_labels(frame, label, sheet).select(label, *columns).to_pandas().set_index(label)
    data.columns = [wrap(column, 14 if sheet is PAPER else 24) for column in column_labels]  # words over lines
    percent = data * 100
    written = percent.apply(lambda column: column.map(lambda value: "" if value != value else f"{value:.0f}%"))
    with chart_style():
        fig, ax = new_figure(chart_width(data.index, 6.5, sheet),
                             bar_height(len(data), sheet, 0.4 + 0.2 * bool(subtitle)))  # + the column labels
        sns.heatmap(percent, vmin=0, vmax=100, cmap=PALETTE, annot=written, fmt="", annot_kws={"fontsize": SMALLEST_TEXT},
                    linewidths=0.5, cbar=sheet is PAPER, ax=ax,
                    cbar_kws={"label": f"{column_labels[-1]} (%)" if column_labels else "%"} if sheet is PAPER else None)
        if sheet is not PAPER:  # columns too narrow for their labels side by side
            ax.tick_params(axis="x", labelrotation=90)
        return decorate(fig, ax, title, xlabel, ylabel, month, lang, subtitle, sheet)


def plot_count_bars(frame: pl.DataFrame, x: str, y: str, hue: str | None, *, title: str, xlabel: str,
                    ylabel: str, month: str, lang: str, legend_title: str | None = None,
                    sheet: Sheet = PAPER) -> Figure:
    """Vertical bars of counts (e.g. units per number of upload days), optionally split by hue."""
    data = frame.to_pandas()
    with chart_style():
        fig, ax = new_figure(sheet.width, sheet.figure_height(4))
        colours = {"palette": palette(data[hue].nunique())} if hue else {"color": palette(1)[0]}
        sns.barplot(data=data, x=x, y=y, hue=hue, ax=ax, **colours)
        ax.tick_params(axis="x", labelsize=SMALLEST_TEXT)
        if hue and ax.get_legend() is not None:
            ax.get_legend().set_title(legend_title)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: whole ticks, never 2.5 units
        if sheet is not PAPER and data[x].nunique() > 16:  # a phone: every second day labelled
            for number, tick in enumerate(ax.get_xticklabels()):
                tick.set_visible(number % 2 == 0)
        return decorate(fig, ax, title, xlabel, ylabel, month, lang, sheet=sheet)


def plot_labelled_scatter(frame: pl.DataFrame, x: str, y: str, label: str, highlight: str, *, title: str,
                          xlabel: str, ylabel: str, month: str, lang: str, log: bool = True,
                          sheet: Sheet = PAPER) -> Figure:
    """A scatter of x against y; rows where `highlight` is true are coloured and labelled by name."""
    data = frame.select(x, y, label, pl.col(highlight).fill_null(False)).to_pandas()
    with chart_style():
        fig, ax = new_figure(sheet.width, sheet.figure_height(5.0 if sheet is PAPER else 4.2))
        sns.scatterplot(data=data, x=x, y=y, hue=highlight, palette={False: OTHER, True: palette(1)[0]},
                        style=highlight, markers={False: "o", True: "D"}, legend=False, ax=ax)
        for _, row in data[data[highlight]].iterrows():
            ax.annotate(row[label], (row[x], row[y]), fontsize=SMALLEST_TEXT, xytext=(4, 3),
                        textcoords="offset points")
        if log:
            ax.set_xscale("log")
            ax.set_yscale("log")
        format_value_axis(ax.xaxis, lang)
        format_value_axis(ax.yaxis, lang)
        return decorate(fig, ax, title, xlabel, ylabel, month, lang, sheet=sheet)


def with_missing_months(frame: pl.DataFrame, x: str, hue: str | None) -> pl.DataFrame:
    """Every month from the first to the last (`x`, dates on the 1st), for every hue value; the months the
    frame has not get null values. Sorted by month, hue values in the order they first appear."""
    if frame.height == 0:
        return frame
    months = pl.date_range(frame[x].min(), frame[x].max(), interval="1mo", eager=True).alias(x).to_frame()
    if hue is None:
        return months.join(frame, on=x, how="left")
    hues = frame.sort(x).select(hue).unique(maintain_order=True)
    return months.join(hues, how="cross").join(frame, on=[x, hue], how="left").sort(x, maintain_order=True)


def plot_lines(frame: pl.DataFrame, x: str, y: str, hue: str | None, *, title: str, xlabel: str, ylabel: str,
               month: str, lang: str, legend_title: str | None = None, percent: bool = False,
               sheet: Sheet = PAPER) -> Figure:
    """A line per hue value over the months `x` (YYYY-MM) on a time axis; points are marked while the
    months are few enough to see them (a single month still shows). A month missing between two others
    breaks the line instead of being bridged as if it had been measured."""
    data = with_missing_months(frame.with_columns(pl.col(x).str.to_date("%Y-%m").alias(x)), x, hue).to_pandas()
    groups = [(None, data)] if hue is None else list(data.groupby(hue, sort=False))
    colours = palette(len(groups))
    marker = "o" if data[x].nunique() <= 36 else None
    with chart_style():
        fig, ax = new_figure(sheet.width, sheet.figure_height(3.8 if sheet is PAPER else 3.4))
        for (name, part), colour in zip(groups, colours):
            ax.plot(part[x], part[y], marker=marker, markersize=4, color=colour, label=name)
        if hue is not None:
            ax.legend(title=legend_title, frameon=False)
        set_month_axis(ax, data[x].min(), data[x].max(), lang)
        if not percent:
            format_value_axis(ax.yaxis, lang)
        if frame.schema[y].is_integer():  # a count (hospitals, units): whole ticks, never 33.5 hospitals
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        return decorate(fig, ax, title, xlabel, ylabel, month, lang, sheet=sheet)


def lay_out_once(fig: Figure) -> Figure:
    """Run the figure's layout engine (constrained layout) once, as savefig would, and then fix the positions:
    every rendering after that draws the figure once, instead of laying it out again in a draw of its own
    before the real one (savefig does that whenever a figure has a layout engine). The bytes are the same."""
    engine = fig.get_layout_engine()
    if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
        with chart_style():
            engine.execute(fig)
    with plt.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)  # None, not "none": "none" leaves a placeholder engine, and savefig's extra draw
    return fig


def render_figure(fig: Figure, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes, drawn inside the project style."""
    buffer = io.BytesIO()
    with chart_style():
        fig.savefig(buffer, format=fmt, dpi=DPI, metadata=SAVE_METADATA.get(fmt))
    return buffer.getvalue()


def figure_paths(figures_dir: str | Path, stem: str) -> dict[str, Path]:
    """Where a chart's files go: <figures_dir>/<stem>.png and .svg, by format."""
    return {fmt: Path(figures_dir) / f"{stem}.{fmt}" for fmt in FORMATS}


def write_figure(fig: Figure, figures_dir: str | Path, stem: str) -> dict[str, bytes]:
    """Render the figure once per format and write <stem>.png and <stem>.svg (temporary file, then rename).
    Returns the bytes written, by format."""
    rendered = {}
    lay_out_once(fig)  # both formats are drawn from the same layout, each in a single draw
    for fmt, target in figure_paths(figures_dir, stem).items():
        rendered[fmt] = render_figure(fig, fmt)
        with atomic_path(target) as temporary:
            temporary.write_bytes(rendered[fmt])
    return rendered


def save_figure(fig: Figure, figures_dir: str | Path, stem: str) -> list[Path]:
    """Write the figure as <stem>.png and <stem>.svg; the figure stays open."""
    write_figure(fig, figures_dir, stem)
    return list(figure_paths(figures_dir, stem).values())


def publish_figure(fig: Figure, figures_dir: str | Path, stem: str, narrow: Figure | None = None) -> list[Path]:
    """What a notebook does with a finished chart: write PNG + SVG, show the very PNG that was written
    (instead of letting the inline backend draw the figure a third time), and close the figure. `narrow`, the
    same chart drawn for a phone (report.sheets.PHONE), goes with the PNG as its narrow version (the output's
    `narrow` metadata; the page shows it below 760 px) and is not written."""
    rendered = write_figure(fig, figures_dir, stem)
    narrow_png = None
    if narrow is not None:
        narrow_png = render_figure(lay_out_once(narrow), "png")
        plt.close(narrow)
    show_png(rendered["png"], alt=figure_title(fig), narrow=narrow_png)
    plt.close(fig)
    return list(figure_paths(figures_dir, stem).values())


def figure_title(fig: Figure) -> str:
    """What the chart shows, for its alt text: the titles of its axes (`decorate` gives the chart's), a
    title's second line after a dash."""
    return " · ".join(title.replace("\n", " — ") for title in (ax.get_title() for ax in fig.axes) if title)


def show_png(png: bytes, alt: str = "", narrow: bytes | None = None) -> None:
    """Display PNG bytes in the running notebook, with `alt` as the image's alt text in the HTML page and
    `narrow` (PNG bytes) as its version for a phone; outside IPython there is nothing to show."""
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:  # pragma: no cover - IPython is a dependency of the notebooks
        return
    if get_ipython() is not None:
        extra = {"narrow": base64.b64encode(narrow).decode("ascii")} if narrow else None
        display(Image(data=png, format="png", alt=alt or None, metadata=extra))


def close_figure(fig: Figure) -> None:
    plt.close(fig)
