"""Merge fields: parsing and rendering hold for any text (Hypothesis, bounded examples)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_core.exceptions import TemplateError
from sms_core.templating import MERGE_FIELDS, fields_of, longest_rendering, render

#: Kept small: each example is pure string work, and the whole module stays well under a second.
EXAMPLES = settings(max_examples=150, deadline=None)

FIELD_NAMES = sorted(MERGE_FIELDS)
#: Text a body is made of around its fields: any characters but braces.
PLAIN = st.text(st.characters(exclude_characters="{}", exclude_categories=["Cs"]), max_size=40)


@st.composite
def bodies(draw: st.DrawFn) -> str:
    """A valid body: plain text, known fields and literal (doubled) braces, interleaved."""
    parts = draw(
        st.lists(
            st.one_of(PLAIN, st.sampled_from(FIELD_NAMES).map("{{{}}}".format), st.just("{{")),
            max_size=8,
        )
    )
    return "".join(parts)


def values_within_maxima() -> st.SearchStrategy[dict[str, str]]:
    """A value for every field, each at most its declared maximum length."""
    return st.fixed_dictionaries(
        {
            name: st.text(st.characters(exclude_categories=["Cs"]), max_size=field.max_length)
            for name, field in MERGE_FIELDS.items()
        }
    )


class TestRendering:
    """What the save-time check promises holds for every recipient."""

    @EXAMPLES
    @given(bodies(), values_within_maxima())
    def test_never_longer_than_at_the_maxima(self, body: str, values: dict[str, str]) -> None:
        """Values within their maxima never make a text longer than the one checked on save."""
        assert len(render(body, values)) <= len(longest_rendering(body))

    @EXAMPLES
    @given(st.text(st.characters(exclude_categories=["Cs"]), max_size=80))
    def test_doubled_braces_are_literal(self, text: str) -> None:
        """Any text with its braces doubled renders back to itself, with no field in it."""
        escaped = text.replace("{", "{{").replace("}", "}}")
        assert () == fields_of(escaped)
        assert text == render(escaped, {})

    @EXAMPLES
    @given(bodies(), values_within_maxima())
    def test_fields_found_are_the_ones_rendered(self, body: str, values: dict[str, str]) -> None:
        """A field is found exactly when the body uses it; each is replaced by its value."""
        used = fields_of(body)
        assert set(used) <= set(MERGE_FIELDS)
        assert render(body, values) == render(body, {name: values[name] for name in used})


class TestValidation:
    """Any text is either a valid body or refused with a TemplateError naming the field."""

    @EXAMPLES
    @given(st.text(st.sampled_from("ab.{}_ Z"), max_size=30))
    def test_any_text_parses_or_is_refused(self, text: str) -> None:
        """Nothing but TemplateError escapes; a refusal names a field or brace."""
        refused: TemplateError | None = None
        try:
            used = fields_of(text)
        except TemplateError as err:
            refused, used = err, ()
        if refused is not None:
            assert refused.field
            assert str(refused.field) in str(refused)
        assert set(used) <= set(MERGE_FIELDS)

    @pytest.mark.parametrize("name", FIELD_NAMES)
    def test_missing_value_named(self, name: str) -> None:
        """A field without a value is refused naming it."""
        with pytest.raises(TemplateError, match=name):
            render(f"Hi {{{name}}}", {})
