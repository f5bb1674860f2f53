"""The change feed and the 最近更新 page, read from the git history of the directory folder."""

import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

from generator.model.history import read_history
from generator.read.directory import load_taxonomy
from generator.write.feed import render_feed, summary
from tests.support import ROOT, commit

FIXTURES = Path(__file__).parent / "fixtures"
A = "{http://www.w3.org/2005/Atom}"
DISCLOSURES = {"standards": "服务标准", "process": "服务流程", "content": "服务功能", "fees": "收费标准", "hours": "办理时限"}
LABELS = load_taxonomy(ROOT / "directory")[0].labels | {f"disclosures.{key}": label for key, label in DISCLOSURES.items()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def make_repo(tmp_path) -> Path:
    """A repository whose directory/ went through: two added; fees and hours changed; one suspended; one added; restored."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "valid", repo / "directory")
    (repo / "README.md").write_text("readme\n")
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    commit(repo, "two records", 1)
    center, finance = repo / "directory/pudong/test-center.yml", repo / "directory/huangpu/test-finance.yml"
    edit(center, "按目录收费，咨询免费", "全部免费")
    edit(center, "hours: ", "hours: 周一至周六 ")
    commit(repo, "fees", 2)
    (repo / "README.md").write_text("only the readme\n")
    commit(repo, "not the directory", 3)
    edit(finance, "verified:", "status: suspended\nverified:")
    commit(repo, "suspend", 4)
    (repo / "directory/pudong/new-center.yml").write_text(center.read_text(encoding="utf-8").replace("测试检测中心", "新检测中心"),
                                                         encoding="utf-8")
    commit(repo, "add", 5)
    edit(finance, "status: suspended\n", "")
    commit(repo, "restore", 6)
    return repo


def history_of(repo: Path, **limits):
    _, choices, _ = load_taxonomy(repo / "directory")
    return read_history(repo / "directory", choices, LABELS, **limits)


def test_history_lists_published_changes_newest_first(tmp_path):
    history = history_of(make_repo(tmp_path))
    assert history.note == ""
    assert [(e.date[:10], e.label, e.name, e.fields) for e in history.events] == [
        ("2026-03-06", "恢复公开", "测试融资服务站", []),
        ("2026-03-05", "新增", "新检测中心", []),
        ("2026-03-04", "停止公开", "测试融资服务站", []),
        ("2026-03-02", "更新", "测试检测中心", ["收费标准", "办理时限"]),
        ("2026-03-01", "新增", "测试融资服务站", []),
        ("2026-03-01", "新增", "测试检测中心", []),
    ]
    assert len(history_of(tmp_path / "repo", max_events=2).events) == 2


def test_a_drafts_first_publication_is_new_and_a_rename_with_aliases_is_one_rename(tmp_path):
    repo = make_repo(tmp_path)
    draft = repo / "directory/pudong/draft-center.yml"
    draft.write_text((repo / "directory/pudong/new-center.yml").read_text(encoding="utf-8").replace("新检测中心", "草稿检测中心")
                     .replace("verified:", "status: draft\nverified:"), encoding="utf-8")
    commit(repo, "a draft", 7)
    edit(draft, "status: draft\n", "")
    commit(repo, "published", 8)
    renamed = repo / "directory/pudong/renamed-center.yml"
    renamed.write_text((repo / "directory/pudong/new-center.yml").read_text(encoding="utf-8") + "aliases: [new-center]\n",
                       encoding="utf-8")
    (repo / "directory/pudong/new-center.yml").unlink()
    commit(repo, "renamed", 9)
    events = history_of(repo).events
    assert [(e.date[:10], e.kind, e.record_id, e.fields) for e in events[:2]] == [
        ("2026-03-09", "renamed", "renamed-center", ["原标识 new-center"]), ("2026-03-08", "added", "draft-center", [])]
    assert events[0].label == "改名" and summary(events[0]) == "改用新的网址（原标识 new-center），原网址自动转到这里。"


def parse(feed: bytes):
    root = ElementTree.fromstring(feed)
    assert root.tag == A + "feed"
    for required in ("id", "title", "updated", "author/" + A + "name"):
        assert root.find(A + required).text.strip()
    entries = root.findall(A + "entry")
    for entry in entries:
        for required in ("id", "title", "updated", "summary"):
            assert entry.find(A + required).text.strip(), required
        assert entry.find(A + "link").get("rel") == "alternate"
    return root, entries


def test_feed_is_atom_with_stable_ids(tmp_path):
    repo = make_repo(tmp_path)
    first = render_feed(history_of(repo), "测试名录", "测试主管部门", "https://example.org/d/",
                        {"test-center", "test-finance", "new-center"},
                        "2026-01-01T00:00:00Z")
    root, entries = parse(first)
    assert root.find(A + "updated").text == "2026-03-06T10:00:00+08:00"
    assert root.find(A + "link[@rel='self']").get("href") == "https://example.org/d/feed.xml"
    ids = [e.find(A + "id").text for e in entries]
    assert len(set(ids)) == len(ids) == 6
    assert all(i.startswith("tag:example.org,2026-03-0") for i in ids)
    assert entries[3].find(A + "summary").text == "修改了：收费标准、办理时限"
    assert entries[3].find(A + "link").get("href") == "https://example.org/d/institutions/test-center/"
    again = render_feed(history_of(repo), "测试名录", "测试主管部门", "https://example.org/d/",
                        {"test-center", "test-finance", "new-center"},
                        "2026-01-01T00:00:00Z")
    assert again == first
    edit(repo / "directory/pudong/new-center.yml", "tier: city", "tier: district")
    commit(repo, "later", 7)
    later = [e.find(A + "id").text for e in parse(render_feed(history_of(repo), "t", "a", "", set(), "2026-01-01T00:00:00Z"))[1]]
    assert len(later) == 7 and later[0].endswith("/new-center")
    assert [i.split(",", 1)[1] for i in later[1:]] == [i.split(",", 1)[1] for i in ids]


def test_unpublished_records_get_no_link(tmp_path):
    repo = make_repo(tmp_path)
    _, entries = parse(render_feed(history_of(repo), "t", "a", "", {"test-center"}, "2026-01-01T00:00:00Z"))
    assert entries[2].find(A + "link").get("href") == "changes/"


def test_shallow_clone_and_no_repository_say_why(tmp_path):
    repo = make_repo(tmp_path)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo}", str(shallow)], check=True, capture_output=True)
    history = history_of(shallow)
    assert [e.label for e in history.events] == ["恢复公开"]
    assert "浅克隆" in history.note
    plain = tmp_path / "plain"
    shutil.copytree(FIXTURES / "valid", plain / "directory")
    history = history_of(plain)
    assert history.events == [] and "git" in history.note


def test_the_sample_site_has_the_feed_and_the_page(sample_site):
    _, entries = parse((sample_site / "feed.xml").read_bytes())
    page = (sample_site / "changes" / "index.html").read_text(encoding="utf-8")
    assert "<h1" in page and "最近更新" in page
    shallow = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--is-shallow-repository"], check=True, capture_output=True,
                             text=True).stdout
    if shallow.strip() == "true" and not entries:  # a CI clone of depth 1: the page must say why it is empty
        assert "浅克隆" in page
    else:
        assert entries, "the sample directory has git history"
        assert entries[0].find(A + "title").text.split("：", 1)[1] in page
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in home and 'href="./feed.xml"' in home
