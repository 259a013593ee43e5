"""What ``cfgtool diff`` prints: styled text lines, JSON, a unified diff of normalised settings."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence

from cfgtool.differ.settings import Change, SettingsPair, Status
from cfgtool.differ.tree import DiffResult, plural
from cfgtool.filenames import classify
from cfgtool.masking import mask_value

Segment = tuple[str, str]  # (text, rich style; "" for none)


def _value(value: str | None) -> str:
    return '""' if value == "" else str(value)


def _change_line(change: Change, indent: str) -> list[Segment]:
    reboot: list[Segment] = [("  (reboot)", "bold magenta")] if change.reboot else []
    if change.key is None:
        label = {"added": "+ (file added)", "removed": "- (file removed)"}.get(
            change.change, "~ (file changed; not compared as settings)"
        )
        return [(indent + label, "yellow")]
    if change.change == "added":
        return [(f"{indent}+ {change.key} = {_value(change.new)}", "green"), *reboot]
    if change.change == "removed":
        return [(f"{indent}- {change.key} = {_value(change.old)}", "red"), *reboot]
    return [
        (f"{indent}~ {change.key}: ", "yellow"),
        (_value(change.old), "red"),
        (" → ", ""),
        (_value(change.new), "green"),
        *reboot,
    ]


_STATUS_STYLE = {"added": "bold green", "removed": "bold red", "changed": "bold yellow"}


def text_lines(result: DiffResult) -> list[list[Segment]]:
    """The human output as lines of styled segments (plain text: join the texts)."""
    lines: list[list[Segment]] = []
    if not result.tree:
        lines.extend(_change_line(change, "") for change in result.changes)
        if result.changes:
            lines.append([(result.summary(), "bold")])
        return lines
    if result.effective:
        for phone in result.phones:
            if phone.status == "unchanged":
                continue
            model = f"  [{phone.model}]" if phone.model else ""
            note = "" if phone.settings else "  (a file of it is not readable as settings)"
            head = f"{phone.status:<9} {phone.path}{model}{note}"
            lines.append([(head, _STATUS_STYLE[phone.status])])
            lines.extend(_change_line(change, "  ") for change in phone.changes)
    downloaded_by: dict[str, int] = {}
    for phone in result.phones:
        for name in phone.files:
            if classify(name).is_common:
                downloaded_by[name] = downloaded_by.get(name, 0) + 1
    for item in result.file_sections:
        if item.status == "unchanged":
            continue
        if not item.settings:
            note = "  (compared by MD5 only)"
        else:
            note = "" if item.changes else "  (no setting changes)"
        if item.path in downloaded_by and not result.effective:
            note += f"  (downloaded by {plural(downloaded_by[item.path], 'phone')})"
        lines.append([(f"{item.status:<9} {item.path}{note}", _STATUS_STYLE[item.status])])
        if item.settings:
            lines.extend(_change_line(change, "  ") for change in item.changes)
    unchanged = sum(item.status == "unchanged" for item in result.files)
    lines.append([(f"{plural(len(result.files), 'file')}, {unchanged} unchanged", "")])
    lines.append([(result.summary(), "bold")])
    return lines


def to_json(result: DiffResult) -> str:
    """One JSON array of change objects."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False)


def _normalised(
    settings: Mapping[str, str], masked: Mapping[str, str], show_secrets: bool
) -> tuple[list[str], list[str]]:
    """The lines to compare, and the lines to show: context lines are masked too."""
    keys = sorted(settings)

    def shown(key: str) -> str:
        if key in masked:
            return masked[key]
        return settings[key] if show_secrets else mask_value(key, settings[key])

    return [f"{key} = {settings[key]}" for key in keys], [f"{key} = {shown(key)}" for key in keys]


def _unified_section(
    old_label: str,
    new_label: str,
    old: Mapping[str, str],
    new: Mapping[str, str],
    changes: Sequence[Change],
    context: int,
    show_secrets: bool,
) -> list[str]:
    masked_old = {c.key: c.old for c in changes if c.key is not None and c.old is not None}
    masked_new = {c.key: c.new for c in changes if c.key is not None and c.new is not None}
    old_raw, old_shown = _normalised(old, masked_old, show_secrets)
    new_raw, new_shown = _normalised(new, masked_new, show_secrets)
    lines = [f"--- {old_label}", f"+++ {new_label}"]
    matcher = difflib.SequenceMatcher(None, old_raw, new_raw, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        lines.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(" " + line for line in old_shown[i1:i2])
                continue
            lines.extend("-" + line for line in old_shown[i1:i2])
            lines.extend("+" + line for line in new_shown[j1:j2])
    return lines if len(lines) > 2 else []


def _range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def unified(result: DiffResult, *, context: int = 3, show_secrets: bool = False) -> str:
    """A unified diff of normalised, key-sorted ``key = value`` lines (masked values).

    Hunks are computed on the real values, so a changed secret still shows;
    every line shown, context lines included, is masked unless ``show_secrets``.
    """
    lines: list[str] = []
    if not result.tree:
        lines += _unified_section(
            result.old_name,
            result.new_name,
            result.old_settings or {},
            result.new_settings or {},
            result.changes,
            context,
            show_secrets,
        )
        return "".join(line + "\n" for line in lines)
    sections: list[tuple[str, str, Status, SettingsPair, Sequence[Change]]] = []
    if result.effective:
        sections += [
            (phone.path, "\t(effective)", phone.status, phone.settings_pair, phone.changes)
            for phone in result.phones
            if phone.settings and phone.changes
        ]
    sections += [
        (item.path, "", item.status, item.settings_pair, item.changes)
        for item in result.file_sections
        if item.settings and item.changes
    ]
    for name, note, status, (old, new), changes in sections:
        old_label = "/dev/null" if status == "added" else f"{result.old_name}/{name}{note}"
        new_label = "/dev/null" if status == "removed" else f"{result.new_name}/{name}{note}"
        lines += _unified_section(old_label, new_label, old, new, changes, context, show_secrets)
    for item in result.files:
        old_path, new_path = f"{result.old_name}/{item.path}", f"{result.new_name}/{item.path}"
        if item.settings or item.status == "unchanged":
            continue
        if item.status == "changed":
            lines.append(f"Files {old_path} and {new_path} differ")
        else:
            where = result.new_name if item.status == "added" else result.old_name
            lines.append(f"Only in {where}: {item.path}")
    return "".join(line + "\n" for line in lines)
