"""The folder-watching helpers of the robustness tests: a folder that vanishes mid-scan reads as empty."""
from __future__ import annotations

import shutil

from fswatch import any_matching, entries, matching


def test_matching_finds_what_path_glob_finds_hidden_names_included(tmp_path):
    (tmp_path / ".staging" / "2024-11-abc" / "2024-11").mkdir(parents=True)
    (tmp_path / ".staging" / "2024-11-abc" / "2024-11" / "02-validate.html").write_text("x")
    (tmp_path / ".staging" / "2024-11-abc" / "2024-11" / "10-a.html").write_text("x")
    pattern = ".staging/*/2024-11/[1-9]0-*.html"
    assert matching(tmp_path, pattern) == sorted(tmp_path.glob(pattern))
    assert sorted(path.name for path in matching(tmp_path, ".staging/*/2024-11/*.html")) == ["02-validate.html",
                                                                                              "10-a.html"]
    assert not any_matching(tmp_path, ".staging/*/2024-12/*")


def test_a_folder_that_is_gone_or_is_a_file_reads_as_empty(tmp_path):
    assert entries(tmp_path / "absent") == []
    (tmp_path / "file").write_text("x")
    assert entries(tmp_path / "file") == []
    assert matching(tmp_path, "file/*") == []


def test_a_folder_removed_during_the_scan_is_not_an_error(tmp_path, monkeypatch):
    # The scan of .staging lists a month's folder; the run removes that folder before the scan looks inside.
    (tmp_path / ".staging" / "2024-11-abc" / "2024-11").mkdir(parents=True)
    import fswatch

    listed = []
    original = fswatch.entries

    def remove_after_listing(folder):
        found = original(folder)
        listed.append(folder)
        if folder == tmp_path / ".staging":
            shutil.rmtree(tmp_path / ".staging" / "2024-11-abc")  # renamed into place / removed meanwhile
        return found

    monkeypatch.setattr(fswatch, "entries", remove_after_listing)
    assert matching(tmp_path, ".staging/*/2024-11/02-validate.html") == []
    assert tmp_path / ".staging" / "2024-11-abc" in listed  # it did look inside the vanished folder
