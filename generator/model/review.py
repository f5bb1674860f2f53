"""The `diff` command: what a change does to the directory between two git revisions (records added, removed,
(un)published and changed, new problems), as Chinese Markdown for reviewers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..git import Blobs, Revision
from ..problems import ERROR
from ..read.directory import compare_records, load_directory, reference_date
from ..schema import leaf_fields

KINDS = dict(leaf_fields())

SHORT_FIELDS = ("name", "tier", "functions", "operator", "address", "contacts", "demonstration", "status", "verified")
SHORT_DISCLOSURES = ("fees", "hours")


@dataclass
class Change:
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    published: list = field(default_factory=list)  # published again (it was suspended or revoked)
    first: list = field(default_factory=list)  # published for the first time (it was a draft)
    renamed: list = field(default_factory=list)  # (old record, new record): the new one keeps the old id as an alias
    unpublished: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (record, [(field, old, new)])
    new_problems: list = field(default_factory=list)
    broken: list = field(default_factory=list)  # records whose address /institutions/<id>/ would stop working
    cycle: list = field(default_factory=list)  # (file name, what happened, entries): results and bulletin files changed
    taxonomy: object = None  # the head's (else the base's) taxonomy: labels and choice names

    def broken_message(self) -> str:
        """Return why the change is refused, in Chinese, or an empty string."""
        return "\n".join(
            f"{r.folder}/{r.id}.yml（{r.data['name']}）被删除或改名，旧网址 /institutions/{r.id}/ 将失效。"
            f"改名请在新文件中写 aliases: [{r.id}]；不再公开请改为 status: revoked，不要删除文件。" for r in self.broken)


def compare(old, new, old_problems, new_problems) -> Change:
    """Compare two loaded directories (either may be None when it does not load)."""
    change = Change(taxonomy=(new or old).taxonomy if (new or old) else None)
    before = {r.id: r for r in (old.records if old else [])}
    after = {r.id: r for r in (new.records if new else [])}
    kept = {alias: r for r in after.values() for alias in r.data.get("aliases", [])}
    for rid in sorted(before.keys() - after.keys()):
        if rid in kept and kept[rid].id not in before:
            change.renamed.append((before[rid], kept[rid]))
        else:
            change.removed.append(before[rid])
    renamed = {b.id for _, b in change.renamed}
    change.added = [after[rid] for rid in sorted(after.keys() - before.keys()) if rid not in renamed]
    # Only a published record has an address people may have kept: a draft that never was can go or change its id.
    change.broken = [r for r in change.removed if r.id not in kept and r.published] if new is not None else []
    pairs = [(before[rid], after[rid]) for rid in sorted(before.keys() & after.keys())] + change.renamed
    for a, b in pairs:
        if a.published != b.published:
            (change.first if b.published and a.draft else change.published if b.published else change.unpublished).append(b)
        fields = sorted(compare_records(a.data, b.data))
        if fields:
            change.changed.append((b, fields))
    files = [{Path(f.path).parent.name + "/" + Path(f.path).name: f for f in d.cycle_files} if d else {} for d in (old, new)]
    for name in sorted(files[0].keys() | files[1].keys()):
        a, b = files[0].get(name), files[1].get(name)
        if a is None or b is None or a.data != b.data:
            what = "新增" if a is None else "删除" if b is None else "修改"
            change.cycle.append((name, what, len((b or a).entries)))
    seen = {(p.code, Path(p.path).name, p.field, p.message) for p in old_problems}
    change.new_problems = [p for p in new_problems if p.severity == ERROR and (p.code, Path(p.path).name, p.field, p.message) not in seen]
    return change


def _shown(value) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, list):
        return "、".join(_shown(v) if not isinstance(v, dict) else "，".join(f"{k}: {v2}" for k, v2 in v.items()) for v in value)
    text = str(value).replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= 60 else text[:57] + "…"


def _value(change: Change, key: str, value) -> str:
    """Return a value as people read it: a choice by its name (街镇/园区级, not street)."""
    if value is None or change.taxonomy is None or key not in KINDS:
        return _shown(value)
    try:
        return _shown(KINDS[key].write_cell(value, change.taxonomy.tables) if KINDS[key].choice_table() else value)
    except KeyError:
        return _shown(value)


def _is_short(key: str) -> bool:
    top = key.split(".")[0]
    return top in SHORT_FIELDS or key in {f"disclosures.{k}" for k in SHORT_DISCLOSURES}


def format_change(change: Change, base: str, head: str) -> str:
    """Return the change summary in Chinese Markdown, for reviewers and the CI job summary."""
    lines = [f"## 名录变更摘要（{base} → {head}）", ""]
    if not any([change.added, change.removed, change.published, change.first, change.renamed, change.unpublished, change.changed,
                change.new_problems, change.broken, change.cycle]):
        return "\n".join(lines + ["本次修改没有改变任何机构记录。", ""])
    counts = [("新增", change.added), ("删除", change.removed), ("首次公开", change.first), ("恢复公开", change.published),
              ("停止公开", change.unpublished), ("改名", change.renamed), ("修改", change.changed)]
    if any(items for _, items in counts):
        lines.append("，".join(f"{label} {len(items)} 家" for label, items in counts if items) + "。")
        lines.append("")
    for label, items in counts[:5]:
        if items:
            lines.append(f"### {label}")
            lines += [f"- {r.data['name']}（`{r.folder}/{r.id}.yml`）"
                      + ("（草稿，从未公开）" if label == "删除" and not r.published else "")
                      for r in items]
            lines.append("")
    if change.renamed:
        lines.append("### 改名")
        lines += [f"- {b.data['name']}：`{a.folder}/{a.id}.yml` → `{b.folder}/{b.id}.yml`"
                  + ("（旧网址跳转到新网址）" if a.published else "")
                  for a, b in change.renamed]
        lines.append("")
    if change.changed:
        lines.append("### 修改")
        for record, fields in change.changed:
            lines.append(f"- **{record.data['name']}**（`{record.folder}/{record.id}.yml`）")
            for key, old, new in fields:
                label = change.taxonomy.label(key) if change.taxonomy else key
                if _is_short(key):
                    lines.append(f"  - {label}：{_value(change, key, old)} → {_value(change, key, new)}")
                else:
                    lines.append(f"  - {label}：已修改")
        lines.append("")
    if change.cycle:
        lines.append("### 年度评价结果和季度通报")
        lines += [f"- `{name}`：{what}（{count} 家机构）" for name, what, count in change.cycle]
        lines.append("")
    if change.broken:
        lines.append("### 失效的网址（必须改正）")
        lines += [f"- {line}" for line in change.broken_message().splitlines()]
        lines.append("")
    if change.new_problems:
        lines.append("### 本次修改引入的数据问题")
        lines += [f"- `{'/'.join(Path(p.path).parts[-2:])}` 第 {p.line} 行：{p.describe()}" for p in change.new_problems]
        lines.append("")
    return "\n".join(lines)


def diff_revisions(repo: Path, base: str, head: str, directory: str = "directory") -> tuple[str, Change]:
    """Return the change summary between two revisions of the directory folder in a git repository, and the change."""
    today = reference_date()
    with Blobs(repo) as blobs:
        old, old_problems = load_directory(Revision(repo, base, directory, blobs), today)
        new, new_problems = load_directory(Revision(repo, head, directory, blobs), today)
    change = compare(old, new, old_problems, new_problems)
    return format_change(change, base, head), change
