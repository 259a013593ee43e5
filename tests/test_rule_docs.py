"""Every rule documents a failing and a passing example, and each behaves as claimed.

The examples are what ``cfgtool rules CODE`` shows, so a wrong one misleads
users. An example block follows ``Failing example::`` or ``Passing example::``,
optionally with a context: ``(file y000000000028.cfg)`` or ``(template)``. In
the block, ``\\t``, ``\\x20``, ``\\uFEFF`` and ``\\x01`` stand for the
characters, and a last line ``\\ No newline at end of file`` means just that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from cfgtool.linting.rule import LintContext, Rule
from cfgtool.linting.rules import RULES
from cfgtool.parser import loads

_HEADING = re.compile(r"^(Failing|Passing) example(?: \(([^)]*)\))?::[ \t]*$", re.MULTILINE)
_ESCAPE = re.compile(r"\\(t|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4})")
_NO_EOL = "\\ No newline at end of file"
# Rules whose findings the engine makes (CFG100 needs the suppression bookkeeping).
ENGINE_RULES = frozenset({"CFG100"})


@dataclass(frozen=True)
class Example:
    failing: bool
    text: str
    filename: str
    template: bool


def _unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        return "\t" if code == "t" else chr(int(code[1:], 16))

    return _ESCAPE.sub(replace, text)


def examples(doc: str) -> list[Example]:
    """The example blocks of a rule docstring, decoded."""
    found = []
    lines = doc.splitlines()
    for match in _HEADING.finditer(doc):
        start = doc.count("\n", 0, match.end()) + 1
        block: list[str] = []
        for line in lines[start:]:
            if line.strip() and not line.startswith("    "):
                break
            block.append(line[4:])
        while block and not block[-1].strip():
            block.pop()
        while block and not block[0].strip():
            block.pop(0)
        eol = "\n"
        if block and block[-1] == _NO_EOL:
            block.pop()
            eol = ""
        text = _unescape("\n".join(block)) + eol
        options = (match.group(2) or "").split()
        filename = options[options.index("file") + 1] if "file" in options else "0015651130f9.cfg"
        found.append(Example(match.group(1) == "Failing", text, filename, "template" in options))
    return found


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_has_docs(rule: Rule) -> None:
    assert rule.doc.splitlines()[0].strip(), "a one-line description first"
    found = examples(rule.doc)
    assert any(e.failing for e in found), f"{rule.code}: no 'Failing example::'"
    assert any(not e.failing for e in found), f"{rule.code}: no 'Passing example::'"
    assert all(e.text.strip() for e in found), f"{rule.code}: an empty example"


@pytest.mark.parametrize(
    "rule",
    [rule for rule in RULES if rule.scope == "lint" and rule.code not in ENGINE_RULES],
    ids=lambda rule: rule.code,
)
def test_examples_behave_as_claimed(rule: Rule) -> None:
    for example in examples(rule.doc):
        context = LintContext(
            path=example.filename, filename=example.filename, template=example.template
        )
        found = list(rule.check(loads(example.text, filename=example.filename), context))
        if example.failing:
            assert found, f"{rule.code}: the failing example reports nothing:\n{example.text}"
        else:
            assert not found, f"{rule.code}: the passing example reports {found}"


def test_example_parser_reads_escapes_and_context() -> None:
    doc = (
        "Title.\n\nFailing example (file y000000000028.cfg)::\n\n"
        "    a =\\tb\\x20\n    \\ No newline at end of file\n\n"
        "Passing example (template)::\n\n    a = b\n"
    )
    failing, passing = examples(doc)
    assert failing == Example(True, "a =\tb ", "y000000000028.cfg", False)
    assert passing == Example(False, "a = b\n", "0015651130f9.cfg", True)
