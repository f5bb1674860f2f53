"""The form editor at /admin/: Decap CMS served from the site (nothing from other hosts), its config generated from
the field table and the taxonomy, and what it saves: valid records in the canonical form `fmt` writes."""

import datetime
import difflib
import json
import shutil
import subprocess
import sys

import pytest
import yaml

from benchmarks.synth import write_directory
from generator.canonical import record_text
from generator.commands.build import build_site
from generator.ids import id_for, naming
from generator.model.model import Model
from generator.read.directory import load_directory
from generator.schema import RECORD
from generator.write.cms import admin_config, backend, format_settings
from tests.support import EPOCH, FIXTURES, ROOT, SAMPLE, serving

EXISTING = "pudong-ic-testing"


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    """The sample built with the editor's in-browser test backend (a switch only tests use), served locally."""
    out = tmp_path_factory.mktemp("cms") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build_site(ROOT / "directory", out, ROOT / "mkdocs.yml", None, {"catalogue": False, "cms_test_backend": True})
    with serving(out) as url:
        yield url


def open_editor(page, url, files=None):
    outside = []
    page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url))
    page.on("dialog", lambda dialog: dialog.accept())
    if files:
        page.add_init_script(f"window.repoFiles = {__import__('json').dumps(files, ensure_ascii=False)};")
    page.goto(url + "/admin/")
    page.get_by_role("button", name="登录").click()
    return outside


def field(page, name):
    return page.locator(f"[id^={name}-field-]").first


def choose(page, name, text):
    field(page, name).click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def publish(page, folder="pudong"):
    page.get_by_role("button", name="保存").click()
    page.get_by_text("内容已保存").wait_for()
    page.get_by_text("状态: 草稿").click()
    page.get_by_text("就绪", exact=True).click()
    page.get_by_text("发布", exact=True).click()
    page.get_by_text("立即发布").click()
    page.wait_for_function(f"Object.keys(((window.repoFiles || {{}}).directory || {{}}).{folder} || {{}}).length")


def saved(page, folder="pudong"):
    return {name: item["content"] for name, item in page.evaluate(f"window.repoFiles.directory.{folder}").items()}


def validate(tmp_path, name, text):
    root = tmp_path / "directory"
    (root / "pudong").mkdir(parents=True)
    shutil.copy(ROOT / "directory" / "taxonomy.yml", root / "taxonomy.yml")
    (root / "pudong" / name).write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator", "validate", "--directory", str(root)], check=False, cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    directory, _ = load_directory(root)
    return directory.records[0]


def test_admin_loads_with_no_request_leaving_this_host(page, editor):
    outside = open_editor(page, editor)
    page.goto(editor + "/admin/#/collections/pudong/new")
    field(page, "name").wait_for()
    assert outside == []
    assert page.errors == [] or all("favicon" in e or "Failed to load resource" in e for e in page.errors)


ADMIN_TEXT = ("这是上海市中小企业主管部门（示例）维护本名录的编辑表单：在这里新增或修改服务机构记录、年度评价结果和季度通报，"
              "填写的内容按字段说明检查后写成记录文件。"
              "只有对名录数据仓库有编辑权限的工作人员可以用测试账号登录。"
              "每次保存都会成为一个合并请求（pull request），经审核人员检查、合并后才在网站上公开；审核前网站上的内容不变。"
              "填写方法见编辑指南，各字段的含义见字段说明。")


def test_the_admin_page_names_the_site_says_what_it_is_for_and_links_the_guide(page, editor):
    open_editor(page, editor)
    assert page.title() == "编辑表单 · 上海市中小企业公共服务机构名录（示例）"
    assert page.locator(".dir-admin h1").inner_text() == "上海市中小企业公共服务机构名录（示例）"
    assert page.locator(".dir-admin p").inner_text() == ADMIN_TEXT
    for name, path in (("编辑指南", "/editing/"), ("字段说明", "/help/fields/")):
        href = page.get_by_role("link", name=name).evaluate("a => a.href")
        assert href == editor + path and page.request.get(href).status == 200
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert icon == editor + "/assets/favicon.svg" and page.request.get(icon).status == 200


def test_the_admin_page_names_the_code_host_people_sign_in_with(tmp_path):
    from generator.write.cms import admin_page

    model = Model(SAMPLE, datetime.date(2026, 11, 1))
    html = admin_page(model, admin_config(model, "https://gitlab.example.org/bureau/names"), "assets/favicon.svg")
    assert "可以用 GitLab 账号登录" in html and '<link rel="icon" href="../assets/favicon.svg">' in html
    assert "可以用 GitHub 账号登录" in admin_page(model, admin_config(model, "https://github.com/bureau/names"), "x.png")


def test_axe_finds_no_serious_contrast_or_other_failure_on_the_login_page_and_the_editor(page, editor):
    from tests.test_accessibility import axe_violations, describe

    page.goto(editor + "/admin/")
    page.get_by_role("button", name="登录").wait_for()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="登录").click()
    page.goto(editor + "/admin/#/collections/pudong/new")
    field(page, "name").wait_for()
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_a_record_made_in_the_form_validates_and_is_what_fmt_writes(page, editor, tmp_path):
    open_editor(page, editor)
    page.goto(editor + "/admin/#/collections/pudong/new")
    field(page, "name").fill("浦东示例表单中心")
    choose(page, "district", "浦东新区")
    choose(page, "tier", "市级")
    choose(page, "functions", "技术创新")
    choose(page, "functions", "质量技术")
    field(page, "operator").fill("示例运营有限公司")
    field(page, "address").fill("浦东新区示例路 8 号")
    field(page, "phone").fill("021-0000-0088")
    for name, text in [("content", "检测：电子元器件"), ("process", "预约 → 受理 → 检测"), ("standards", "五个工作日内出报告"),
                       ("fees", "按目录收费"), ("hours", "9:00")]:
        field(page, name).fill(text)
    field(page, "verified").fill("2026-11-20")
    publish(page)
    [(name, text)] = saved(page).items()
    assert name == "pu-dong-shi-li-biao-dan-zhong-xin.yml"  # an id read from the name, as the importer makes it
    record = validate(tmp_path, name, text)
    assert record.data["functions"] == ["innovation", "quality"] and record.data["disclosures"]["hours"] == "9:00"
    assert text == record_text(record.data)


def test_the_form_makes_the_id_the_importer_would_make_from_any_name(page, editor, tmp_path):
    names = [r.data["name"] for r in SAMPLE.records] + [r.data["operator"] for r in SAMPLE.records if r.data.get("operator")]
    names += [yaml.safe_load(f.read_text(encoding="utf-8"))["name"]
              for f in write_directory(2000, tmp_path / "d").glob("*/*.yml")]
    names += ["上海市闵行区长三角知识产权服务中心", "上海3D打印技术服务中心", "ＡＢＣ科技（上海）有限公司", "示例银行重庆路支行",
              "堃昇示例中心",
              "上海市长宁区中小企业公共服务平台知识产权与技术转移综合服务中心", "有限公司", "", "——"]
    readings, drop = naming(load_directory(ROOT / "directory")[0].taxonomy)
    open_editor(page, editor)
    made = page.evaluate("names => names.map(window.MingluId)", names)
    expected = [id_for(n, set(), readings, drop) for n in names]
    assert [(n, m, e) for n, m, e in zip(names, made, expected, strict=True) if m != e] == [] and len(names) > 2000
    assert made[-9:-6] == ["min-hang-qu-chang-san-jiao", "3d-da-yin-ji-shu-fu-wu-zhong-xin", "abc-ke-ji-shang-hai"]


def test_a_bulletin_made_in_the_form_is_named_by_its_quarter_and_validates(page, editor, tmp_path):
    open_editor(page, editor)
    page.goto(editor + "/admin/#/collections/bulletins/new")
    field(page, "year").fill("2026")
    choose(page, "quarter", "第 1 季度")
    field(page, "published").fill("2026-04-15")
    field(page, "source").fill("2026 年第一季度服务情况通报（示例）")
    page.get_by_role("button", name="新增各机构数字").click()
    field(page, "id").fill(EXISTING)
    for name, number in [("demands", "12"), ("enterprises", "80"), ("activities", "2"), ("users", "300"), ("resources", "1")]:
        field(page, name).fill(number)
    publish(page, "bulletins")
    [(name, text)] = saved(page, "bulletins").items()
    assert name == "2026-q1.yml"  # the form writes file names in lower case; the validator reads both
    assert text.splitlines() == ["# yaml-language-server: $schema=../../schema/bulletins.schema.json", "published: 2026-04-15",
                                 "source: \"2026 年第一季度服务情况通报（示例）\"", "figures:",
                                 f"  - {{id: {EXISTING}, demands: 12, enterprises: 80, activities: 2, users: 300, resources: 1}}"]
    root = tmp_path / "directory"
    shutil.copytree(ROOT / "directory", root)
    (root / "bulletins" / name).write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator", "validate", "--directory", str(root)], check=False, cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    bulletin = next(b for b in Model(load_directory(root)[0], datetime.date(2026, 5, 1)).cycle.bulletins if b.key == "2026-q1")
    assert bulletin.figures[EXISTING]["enterprises"] == 80


def test_a_results_file_edited_in_the_form_changes_one_line_and_keeps_its_comments(page, editor):
    original = (ROOT / "directory" / "evaluations" / "2025.yml").read_text(encoding="utf-8")
    open_editor(page, editor, {"directory": {"evaluations": {"2025.yml": {"content": original}}}})
    page.goto(editor + "/admin/#/collections/evaluations/entries/2025")
    field(page, "source").fill("关于公布 2025 年度评价结果的通报（更正，示例）")
    publish(page, "evaluations")
    changed = [line for line in difflib.unified_diff(original.splitlines(), saved(page, "evaluations")["2025.yml"].splitlines(),
                                                     lineterm="", n=0) if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == [next(f"-{line}" for line in original.splitlines() if line.startswith("source:")),
                       "+source: 关于公布 2025 年度评价结果的通报（更正，示例）"]


def test_the_form_says_in_plain_chinese_what_a_field_accepts(page, editor):
    open_editor(page, editor)
    page.goto(editor + "/admin/#/collections/pudong/new")
    field(page, "name").fill("示例写错电话的中心")
    field(page, "phone").fill("电话 021-0000")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("“电话”的写法不对：只写数字、空格、括号和连字符，如 021-0000-1234，可带“转”分机号").wait_for()
    assert page.get_by_text("不满足模式").count() == 0
    assert page.get_by_text("带区号的固定电话或手机号码").count() == 1  # no quotes to type: the form writes them


def test_a_one_field_edit_changes_one_line(page, editor):
    original = record_text(next(r for r in SAMPLE.records if r.id == EXISTING).data)
    open_editor(page, editor, {"directory": {"pudong": {f"{EXISTING}.yml": {"content": original}}}})
    page.goto(editor + f"/admin/#/collections/pudong/entries/{EXISTING}")
    field(page, "fees").fill("全部免费（示例）")
    publish(page)
    changed = [line for line in difflib.unified_diff(original.splitlines(), saved(page)[f"{EXISTING}.yml"].splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == [next(f"-{line}" for line in original.splitlines() if line.startswith("  fees:")), "+  fees: 全部免费（示例）"]


def test_the_config_offers_each_city_its_own_districts_and_choices():
    directory, _ = load_directory(FIXTURES / "city")
    config = admin_config(Model(directory, datetime.date(2026, 11, 1)), "https://gitlab.example.org/bureau/names")
    assert [c["label"] for c in config["collections"]] == ["云东区", "云西区", "青石区", "柳塘县", "白沙县", "梅溪自治县", "桐岭市",
                                                           "年度评价结果", "季度通报"]
    results, bulletins = config["collections"][-2:]
    assert (results["folder"], bulletins["folder"]) == ("directory/evaluations", "directory/bulletins")
    assert [f["name"] for f in results["fields"]] == ["year", "published", "source", "results"]
    assert [f["name"] for f in bulletins["fields"][-1]["fields"]] == ["id", "demands", "enterprises", "activities", "users", "resources",
                                                                     "notes"]
    fields = {f["name"]: f for f in config["collections"][3]["fields"]}
    assert fields["district"]["options"] == [{"label": "柳塘县", "value": "liutang"}] and fields["district"]["label"] == "所在县市区"
    assert [o["label"] for o in fields["tier"]["options"]] == ["枢纽平台", "服务窗口"]
    assert len(fields["functions"]["options"]) == 10 and fields["functions"]["multiple"] is True
    assert [f["label"] for f in fields["disclosures"]["fields"]][-1] == "办理时限"
    phone = fields["contacts"]["fields"][1]
    assert phone["pattern"] == [RECORD.fields["contacts"].fields["phone"].form_pattern(),
                                "只写数字、空格、括号和连字符，如 0000-6600-1234，可带“转”分机号"]
    assert config["publish_mode"] == "editorial_workflow" and config["locale"] == "zh_Hans"
    assert config["backend"] == {"name": "gitlab", "repo": "bureau/names", "branch": "main", "auth_type": "pkce",
                                 "app_id": "请在 mkdocs.yml 中填写 cms_app_id", "base_url": "https://gitlab.example.org",
                                 "api_root": "https://gitlab.example.org/api/v4", "auth_endpoint": "oauth/authorize"}


def test_backends_follow_repo_url():
    assert backend("https://github.com/bureau/names", "main", auth_url="https://auth.example.org") == {
        "name": "github", "repo": "bureau/names", "branch": "main", "base_url": "https://auth.example.org"}
    assert backend("https://gitlab.com/bureau/names.git", "main", app_id="abc")["repo"] == "bureau/names"
    assert "base_url" not in backend("https://gitlab.com/bureau/names", "main")


def test_the_config_is_written_by_a_serializer_so_taxonomy_text_stays_inert(valid_dir):
    from generator.write.cms import admin_yaml

    root = valid_dir
    taxonomy = root / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("name: 市级\n", "name: 'a: b # c'' {x}: [y]'\n", 1), encoding="utf-8")
    directory, problems = load_directory(root)
    assert [p for p in problems if p.severity == "error"] == []
    config = yaml.safe_load(admin_yaml(admin_config(Model(directory, datetime.date(2026, 11, 1)), "https://github.com/a/b")))
    tiers = next(f for f in config["collections"][0]["fields"] if f["name"] == "tier")
    assert tiers["options"][0]["label"] == "a: b # c' {x}: [y]"


def test_every_sample_file_read_and_saved_by_the_form_comes_back_unchanged(tmp_path):
    model = Model(SAMPLE, datetime.date(2026, 11, 1))
    (tmp_path / "format.js").write_text(format_settings(model), encoding="utf-8")
    root = ROOT / "directory"
    files = [("minglu-yml", p) for p in sorted(root.glob("*/*.yml")) if p.parent.name not in ("evaluations", "bulletins")]
    files += [(f"minglu-yml-{p.parent.name}", p) for p in sorted(root.glob("evaluations/*.yml")) + sorted(root.glob("bulletins/*.yml"))]
    texts = [p.read_text(encoding="utf-8") for _, p in files]
    result = subprocess.run(["node", str(ROOT / "tests" / "cms_node.js"), str(tmp_path / "format.js")], capture_output=True, text=True,
                            input=json.dumps([[name, text] for (name, _), text in zip(files, texts, strict=True)]), check=True)
    written = json.loads(result.stdout)
    assert len(files) > 70 and any(name.endswith("bulletins") for name, _ in files)
    assert [(p.name, w) for (_, p), text, w in zip(files, texts, written, strict=True) if w != text] == []


def test_the_sample_is_in_canonical_form():
    result = subprocess.run([sys.executable, "-m", "generator", "fmt", "--check"], check=False, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
