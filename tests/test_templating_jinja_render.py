"""The output lines agree with what Jinja2 itself renders, on every path through a template."""

from __future__ import annotations

import itertools

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st

from cfgtool.templating import Branch, OutputLine, parse_template

_KEY = st.builds(
    "{}.{}".format, st.sampled_from(["account", "features", "local_time"]), st.integers(1, 9)
)
_LINE = st.one_of(
    st.builds("{} = {}".format, _KEY, st.sampled_from(["0", "1", "pool.ntp.org", ""])),
    st.builds("{} = {{{{ value }}}}".format, _KEY),
    st.builds("{}.{{{{ value }}}}.label = x".format, _KEY),
    st.just("# a comment"),
    st.builds("{} = {{% if COND %}}1{{% else %}}0{{% endif %}}".format, _KEY),
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


def _numbered(lines: list[str], trims: list[str]) -> tuple[str, int]:
    """Number the conditions; give the tags whitespace control from ``trims`` in turn."""
    counter = itertools.count()
    trim = itertools.cycle(trims or [""])
    numbered = []
    for line in lines:
        if "COND" in line:
            line = line.replace("COND", f"c{next(counter)}")
        if line.startswith("{%"):
            mode = next(trim)
            line = line.replace("{%", "{%-" if "<" in mode else "{%").replace(
                "%}", "-%}" if ">" in mode else "%}"
            )
        numbered.append(line)
    return "\n".join(numbered) + "\n", next(counter)


def _renders(line: OutputLine, chosen: dict[str, bool], conditions: dict[int, str]) -> bool:
    for step in line.path:
        if isinstance(step, Branch):
            wanted_arm = 0 if chosen[conditions[step.node]] else 1
            if step.arm != wanted_arm:
                return False
    return True


@settings(max_examples=40, deadline=None)
@given(_blocks(2), st.lists(st.sampled_from(["", "<", ">", "<>"]), max_size=4), st.data())
def test_lines_on_a_path_are_what_jinja2_renders(
    lines: list[str], trims: list[str], data: st.DataObject
) -> None:
    text, count = _numbered(lines, trims)
    chosen = {f"c{index}": data.draw(st.booleans()) for index in range(count)}
    structure = parse_template(text, "jinja")
    assert structure.problems == ()
    conditions = {
        step.node: step.condition
        for line in structure.lines
        for step in line.path
        if isinstance(step, Branch) and step.arm == 0
    }
    expected = [
        line.static_text("V") for line in structure.lines if _renders(line, chosen, conditions)
    ]
    rendered = jinja2.Environment().from_string(text).render(value="V", **chosen)
    assert [line for line in rendered.split("\n") if line] == [line for line in expected if line]
