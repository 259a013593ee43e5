"""Configuration files: discovery, validation, overrides, exclude globs."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfgtool.errors import ConfigError
from cfgtool.linting.config import (
    ConfigOverrides,
    ConfigResolver,
    LintConfig,
    config_for,
    config_from_table,
    load_config,
    matches_globs,
)
from tests.lint_fakes import FAKE_RULES, fake_registry

__all__ = ["fake_registry"]


@pytest.fixture(autouse=True)
def _fake_rules(fake_registry: object) -> None:
    """Every test here validates codes against the fake registry."""


def codes_enabled(config: LintConfig) -> set[str]:
    return {rule.code for rule in config.enabled_rules(FAKE_RULES)}


def test_defaults() -> None:
    config = LintConfig()
    assert codes_enabled(config) == {rule.code for rule in FAKE_RULES}
    assert config.line_endings == "keep" and config.severity_for("CFG901") is None
    assert config.is_template("x/phone.cfg.tmpl") and not config.is_template("phone.cfg")


def test_full_pyproject_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        """
[project]
name = "site"

[tool.cfgtool]
select = ["CFG9"]
ignore = ["trailing"]
extend-known-keys = ["custom.site.label"]
exclude = ["archive/"]
allow-names = ["site-*.cfg"]
template-patterns = ["*.tpl"]
template-variables = ["mac"]
line-endings = "crlf"

[tool.cfgtool.severity]
CFG901 = "error"
"""
    )
    config = config_for(tmp_path / "sub" / "a.cfg")
    assert config.source == str(tmp_path / "pyproject.toml")
    assert codes_enabled(config) == {"CFG901", "CFG903"}
    assert config.severity_for("CFG901") == "error"
    assert config.extend_known_keys == {"custom.site.label"}
    assert config.allow_names == ("site-*.cfg",) and config.line_endings == "crlf"
    assert config.is_template(tmp_path / "x.tpl") and not config.is_template("x.cfg.tmpl")
    assert config.template_variables == {"mac"}
    assert config.is_excluded(tmp_path / "archive" / "old.cfg")
    assert not config.is_excluded(tmp_path / "live" / "new.cfg")


def test_nearest_config_wins_and_dedicated_file_beats_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cfgtool]\nignore = ["CFG901"]\n')
    inner = tmp_path / "site"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[tool.cfgtool]\nignore = ["CFG902"]\n')
    (inner / ".cfgtool.toml").write_text('ignore = ["CFG903"]\n')
    assert codes_enabled(config_for(tmp_path / "a.cfg")) == {"CFG100", "CFG902", "CFG903"}
    assert codes_enabled(config_for(inner / "a.cfg")) == {"CFG100", "CFG901", "CFG902"}


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / ".cfgtool.toml").write_text('ignore = ["CFG901"]\n')
    inner = tmp_path / "repo"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert config_for(inner / "a.cfg").source == str(tmp_path / ".cfgtool.toml")


def test_dedicated_file_may_use_a_tool_table(tmp_path: Path) -> None:
    path = tmp_path / ".cfgtool.toml"
    path.write_text('[tool.cfgtool]\nignore = ["CFG901"]\n')
    assert "CFG901" not in codes_enabled(load_config(path))


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('selct = ["CFG901"]', "unknown key 'selct' (did you mean 'select'?)"),
        ('select = "CFG901"', "select must be a list of strings"),
        ('ignore = ["CFG999"]', "ignore: no rule has code 'CFG999'"),
        ('ignore = ["nonsense"]', "'nonsense' is not a rule code"),
        ("exclude = [1]", "exclude must be a list of strings"),
        ('severity = "error"', "severity must be a table"),
        ('[severity]\nCFG901 = "fatal"', "severity.CFG901 must be one of error, warning, info"),
        ('[severity]\nCFG991 = "error"', "severity: unknown rule code 'CFG991'"),
        ('line-endings = "cr"', "line-endings must be one of keep, lf, crlf"),
        ('extend-known-keys = ["a b"]', "extend-known-keys: 'a b' is not a key"),
        ("select = [", "not valid TOML"),
    ],
)
def test_bad_configuration_names_file_and_key(tmp_path: Path, toml: str, words: str) -> None:
    path = tmp_path / ".cfgtool.toml"
    path.write_text(toml + "\n")
    with pytest.raises(ConfigError) as caught:
        config_for(tmp_path / "a.cfg")
    assert str(caught.value).startswith(str(path)) and words in str(caught.value)


def test_load_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "missing.toml")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"has no \[tool.cfgtool\] table"):
        load_config(tmp_path / "pyproject.toml")


def test_overrides_replace_selection_and_extend_lists() -> None:
    base = config_from_table({"ignore": ["CFG902"], "exclude": ["a/"]})
    assert codes_enabled(base) == {"CFG100", "CFG901", "CFG903"}
    cli = ConfigOverrides(select=("CFG902",), exclude=("b/",)).apply(base)
    assert codes_enabled(cli) == {"CFG902"} and cli.exclude == ("a/", "b/")
    more = ConfigOverrides(ignore=("CFG901",)).apply(base)
    assert codes_enabled(more) == {"CFG100", "CFG903"}


def test_bad_override_is_a_config_error_before_any_file_is_read() -> None:
    with pytest.raises(ConfigError, match="command line option --select: no rule has code"):
        ConfigResolver(overrides=ConfigOverrides(select=("CFG999",)))


def test_resolver_uses_explicit_config_for_every_file(tmp_path: Path) -> None:
    (tmp_path / ".cfgtool.toml").write_text('ignore = ["CFG901"]\n')
    explicit = tmp_path / "other.toml"
    explicit.write_text('ignore = ["CFG903"]\n')
    resolver = ConfigResolver(str(explicit))
    assert "CFG903" not in codes_enabled(resolver.for_path(tmp_path / "a.cfg"))
    found = ConfigResolver().for_path(tmp_path / "a.cfg")
    assert "CFG901" not in codes_enabled(found)


@pytest.mark.parametrize(
    ("path", "globs", "expected"),
    [
        ("archive/old.cfg", ["archive/"], True),
        ("sites/archive/old.cfg", ["archive"], True),
        ("sites/old.cfg", ["archive"], False),
        ("x.orig.cfg", ["*.orig.cfg"], True),
        ("sub/x.orig.cfg", ["*.orig.cfg"], True),
        ("sites/old/a.cfg", ["sites/old"], True),
        ("sites/old/a.cfg", ["./sites/old/*"], True),
        ("other/sites/old/a.cfg", ["sites/old"], False),
        ("sites/new/a.cfg", ["sites/old"], False),
        ("a.cfg", [], False),
    ],
)
def test_exclude_globs(tmp_path: Path, path: str, globs: list[str], expected: bool) -> None:
    assert matches_globs(tmp_path / path, globs, str(tmp_path)) is expected


_SEGMENTS = st.sampled_from(["a", "b", "sites", "old", "archive", "x.cfg", "y.cfg.tmpl", ".."])
_GLOBS = st.lists(
    st.sampled_from(["*.cfg", "*.cfg.tmpl", "archive", "old/", "sites/old/*", "a/*", "b", "*"]),
    max_size=3,
)


@given(
    path=st.lists(_SEGMENTS, min_size=1, max_size=5),
    root=st.lists(_SEGMENTS, max_size=3),
    globs=_GLOBS,
)
def test_globs_match_alike_whether_or_not_the_root_is_normalised(
    path: list[str], root: list[str], globs: list[str]
) -> None:
    # A normalised root takes the fast path (no os.path.relpath), "root/." the general one.
    target, base = "/" + "/".join(path), "/" + "/".join(root)
    normalised = os.path.normpath(base)
    assert matches_globs(target, globs, normalised) == matches_globs(
        target, globs, normalised.rstrip("/") + "/."
    )


def plain_matches_globs(path: str, globs: list[str], root: str) -> bool:
    """matches_globs as its docstring says, without its per-directory memory."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root).replace(os.sep, "/")
    inside = not relative.startswith("../")
    parts = relative.split("/") if inside else [os.path.basename(absolute)]
    for glob in globs:
        pattern = glob.removeprefix("./").strip("/")
        if "/" in glob.rstrip("/"):
            if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(
                relative, pattern + "/*"
            ):
                return True
        elif any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(
    paths=st.lists(st.lists(_SEGMENTS, min_size=1, max_size=5), min_size=1, max_size=8),
    root=st.lists(_SEGMENTS, max_size=3),
    globs=_GLOBS,
    absolute=st.booleans(),
)
def test_globs_match_as_the_plain_reading_does(
    paths: list[list[str]], root: list[str], globs: list[str], absolute: bool
) -> None:
    # Several files per directory: the second and later ones take the remembered answer.
    base = os.path.normpath("/" + "/".join(root))
    for segments in paths:
        for name in ("x.cfg", "y.cfg.tmpl", "b"):
            target = ("/" if absolute else "") + "/".join([*segments, name])
            assert matches_globs(target, globs, base) == plain_matches_globs(target, globs, base)
