"""The form editor at /admin/ (Decap CMS, served from the site itself): its config.yml generated from the field table
and the taxonomy (never edited by hand), and the page that loads it. Decap rather than Sveltia CMS: Sveltia asks
public CDNs for its version, fonts and Chinese translation at view time; Decap needs nothing outside our host."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import yaml

from .canonical import PLAIN, SCHEMA_LINE
from .model import Model
from .schema import RECORD, Choice, CreditCode, Date, Email, Flag, Integer, ListOf, Number, Object, Phone, Slug, Text, Url, fields

FORMAT = "minglu-yml"  # our canonical YAML, registered by assets/cms-format.js
ID_SLUG = "{{year}}{{month}}{{day}}-{{hour}}{{minute}}{{second}}"  # a new record's file name: a valid id, renamed at will later


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


def _widget(spec, label: str, tables: dict, given: dict) -> dict:
    out = {"label": label, "required": spec.required}
    if spec.help:
        out["hint"] = spec.help
    if isinstance(spec, Choice):
        return out | {"widget": "select", "options": [{"label": name, "value": key} for key, name in tables[spec.choices].items()]}
    if isinstance(spec, ListOf) and isinstance(spec.item, Choice):
        options = [{"label": name, "value": key} for key, name in tables[spec.item.choices].items()]
        return out | {"widget": "select", "multiple": True, "options": options, "min": spec.min_items or None}
    if isinstance(spec, ListOf) and isinstance(spec.item, Object):
        return out | {"widget": "list", "fields": _fields(spec.item, {}, tables, given, "")}
    if isinstance(spec, ListOf):
        return out | {"widget": "list", "field": {"name": "item", "label": spec.item.label} | _widget(spec.item, spec.item.label, tables, given)}
    if isinstance(spec, Object):
        inner = _fields(spec, {}, tables, given, "")
        if not spec.required:  # the form would demand a year for metrics nobody entered; the validator checks it when given
            inner = [dict(f, required=False) for f in inner]
        return out | {"widget": "object", "collapsed": not spec.required, "fields": inner}
    if isinstance(spec, Date):
        return out | {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False}
    if isinstance(spec, Integer):
        return out | {"widget": "number", "value_type": "int", "min": spec.minimum, "max": spec.maximum}
    if isinstance(spec, Number):
        return out | {"widget": "number", "value_type": "float", "min": spec.minimum, "max": spec.maximum}
    if isinstance(spec, Flag):
        return out | {"widget": "boolean"}
    patterns = {Phone: ("^[+0-9(][0-9() -]{3,}[0-9]( ?(转|ext\\.?|#) ?[0-9]{1,6})?$", "电话格式如 021-0000-1234，可带“转”分机号"),
                Email: ("^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}$", "格式如 service@example.org"),
                Url: ("^https?://\\S+$", "以 http:// 或 https:// 开头的完整网址"),
                CreditCode: ("^[0-9A-HJ-NPQRTUWXY]{18}$", "18 位统一社会信用代码（数字和大写字母）"),
                Slug: ("^[a-z0-9]+(-[a-z0-9]+)*$", "只用小写英文字母、数字和连字符")}
    for kind, (pattern, message) in patterns.items():
        if isinstance(spec, kind):
            out["pattern"] = [pattern, message]
    return out | {"widget": "string" if isinstance(spec, Text) and spec.single_line else "text"}


def _fields(spec: Object, labels: dict, tables: dict, given: dict, prefix: str) -> list[dict]:
    found = []
    for key, child in spec.fields.items():
        label = labels.get(prefix + key, child.label)
        found.append({"name": key} | {k: v for k, v in _widget(child, label, tables, given).items() if v is not None})
    return found


def admin_config(model: Model, repo_url: str, branch: str = "main", app_id: str = "", auth_url: str = "", test: bool = False) -> dict:
    """Return the editor's config: one collection per district, the record's fields in the field table's order."""
    tables, labels = model.directory.choice_tables, model.labels
    record_fields = _fields(RECORD, labels, tables, model.examples, "")
    # Nested labels (disclosures by the taxonomy's names) and each district's own collection.
    for field in record_fields:
        if field.get("widget") == "object":
            for sub in field["fields"]:
                sub["label"] = labels.get(f"{field['name']}.{sub['name']}", sub["label"])
    collections = []
    for district, name in model.districts.items():
        # A record's district is its folder: the select offers this collection's district only.
        fixed = [dict(f, options=[{"label": name, "value": district}], default=district) if f["name"] == "district" else f
                 for f in record_fields]
        collections.append({"name": district, "label": name, "label_singular": "服务机构", "folder": f"directory/{district}",
                            "create": True, "extension": "yml", "format": FORMAT, "slug": ID_SLUG, "identifier_field": "name",
                            "summary": "{{name}}", "editor": {"preview": False}, "fields": fixed})
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


def format_settings() -> str:
    """Return what assets/cms-format.js needs to write our canonical text: field order, date fields, the plain rule."""
    order, dates = {}, []
    for path, spec in fields():
        if isinstance(spec, Object):
            order[path] = list(spec.fields)
        if isinstance(spec, ListOf) and isinstance(spec.item, Object):
            order[path] = list(spec.item.fields)
            dates += [f"{path}.{k}" for k, v in spec.item.fields.items() if isinstance(v, Date)]
        if isinstance(spec, Date):
            dates.append(path)
    settings = {"first": SCHEMA_LINE, "top": list(RECORD.fields), "order": order, "dates": dates, "plain": PLAIN.pattern,
                "format": FORMAT}
    return "window.MingluFormat=" + json.dumps(settings, ensure_ascii=False) + ";\n"


ADMIN_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>名录编辑</title>
<link rel="cms-config-url" type="text/yaml" href="config.yml">
</head>
<body>
<script>window.CMS_MANUAL_INIT = true;</script>
<script src="decap-cms.js"></script>
<script src="js-yaml.min.js"></script>
<script src="format.js"></script>
<script src="cms-format.js"></script>
</body>
</html>
"""
