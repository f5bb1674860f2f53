"""The `diff` command: what a change does to the directory between two git revisions (records added, removed,
(un)published and changed, new problems), as Chinese Markdown for reviewers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..git import Blobs, Revision
from ..problems import ERROR
from ..read.directory import compare_records, load_directory, reference_date

SHORT_FIELDS = ("name", "tier", "functions", "operator", "address", "contacts", "demonstration", "status", "verified")
SHORT_DISCLOSURES = ("fees", "hours")


@dataclass
class Change:
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    published: list = field(default_factory=list)
    unpublished: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (record, [(field, old, new)])
    new_problems: list = field(default_factory=list)
    broken: list = field(default_factory=list)  # records whose address /institutions/<id>/ would stop working

    def broken_message(self) -> str:
        """Return why the change is refused, in Chinese, or an empty string."""
        return "\n".join(
            f"{r.folder}/{r.id}.yml（{r.data['name']}）被删除或改名，旧网址 /institutions/{r.id}/ 将失效。"
            f"改名请在新文件中写 aliases: [{r.id}]；不再公开请改为 status: revoked，不要删除文件。" for r in self.broken)


def compare(old, new, old_problems, new_problems) -> Change:
    """Compare two loaded directories (either may be None when it does not load)."""
    change = Change()
    before = {r.id: r for r in (old.records if old else [])}
    after = {r.id: r for r in (new.records if new else [])}
    for rid in sorted(after.keys() - before.keys()):
        change.added.append(after[rid])
    for rid in sorted(before.keys() - after.keys()):
        change.removed.append(before[rid])
    kept = {alias for r in after.values() for alias in r.data.get("aliases", [])}
    change.broken = [r for r in change.removed if r.id not in kept] if new is not None else []
    for rid in sorted(before.keys() & after.keys()):
        a, b = before[rid], after[rid]
        if a.published != b.published:
            (change.published if b.published else change.unpublished).append(b)
        fields = sorted(compare_records(a.data, b.data))
        if fields:
            change.changed.append((b, fields))
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


def _is_short(key: str) -> bool:
    top = key.split(".")[0]
    return top in SHORT_FIELDS or key in {f"disclosures.{k}" for k in SHORT_DISCLOSURES}


def format_change(change: Change, base: str, head: str) -> str:
    """Return the change summary in Chinese Markdown, for reviewers and the CI job summary."""
    lines = [f"## 名录变更摘要（{base} → {head}）", ""]
    if not any([change.added, change.removed, change.published, change.unpublished, change.changed, change.new_problems, change.broken]):
        return "\n".join(lines + ["本次修改没有改变任何机构记录。", ""])
    counts = [("新增", change.added), ("删除", change.removed), ("恢复公开", change.published), ("停止公开", change.unpublished),
              ("修改", change.changed)]
    lines.append("，".join(f"{label} {len(items)} 家" for label, items in counts if items) + "。")
    lines.append("")
    for label, items in counts[:4]:
        if items:
            lines.append(f"### {label}")
            lines += [f"- {r.data['name']}（`{r.folder}/{r.id}.yml`）" for r in items]
            lines.append("")
    if change.changed:
        lines.append("### 修改")
        for record, fields in change.changed:
            lines.append(f"- **{record.data['name']}**（`{record.folder}/{record.id}.yml`）")
            for key, old, new in fields:
                if _is_short(key):
                    lines.append(f"  - `{key}`：{_shown(old)} → {_shown(new)}")
                else:
                    lines.append(f"  - `{key}`：已修改")
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
