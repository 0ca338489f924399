"""The analyses behind notebooks 10 to 40: pure functions from processed polars frames to frames.

- `channels`: bookings by channel, hospital and platform, concentration, hotline, reconciliation,
  booking penetration (bookings / outpatient visits).
- `completeness`: upload ratios, the completeness score, complete units (summary.json).
- `throughput`: per-unit visits, income per visit and per discharge, robust outliers.
- `trends`: month-over-month and year-over-year changes, units appearing or leaving, cumulative counters.

A unit left out of a ratio is returned in an `excluded` frame with the reason, never dropped silently.
"""
