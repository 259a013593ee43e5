"""Value checks from the vendor facts (issue 17): cases come from the catalog itself."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfgtool.catalog import load_catalog
from cfgtool.knowledge import (
    ValueSpec,
    check_length,
    check_shape,
    check_value,
    describe_values,
    key_facts,
    number_for_name,
    value_spec,
)
from cfgtool.knowledge.store import _facts


def _params() -> dict[str, dict[str, object]]:
    """Every params.json record by pattern (the catalog's own, read once)."""
    catalog = load_catalog()
    return {param.key: catalog.raw_entry(param.key) or {} for param in catalog}


def _specs(predicate: object) -> list[ValueSpec]:
    specs = [value_spec(pattern) for pattern in sorted(_params())]
    return [s for s in specs if s is not None and predicate(s)]  # type: ignore[operator]


CLOSED_BOOLS = _specs(lambda s: s.type == "bool" and s.closed)
OPEN_BOOLS = _specs(lambda s: s.type == "bool" and not s.closed and not s.contradicted)
CLOSED_RANGES = _specs(lambda s: s.type == "int" and s.closed and s.int_range is not None)
ENUMS = _specs(lambda s: s.type == "enum" and s.enum and not s.contradicted)
CONTRADICTED = _specs(lambda s: s.contradicted)
ids = lambda s: s.key  # noqa: E731


def _meanings(spec: ValueSpec) -> dict[str, str]:
    return dict(key_facts(spec.key).meanings)


def test_the_catalog_has_cases_of_each_kind() -> None:
    assert len(CLOSED_BOOLS) > 200 and len(CLOSED_RANGES) > 50 and len(ENUMS) > 80
    assert OPEN_BOOLS and CONTRADICTED


@pytest.mark.parametrize("spec", CLOSED_BOOLS, ids=ids)
def test_closed_bool_takes_0_and_1_and_rejects_a_word(spec: ValueSpec) -> None:
    meanings = _meanings(spec)
    assert check_value(spec, "0", meanings) is None
    assert check_value(spec, "1", meanings) is None
    for also in spec.also:
        assert check_value(spec, also, meanings) is None
    finding = check_value(spec, "maybe", meanings)
    assert finding is not None and finding.grade == "error" and finding.fix is None


@pytest.mark.parametrize("spec", OPEN_BOOLS, ids=ids)
def test_inferred_bool_is_only_a_warning_or_a_hint(spec: ValueSpec) -> None:
    finding = check_value(spec, "maybe", _meanings(spec))
    inferred = spec.type_source == "values" and not _meanings(spec)
    expected = "info" if inferred else "warning"
    assert finding is not None and finding.grade == expected
    assert "may be" in finding.message or "incomplete" in finding.message


@pytest.mark.parametrize("spec", CLOSED_RANGES, ids=ids)
def test_closed_int_range_edges(spec: ValueSpec) -> None:
    assert spec.int_range is not None
    low, high = spec.int_range
    meanings = _meanings(spec)
    assert check_value(spec, str(low), meanings) is None
    assert check_value(spec, str(high), meanings) is None
    for outside in (low - 1, high + 1):
        finding = check_value(spec, str(outside), meanings)
        if str(outside) in spec.also:
            assert finding is None
        else:
            assert finding is not None and finding.grade == "error", outside
            assert f"{low}..{high}" in finding.expected


@pytest.mark.parametrize("spec", ENUMS, ids=ids)
def test_enum_miss_is_a_warning_with_values_and_meanings(spec: ValueSpec) -> None:
    """A warning where Yealink states the enum, an info for a public project's open list."""
    meanings = _meanings(spec)
    for value in spec.enum:
        assert check_value(spec, value, meanings) is None
    finding = check_value(spec, "no-such-value", meanings)
    vendor = spec.type_source == "vendor-comment" or bool(meanings)
    assert finding is not None and finding.grade == ("warning" if vendor else "info")
    first = sorted(spec.enum, key=lambda v: (not v.lstrip("+-").isdigit(), v))[0]
    assert first in finding.expected or "..." in finding.expected
    for value, meaning in meanings.items():
        if value in spec.enum and len(spec.enum) <= 12:
            assert f"{value} ({meaning})" in finding.expected


def _fold(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def _name_cases() -> list[tuple[ValueSpec, str, str]]:
    """(key, a vendor meaning's name, its number) wherever the name is unambiguous."""
    cases = []
    for spec in _specs(lambda s: s.type in ("enum", "bool", "int")):
        meanings = _meanings(spec)
        accepted = {*spec.enum, *spec.also} | ({"0", "1"} if spec.type == "bool" else set())
        if spec.type == "int":
            accepted |= set(meanings)
        folded = [_fold(name) for name in meanings.values()]
        for value, name in meanings.items():
            unique = folded.count(_fold(name)) == 1 and not _fold(name).isdigit()
            if unique and _fold(name) and value in accepted and name not in accepted:
                cases.append((spec, name, value))
    return cases


NAME_CASES = _name_cases()


def test_there_are_name_for_number_cases() -> None:
    assert len(NAME_CASES) > 300
    assert {(s.key, n) for s, n, _ in NAME_CASES} >= {
        ("account.X.sip_server.X.transport_type", "TLS"),
        ("account.X.transport", "DNS SRV"),
    }


@pytest.mark.parametrize(
    ("spec", "name", "number"), NAME_CASES, ids=[f"{s.key}={n}" for s, n, _ in NAME_CASES]
)
def test_a_name_where_the_vendor_lists_a_number_gets_the_number(
    spec: ValueSpec, name: str, number: str
) -> None:
    finding = check_value(spec, name, _meanings(spec))
    assert finding is not None
    assert finding.fix == number
    assert f"did you mean {number}?" in finding.message
    assert finding.grade == ("info" if spec.contradicted else "error" if spec.closed else "warning")
    # (a name-for-number case has vendor meanings, so an inferred type still warns)


@pytest.mark.parametrize("spec", CONTRADICTED, ids=ids)
def test_facts_correct_files_contradict_give_info_only(spec: ValueSpec) -> None:
    finding = check_value(spec, "Resource:NotInTheList", _meanings(spec))
    assert finding is None or finding.grade == "info"
    assert key_facts(spec.key).downgraded


@pytest.mark.parametrize(
    ("value", "meanings", "number"),
    [
        ("TLS", {"0": "UDP", "1": "TCP", "2": "TLS"}, "2"),
        ("tls", {"0": "UDP", "1": "TCP", "2": "TLS"}, "2"),
        ("dns srv", {"3": "DNS SRV"}, "3"),
        ("DNS-NAPTR", {"3": "DNS-NAPTR"}, "3"),
        ("Enable", {"0": "Disabled", "1": "Enabled"}, "1"),
        ("Enabled", {"0": "Enabled", "1": "Disabled"}, "0"),  # an inverted flag
        ("Unavailable", {"0": "Unavailable", "1": "Available", "2": "Unavailable"}, None),
        ("En", {"0": "Disabled", "1": "Enabled"}, None),  # too short to be a prefix
        ("1", {"0": "Disabled", "1": "Enabled"}, None),
        ("", {"0": "Disabled"}, None),
    ],
)
def test_number_for_name(value: str, meanings: dict[str, str], number: str | None) -> None:
    assert number_for_name(value, meanings, ()) == number


def test_number_for_name_only_offers_accepted_values() -> None:
    assert number_for_name("TLS", {"2": "TLS"}, {"0", "1"}) is None


@pytest.mark.parametrize("value", ["", "%NULL%", "  "])
@pytest.mark.parametrize("spec", [*CLOSED_BOOLS[:3], *CLOSED_RANGES[:3], *ENUMS[:3]], ids=ids)
def test_empty_and_null_are_valid_everywhere(spec: ValueSpec, value: str) -> None:
    assert check_value(spec, value, _meanings(spec)) is None


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        ("http://h/f", None),
        ("HTTPS://h/f", None),
        ("tftp://10.0.0.1/", None),
        ("10.0.0.1", None),
        ("sftp://h/f", "error"),
        ("ldap://h", "error"),
    ],
)
def test_url_schemes_are_closed_by_nature(value: str, grade: str | None) -> None:
    spec = value_spec("static.firmware.url")
    assert spec is not None
    finding = check_value(spec, value, {})
    assert (finding.grade if finding else None) == grade


def _widened() -> list[ValueSpec]:
    return _specs(lambda s: "wide" in _params()[s.key])


@pytest.mark.parametrize("spec", _widened(), ids=ids)
def test_the_widest_stated_range_is_accepted(spec: ValueSpec) -> None:
    assert spec.int_range is not None
    narrow = _params()[spec.key]["range"]
    assert spec.int_range[0] <= narrow[0] and spec.int_range[1] >= narrow[1]
    assert spec.int_range != tuple(narrow)
    assert check_value(spec, str(spec.int_range[1]), {}) is None


def _with_also() -> list[ValueSpec]:
    return _specs(lambda s: bool(s.also))


@pytest.mark.parametrize("spec", _with_also(), ids=ids)
def test_values_the_vendor_or_the_templates_also_use_are_accepted(spec: ValueSpec) -> None:
    for value in spec.also:
        assert check_value(spec, value, _meanings(spec)) is None


LENGTHS = _specs(lambda s: s.max_len is not None)


@pytest.mark.parametrize("spec", LENGTHS, ids=ids)
def test_vendor_max_length(spec: ValueSpec) -> None:
    assert spec.max_len is not None
    assert check_length(spec, "a" * spec.max_len) is None
    finding = check_length(spec, "a" * (spec.max_len + 1))
    assert finding is not None and finding.grade == "warning"
    assert str(spec.max_len) in finding.expected


SHAPES = sorted((k, item["shape"]) for k, item in _facts().items() if "shape" in item)


def _fill(shape: str, text: str) -> str:
    out, inside = [], False
    for char in shape:
        if char == "<":
            inside = True
            out.append(text)
        elif char == ">":
            inside = False
        elif not inside:
            out.append(char)
    return "".join(out)


@pytest.mark.parametrize(("key", "shape"), SHAPES)
def test_value_shape(key: str, shape: str) -> None:
    assert check_shape(shape, _fill(shape, "part")) is None
    assert check_shape(shape, _fill(shape, "with spaces: and colons")) is None
    finding = check_shape(shape, "part")
    assert finding is not None and finding.grade == "warning" and shape in finding.message
    assert "part" not in finding.message  # shapes cover passwords: never echo the value


def test_shapes_for_url_keys_are_dropped() -> None:
    assert SHAPES and all(not shape.startswith(("tftp://", "http")) for _, shape in SHAPES)
    assert key_facts("auto_provision.server.url").shape is None


@given(st.text(max_size=30))
def test_check_value_never_raises(text: str) -> None:
    for spec in (*CLOSED_BOOLS[:2], *CLOSED_RANGES[:2], *ENUMS[:2]):
        finding = check_value(spec, text, _meanings(spec))
        assert finding is None or finding.grade in ("error", "warning", "info")


def test_describe_values_sorts_numbers_and_adds_meanings() -> None:
    text = describe_values({"10", "2", "1"}, {"1": "TCP"})
    assert text == "1 (TCP), 2, 10"
    many = describe_values({str(n) for n in range(20)}, {})
    assert many.endswith(", ...") and many.count(",") == 12


IPS = _specs(lambda s: s.type == "ip")


@pytest.mark.parametrize("spec", IPS, ids=ids)
@pytest.mark.parametrize(
    ("value", "fits"),
    [
        ("10.20.0.15", True),
        ("192.168.1.1", True),
        ("fe80::1", True),
        ("syslog.example.com", True),
        ("ntp", True),
        ("300.1.1.1", False),
        ("10.0.0", False),
        ("fe80::zz", False),
        ("host name", False),
    ],
)
def test_ip_keys_take_addresses_and_host_names(spec: ValueSpec, value: str, fits: bool) -> None:
    finding = check_value(spec, value, {})
    if fits:
        assert finding is None
    else:
        assert finding is not None
        assert finding.grade == ("error" if spec.closed else "warning")
