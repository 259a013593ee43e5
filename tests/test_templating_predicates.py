"""The questions phase B's lint asks: exclusive branches, key indexes, model, inheritance."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfgtool.templating import (
    OutputLine,
    can_collide,
    is_key_index,
    key_text,
    load_template,
    model_from_path,
    mutually_exclusive,
    parse_template,
    resolve_template,
    varies_per_iteration,
)

TEMPLATES = Path(__file__).resolve().parent / "data" / "templates"
JINJA_ROOT = TEMPLATES / "jinja" / "templates"


def _by_key(lines: tuple[OutputLine, ...], fragment: str) -> list[OutputLine]:
    return [line for line in lines if fragment in line.text]


@pytest.mark.parametrize(
    ("dialect", "text"),
    [
        ("smarty", "{if $a}\nx = 1\n{else}\nx = 0\n{/if}\n"),
        ("smarty", "{if $a}x = 1{elseif $b}x = 2{/if}\n"),
        ("smarty", "x = {if $a}1{/if}\n"),
        ("jinja", "{% if a %}\nx = 1\n{% elif b %}\nx = 0\n{% endif %}\n"),
        ("jinja", "{% for k in keys %}\nx = 1\n{% else %}\nx = 0\n{% endfor %}\n"),
        ("twig", "{% if a %}\nx = 1\n{% elseif b %}\nx = 0\n{% endif %}\n"),
        ("mustache", "{{#a}}\nx = 1\n{{/a}}\n{{^a}}\nx = 0\n{{/a}}\n"),
        ("cfgtool", "x = 0\n# cfgtool: if=a\ny = 1\n# cfgtool: endif\n"),
    ],
)
def test_branches_are_exclusive_and_a_line_is_not_exclusive_with_itself(
    dialect: str, text: str
) -> None:
    lines = parse_template(text, dialect).lines  # type: ignore[arg-type]
    first, second = lines[0], lines[1]
    if dialect == "cfgtool":  # one arm and the unconditional line: both render
        assert not mutually_exclusive(first, second)
        return
    assert mutually_exclusive(first, second)
    assert mutually_exclusive(second, first)
    assert not mutually_exclusive(first, first)


def test_same_path_is_not_exclusive() -> None:
    text = "{if $a}\nx = 1\nx = 2\n{/if}\n{if $b}\nx = 3\n{/if}\n"
    one, two, three = parse_template(text, "smarty").lines
    assert not mutually_exclusive(one, two)
    assert not mutually_exclusive(one, three)


def test_fixture_t46s_branches() -> None:
    lines = load_template(TEMPLATES / "smarty" / "yealink" / "t46s" / "{$mac}.cfg").lines
    enable_1, enable_0 = _by_key(lines, ".enable =")
    assert mutually_exclusive(enable_1, enable_0)
    transport_1, transport_0 = _by_key(lines, ".transport =")
    assert mutually_exclusive(transport_1, transport_0)
    (label,) = _by_key(lines, ".label =")
    assert not mutually_exclusive(label, enable_1)


@pytest.mark.parametrize(
    ("dialect", "text", "index", "per_iteration"),
    [
        (
            "smarty",
            "{foreach $lines as $row}\naccount.{$row.line_number}.enable = 1\n{/foreach}\n",
            True,
            True,
        ),
        ("smarty", "account.{$n}.enable = 1\n", True, False),
        ("smarty", "{$prefix}.enable = 1\n", False, False),
        (
            "jinja",
            "{% for line_no, line in lines.items() %}\n"
            "account.{{ line_no }}.label = 1\n{% endfor %}\n",
            True,
            True,
        ),
        (
            "jinja",
            "{% for k in keys %}\nlinekey.{{ loop.index }}.type = 1\n{% endfor %}\n",
            True,
            True,
        ),
        ("jinja", "account.{{ line_no }}_x.label = 1\n", False, False),
        (
            "twig",
            "{% for line in 1..6 %}\naccount.{{ line }}.enable = 1\n{% endfor %}\n",
            True,
            True,
        ),
        ("smarty", "{line_loop}\naccount.{$line}.enable = 1\n{/line_loop}\n", True, True),
    ],
)
def test_key_index(dialect: str, text: str, index: bool, per_iteration: bool) -> None:
    (line,) = parse_template(text, dialect).lines  # type: ignore[arg-type]
    placeholder = line.placeholders[0]
    assert is_key_index(line, placeholder) is index
    assert varies_per_iteration(line, placeholder) is per_iteration


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("resources/templates/provision/yealink/t46s/{$mac}.cfg", "T46S"),
        ("resources/templates/provision/yealink/t19p/y000000000053.cfg", "T19P"),
        ("plugins/wazo_yealink/v85/templates/T46S.tpl", "T46S"),
        ("plugins/wazo_yealink/v85/templates/T19P_E2.tpl", "T19(P) E2"),
        ("plugins/wazo_yealink/v85/templates/base.tpl", None),
        ("tftpboot/y000000000028.cfg", "T46G"),
        ("tftpboot/y000000000000.cfg", None),
        ("tancredi/data/templates/yealink.tmpl", None),
    ],
)
def test_model_from_path(path: str, model: str | None) -> None:
    found = model_from_path(path)
    assert (found.name if found else None) == model


def test_resolve_child_as_its_base_renders_it() -> None:
    resolved = resolve_template(JINJA_ROOT / "T46G.tpl", JINJA_ROOT)
    texts = [line.text for line in resolved.lines]
    assert texts[0] == "#!version:1.0.0.1"
    block = texts.index("gui_lang.url = {{ XX_server_url }}/lang/T46G.lang")
    assert texts[block + 1] == "lang.gui = {{ XX_lang|d('English') }}"
    assert texts[block + 2] == "features.dnd.enable = 0"
    assert texts[block - 1] == "# {{ kept }} as written"
    origins = {Path(line.origin).name for line in resolved.lines}
    assert origins == {"T46G.tpl", "base.tpl"}
    assert resolved.problems == ()


def test_resolve_super_and_missing_base(tmp_path: Path) -> None:
    (tmp_path / "base.tpl").write_text("a = 1\n{% block b %}\nb = 1\n{% endblock %}\nc = 1\n")
    (tmp_path / "child.tpl").write_text(
        "{% extends 'base.tpl' %}\n{% block b %}\n{{ super() }}\nb.extra = 2\n{% endblock %}\n"
    )
    (tmp_path / "orphan.tpl").write_text("{% extends 'nowhere.tpl' %}\n")
    (tmp_path / "loop.tpl").write_text("{% extends 'loop.tpl' %}\n")
    resolved = resolve_template(tmp_path / "child.tpl", tmp_path)
    assert [line.text for line in resolved.lines] == ["a = 1", "b = 1", "b.extra = 2", "c = 1"]
    (orphan,) = resolve_template(tmp_path / "orphan.tpl", tmp_path).problems
    assert "'nowhere.tpl' is not in" in orphan.message
    (cycle,) = resolve_template(tmp_path / "loop.tpl", tmp_path).problems
    assert "extends itself" in cycle.message


def test_resolve_without_extends_is_the_template() -> None:
    base = JINJA_ROOT / "base.tpl"
    assert resolve_template(base, JINJA_ROOT) == load_template(base)


@pytest.mark.parametrize(
    ("text", "exclusive"),
    [
        ("{if $t == 'udp'}x = 0{/if}\n{if $t == 'tcp'}x = 1{/if}\n", True),
        ("{if $t eq 'udp'}x = 0{/if}\n{if $t eq 'udp'}x = 1{/if}\n", False),
        ("{if $t == 'udp'}x = 0{/if}\n{if $u == 'tcp'}x = 1{/if}\n", False),
        ("{if $t == 1}x = 0{/if}\n{if $t == 2}x = 1{/if}\n", True),
        ("{if isset($t)}x = 0{/if}\n{if $t == 2}x = 1{/if}\n", False),
    ],
)
def test_equality_conditions_on_one_expression_are_exclusive(text: str, exclusive: bool) -> None:
    first, second = parse_template(text, "smarty").lines
    assert mutually_exclusive(first, second) is exclusive


@pytest.mark.parametrize(
    ("text", "collide"),
    [
        # two loops over different key lists: the ids may differ
        (
            "{foreach $a as $row}\nk.{$row.id}.type = 1\n{/foreach}\n"
            "{foreach $b as $row}\nk.{$row.id}.type = 2\n{/foreach}\n",
            False,
        ),
        # one loop body writing the key twice: a duplicate on every iteration
        ("{foreach $a as $row}\nk.{$row.id}.type = 1\nk.{$row.id}.type = 2\n{/foreach}\n", True),
        ("k.{$a}.type = 1\nk.{$b}.type = 2\n", False),
        ("k.{$a}.type = 1\nk.{$a}.type = 2\n", True),
        ("{if $x}\nk.1.type = 1\n{else}\nk.1.type = 2\n{/if}\n", False),
        ("k.1.type = 1\n{if $x}\nk.1.type = 2\n{/if}\n", True),
    ],
)
def test_can_collide(text: str, collide: bool) -> None:
    first, second = parse_template(text, "smarty").lines
    assert key_text(first) == key_text(second)
    assert can_collide(first, second) is collide


def test_key_text() -> None:
    (line,) = parse_template("account.{$n}.label = {$x}\n", "smarty").lines
    assert key_text(line) == "account.{}.label"
    assert key_text(line, "X") == "account.X.label"
    (comment,) = parse_template("no equals {$x}\n", "smarty").lines
    assert key_text(comment) is None
