"""Keeping the directory true over time: the `check` report and its tracking issue, website checks against a local
server, redirect pages for former addresses, and `diff` refusing a change that breaks an address."""

import datetime
import http.server
import json
import socket
import ssl
import subprocess
import sys
import threading
import time
import typing
import urllib.parse
import zipfile

import pytest
from playwright.sync_api import expect

from generator.__main__ import main
from generator.model.model import Model
from generator.model.upkeep import TITLE, findings, format_markdown, tracking_action
from generator.read.directory import load_directory
from generator.read.linkcheck import check_links, classify_error
from generator.write.pages import render_institution
from tests.support import ROOT, commit

TODAY = datetime.date(2026, 11, 1)


@pytest.fixture
def aging(valid_dir):
    """The valid directory with one overdue record, one title expiring soon, one expired and one draft."""
    root = valid_dir
    center = root / "pudong" / "test-center.yml"
    text = center.read_text(encoding="utf-8")
    center.write_text(text.replace("verified: 2026-10-01", "verified: 2025-09-30").replace("expires: 2099-12-31", "expires: 2026-12-31")
                      .replace("  - {level: national, year: 2024, expires: 2026-12-31}",
                               "  - {level: national, year: 2024, expires: 2026-12-31}\n"
                               "  - {level: municipal, year: 2018, expires: 2021-12-31}"),
                      encoding="utf-8")
    draft = text.replace("测试检测中心", "草稿中心").replace("Test Centre", "Draft Centre").replace("verified: 2026-10-01",
                                                                                                    "status: draft\nverified: 2026-10-01")
    draft = draft.replace("credit_code: 91310115MA1K000003\n", "")  # another institution: not a probable duplicate
    (root / "huangpu" / "draft-center.yml").write_text(draft.replace("district: pudong", "district: huangpu"), encoding="utf-8")
    return root


def test_the_tracking_issue_body_groups_records_by_district_with_one_checkbox_each(aging):
    directory, _ = load_directory(aging, TODAY)
    body = format_markdown(findings(directory, TODAY), directory)
    assert body == (
        "由 `python -m generator check --links` 定期生成：共 2 条记录需要处理。"
        "处理后提交修改，下次检查时条目会自动消失；全部处理完后本议题会自动关闭。\n\n"
        "### 黄浦区（1 条）\n\n"
        "- [ ] `directory/huangpu/draft-center.yml` 草稿中心\n"
        "  - 草稿待补全：补齐内容并核实后，把 status 改为 active 即可公开\n\n"
        "### 浦东新区（1 条）\n\n"
        "- [ ] `directory/pudong/test-center.yml` 测试检测中心\n"
        "  - 最近核实日期 2025-09-30 已超过 12 个月：请向机构核实后更新 verified\n"
        "  - 2024 年的示范平台称号将于 2026-12-31 到期：请提醒机构办理复核\n"
        "  - 2018 年的示范平台称号已于 2021-12-31 到期：已续期请更新 expires，未续期可保留为历史\n")
    again, _ = load_directory(aging, TODAY)
    assert format_markdown(findings(again, TODAY), again) == body  # the same state gives the same body: no churn


def test_check_command_reports_and_exits_0_whatever_it_finds(aging, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC).timestamp())))
    assert main(["check", "--directory", str(aging)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("共 2 条记录需要处理。")
    assert main(["check", "--directory", str(aging), "--format", "json"]) == 0
    assert {item["kind"] for item in json.loads(capsys.readouterr().out)} == {"draft", "verification", "title-expiring", "title-expired"}
    with pytest.raises(SystemExit) as usage:
        main(["check", "--format", "yaml"])
    assert usage.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "python -m generator check：--format 的值“yaml”不是可选的值（可选：text、json、markdown）（用 -h 查看说明）")


@pytest.mark.parametrize(("open_body", "body", "action"), [
    (None, "", "none"), (None, "x", "create"), ("x", "x\n", "none"), ("x", "y", "update"), ("x", "", "close")])
def test_tracking_issue_is_created_updated_left_alone_or_closed(open_body, body, action):
    assert tracking_action(open_body, body) == action


class _FakeGitHub(http.server.BaseHTTPRequestHandler):
    """Just enough of the GitHub issues API for .ci/tracking-issue."""

    issues: typing.ClassVar[list] = []
    seen: typing.ClassVar[list] = []  # the Authorization header of each listing request
    elsewhere = ""

    def log_message(self, *args):
        pass

    def _reply(self, value, status=200):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if "redirect" in self.path:  # the API moved: send the client to another origin
            self.send_response(301)
            self.send_header("Location", f"{_FakeGitHub.elsewhere}/repos/bureau/directory/issues?state=open")
            self.end_headers()
            return
        _FakeGitHub.seen.append(self.headers.get("Authorization"))
        size, page = int(query["per_page"][0]), int(query["page"][0])
        self._reply([i for i in self.issues if i["state"] == "open"][(page - 1) * size:page * size])

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.issues.append({"number": len(self.issues) + 1, "state": "open", **payload})
        self._reply(self.issues[-1], 201)

    def do_PATCH(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        issue = self.issues[int(self.path.rsplit("/", 1)[1]) - 1]
        issue.update(payload)
        self._reply(issue)


def _fake_github():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeGitHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _tracking(tmp_path, api, text):
    env = {"GITHUB_API_URL": api, "GITHUB_REPOSITORY": "bureau/directory", "GITHUB_TOKEN": "t", "PATH": "/usr/bin:/bin"}
    body = tmp_path / "body.md"
    body.write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, str(ROOT / ".ci/tracking-issue"), "github", str(body)], env=env, capture_output=True,
                          text=True, check=False)


def test_the_ci_script_reads_every_page_of_open_issues_and_keeps_the_body_under_the_limit(tmp_path):
    _FakeGitHub.issues = [{"number": n, "state": "open", "title": f"别的议题 {n}", "body": "…"} for n in range(1, 251)]
    _FakeGitHub.issues.append({"number": 251, "state": "open", "title": TITLE, "body": "- [ ] old"})
    server = _fake_github()
    try:
        body = "由 …\n\n" + "".join(f"- [ ] `directory/pudong/r{n}.yml` 机构 {n}\n  - 草稿待补全：补齐内容\n" for n in range(2000))
        result = _tracking(tmp_path, f"http://127.0.0.1:{server.server_port}", body)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "已更新核实清单议题"
    finally:
        server.shutdown()
    assert len(_FakeGitHub.issues) == 251  # the issue on the third page was found, not opened again
    written = _FakeGitHub.issues[-1]["body"]
    assert len(written) <= 65_536
    listed = written.count("- [ ] ")
    assert 0 < listed < 2000
    assert written.endswith(f"……另有 {2000 - listed} 条记录未列出（议题正文不能超过 65,536 个字符）："
                            "完整清单见本次运行的附件 tracking-issue.json（Actions 运行页面的 Artifacts）\n")


def test_the_ci_script_never_sends_the_token_to_another_origin(tmp_path):
    _FakeGitHub.issues, _FakeGitHub.seen = [], []
    first, second = _fake_github(), _fake_github()
    _FakeGitHub.elsewhere = f"http://127.0.0.1:{second.server_port}"
    try:
        result = _tracking(tmp_path, f"http://127.0.0.1:{first.server_port}/redirect", "- [ ] a")
    finally:
        first.shutdown()
        second.shutdown()
    assert _FakeGitHub.seen and set(_FakeGitHub.seen) == {None}, result.stderr


def test_record_text_in_the_issue_body_cannot_mention_link_or_format(aging):
    record = aging / "huangpu" / "draft-center.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("name: 草稿中心",
                                                                 "name: '草稿中心 @octocat [点我](https://evil.example/) *粗* #1'"),
                      encoding="utf-8")
    directory, _ = load_directory(aging, TODAY)
    body = format_markdown(findings(directory, TODAY), directory)
    assert "- [ ] `directory/huangpu/draft-center.yml` 草稿中心 @\u2060octocat \\[点我\\](`https://evil.example/)` \\*粗\\* \\#1\n" in body


def test_the_ci_script_keeps_one_tracking_issue(tmp_path):
    _FakeGitHub.issues = [{"number": 1, "state": "open", "title": "别的议题", "body": "…"}]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeGitHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {"GITHUB_API_URL": f"http://127.0.0.1:{server.server_port}", "GITHUB_REPOSITORY": "bureau/directory", "GITHUB_TOKEN": "t",
           "PATH": "/usr/bin:/bin"}
    body = tmp_path / "body.md"

    def run(text):
        body.write_text(text, encoding="utf-8")
        result = subprocess.run([sys.executable, str(ROOT / ".ci/tracking-issue"), "github", str(body)], env=env, capture_output=True,
                                text=True, check=True)
        return result.stdout.strip()

    try:
        assert run("- [ ] a") == "已新建核实清单议题"
        assert run("- [ ] a\n") == "核实清单没有变化"
        assert run("- [ ] b") == "已更新核实清单议题"
        assert run("") == "没有待核实的记录，已关闭核实清单议题"
    finally:
        server.shutdown()
    mine = [i for i in _FakeGitHub.issues if i["title"] == TITLE]
    assert len(mine) == 1 and mine[0]["body"] == "- [ ] b" and mine[0]["state"] == "closed"
    assert _FakeGitHub.issues[0] == {"number": 1, "state": "open", "title": "别的议题", "body": "…"}


class _Sites(http.server.BaseHTTPRequestHandler):
    """200, 301 → 200, 404, 410, 500, a HEAD-refusing server, a slow one, one sending a header line every 0.3 s,
    redirects to ftp:// and to another loopback address."""

    requests = 0

    def log_message(self, *args):
        pass

    def _answer(self, head):
        _Sites.requests += 1
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(3)
        if path == "/drip":
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for _ in range(100):
                    time.sleep(0.3)
                    self.wfile.write(b"X-Drip: 1\r\n")
            except OSError:  # the check hung up, as it should
                pass
            return
        if path in ("/to-ftp", "/to-private"):
            self.send_response(302)
            port = self.server.server_port
            self.send_header("Location",
                             "ftp://files.example.org/x?token=secret" if path == "/to-ftp" else f"http://127.0.0.2:{port}/ok?token=secret")
        elif path == "/no-head" and head:
            self.send_response(405)
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        else:
            self.send_response({"/missing": 404, "/gone": 410, "/broken": 500}.get(path, 200))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._answer(True)

    def do_GET(self):
        self._answer(False)


@pytest.fixture(scope="module")
def sites():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sites)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_each_kind_of_answer_is_classified(sites):
    refused = f"http://127.0.0.1:{_closed_port()}/"
    urls = [f"{sites}/ok", f"{sites}/moved", f"{sites}/missing", f"{sites}/gone", f"{sites}/broken", f"{sites}/no-head", f"{sites}/slow",
            refused]
    results = check_links(urls, timeout=1, allow_private=True)
    assert {url.rsplit("/", 1)[-1] or "refused": results[url].kind for url in urls} == {
        "ok": "ok", "moved": "redirect", "missing": "not-found", "gone": "gone", "broken": "server-error", "no-head": "ok",
        "slow": "timeout", "refused": "refused"}
    assert results[f"{sites}/moved"].target == f"{sites}/ok"
    assert results[f"{sites}/moved"].describe() == f"已跳转到新地址：{sites}/ok"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "127.1", "[::1]", "[::ffff:127.0.0.1]", "10.0.0.1",
                                  "192.168.1.1", "169.254.169.254", "224.0.0.1", "240.0.0.1", "0.0.0.0"])
def test_loopback_private_link_local_multicast_and_reserved_addresses_are_not_contacted(sites, host):
    port = sites.rsplit(":", 1)[1]
    before = _Sites.requests
    started = time.monotonic()
    [result] = check_links([f"http://{host}:{port}/ok"], timeout=1).values()
    assert result.kind == "private" and result.describe().startswith("地址是本机、内网或保留地址，未访问；")
    assert _Sites.requests == before and time.monotonic() - started < 1


def test_only_http_and_https_are_followed_and_every_redirect_hop_is_checked(sites, monkeypatch):
    from generator.read import linkcheck

    assert check_links(["ftp://files.example.org/x"], timeout=1)["ftp://files.example.org/x"].kind == "scheme"
    monkeypatch.setattr(linkcheck, "is_public", lambda address: address == "127.0.0.1")  # the server stands for a public site
    results = check_links([f"{sites}/to-ftp", f"{sites}/to-private"], timeout=1)
    assert results[f"{sites}/to-ftp"].describe() == "不是 http(s) 地址，未访问；跳转到 ftp://files.example.org/x"
    assert results[f"{sites}/to-private"].kind == "private" and "127.0.0.2" in results[f"{sites}/to-private"].detail
    assert "secret" not in repr(results)


def test_a_server_sending_a_byte_at_a_time_is_cut_off_at_the_deadline(sites):
    import signal

    previous = signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # main() of an earlier test restored the default
    try:
        started = time.monotonic()
        [result] = check_links([f"{sites}/drip"], timeout=1, allow_private=True).values()
        assert result.kind == "timeout" and result.detail == "2 秒内没有完成"
        assert time.monotonic() - started < 6  # one retry: twice the deadline of 2 × timeout
        time.sleep(0.5)  # the server notices the hang-up
    finally:
        signal.signal(signal.SIGPIPE, previous)


def test_dns_and_tls_failures_are_named():
    import urllib.error

    assert classify_error(urllib.error.URLError(socket.gaierror(-2, "Name or service not known")))[0] == "dns"
    assert classify_error(urllib.error.URLError(ssl.SSLCertVerificationError(1, "certificate verify failed")))[0] == "tls"


def test_a_thousand_links_to_one_slow_host_finish_in_bounded_time(sites):
    started = time.monotonic()
    results = check_links([f"{sites}/slow?{n}" for n in range(1000)], timeout=0.5, per_host=2, give_up_after=3, allow_private=True)
    assert time.monotonic() - started < 20
    assert {r.kind for r in results.values()} == {"timeout"} and len(results) == 1000
    assert sum("未再请求" in r.detail for r in results.values()) >= 990


def test_broken_and_moved_websites_become_findings(aging, sites):
    record = aging / "pudong" / "test-center.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("https://test-center.example.org/", f"{sites}/moved"), encoding="utf-8")
    directory, _ = load_directory(aging, TODAY)
    items = findings(directory, TODAY, check_links([f"{sites}/moved"], timeout=1, allow_private=True))
    assert [f.todo for f in items if f.kind == "link-moved"] == [f"网站 {sites}/moved 已跳转到 {sites}/ok：请核实后把 website 改为新地址"]


def test_the_page_shows_when_the_record_was_last_verified_and_warns_when_overdue(aging):
    directory, _ = load_directory(aging, TODAY)
    model = Model(directory, TODAY)
    record = next(r for r in directory.records if r.id == "test-center")
    html = render_institution(model, record, "", "").html
    assert "信息最近核实：2025-09-30<span class=\"dir-overdue\">（已超过 12 个月未核实" in html
    fresh = render_institution(Model(directory, datetime.date(2026, 1, 1)), record, "", "").html
    assert "信息最近核实：2025-09-30</p>" in fresh


def test_former_addresses_redirect_and_stay_out_of_search_and_sitemap(sample_site, page, serve):
    old = sample_site / "institutions" / "pudong-ic-testing-platform" / "index.html"
    html = old.read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../pudong-ic-testing/">' in html
    assert '<link rel="canonical" href="https://directory.example.org/institutions/pudong-ic-testing/">' in html
    assert '<meta name="robots" content="noindex">' in html and 'href="../pudong-ic-testing/"' in html
    assert (sample_site / "districts" / "zhabei" / "index.html").read_text(encoding="utf-8").count("../jingan/") == 2
    for path in [sample_site / "sitemap.xml", *(sample_site / "search").rglob("*.json")]:
        assert "pudong-ic-testing-platform" not in path.read_text(encoding="utf-8")
    page.goto(serve + "/institutions/pudong-ic-testing-platform/")
    expect(page).to_have_url(serve + "/institutions/pudong-ic-testing/")
    page.goto(serve + "/districts/zhabei/")
    expect(page).to_have_url(serve + "/districts/jingan/")


def test_former_addresses_redirect_in_the_offline_copy(sample_site, page, tmp_path):
    with zipfile.ZipFile(sample_site / "downloads" / "directory-offline.zip") as archive:
        archive.extractall(tmp_path)
    root = tmp_path / "directory-offline"
    page.goto((root / "institutions" / "pudong-ic-testing-platform" / "index.html").as_uri())
    expect(page).to_have_url((root / "institutions" / "pudong-ic-testing" / "index.html").as_uri())


def _commit(repo):
    commit(repo, "change")


def test_diff_refuses_a_rename_without_alias_and_a_deletion_and_accepts_a_rename_with_alias(repo, capsys):
    folder = repo / "directory" / "pudong"
    (folder / "test-center.yml").rename(folder / "test-lab.yml")
    _commit(repo)
    assert main(["diff", "HEAD~1", "HEAD", "--repo", str(repo)]) == 1
    err = capsys.readouterr().err
    assert ("pudong/test-center.yml（测试检测中心）被删除或改名，旧网址 /institutions/test-center/ 将失效。"
            "改名请在新文件中写 aliases: [test-center]") in err

    text = (folder / "test-lab.yml").read_text(encoding="utf-8")
    (folder / "test-lab.yml").write_text(text.replace("verified:", "aliases: [test-center]\nverified:"), encoding="utf-8")
    _commit(repo)
    assert main(["diff", "HEAD~2", "HEAD", "--repo", str(repo)]) == 0
    capsys.readouterr()

    (repo / "directory" / "huangpu" / "test-finance.yml").unlink()
    _commit(repo)
    assert main(["diff", "HEAD~1", "HEAD", "--repo", str(repo)]) == 1
    assert "不再公开请改为 status: revoked，不要删除文件" in capsys.readouterr().err


def test_check_lists_probable_duplicates_the_notes_of_the_import_and_what_a_draft_still_lacks(valid_dir, capsys):
    center = valid_dir / "pudong" / "test-center.yml"
    text = center.read_text(encoding="utf-8")
    twin = text.replace("name: 测试检测中心", "name: 浦东新区 测试检测中心").replace("verified: 2026-10-01",
                                                                                 "status: draft\nverified: 2026-10-01")
    (valid_dir / "pudong" / "twin.yml").write_text(twin.replace("credit_code: 91310115MA1K000003\n", ""), encoding="utf-8")
    (valid_dir / "huangpu" / "half.yml").write_text(
        "name: 半成品中心\ndistrict: huangpu\ncontacts:\n  phone: \"021-5555-0000\"\nstatus: draft\n"
        "notes:\n  - 《2026.xlsx》中没有这家机构（2026-12-01 导入）\n", encoding="utf-8")
    assert main(["check", "--directory", str(valid_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert ("huangpu/half.yml: 半成品中心：草稿还缺：层级、服务功能、运营机构、地址、服务五公开、最近核实日期。"
            "草稿待补全：补齐内容并核实后，把 status 改为 active 即可公开") in lines
    assert "huangpu/half.yml: 半成品中心：导入备注：《2026.xlsx》中没有这家机构（2026-12-01 导入）（处理后删去这一条）" in lines
    assert ("pudong/twin.yml: 浦东新区 测试检测中心：可能与 pudong/test-center.yml（测试检测中心）是同一家机构（名称相同）："
            "核实后删去重复的草稿，或把已公开的一条改为 revoked") in lines
