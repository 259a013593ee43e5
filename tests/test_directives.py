"""Every `# cfgtool:` comment is parsed by cfgtool.directives (issue 10, one place per concept)."""

from __future__ import annotations

import pytest

from cfgtool.directives import comment_model, directives, has_directives, parse_directive
from cfgtool.nodes import Comment
from cfgtool.parser import loads


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("# cfgtool: disable-next-line=CFG201", ("disable-next-line", "=CFG201", 3, "CFG201")),
        ("#cfgtool:disable-file", ("disable-file", "", 2, None)),
        ("  #  cfgtool: model = T46G  ", ("model", " = T46G  ", 6, "T46G")),
        ("# cfgtool: if=ext2", ("if", "=ext2", 3, "ext2")),
        ("# cfgtool: endif", ("endif", "", 3, None)),
        ("# cfgtool: endif now", ("endif", " now", 3, None)),
        ("# cfgtool:", ("", "", 3, None)),
    ],
)
def test_a_directive_is_its_verb_and_the_rest(
    raw: str, expected: tuple[str, str, int, str | None]
) -> None:
    directive = parse_directive(Comment(raw=raw, eol="\n", line=4))
    assert directive is not None
    assert (directive.verb, directive.rest, directive.column, directive.argument) == expected
    assert directive.line == 4


@pytest.mark.parametrize(
    "raw", ["# see the cfgtool: docs", "## cfgtool: model=T46G", "# a comment", "#"]
)
def test_prose_that_mentions_cfgtool_is_no_directive(raw: str) -> None:
    assert parse_directive(Comment(raw=raw, eol="\n", line=1)) is None


def test_directives_are_listed_in_file_order_and_model_is_the_last_one() -> None:
    doc = loads(
        "#!version:1.0.0.1\n# cfgtool: model=T42G\n# prose\n"
        "# cfgtool: model=T46G\n# cfgtool: model=\nlang.gui = English\n"
    )
    assert has_directives(doc)
    assert [d.line for d in directives(doc)] == [2, 4, 5]
    assert comment_model(doc) == "T46G"
    assert comment_model(loads("#!version:1.0.0.1\n")) is None
    assert not has_directives(loads("#!version:1.0.0.1\nlang.gui = English\n"))
