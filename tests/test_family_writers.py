"""The institution pages' writers: each renders its run of pages a few at a time in forked children of its own, so no
process holds a copy of more than a run's records; a page the chrome cannot take stops the build in one line."""

import os
from types import SimpleNamespace

import pytest

from generator import background
from generator.write import institutions


class _Bodies:
    def __init__(self, html: str):
        self.html = html

    def body(self, record, edit_url, report_url):
        return self.html


def _pages(count: int) -> list:
    return [(SimpleNamespace(id=f"r{n}", path=f"d/r{n}.yml"), "", "", {}) for n in range(count)]


def test_a_writer_renders_each_run_of_pages_in_a_child_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    monkeypatch.setattr(background, "RUN", 2)
    fill = lambda values: f"{os.getpid()} {values['content']}"
    jobs = institutions.write_family(_Bodies("<h1>甲</h1>"), fill, _pages(5), [("r0", "{}")], tmp_path)
    for job in jobs:
        job.finish()
    written = [(tmp_path / "institutions" / f"r{n}" / "index.html").read_text(encoding="utf-8").split(" ") for n in range(5)]
    assert {body for _, body in written} == {"<h1>甲</h1>"}
    pids = [pid for pid, _ in written]
    assert pids[0] == pids[1] and pids[2] == pids[3] and len({pids[0], pids[2], pids[4]}) == 3
    assert str(os.getpid()) not in pids and (tmp_path / "institutions" / "r0.json").read_text() == "{}"


def test_a_page_without_a_heading_stops_its_writer_in_one_line(tmp_path, capfd):
    (job,) = institutions.write_family(_Bodies("<p>无标题</p>"), lambda values: "", _pages(1), [], tmp_path)
    with pytest.raises(background.BackgroundError, match="机构页面没有写成"):
        job.finish()
    said = capfd.readouterr().err
    assert "机构页面 r0 没有一级标题，无法套用公共框架" in said and "Traceback" not in said
