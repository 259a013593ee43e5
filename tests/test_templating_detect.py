"""Dialect detection by extension and content."""

from __future__ import annotations

import pytest

from cfgtool.templating import detect_dialect, parse_template

CASES = [
    ("templates/T46G.tpl", "{% extends 'base.tpl' %}", "jinja"),
    ("templates/base.tpl", "a = {{ x }}\n", "jinja"),
    ("phone.j2", "a = 1\n", "jinja"),
    ("old.tpl", "a = {$x}\n", "smarty"),
    ("yealink.tmpl", "{% import 'm' as m %}\na = {{ x }}\n", "twig"),
    ("phone.twig", "a = {{ x }}\n", "twig"),
    ("phone.cfg.tmpl", "a = {{ x }}\n", "cfgtool"),
    ("phone.mustache", "a = {{x}}\n", "mustache"),
    ("yealink/t46s/{$mac}.cfg", "account.{$row.line_number}.enable = 1\n", "smarty"),
    ("$mac.cfg", "{line_loop}\naccount.{$line}.enable = 1\n{/line_loop}\n", "smarty"),
    ("y000000000066.cfg", "{* c *}\na = 1\n", "smarty"),
    ("phone.cfg", "{% if x %}\na = 1\n{% endif %}\n", "jinja"),
    ("phone.cfg", "{{#x}}\na = 1\n{{/x}}\n", "mustache"),
    ("phone.cfg", "account.1.label = {{ label }}\n", "cfgtool"),
    ("phone.cfg", "a = 1\n", "cfgtool"),
    (None, "a = {$x}\n", "smarty"),
]


@pytest.mark.parametrize(("path", "text", "expected"), CASES)
def test_detect(path: str | None, text: str, expected: str) -> None:
    assert detect_dialect(path, text) == expected


def test_auto_is_detection() -> None:
    assert parse_template("a = {$x}\n", "auto", "phone.cfg").dialect == "smarty"
    assert parse_template("a = {$x}\n", "jinja", "phone.cfg").dialect == "jinja"
