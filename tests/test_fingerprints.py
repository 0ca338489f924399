# ruff: noqa: F811 - the tests take the planning fixtures imported from test_plan (specs, workspace)
"""Fingerprints (`pipeline.fingerprints`): what a notebook's run depends on, as digests. The digests are checked
against hashlib on the same bytes; the planned months are test_plan's (the seed relabelled 2024-08 to 2024-10,
the real notebooks, of which 40-trends and 50-attention read the history).
"""
from __future__ import annotations

import hashlib
from dataclasses import replace

from njbulletin.pipeline.fingerprints import fingerprint, input_digests, sha256_json
from test_plan import HISTORY_NOTEBOOKS, MONTH_NOTEBOOKS, MONTHS, NOTEBOOKS, correct, plan, specs, workspace  # noqa: F401 - the planning tests' fixtures, shared


def test_sha256_json_is_the_digest_of_the_sorted_utf8_json():
    assert sha256_json({"b": 1, "a": "南京"}) == hashlib.sha256('{"a": "南京", "b": 1}'.encode()).hexdigest()


def test_a_fingerprint_does_not_depend_on_the_order_inputs_are_listed_in():
    assert fingerprint({"a.txt": "1", "b.txt": "2"}, "code", {"lang": "zh"}) == \
        fingerprint({"b.txt": "2", "a.txt": "1"}, "code", {"lang": "zh"})
    assert fingerprint({"a.txt": "1"}, "code", {"lang": "zh"}) != fingerprint({"a.txt": "1"}, "code", {"lang": "en"})


def test_input_digests_hash_only_the_months_up_to_the_last_one_planned(tmp_path):
    files = {}
    for month, text in (("2024-10", b"ten"), ("2024-11", b"eleven"), ("2024-12", b"twelve")):
        files[month] = tmp_path / f"{month}.txt"
        files[month].write_bytes(text)
    digests = input_digests(files, "2024-11")
    assert digests == {"2024-10": hashlib.sha256(b"ten").hexdigest(), "2024-11": hashlib.sha256(b"eleven").hexdigest()}


def test_a_month_notebook_reads_its_own_raw_file_and_a_history_notebook_every_month_up_to_its_own(workspace, specs):
    plans = plan(workspace, specs)
    for month_plan in plans:
        inputs = {notebook.name: sorted(notebook.inputs) for notebook in month_plan.notebooks}
        own = [f"{month_plan.month}.txt"]
        up_to = [f"{month}.txt" for month in MONTHS if month <= month_plan.month]
        assert inputs == {**dict.fromkeys(MONTH_NOTEBOOKS, own), **dict.fromkeys(HISTORY_NOTEBOOKS, up_to)}
        assert sorted(month_plan.inputs) == up_to  # the manifest's inputs: every file a notebook read


def fingerprints(plans) -> dict[tuple[str, str], str]:
    return {(p.month, notebook.name): notebook.fingerprint for p in plans for notebook in p.notebooks}


def changed(before, after) -> set[tuple[str, str]]:
    return {key for key in before if before[key] != after[key]}


def test_an_earlier_month_s_raw_file_changes_only_its_month_and_the_later_history_notebooks(workspace, specs):
    before = fingerprints(plan(workspace, specs))
    correct(workspace, "2024-08")
    assert changed(before, fingerprints(plan(workspace, specs))) == {
        *(("2024-08", name) for name in NOTEBOOKS),
        *((month, name) for month in ("2024-09", "2024-10") for name in HISTORY_NOTEBOOKS)}


def test_the_code_the_parameters_and_the_first_stage_change_every_fingerprint(workspace, specs):
    before = fingerprints(plan(workspace, specs))
    assert fingerprints(plan(workspace, specs)) == before
    assert changed(before, fingerprints(plan(workspace, specs, code="code-2"))) == set(before)
    for option in ({"lang": "en"}, {"with_code": True}, {"allow_errors": True}):
        assert changed(before, fingerprints(plan(replace(workspace, **option), specs))) == set(before), option
    first = [replace(spec, cells="edited") if spec.name == "01-ingest" else spec for spec in specs]
    assert changed(before, fingerprints(plan(workspace, first))) == set(before)


def test_a_notebook_s_own_cells_change_only_that_notebook(workspace, specs):
    before = fingerprints(plan(workspace, specs))
    edited = [replace(spec, cells="edited") if spec.name == "20-upload-completeness" else spec for spec in specs]
    assert changed(before, fingerprints(plan(workspace, edited))) == {
        (month, "20-upload-completeness") for month in MONTHS}


