"""The history of changes: what happened to published institutions, read from the git history of the directory folder."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..git import EMPTY_TREE, Blobs, GitError, run_git
from ..read.directory import Record, compare_records, record_from_text
from ..read.evaluations import is_cycle_file
from ..read.load import decode
from ..schema import RECORD

KINDS = {"added": "新增", "republished": "恢复公开", "changed": "更新", "renamed": "改名", "unpublished": "停止公开"}
MAX_COMMITS = 200
MAX_EVENTS = 100


@dataclass
class Event:
    """One change to one institution in one commit."""

    commit: str
    date: str  # the commit's ISO 8601 date, which makes the entry's id and time stable
    kind: str  # a key of KINDS
    record_id: str
    name: str
    fields: list[str] = field(default_factory=list)  # Chinese labels of the changed fields

    @property
    def label(self) -> str:
        return KINDS[self.kind]


@dataclass
class History:
    events: list[Event]
    note: str = ""  # why the history is missing or incomplete, for the page


def _record(blobs: Blobs, revision: str, path: str, choices: dict) -> Record | None:
    raw = blobs.read(revision, path)
    text = decode(raw, path)[0] if raw is not None else None
    record, problems = record_from_text(text, path, "", Path(path).stem, choices) if text is not None else (None, [])
    # A version that did not load was not on the site either.
    return None if record is None or problems else record


def changed_fields(old: dict, new: dict, labels: dict[str, str]) -> list[str]:
    """Return the Chinese labels of the fields that differ: top-level fields by their label, disclosures each by its own."""
    named = [labels[path] if path.startswith("disclosures.") else labels[path.split(".")[0]] for path, _, _ in compare_records(old, new)
             if RECORD.fields[path.split(".")[0]].public]  # the editors' notes are not news
    return list(dict.fromkeys(named))


def read_history(root: Path, choices: dict, labels: dict[str, str],
                 max_commits: int = MAX_COMMITS, max_events: int = MAX_EVENTS) -> History:
    """Return the changes to published records in the latest commits that touched `root`, newest first."""
    root = Path(root).resolve()
    try:
        top = Path(run_git(root, "rev-parse", "--show-toplevel").strip())
    except GitError:
        return History([], "名录数据不在 git 仓库中，无法列出修改历史。")
    try:
        return _read_log(top, Path(os.path.relpath(root, top)).as_posix(), choices, labels, max_commits, max_events)
    except GitError as exc:
        return History([], f"无法读取名录数据的修改历史：{exc}")


def _read_log(top: Path, prefix: str, choices, labels, max_commits: int, max_events: int) -> History:
    shallow_path = top / run_git(top, "rev-parse", "--git-path", "shallow").strip()
    shallow = set(shallow_path.read_text().split()) if shallow_path.is_file() else set()
    log = run_git(top, "log", "--first-parent", f"-n{max_commits}", "--format=%H %P%x09%cI", "HEAD", "--", prefix)
    events, note = [], ""
    with Blobs(top) as blobs:
        for line in log.splitlines():
            hashes, date = line.split("\t")
            commit, *parents = hashes.split()
            if commit in shallow:
                note = "仓库只取了部分历史（浅克隆），更早的修改没有列出。"
                break
            parent = parents[0] if parents else EMPTY_TREE
            events += _commit_events(blobs, top, prefix, commit, parent, date, choices, labels)
            if len(events) >= max_events:
                break
    return History(events[:max_events], note)


def _commit_events(blobs, top, prefix, commit, parent, date, choices, labels) -> list[Event]:
    listing = run_git(top, "diff-tree", "-r", "--no-renames", "--name-only", "-z", parent, commit, "--", prefix)
    versions = []
    for path in sorted(filter(None, listing.split("\0"))):
        parts = path[len(prefix) + 1:].split("/") if prefix != "." else path.split("/")
        if len(parts) != 2 or not parts[1].endswith(".yml") or is_cycle_file("/".join(parts)):  # results and bulletins are no records
            continue
        old = _record(blobs, parent, path, choices) if parent != EMPTY_TREE else None
        versions.append((parts[1][:-4], old, _record(blobs, commit, path, choices)))
    # A published record whose file is gone while a new file names it among its aliases was renamed, not removed.
    gone = {rid for rid, old, new in versions if old is not None and old.published and new is None}
    renamed = {rid: next(iter(set(new.data.get("aliases", [])) & gone)) for rid, old, new in versions
               if old is None and new is not None and new.published and set(new.data.get("aliases", [])) & gone}
    events = []
    for record_id, old, new in versions:
        was, now = old is not None and old.published, new is not None and new.published
        if record_id in renamed.values():
            continue
        if record_id in renamed:
            kind, fields = "renamed", [f"原标识 {renamed[record_id]}"]
        elif now and not was:  # a draft's first publication is news of a new institution, not a return
            kind, fields = ("added" if old is None or old.draft else "republished"), []
        elif was and not now:
            kind, fields = "unpublished", []
        elif was and now:
            kind, fields = "changed", changed_fields(old.data, new.data, labels)
            if not fields:
                continue
        else:
            continue
        events.append(Event(commit, date, kind, record_id, (new if now else old).data["name"], fields))
    return events
