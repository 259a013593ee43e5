"""Builds the template tree from a dialect's tags, checking that they balance.

Each dialect parser reads its own syntax and calls one method per tag; the
builder keeps the open structures on a stack and reports a closing tag that
closes nothing, an ``else`` outside a conditional, and structures left open.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from cfgtool.templating.model import Problem, Reference, ReferenceKind
from cfgtool.templating.tree import (
    Arm,
    BlockNode,
    Conditional,
    Expression,
    Hidden,
    LoopNode,
    Node,
    Tag,
    Text,
    line_starts,
)


@dataclass
class _Frame:
    name: str
    node: Conditional | LoopNode | BlockNode | Hidden
    body: list[Node]
    offset: int
    opener: str


class TreeBuilder:
    """Collects nodes, references and problems for one template."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.root: list[Node] = []
        self.stack: list[_Frame] = []
        self.references: list[Reference] = []
        self.problems: list[Problem] = []
        self.macros: list[str] = []
        self._line_starts = line_starts(source)
        self.body: list[Node] = self.root  # where the next node goes (kept by _sync)

    # --- positions ---------------------------------------------------------------

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def problem(self, offset: int, message: str) -> None:
        line, column = self.position(offset)
        self.problems.append(Problem(line, column, message))

    def reference(self, kind: ReferenceKind, target: str, offset: int) -> None:
        line, column = self.position(offset)
        self.references.append(Reference(kind, target, line, column))

    # --- nodes ---------------------------------------------------------------------

    def _sync(self) -> None:
        self.body = self.stack[-1].body if self.stack else self.root

    def text(self, text: str, offset: int) -> None:
        if text:
            self.body.append(Text(text, offset))

    def expression(
        self, source: str, expression: str, offset: int, names: tuple[str, ...] = ()
    ) -> None:
        self.body.append(Expression(source, expression, offset, names))

    def tag(self, offset: int) -> None:
        self.body.append(Tag(offset))

    def _open(
        self,
        name: str,
        node: Conditional | LoopNode | BlockNode | Hidden,
        body: list[Node],
        opener: str,
    ) -> None:
        self.body.append(node)
        self.stack.append(_Frame(name, node, body, node.offset, opener))
        self.body = body

    def open_conditional(self, name: str, condition: str, offset: int, opener: str) -> None:
        arm = Arm(condition)
        self._open(name, Conditional(offset, [arm]), arm.body, opener)

    def open_loop(
        self, name: str, variables: tuple[str, ...], iterable: str, offset: int, opener: str
    ) -> None:
        node = LoopNode(offset, variables, iterable)
        self._open(name, node, node.body, opener)

    def open_block(self, name: str, block: str, offset: int, opener: str) -> None:
        node = BlockNode(offset, block)
        self.reference("block", block, offset)
        self._open(name, node, node.body, opener)

    def open_transparent(self, name: str, offset: int, opener: str) -> None:
        """A wrapper whose body renders in place (``{% with %}``, ``{% filter %}``…)."""
        node = BlockNode(offset, "")
        self._open(name, node, node.body, opener)

    def open_hidden(self, name: str, what: str, offset: int, opener: str) -> None:
        node = Hidden(offset, what)
        self._open(name, node, node.body, opener)

    def branch(self, condition: str | None, offset: int, spelling: str) -> None:
        """An ``elif`` (``condition``) or ``else`` (None) of the innermost structure."""
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.node, LoopNode) and condition is None:
            if frame.node.otherwise or frame.body is frame.node.otherwise:
                self.problem(offset, f"a second '{spelling}' in one loop")
            frame.body = self.body = frame.node.otherwise
            return
        if frame is None or not isinstance(frame.node, Conditional):
            self.problem(offset, f"'{spelling}' outside a conditional")
            return
        if frame.node.exhaustive:
            self.problem(offset, f"'{spelling}' after the 'else' of this conditional")
            return
        arm = Arm("else" if condition is None else condition)
        frame.node.arms.append(arm)
        frame.node.exhaustive = condition is None
        frame.body = self.body = arm.body

    def reopen_else(self, node: Conditional, name: str, offset: int, opener: str) -> None:
        """Give the conditional ``node`` (closed just before) an else arm and open it again.

        The blanks and tags between its close and here move to the start of the new arm.
        """
        body = self.body
        # by identity, from the end: the node was closed just before (== would compare trees)
        position = next(i for i in range(len(body) - 1, -1, -1) if body[i] is node)
        between = body[position + 1 :]
        del body[position + 1 :]
        arm = Arm("else", [*between, Tag(offset)])
        node.arms.append(arm)
        node.exhaustive = True
        self.stack.append(_Frame(name, node, arm.body, offset, opener))
        self.body = arm.body

    def close(self, name: str, offset: int, spelling: str) -> None:
        if not self.stack or self.stack[-1].name != name:
            open_names = [frame.name for frame in self.stack]
            if name in open_names:
                while self.stack[-1].name != name:
                    self._unclosed(self.stack.pop())
            else:
                self.problem(offset, f"'{spelling}' closes nothing")
                self.tag(offset)
                return
        self.stack.pop()
        self._sync()

    def _unclosed(self, frame: _Frame) -> None:
        self.problem(frame.offset, f"'{frame.opener}' is never closed")

    def finish(self) -> list[Node]:
        while self.stack:
            self._unclosed(self.stack.pop(0))
        self._sync()
        return self.root
