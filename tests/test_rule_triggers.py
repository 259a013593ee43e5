"""Rule triggers: the engine skips a rule on a file without its TRIGGERS, which must not
change a single finding (issue 15: rules with nothing to look at cost nothing).

Each rule is run directly (as ``tests/test_rules.py`` does, past the engine's
skipping) on documents the engine would skip it on: it must find nothing there.
The documents are the rule cases' own lines, shuffled with every line ending,
a BOM, headers and odd lines, under plain, Common, template and site-typed
contexts.
"""

from __future__ import annotations

import tomllib

from hypothesis import given, settings
from hypothesis import strategies as st

from cfgtool.linting.config import config_from_table
from cfgtool.linting.engine import _plan, _present, _with_masks, make_context
from cfgtool.linting.rule import LintContext, Rule
from cfgtool.linting.rules import RULES
from cfgtool.linting.rules._facts import FACT_TRIGGERS, TRIGGER_BITS, TRIGGERS, scan
from cfgtool.parser import loads
from tests.test_rules import CASES, context_for

TRIGGERED = tuple(rule for rule in RULES if rule.triggers is not None)
CASE_LINES = sorted({line for case in CASES for line in case.text.splitlines()})
LINES = st.one_of(
    st.sampled_from(CASE_LINES),
    st.sampled_from(
        [
            "#!version:1.0.0.1",
            "#!version:2.0",
            "  #!version:1.0.0.1",
            "# cfgtool: disable-next-line=CFG201",
            "account.1.password = {{ password }}",
            "static.security.user_password = admin:admin",
            "account.1.enable = 1",
            "custom.site.mode = dusk",
            "firmware.url = http://h/28.84.0.10.rom",
            "static.firmware.url = http://h/28.73.0.50.rom",
            "account.1.cid_source = 1",
            "",
            "  \t",
        ]
    ),
)
TEXTS = st.tuples(
    st.booleans(),
    st.lists(st.tuples(LINES, st.sampled_from(["\n", "\n", "\r\n", "\r", ""])), max_size=10),
).map(lambda made: ("\ufeff" if made[0] else "") + "".join(a + b for a, b in made[1]))
SITE = config_from_table(
    tomllib.loads('[known-keys]\n"custom.site.mode" = { type = "enum", allowed = "day|night" }\n')
)


def contexts() -> st.SearchStrategy[LintContext]:
    return st.one_of(
        st.builds(
            lambda name, template, image: make_context(SITE, name, template=template).evolve(
                firmware_image=image
            ),
            st.sampled_from(["0015651130f9.cfg", "y000000000028.cfg", "phone.cfg.tmpl"]),
            st.booleans(),
            st.sampled_from([None, 73, 84]),
        ),
        st.sampled_from([context_for(case) for case in CASES]),
    )


def skipped_but_finding(text: str, context: LintContext) -> list[str]:
    doc = loads(text, filename=context.path)
    context = context.with_facts(scan(doc, context.extra_known_keys))
    assert context.facts is not None
    facts = context.facts
    assert facts.present == sum(
        TRIGGER_BITS[name] for name in FACT_TRIGGERS if getattr(facts, name)
    )
    present = _present(facts, context)
    return [
        f"{rule.code}: {found.message}"
        for rule, mask in _with_masks(TRIGGERED)
        if not mask & present
        for found in rule.check(doc, context)
    ]


def test_triggers_name_facts_the_engine_knows() -> None:
    for rule in RULES:
        assert rule.triggers is None or rule.triggers <= TRIGGERS, rule.code
    assert len(TRIGGERED) >= 15  # most lint rules look at what few files have


def test_no_case_is_found_by_a_rule_the_engine_skips() -> None:
    for case in CASES:
        assert skipped_but_finding(case.text, context_for(case)) == [], case.id


@settings(max_examples=400, deadline=None)
@given(TEXTS, contexts())
def test_no_finding_is_lost_by_skipping(text: str, context: LintContext) -> None:
    assert skipped_but_finding(text, context) == []


def test_a_missing_trigger_would_be_caught() -> None:
    """Guard the guard: CFG108 told to wait for tabs alone misses a file's last line."""
    rule = next(rule for rule in RULES if rule.code == "CFG108")
    narrowed = Rule(**{**rule.__dict__, "triggers": frozenset({"whitespace"})})
    doc = loads("#!version:1.0.0.1\nk = v", filename="a.cfg")
    context = make_context(SITE, "a.cfg").with_facts(scan(doc))
    assert context.facts is not None
    ((_, mask),) = _with_masks((narrowed,))
    assert not mask & _present(context.facts, context)
    assert list(narrowed.check(doc, context))


def test_rules_without_triggers_run_on_every_file() -> None:
    doc = loads("", filename="a.cfg")
    context = make_context(SITE, "a.cfg").with_facts(scan(doc))
    assert context.facts is not None and context.facts.present == TRIGGER_BITS["bad_header"]
    bare = loads("#!version:1.0.0.1\n", filename="a.cfg")
    bare_context = make_context(SITE, "a.cfg").with_facts(scan(bare))
    assert bare_context.facts is not None and bare_context.facts.present == 0
    present = _present(bare_context.facts, bare_context)
    untriggered = tuple(rule for rule in RULES if rule.triggers is None)
    assert untriggered and all(mask & present for _, mask in _with_masks(untriggered))


@given(st.integers(min_value=0, max_value=(1 << (len(TRIGGER_BITS) + 1)) - 1))
def test_the_plan_runs_the_rules_whose_triggers_a_file_has(present: int) -> None:
    rules = tuple(RULES)
    plan = _plan(SITE, rules)
    expected = tuple(rule for rule, mask in _with_masks(plan.enabled) if mask & present)
    assert plan.to_run(present) == expected
    assert plan.to_run(present) is plan.to_run(present)  # remembered
