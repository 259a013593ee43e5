"""Rendering a template and linting the output finds nothing the template lint did not report.

Jinja2 renders the generated Jinja templates (nested if/else on their own lines
and inline, value and key-index placeholders, misspelled keys, bad static
values, lines without '=', X placeholders, keys set twice); ``cfgtool.render``
renders templates in cfgtool's own syntax. Placeholders get values that are
valid for their keys and indexes no static line uses: for the structures the
template lint understands, what it cannot know is only the placeholders' values.
"""

from __future__ import annotations

import itertools
import re

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st

import cfgtool
from cfgtool.linting.config import LintConfig
from cfgtool.linting.engine import lint_source
from cfgtool.parser import dumps, loads

_INDEX = st.integers(1, 3)
_LINE = st.one_of(
    st.builds("account.{}.enable = 1".format, _INDEX),
    st.builds("account.{}.enable = 2".format, _INDEX),
    st.builds("account.{}.label = {{{{ value }}}}".format, _INDEX),
    st.builds("account.{}.auto_answer = {{% if COND %}}1{{% else %}}0{{% endif %}}".format, _INDEX),
    st.builds("ccount.{}.expires = 3600".format, _INDEX),
    st.just("account.{{ index }}.label = Reception"),
    st.just("account.X.label = Reception"),
    st.just("local_time.ntp_server1 = {{ value }}"),
    st.just("local_time.ntp_server1 = pool.ntp.org"),
    st.just("account.1.auto_answer_mute_enable"),
    st.just("# a comment"),
    st.just(""),
)


def _blocks(depth: int) -> st.SearchStrategy[list[str]]:
    if depth == 0:
        return st.lists(_LINE, min_size=1, max_size=3)
    inner = _blocks(depth - 1)
    conditional = st.tuples(inner, inner).map(
        lambda arms: ["{% if COND %}", *arms[0], "{% else %}", *arms[1], "{% endif %}"]
    )
    return st.lists(
        st.one_of(_LINE.map(lambda line: [line]), conditional), min_size=1, max_size=4
    ).map(lambda parts: [line for part in parts for line in part])


def _numbered(lines: list[str]) -> tuple[str, int]:
    counter = itertools.count()
    numbered = []
    for line in lines:
        while "COND" in line:
            line = line.replace("COND", f"c{next(counter)}", 1)
        numbered.append(line)
    return "#!version:1.0.0.1\n" + "\n".join(numbered) + "\n", next(counter)


def _codes(text: str, path: str) -> set[str]:
    found = lint_source(text.encode(), path, LintConfig()).diagnostics
    return {d.code for d in found}


def _duplicate_keys(text: str, path: str) -> set[str]:
    """The keys of the lines CFG105 reports (a repeated block: every line in it)."""
    lines = text.splitlines()
    keys = set()
    for d in lint_source(text.encode(), path, LintConfig()).diagnostics:
        if d.code != "CFG105":
            continue
        last = d.line
        run = re.search(r"keys from here to line (\d+)", d.message)
        if run is not None:
            last = int(run.group(1))
        keys |= {lines[n - 1].split("=", 1)[0].strip() for n in range(d.line, last + 1)}
    return keys


@settings(max_examples=60, deadline=None)
@given(_blocks(2), st.data())
def test_a_rendered_jinja_template_has_no_finding_its_template_lacks(
    lines: list[str], data: st.DataObject
) -> None:
    text, count = _numbered(lines)
    chosen = {f"c{index}": data.draw(st.booleans()) for index in range(count)}
    rendered = jinja2.Environment().from_string(text).render(value="1", index="7", **chosen)
    template_codes = _codes(text, "templates/phone.tpl")
    rendered_codes = _codes(rendered + "\n", "phone.cfg")
    assert rendered_codes <= template_codes, (text, rendered)
    rendered_duplicates = {
        key.replace("account.7.", "account.{{ index }}.")
        for key in _duplicate_keys(rendered + "\n", "phone.cfg")
    }
    assert rendered_duplicates <= _duplicate_keys(text, "templates/phone.tpl"), (text, rendered)


_NATIVE_LINE = st.one_of(
    st.builds("account.{}.label = {{{{ label }}}}".format, _INDEX),
    st.builds("account.{}.enable = 2".format, _INDEX),
    st.builds("account.{}.enable = 1".format, _INDEX),
    st.just("local_time.ntp_server1 = pool.ntp.org"),
    st.just("ccount.1.expires = 3600"),
    st.just("# a comment"),
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(_NATIVE_LINE, min_size=1, max_size=6),
    st.lists(_NATIVE_LINE, max_size=3),
    st.sampled_from(["", "Reception", "1"]),
    st.booleans(),
)
def test_a_rendered_cfgtool_template_has_no_finding_its_template_lacks(
    lines: list[str], guarded: list[str], label: str, second: bool
) -> None:
    body = ["#!version:1.0.0.1", *lines]
    if guarded:
        body += ["# cfgtool: if=second", *guarded, "# cfgtool: endif"]
    text = "\n".join(body) + "\n"
    variables = {"label": label, "second": "x" if second else ""}
    rendered = dumps(cfgtool.render(loads(text, filename="phone.cfg.tmpl"), variables))
    template_codes = _codes(text, "phone.cfg.tmpl")
    rendered_codes = _codes(rendered, "phone.cfg")
    assert rendered_codes <= template_codes, (text, rendered)
