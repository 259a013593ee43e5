"""cfgtool configuration: ``[tool.cfgtool]`` in ``pyproject.toml``, or ``.cfgtool.toml``.

The configuration that applies to a file is the first one found walking up
from the file's directory: in each directory ``.cfgtool.toml`` wins over a
``pyproject.toml`` that has a ``[tool.cfgtool]`` table; a ``pyproject.toml``
without that table is skipped. Configurations are not merged; what is found
is kept for one run (one :class:`ConfigResolver`). Example::

    [tool.cfgtool]
    firmware = "84"                  # generation the phones run: 84, v84 or 28.84.0.10
    select = ["ALL"]                 # codes, code prefixes ("CFG1") or rule names
    ignore = ["CFG108"]
    extend-known-keys = ["custom.site.label"]
    exclude = ["archive/", "*.orig.cfg"]
    allow-names = ["site-*.cfg"]     # for validate's file-name rule
    template-patterns = ["*.cfg.tmpl"]
    template-variables = ["mac", "name"]
    template-syntax = "auto"         # auto | cfgtool | smarty | jinja | twig | mustache
    template-root = "templates"      # where {% extends %} bases are (relative to this file)
    line-endings = "keep"            # keep | lf | crlf (what --fix writes)

    [tool.cfgtool.severity]
    CFG201 = "error"

    [tool.cfgtool.known-keys]        # the site's own keys, typed: CFG202 checks them
    "custom.X.level" = { type = "int", allowed = "0..5" }

In ``.cfgtool.toml`` the same keys sit at the top level. Command-line options
are applied after the file (see :meth:`LintConfig.with_overrides`).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from cfgtool.diagnostics import SEVERITIES, Severity
from cfgtool.errors import CfgIOError, ConfigError
from cfgtool.inputs import matches_globs
from cfgtool.knowledge import parse_generation
from cfgtool.linting import rules as registry
from cfgtool.linting.known_keys import parse_known_keys
from cfgtool.reading import read_bytes
from cfgtool.suggest import did_you_mean

if TYPE_CHECKING:
    from pathlib import Path

    from cfgtool.inputs import InputFile
    from cfgtool.knowledge import ValueSpec
    from cfgtool.linting.rule import Rule

LineEndings = Literal["keep", "lf", "crlf"]
LINE_ENDINGS: tuple[LineEndings, ...] = ("keep", "lf", "crlf")
CONFIG_FILENAME = ".cfgtool.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_TEMPLATE_PATTERNS = ("*.cfg.tmpl",)
TEMPLATE_SYNTAXES = ("auto", "cfgtool", "smarty", "jinja", "twig", "mustache")
ALL = "ALL"

_CODE_PREFIX = re.compile(r"CFG\d{0,3}")
_KEY = re.compile(r"[^\s=#]+")
FIRMWARE_FORMS = "a generation such as 84 or v84, or a firmware version such as 28.84.0.10"


@dataclass(frozen=True)
class RuleSelection:
    """One layer of rule selection: ``select`` (None keeps the set so far), then ``ignore``."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class LintConfig:
    """Settings for linting one file; immutable, hashable and picklable.

    ``source`` is the file the settings came from (None for defaults), ``root``
    the directory that relative ``exclude`` globs are matched from.
    """

    selections: tuple[RuleSelection, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    extend_known_keys: frozenset[str] = frozenset()
    known_keys: tuple[ValueSpec, ...] = ()
    firmware: int | None = None
    exclude: tuple[str, ...] = ()
    allow_names: tuple[str, ...] = ()
    template_patterns: tuple[str, ...] = DEFAULT_TEMPLATE_PATTERNS
    template_variables: frozenset[str] = frozenset()
    template_syntax: str = "auto"
    template_root: str | None = None
    line_endings: LineEndings = "keep"
    source: str | None = None
    root: str = field(default_factory=os.getcwd)

    def severity_for(self, code: str) -> Severity | None:
        """The configured severity of ``code``, or None to keep the rule's own."""
        for configured_code, severity in self.severity:
            if configured_code == code:
                return severity
        return None

    def enabled_rules(self, rules: Sequence[Rule]) -> tuple[Rule, ...]:
        """The rules of ``rules`` that this configuration turns on, in order."""
        return _enabled_rules(self.selections, tuple(rules))

    def is_excluded(self, path: str | os.PathLike[str]) -> bool:
        """True when ``path`` matches an ``exclude`` glob (relative to :attr:`root`)."""
        return bool(self.exclude) and matches_globs(path, self.exclude, self.root)

    def is_template(self, path: str | os.PathLike[str] | None) -> bool:
        """True when ``path`` matches a ``template-patterns`` glob."""
        return path is not None and matches_globs(path, self.template_patterns, self.root)

    def with_overrides(
        self,
        *,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] | None = None,
        firmware: int | None = None,
        exclude: Sequence[str] = (),
        extend_known_keys: Iterable[str] = (),
        template_variables: Iterable[str] = (),
        line_endings: LineEndings | None = None,
        template_syntax: str | None = None,
        template_root: str | None = None,
    ) -> LintConfig:
        """Apply command-line options on top of this configuration.

        ``select`` replaces the file's selection (so ``--select CFG108`` turns a
        rule back on that the file ignores); ``ignore`` is applied after it;
        ``exclude``, known keys and template variables are added to the file's.
        """
        for name, values in (("--select", select or ()), ("--ignore", ignore or ())):
            _check_selectors(values, f"command line option {name}")
        selections = self.selections
        if select is not None or ignore:
            selections = (*selections, RuleSelection(_tuple(select), tuple(ignore or ())))
        return replace(
            self,
            selections=selections,
            firmware=firmware if firmware is not None else self.firmware,
            exclude=(*self.exclude, *exclude),
            extend_known_keys=self.extend_known_keys | frozenset(extend_known_keys),
            template_variables=self.template_variables | frozenset(template_variables),
            line_endings=line_endings or self.line_endings,
            template_syntax=template_syntax or self.template_syntax,
            template_root=template_root or self.template_root,
        )


def _tuple(values: Sequence[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def rule_matches(rule: Rule, selector: str) -> bool:
    """``ALL``, a rule name, a code, or a code prefix such as ``CFG1``."""
    return selector == ALL or selector == rule.name or rule.code.startswith(selector)


@lru_cache(maxsize=64)
def _enabled_rules(
    selections: tuple[RuleSelection, ...], rules: tuple[Rule, ...]
) -> tuple[Rule, ...]:
    enabled = list(rules)
    for layer in selections:
        if layer.select is not None:
            enabled = [r for r in rules if any(rule_matches(r, s) for s in layer.select)]
        enabled = [r for r in enabled if not any(rule_matches(r, s) for s in layer.ignore)]
    return tuple(enabled)


# --- reading configuration files -------------------------------------------------


def _read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    import tomllib  # lazy: only a configuration file on disk needs it, not the lint path

    try:
        data = read_bytes(path)
    except CfgIOError as exc:
        raise ConfigError(str(exc)) from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start + 1})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None


def _table_of(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The cfgtool settings table of a configuration file, or None when it has none."""
    data = _read_toml(path)
    if os.path.basename(path) == PYPROJECT or set(data) == {"tool"}:
        tool = data.get("tool")
        table = tool.get("cfgtool") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.cfgtool] must be a table")
        return table
    return data


def load_config(path: str | os.PathLike[str]) -> LintConfig:
    """Read one configuration file (``--config PATH``); raises :class:`ConfigError`."""
    config_path = _path(path)
    if not config_path.is_file():
        raise ConfigError(f"{config_path}: configuration file not found")
    table = _table_of(config_path)
    if table is None:
        raise ConfigError(f"{config_path}: has no [tool.cfgtool] table")
    return config_from_table(table, source=str(config_path))


def find_config_file(directory: str | os.PathLike[str]) -> Path | None:
    """The configuration file that applies to files in ``directory``, or None."""
    current = os.path.abspath(directory)
    while True:
        dedicated = os.path.join(current, CONFIG_FILENAME)
        if _is_file(dedicated):
            return _path(dedicated)
        pyproject = os.path.join(current, PYPROJECT)
        if _is_file(pyproject) and _table_of(pyproject) is not None:
            return _path(pyproject)
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _is_file(path: str) -> bool:
    # As Path.is_file: a missing file, a file for a directory or a link loop is no file.
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        if exc.errno in (errno.EBADF, errno.ELOOP):
            return False
        raise


def _path(path: str | os.PathLike[str]) -> Path:
    # lazy: pathlib (with the urllib.parse and ipaddress it imports) costs the one-file
    # lint ~5 ms; the walk above needs it only for a configuration file it found
    from pathlib import Path

    return Path(path)


def _load_found(path: Path) -> LintConfig:
    return config_from_table(_table_of(path) or {}, source=str(path))


def config_for(path: str | os.PathLike[str]) -> LintConfig:
    """The configuration for a file: the nearest configuration file, or defaults."""
    found = find_config_file(os.path.dirname(os.path.abspath(path)))
    return _load_found(found) if found else LintConfig()


@dataclass(frozen=True)
class ConfigOverrides:
    """Command-line options applied over configuration files (:meth:`LintConfig.with_overrides`)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    firmware: int | None = None
    exclude: tuple[str, ...] = ()
    extend_known_keys: tuple[str, ...] = ()
    template_variables: tuple[str, ...] = ()
    line_endings: LineEndings | None = None
    template_syntax: str | None = None
    template_root: str | None = None

    def apply(self, config: LintConfig) -> LintConfig:
        return config.with_overrides(
            select=self.select,
            ignore=self.ignore,
            firmware=self.firmware,
            exclude=self.exclude,
            extend_known_keys=self.extend_known_keys,
            template_variables=self.template_variables,
            line_endings=self.line_endings,
            template_syntax=self.template_syntax,
            template_root=self.template_root,
        )


class ConfigResolver:
    """Which configuration applies to each file: ``--config PATH`` for all, or the nearest one.

    Command-line overrides are applied on top; each distinct configuration is
    resolved once. Raises :class:`ConfigError` at construction for a bad
    ``--config`` file or bad overrides, before any file is read.
    """

    def __init__(
        self, config_path: str | None = None, overrides: ConfigOverrides | None = None
    ) -> None:
        self._explicit = load_config(config_path) if config_path else None
        self._overrides = overrides or ConfigOverrides()
        self._by_directory: dict[str, LintConfig] = {}
        self._by_given: dict[str, LintConfig] = {}
        self._by_file: dict[Path, LintConfig] = {}
        self.for_path(None)

    def for_path(self, path: str | os.PathLike[str] | None) -> LintConfig:
        """The configuration for a file at ``path`` (None: a file in the working directory)."""
        if path is None:
            return self._for_directory(os.getcwd())
        name = os.fspath(path)
        # One configuration per directory: the directory of an absolute path is looked up
        # as it is written (lint asks for each of 100,000 files, twice), others made
        # absolute first.
        given, _, base = name.rpartition(os.sep)
        if not given or not os.path.isabs(given) or base in ("", ".", ".."):
            return self._for_directory(os.path.dirname(os.path.abspath(name)))
        found = self._by_given.get(given)
        if found is None:
            found = self._by_given[given] = self._for_directory(
                os.path.dirname(os.path.abspath(name))
            )
        return found

    def _for_directory(self, directory: str) -> LintConfig:
        resolved = self._by_directory.get(directory)
        if resolved is None:
            resolved = self._by_directory[directory] = self._resolve(directory)
        return resolved

    def _resolve(self, directory: str) -> LintConfig:
        found = None if self._explicit is not None else find_config_file(directory)
        if found is None:
            return self._overrides.apply(self._explicit or LintConfig())
        resolved = self._by_file.get(found)
        if resolved is None:
            resolved = self._by_file[found] = self._overrides.apply(_load_found(found))
        return resolved

    def for_input(self, item: InputFile) -> LintConfig:
        """The configuration for an input file (stdin goes by ``--stdin-filename``)."""
        return self.for_path(item.name_for_rules)

    def is_excluded(self, path: str) -> bool:
        """Whether the configuration for ``path`` excludes it."""
        return self.for_path(path).is_excluded(path)


# --- validation ------------------------------------------------------------------

_KNOWN_KEYS = (
    "select",
    "ignore",
    "severity",
    "extend-known-keys",
    "known-keys",
    "firmware",
    "exclude",
    "allow-names",
    "template-patterns",
    "template-variables",
    "template-syntax",
    "template-root",
    "line-endings",
    "serve",  # cfgtool serve's own table (cfgtool/server/config.py), not lint settings
)


def config_from_table(table: dict[str, Any], *, source: str | None = None) -> LintConfig:
    """Validate a settings table (already parsed TOML) into a :class:`LintConfig`."""
    where = source or "configuration"
    for key in table:
        if key not in _KNOWN_KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}{_did_you_mean(key, _KNOWN_KEYS)}")

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f'{where}: {key} must be a list of strings, e.g. {key} = ["..."]')
        return tuple(value)

    select = strings("select") if "select" in table else None
    ignore = strings("ignore")
    _check_selectors(select or (), f"{where}: select")
    _check_selectors(ignore, f"{where}: ignore")

    severity = _severity_table(table.get("severity", {}), where)
    known_keys = strings("extend-known-keys")
    for key in known_keys:
        if not _KEY.fullmatch(key):
            raise ConfigError(
                f"{where}: extend-known-keys: {key!r} is not a key "
                "(no spaces, '=' or '#'; write it as it appears in a cfg file)"
            )
    typed_keys = parse_known_keys(table.get("known-keys", {}), where)
    line_endings = table.get("line-endings", "keep")
    if line_endings not in LINE_ENDINGS:
        raise ConfigError(
            f"{where}: line-endings must be one of {', '.join(LINE_ENDINGS)}, not {line_endings!r}"
        )
    template_syntax = table.get("template-syntax", "auto")
    if template_syntax not in TEMPLATE_SYNTAXES:
        raise ConfigError(
            f"{where}: template-syntax must be one of {', '.join(TEMPLATE_SYNTAXES)}, "
            f"not {template_syntax!r}"
        )
    template_root = table.get("template-root")
    if template_root is not None and not isinstance(template_root, str):
        raise ConfigError(f'{where}: template-root must be a directory, e.g. template-root = "."')
    base = os.path.dirname(os.path.abspath(source)) if source else os.getcwd()
    return LintConfig(
        selections=(RuleSelection(select, ignore),) if select is not None or ignore else (),
        severity=severity,
        firmware=_firmware(table.get("firmware"), where),
        extend_known_keys=frozenset(known_keys) | {spec.key for spec in typed_keys},
        known_keys=typed_keys,
        exclude=strings("exclude"),
        allow_names=strings("allow-names"),
        template_patterns=(
            strings("template-patterns")
            if "template-patterns" in table
            else DEFAULT_TEMPLATE_PATTERNS
        ),
        template_variables=frozenset(strings("template-variables")),
        line_endings=line_endings,
        template_syntax=template_syntax,
        template_root=os.path.join(base, template_root) if template_root is not None else None,
        source=source,
        root=os.path.dirname(os.path.abspath(source)) if source else os.getcwd(),
    )


def _firmware(value: object, where: str) -> int | None:
    """The ``firmware`` setting as a generation (``"84"``, ``"v84"``, ``"28.84.0.10"`` -> 84)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # firmware = 84 means "84"
    generation = parse_generation(value) if isinstance(value, str) else None
    if generation is None:
        raise ConfigError(
            f'{where}: firmware must be {FIRMWARE_FORMS} (firmware = "84"), not {value!r}'
        )
    return generation


def _severity_table(value: object, where: str) -> tuple[tuple[str, Severity], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: severity must be a table, e.g. [tool.cfgtool.severity]")
    result: list[tuple[str, Severity]] = []
    known = _known_codes()
    for code, level in value.items():
        if code not in known:
            raise ConfigError(
                f"{where}: severity: unknown rule code {code!r}{_did_you_mean(code, known)}"
            )
        if level not in SEVERITIES:
            raise ConfigError(
                f"{where}: severity.{code} must be one of {', '.join(SEVERITIES)}, not {level!r}"
            )
        result.append((code, level))
    return tuple(sorted(result))


def _known_codes() -> dict[str, str]:
    """Every registered rule: code -> name (without importing the rule modules)."""
    return registry.codes_and_names()


def _check_selectors(values: Iterable[str], where: str) -> None:
    known = _known_codes()
    names = set(known.values())
    for value in values:
        if value == ALL or value in names:
            continue
        if not _CODE_PREFIX.fullmatch(value):
            raise ConfigError(
                f"{where}: {value!r} is not a rule code, code prefix (e.g. CFG1), rule name or ALL"
            )
        if not any(code.startswith(value) for code in known):
            raise ConfigError(
                f"{where}: no rule has code {value!r}{_did_you_mean(value, known)}; "
                "`cfgtool rules` lists them"
            )


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    hint = did_you_mean(word, choices)
    return f" ({hint})" if hint else ""
