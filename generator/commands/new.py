"""Write a new record from flags, asking in Chinese for what the flags leave out; never overwrite a file."""

from __future__ import annotations

import sys

from ..kinds import ID_HINT, MISSING, dotted, is_id, settled
from ..read.directory import reference_date
from ..schema import fields


def new_fields(named: dict[str, str] | None = None) -> list[tuple[str, str, object]]:
    """Return (dotted path, prompt, field) for each field `new` asks for, from the field table, in display order;
    labelled as the taxonomy words them when its labels are given."""
    named = named or {path: spec.label for path, spec in fields()}
    asked = []
    for path, spec in fields():
        if spec.ask:
            notes = ["多个用顿号分隔"] if spec.many else []
            notes += [spec.help] if spec.help and spec.many else []
            notes += [] if spec.required or path.startswith("disclosures.") else ["可留空"]
            asked.append((path, named[path] + (f"（{'，'.join(notes)}）" if notes else ""), spec))
    return asked


def run(args) -> int:
    """Write a new record from flags, asking in Chinese for what the flags leave out; never overwrite a file."""
    from ..canonical import record_text
    from ..ids import id_for, naming
    from ..read.directory import record_from_text
    from ..read.importer import set_field
    from . import load_for

    model, _ = load_for(args.directory)  # prints what keeps the directory from loading
    if model is None:
        return 1
    loaded = model.directory
    data = {}
    for path, prompt, spec in new_fields(model.labels):
        flag = path.split(".")[-1]
        text = getattr(args, flag)
        while True:
            if text is None and sys.stdin.isatty():
                table = spec.choice_table()
                hint = "（可选：" + "、".join(f"{k} {v}" for k, v in loaded.choices(table).items()) + "）" if table else ""
                text = input(f"{prompt}{hint}：").strip()
                asked = True
            else:
                asked = False
            value, unread, _ = settled(spec.read_cell(text, model.cells)) if text else (MISSING, [], [])
            for item in unread:
                print(f"“{model.labels.get(path, spec.label)}”中的“{item.text}”：{item.remark}", file=sys.stderr)
            if not unread:
                break
            if not asked:
                print(f"请改正 --{flag} 后再运行。", file=sys.stderr)
                return 2
            print("请重新输入这一项。", file=sys.stderr)
            text = None
        if value is not MISSING and value != []:
            set_field(data, path, value)
    data["verified"] = reference_date()
    if args.id is not None and not is_id(args.id):
        print(f"机构标识 {args.id} 不合法：{ID_HINT}", file=sys.stderr)
        return 2
    record_id = args.id or id_for(str(data.get("name", "")), {p.stem for p in args.directory.glob("*/*.yml")}, *naming(model.taxonomy))
    folder = data.get("district", "")
    if folder not in model.districts:
        choices = "、".join(f"{k}（{v}）" for k, v in model.districts.items())
        said = f"没有写{model.labels.get('district', '所在区')}" if not folder else f"所在区 {folder} 不在分类表中"
        print(f"{said}：请用 --district 指定，可选：{choices}", file=sys.stderr)
        return 1
    target = args.directory / folder / f"{record_id}.yml"
    if target.exists():
        print(f"{target} 已存在，不会覆盖。请换一个 --id。", file=sys.stderr)
        return 1
    text = record_text(data)
    _, problems = record_from_text(text, str(target), folder, target.stem, loaded.choice_tables)
    if problems:
        named = [(".".join(k for k in p.location if isinstance(k, str)), p) for p in problems]
        said = [f"{model.labels.get(path, dotted(p.location))}：{p.message}" if path else p.message for path, p in named]
        print("记录还不完整，没有写入：" + "；".join(said), file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"已写入 {target}", file=sys.stderr)
    return 0
