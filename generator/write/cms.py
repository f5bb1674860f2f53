"""The form editor at /admin/ (Decap CMS, served from the site itself): its config.yml generated from the field table
and the taxonomy (never edited by hand), and the page that loads it. Decap rather than Sveltia CMS: Sveltia asks
public CDNs for its version, fonts and Chinese translation at view time; Decap needs nothing outside our host."""

from __future__ import annotations

import json
from html import escape
from urllib.parse import urlsplit

import yaml

from ..canonical import PLAIN, SCHEMA_LINE
from ..ids import form_table
from ..model.model import Model
from ..read.evaluations import BULLETINS, EVALUATIONS
from ..schema import RECORD, fields, schema_files, schema_line

FORMAT = "minglu-yml"  # our canonical YAML, registered by assets/cms-format.js
ID_KEY = "_id"  # set by assets/cms-format.js before a new file is saved, named in its file name, never written into it
SLUG = "{{fields." + ID_KEY + "}}"
_YEAR = {"name": "year", "label": "年份", "widget": "number", "value_type": "int", "min": 2000, "max": 2100, "required": False,
         "hint": "新建时填写，文件名由它而定；不填时为今年。修改已有的文件时不用填"}
_QUARTER = {"name": "quarter", "label": "季度", "widget": "select", "required": False, "hint": "新建时填写；不填时为本季度",
            "options": [{"label": f"第 {n} 季度", "value": str(n)} for n in range(1, 5)]}
# The form-only fields that name a new results or bulletin file (evaluations/2026.yml, bulletins/2026-Q1.yml); they are
# left out of the file. The browser fills them in (cms-format.js) and names the file by NAMES.
CYCLES = {EVALUATIONS: ("年度评价结果", [_YEAR]), BULLETINS: ("季度通报", [_YEAR, _QUARTER])}
NAMES = {EVALUATIONS: "{year}", BULLETINS: "{year}-Q{quarter}"}


def backend(repo_url: str, branch: str, app_id: str = "", auth_url: str = "", test: bool = False) -> dict:
    """Return the backend for repo_url: GitHub, GitLab.com or a self-managed GitLab (by its base URL)."""
    if test:
        return {"name": "test-repo"}
    parts = urlsplit(repo_url)
    repo = parts.path.strip("/").removesuffix(".git")
    if parts.hostname == "github.com":
        found = {"name": "github", "repo": repo, "branch": branch}
        return found | ({"base_url": auth_url} if auth_url else {})
    found = {"name": "gitlab", "repo": repo, "branch": branch, "auth_type": "pkce", "app_id": app_id or "请在 mkdocs.yml 中填写 cms_app_id"}
    if parts.hostname != "gitlab.com":
        base = f"{parts.scheme}://{parts.netloc}"
        found |= {"base_url": base, "api_root": f"{base}/api/v4", "auth_endpoint": "oauth/authorize"}
    return found


def admin_config(model: Model, repo_url: str, branch: str = "main", app_id: str = "", auth_url: str = "", test: bool = False) -> dict:
    """Return the editor's config: one collection per district, the record's fields in the field table's order, then the
    yearly results and the quarterly bulletins."""
    tables = model.directory.choice_tables
    record_fields = RECORD.form_fields(model.labels, tables, model.examples)
    collections = []
    for district, name in model.districts.items():
        # A record's district is its folder: the select offers this collection's district only.
        fixed = [dict(f, options=[{"label": name, "value": district}], default=district) if f["name"] == "district" else f
                 for f in record_fields]
        collections.append({"name": district, "label": name, "label_singular": "服务机构", "folder": f"directory/{district}",
                            "create": True, "extension": "yml", "format": FORMAT, "slug": SLUG, "identifier_field": "name",
                            "summary": "{{name}}", "editor": {"preview": False}, "fields": fixed})
    for kind, spec in schema_files().items():
        if kind in CYCLES:
            label, naming = CYCLES[kind]
            collections.append({"name": kind, "label": label, "label_singular": spec.label.split("（")[0], "folder": f"directory/{kind}",
                                "create": True, "extension": "yml", "format": f"{FORMAT}-{kind}", "slug": SLUG,
                                "identifier_field": "year", "summary": "{{filename}}", "sortable_fields": [],
                                "editor": {"preview": False}, "fields": naming + spec.form_fields({}, tables, model.examples)})
    return {"backend": backend(repo_url, branch, app_id, auth_url, test), "publish_mode": "editorial_workflow", "locale": "zh_Hans",
            "media_folder": "docs/assets/uploads", "site_url": model.site_url or None, "collections": collections}


def admin_yaml(config: dict) -> str:
    """Return config.yml, written by a YAML serializer so taxonomy text stays inert."""
    return "# 由 python -m generator build 根据字段表和分类表生成，请勿手工修改。\n" + yaml.dump(
        {k: v for k, v in config.items() if v is not None}, Dumper=_Plain, allow_unicode=True, sort_keys=False, width=1000)


class _Plain(yaml.SafeDumper):
    """Writes every value out in full: no anchors or aliases, which some readers refuse."""

    def ignore_aliases(self, data):
        return True


def format_settings(model: Model) -> str:
    """Return what assets/cms-format.js needs: how to write each file kind's canonical text (its schema line, field order,
    date fields, the plain rule; results and bulletins keep one line per institution, as the importer writes them), how
    to name a new results or bulletin file, and how to name a new record's file with the id the importer would give it
    (ids.form_table)."""
    order, dates = {}, []
    for path, spec in fields():
        if spec.entry_parts():
            order[path] = list(spec.entry_parts())
        if spec.many:
            dates += [f"{path}.{k}" for k, v in spec.entry_parts().items() if v.plain_date]
        if spec.plain_date:
            dates.append(path)
    formats = {FORMAT: {"first": SCHEMA_LINE, "top": list(RECORD.fields), "order": order, "dates": dates}}
    for kind, spec in schema_files().items():
        if kind in CYCLES:
            entries = next(k for k, v in spec.fields.items() if v.many)
            formats[f"{FORMAT}-{kind}"] = {"first": schema_line(kind), "top": list(spec.fields), "entries": entries,
                                           "order": {entries: list(spec.fields[entries].item.fields)},
                                           "dates": [k for k, v in spec.fields.items() if v.plain_date],
                                           "form_only": [f["name"] for f in CYCLES[kind][1]], "name": NAMES[kind],
                                           "collection": kind}
    names = [r.data.get("name", "") for r in model.directory.records]
    settings = {"formats": formats, "plain": PLAIN.pattern, "key": ID_KEY, "ids": form_table(model.taxonomy, names)}
    return "window.MingluFormat=" + json.dumps(settings, ensure_ascii=False) + ";\n"


ADMIN_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>编辑表单 · {title}</title>
<link rel="icon" href="../{favicon}">
<link rel="cms-config-url" type="text/yaml" href="config.yml">
<link rel="stylesheet" href="admin.css">
</head>
<body>
<header class="dir-admin" role="banner">
<h1>{title}</h1>
<p>这是{authority}维护本名录的编辑表单：在这里新增或修改服务机构记录、年度评价结果和季度通报，\
填写的内容按字段说明检查后写成记录文件。\
只有对名录数据仓库有编辑权限的工作人员可以用{host}账号登录。\
每次保存都会成为一个合并请求（pull request），经审核人员检查、合并后才在网站上公开；审核前网站上的内容不变。\
填写方法见<a href="../editing/">编辑指南</a>，各字段的含义见<a href="../help/fields/">字段说明</a>。</p>
</header>
<script>window.CMS_MANUAL_INIT = true;</script>
<script src="decap-cms.js"></script>
<script src="js-yaml.min.js"></script>
<script src="format.js"></script>
<script src="cms-format.js"></script>
</body>
</html>
"""
HOSTS = {"github": " GitHub ", "gitlab": " GitLab ", "test-repo": "测试"}  # the account people sign in with


def admin_page(model: Model, config: dict, favicon: str) -> str:
    """Return /admin/index.html: the site's name, what the form is for, who can sign in, what a save does."""
    site = model.site
    return ADMIN_PAGE.format(title=escape(site.title), authority=escape(site.authority), host=HOSTS[config["backend"]["name"]],
                             favicon=escape(favicon))
