"""The state of :mod:`.fastlines` between lines: the structures open around the next one.

A :class:`LineReader` takes a tag line's operations (:mod:`.tag_lines`) as the
general path's tree builder and walk (:mod:`.builder`, :mod:`.flatten`) would
take its tags: the path of each output line, node ids, the variants a line
carries (to give up where the general path reports more than MAX_VARIANTS),
Mustache's else sections, and Jinja's blocks, references, macros and hidden
bodies.
"""

from __future__ import annotations

from typing import cast

from cfgtool.templating.flatten import MAX_VARIANTS
from cfgtool.templating.model import Branch, Loop, OutputLine, PathStep, Reference, ReferenceKind
from cfgtool.templating.tag_lines import (
    BLOCK,
    BRANCH,
    CLOSE,
    HIDDEN,
    IF,
    INVERTED,
    LOOP,
    REFERENCE,
    LoopParts,
    Op,
    Target,
)


class _Frame:
    """An open conditional or loop: what the general path's tree node and walk know of it."""

    __slots__ = (
        "arm_ends",
        "arms",
        "blocks",
        "condition",
        "entering",
        "exhaustive",
        "is_loop",
        "iterable",
        "name",
        "node",
        "otherwise",
        "outer",
        "wrapper",
    )

    def __init__(
        self, name: str, node: int, outer: tuple[PathStep, ...], entering: int, is_loop: bool
    ) -> None:
        self.name = name
        self.node = node
        self.outer = outer  # the path around it
        self.entering = entering  # variants of the line it opens on (the general path's states)
        self.is_loop = is_loop
        self.arms = 1
        self.arm_ends = 0  # variants at the ends of the arms (or loop bodies) read so far
        self.exhaustive = False
        self.otherwise = False
        self.condition = ""
        self.iterable = ""
        self.wrapper = (
            ""  # "block" or "hidden": a frame with no arms (jinja.py's BlockNode, Hidden)
        )
        self.blocks: tuple[str, ...] = ()  # the blocks around it


class LineReader:
    """The output lines read so far and the structures open around the next one."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.lines: list[OutputLine] = []
        self.stack: list[_Frame] = []
        self.path: tuple[PathStep, ...] = ()
        self.nodes = 0
        # Within a tag line, how many variants of it the general path carries (it reports
        # more than MAX_VARIANTS; this never does).
        self.variants = 1
        # Mustache: the section that closed last at this level, with only blank lines and
        # comments after it (the output lines from `closed_at` on): an inverted section of
        # its name that comes now is its else arm, and those blank lines move into it.
        self.closed: _Frame | None = None
        self.closed_at = 0
        # Jinja and Twig: the blocks around the next line, the references and macros so
        # far, and how many hidden bodies (macros…) are open: their lines are not output.
        self.blocks: tuple[str, ...] = ()
        self.references: list[Reference] = []
        self.macros: list[str] = []
        self.hidden = 0
        self.unseen: list[OutputLine] = []  # a hidden body's lines

    def sink(self) -> list[OutputLine]:
        """Where the next output line goes."""
        return self.unseen if self.hidden else self.lines

    def apply(self, ops: list[Op], number: int, joined: bool) -> bool:
        """Take one tag line's operations in turn; False where the general path has a problem.

        ``joined``: no line break is left between this line's tags and the last
        tag line's (whitespace control took it), so the variants go on.
        """
        if not joined:
            self.variants = 1  # the line break ended every variant
        for kind, name, argument in ops:
            if kind == IF:
                condition = cast(str, argument)
                self.open(name, False).condition = condition
                self.path = (*self.path, Branch(self.nodes, 0, condition, self.origin))
            elif kind == LOOP:
                variables, iterable = cast(LoopParts, argument)
                frame = self.open(name, True)
                frame.iterable = iterable
                runs = Branch(self.nodes, 0, iterable, self.origin)
                self.path = (*self.path, runs, Loop(self.nodes, variables, iterable, self.origin))
            elif kind == BRANCH:
                if not self.branch(cast(str | None, argument)):
                    return False
            elif kind == CLOSE:
                if not self.stack or self.stack[-1].name != name:
                    return False
                self.close()
            elif kind == INVERTED:
                if not self.inverted(name):
                    return False
            elif kind == REFERENCE:
                target, column = cast(Target, argument)
                kind_name = cast(ReferenceKind, name)
                self.references.append(Reference(kind_name, target, number, column))
            elif kind in (BLOCK, HIDDEN):
                self.wrap(kind, name, argument, number)
            if self.variants > MAX_VARIANTS:
                return False
        return True

    def wrap(self, kind: int, name: str, argument: object, number: int) -> None:
        """Open a block, a transparent wrapper or a hidden body (their ops are BLOCK, HIDDEN)."""
        frame = _Frame(name, 0, self.path, self.variants, False)
        frame.wrapper, frame.blocks = ("block" if kind == BLOCK else "hidden"), self.blocks
        if argument is not None:
            target, column = cast(Target, argument)
            if kind == BLOCK:
                self.references.append(Reference("block", target, number, column))
                self.blocks = (*self.blocks, target)
            else:
                self.macros.append(target)
        if kind == HIDDEN:
            self.hidden += 1
        self.stack.append(frame)
        self.closed = None

    def open(self, name: str, is_loop: bool) -> _Frame:
        self.nodes += 1
        frame = _Frame(name, self.nodes, self.path, self.variants, is_loop)
        self.stack.append(frame)
        self.closed = None
        return frame

    def branch(self, condition: str | None) -> bool:
        if not self.stack:
            return False
        frame = self.stack[-1]
        if frame.wrapper:
            return False
        if frame.is_loop:
            if condition is not None or frame.otherwise:
                return False
            frame.otherwise = True
            never = Branch(frame.node, 1, f"no {frame.iterable}", self.origin)
            self.path = (*frame.outer, never)
        else:
            if frame.exhaustive:
                return False
            frame.exhaustive = condition is None
            label = "else" if condition is None else condition
            step = Branch(frame.node, frame.arms, label, self.origin)
            frame.arms += 1
            self.path = (*frame.outer, step)
        frame.arm_ends += self.variants
        self.variants = frame.entering
        return True

    def close(self) -> None:
        frame = self.stack.pop()
        if frame.wrapper:
            self.blocks = frame.blocks
            if frame.wrapper == "hidden":
                self.hidden -= 1
                self.variants = frame.entering  # the body was walked apart from the line
            return
        frame.arm_ends += self.variants
        skipped = frame.otherwise if frame.is_loop else frame.exhaustive
        self.variants = frame.arm_ends + (0 if skipped else frame.entering)
        self.path = frame.outer
        self.closed = frame
        self.closed_at = len(self.lines)

    def inverted(self, name: str) -> bool:
        """Mustache ``{{^name}}``: the else arm of the section just closed, or a section."""
        frame = self.closed
        if frame is None or frame.is_loop or frame.arms != 1 or frame.condition != name:
            self.open(name, False).condition = f"not {name}"
            self.path = (*self.path, Branch(self.nodes, 0, f"not {name}", self.origin))
            return True
        self.variants = frame.entering  # the else arm starts as the section did
        frame.arms, frame.exhaustive = 2, True
        self.stack.append(frame)
        self.path = (*frame.outer, Branch(frame.node, 1, "else", self.origin))
        self.closed = None
        lines = self.lines
        for index in range(self.closed_at, len(lines)):
            lines[index] = lines[index]._replace(path=self.path)
        return True
