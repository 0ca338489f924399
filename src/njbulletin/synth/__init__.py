"""Synthetic months: bulletins in the seed's format with plausibly perturbed, consistent figures.

`generate_bulletins(months, start, seed)` returns, for each of `months` consecutive months, the month,
the bulletin text and the figures it was written from (`expected`). The text keeps the seed's prose
before and after the statistics section and rewrites that section from a model of the month:

- every printed total is consistent: each hospital's 小计, the 合计 of each channel and overall, the
  platforms' 合计, 12320快速预约 equal to the quick-channel total, the hotline total equal to the sum
  of its six call categories;
- each unit's figures follow a slow random walk; volumes scale with the month's working days (China's calendar,
  `njbulletin.workdays`) and dip around the Spring Festival (`model.volume_scale`);
- real-time upload days never exceed the days of the month, and many units upload on every day;
- the cumulative counters advance: bookings by the month's total, records by the month's scheduled
  uploads (printed in 亿 with two decimals, as the seed prints them);
- now and then a hospital joins or leaves the bookings or the uploads table (new ones are taken from
  data/reference/hospitals.csv, so they are real names the registry knows);
- tables break across pages with the header repeated, as in the seed;
- the first line says the file is synthetic.

The same seed gives the same text, byte for byte. `njbulletin synth` writes YYYY-MM.txt and, in the
subfolder expected/, YYYY-MM.expected.json (so `run` on the folder reads it without a warning); it refuses to
write into the raw data folder.
"""
from njbulletin.synth.bulletins import (
                                        SYNTHETIC_MARKER,
                                        expected_tables,
                                        generate_bulletins,
                                        render_month,
                                        write_bulletins,
)

__all__ = ["SYNTHETIC_MARKER", "expected_tables", "generate_bulletins", "render_month", "write_bulletins"]
