"""Template tree → output lines, each with its source line, placeholders and branch path.

A line is cut at every line break of the output. A line that holds only tags
(and blanks) is structure, not output. A conditional or loop in the middle of a
line forks the line: ``key = {if $a}1{else}0{/if}`` gives two output lines, one
per arm, on mutually exclusive paths.
"""

from __future__ import annotations

import bisect
import itertools
from typing import NamedTuple

from cfgtool.templating.model import (
    Branch,
    Loop,
    OutputLine,
    PathStep,
    Placeholder,
    PlaceholderPosition,
    Problem,
)
from cfgtool.templating.tree import (
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

#: Inline branches multiply the variants of one line; past this many the rest are dropped.
MAX_VARIANTS = 64

Segment = Text | Expression


class _State(NamedTuple):
    """The output line being built on one path (a tuple: made, hashed and compared in C,
    which a frozen dataclass is not; inline branches make one state per variant)."""

    segments: tuple[Segment, ...] = ()
    path: tuple[PathStep, ...] = ()
    blocks: tuple[str, ...] = ()
    saw_tag: bool = False
    has_content: bool = False
    start: int = 0


def _on_path(
    state: _State, path: tuple[PathStep, ...], blocks: tuple[str, ...] | None = None
) -> _State:
    """``state`` on ``path`` (and in ``blocks``), its line holding a tag; dataclasses.replace
    costs ten times this, and inline branches make one state per variant."""
    return _State(
        state.segments,
        path,
        state.blocks if blocks is None else blocks,
        True,
        state.has_content,
        state.start,
    )


def _tagged(state: _State) -> _State:
    """``state`` once its line holds a tag."""
    if state.saw_tag:
        return state
    return _State(state.segments, state.path, state.blocks, True, state.has_content, state.start)


class _Flattener:
    def __init__(self, source: str, origin: str) -> None:
        self.origin = origin
        self.line_starts = line_starts(source)
        self.lines: list[OutputLine] = []
        self.problems: list[Problem] = []
        self.node_ids = itertools.count(1)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def column_of(self, offset: int) -> int:
        return offset - self.line_starts[self.line_of(offset) - 1] + 1

    # --- walking ------------------------------------------------------------------

    def walk(
        self,
        nodes: list[Node],
        states: list[_State],
        context: tuple[PathStep, ...],
        blocks: tuple[str, ...],
    ) -> list[_State]:
        for node in nodes:
            if isinstance(node, Text):
                states = self.text(states, node, context, blocks)
            elif isinstance(node, Expression):
                states = [self.add(state, node, blocks, True) for state in states]
            elif isinstance(node, Conditional):
                states = self.conditional(node, states, context, blocks)
            elif isinstance(node, LoopNode):
                states = self.loop(node, states, context, blocks)
            elif isinstance(node, BlockNode):
                inner = (*blocks, node.name) if node.name else blocks
                states = [_tagged(s) for s in states]
                states = self.rejoin(self.walk(node.body, states, context, inner), context, blocks)
            elif isinstance(node, Hidden):
                # Walked for its problems only: what it writes is not output here.
                kept = len(self.lines)
                self.walk(node.body, [_State(saw_tag=True)], context, blocks)
                del self.lines[kept:]
                states = [_tagged(s) for s in states]
            elif isinstance(node, Tag):
                states = [_tagged(s) for s in states]
            if len(states) > 1:
                states = self.distinct(states, node)
        return states

    def conditional(
        self,
        node: Conditional,
        states: list[_State],
        context: tuple[PathStep, ...],
        blocks: tuple[str, ...],
    ) -> list[_State]:
        node_id = next(self.node_ids)
        after: list[_State] = []
        for index, arm in enumerate(node.arms):
            step = Branch(node_id, index, arm.condition, self.origin)
            entered = [_on_path(s, (*s.path, step)) for s in states]
            after.extend(self.walk(arm.body, entered, (*context, step), blocks))
        if not node.exhaustive:
            none = Branch(node_id, len(node.arms), "none", self.origin)
            after.extend(_on_path(s, (*s.path, none)) for s in states)
        return self.rejoin(after, context, blocks)

    def loop(
        self,
        node: LoopNode,
        states: list[_State],
        context: tuple[PathStep, ...],
        blocks: tuple[str, ...],
    ) -> list[_State]:
        node_id = next(self.node_ids)
        runs = Branch(node_id, 0, node.iterable, self.origin)
        never = Branch(node_id, 1, f"no {node.iterable}", self.origin)
        loop = Loop(node_id, node.variables, node.iterable, self.origin)
        entered = [_on_path(s, (*s.path, runs, loop)) for s in states]
        after = self.walk(node.body, entered, (*context, runs, loop), blocks)
        skipped = [_on_path(s, (*s.path, never)) for s in states]
        if node.otherwise:
            skipped = self.walk(node.otherwise, skipped, (*context, never), blocks)
        return self.rejoin([*after, *skipped], context, blocks)

    @staticmethod
    def rejoin(
        states: list[_State], context: tuple[PathStep, ...], blocks: tuple[str, ...]
    ) -> list[_State]:
        """Back out of a structure.

        When no variant has begun a line, the next line starts on the outer path,
        once. Otherwise every variant keeps its path: whether the next text starts a
        line of its own or ends a line begun on another arm depends on the arm.
        """
        if all(not s.segments for s in states):
            return [_on_path(s, context, blocks) for s in states]
        return [_tagged(s) for s in states]

    def distinct(self, states: list[_State], node: Node) -> list[_State]:
        # A line not yet begun that already holds a tag is dropped unless content follows,
        # so where it began does not tell two such states apart.
        states = [
            _State(s.segments, s.path, s.blocks, s.saw_tag, s.has_content, 0)
            if s.saw_tag and not s.segments
            else s
            for s in states
        ]
        unique = list(dict.fromkeys(states))
        if len(unique) > MAX_VARIANTS:
            offset = getattr(node, "offset", 0)
            self.problems.append(
                Problem(
                    self.line_of(offset),
                    self.column_of(offset),
                    f"more than {MAX_VARIANTS} variants of one line from inline branches;"
                    " put the branches on lines of their own",
                )
            )
            unique = unique[:MAX_VARIANTS]
        return unique

    @staticmethod
    def add(state: _State, segment: Segment, blocks: tuple[str, ...], content: bool) -> _State:
        return _State(
            (*state.segments, segment),
            state.path,
            state.blocks if state.segments else blocks,
            state.saw_tag,
            state.has_content or content,
            state.start,
        )

    def text(
        self,
        states: list[_State],
        node: Text,
        context: tuple[PathStep, ...],
        blocks: tuple[str, ...],
    ) -> list[_State]:
        source = node.text
        newline = source.find("\n")
        if newline < 0:  # part of a line: every variant goes on with it
            content = bool(source.strip())
            return [self.add(s, node, blocks, content) for s in states] if source else states
        if newline:
            segment = Text(source[:newline], node.offset)
            content = bool(segment.text.strip())
            states = [self.add(s, segment, blocks, content) for s in states]
        for state in states:
            self.emit(state)
        # Every variant of the line ends at the line break: the rest is one line per piece,
        # each on the outer path, written out here without building a state for it.
        pieces = source[newline + 1 :].split("\n")
        last = pieces.pop()
        offset = node.offset + newline + 1
        line = self.line_of(offset)
        append, origin = self.lines.append, self.origin
        for piece in pieces:
            text = piece[:-1] if piece.endswith("\r") else piece
            append(OutputLine(line, text, (), context, blocks, origin))
            offset += len(piece) + 1
            line += 1
        state = _State((), context, blocks, False, False, offset)
        if last:
            state = self.add(state, Text(last, offset), blocks, bool(last.strip()))
        return [state]

    # --- emitting -----------------------------------------------------------------

    def emit(self, state: _State) -> None:
        if state.saw_tag and not state.has_content:
            return
        text_parts: list[str] = []
        spans: list[tuple[int, int, Expression]] = []
        length = 0
        for segment in state.segments:
            if isinstance(segment, Text):
                piece = segment.text
            else:
                piece = segment.source
                spans.append((length, length + len(piece), segment))
            text_parts.append(piece)
            length += len(piece)
        text = "".join(text_parts)
        if text.endswith("\r"):
            text = text[:-1]
        first = state.segments[0].offset if state.segments else state.start
        placeholders = tuple(
            Placeholder(
                start,
                end,
                segment.expression,
                self.line_of(segment.offset),
                self.column_of(segment.offset),
                classify(text, start, end, [(s, e) for s, e, _ in spans]),
                segment.names,
            )
            for start, end, segment in spans
        )
        self.lines.append(
            OutputLine(
                self.line_of(first),
                text,
                placeholders,
                state.path,
                state.blocks,
                self.origin,
            )
        )

    def finish(self, states: list[_State]) -> None:
        for state in states:
            if state.segments:
                self.emit(state)


def classify(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> PlaceholderPosition:
    """Where the placeholder ``text[start:end]`` sits: key, key-index, value or whole line."""
    equals = _first_equals(text, spans)
    if equals is None:
        return "line" if text.strip() == text[start:end] else "key"
    if start > equals:
        return "value"
    key = text[:equals].rstrip(" \t")
    key_start = len(key) - len(key.lstrip(" \t"))
    before_dot = start > key_start and text[start - 1] == "."
    after_dot = end == len(key) or (end < len(key) and text[end] == ".")
    return "key-index" if before_dot and after_dot else "key"


def _first_equals(text: str, spans: list[tuple[int, int]]) -> int | None:
    position = 0
    for start, end in [*spans, (len(text), len(text))]:
        found = text.find("=", position, start)
        if found >= 0:
            return found
        position = end
    return None


def flatten(
    nodes: list[Node], source: str, origin: str = ""
) -> tuple[tuple[OutputLine, ...], tuple[Problem, ...]]:
    """The output lines of a template tree, in source order, and the problems found."""
    flattener = _Flattener(source, origin)
    states = flattener.walk(nodes, [_State()], (), ())
    flattener.finish(states)
    ordered = sorted(flattener.lines, key=lambda line: line.line)
    return tuple(ordered), tuple(flattener.problems)
