"""The history is read totally: no event, whatever it holds, stops a page from showing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ihss.core import audit_display
from ihss.core.models import AuditEvent

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
SNAPSHOT = st.none() | JSON | st.dictionaries(st.text(max_size=20), JSON, max_size=6)
SUBJECT_TYPES = st.sampled_from(
    ["cases.recipient", "cases.assignment", "timesheets.timesheet", "nope.nope", "", "x"]
) | st.text(max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    action=st.text(max_size=40),
    subject_type=SUBJECT_TYPES,
    before=SNAPSHOT,
    after=SNAPSHOT,
)
def test_any_event_reads_as_a_row_of_plain_text(action, subject_type, before, after):
    event = AuditEvent(
        actor_name="Someone",
        action=action,
        subject_type=subject_type,
        subject_id="1",
        subject_label="A record",
        before=before,
        after=after,
    )
    row = audit_display.present(event)
    assert isinstance(row.action, str) and row.action
    for change in row.changes:
        assert isinstance(change.label, str) and change.label
        assert change.kind in {"minutes", "bool", "date", "text"}
        if change.kind == "text":
            assert isinstance(change.before, str) and isinstance(change.after, str)
            assert len(change.after) <= audit_display.LONGEST_VALUE
    assert audit_display.visible_values(after) is None or isinstance(
        audit_display.visible_values(after), dict
    )


def test_a_key_that_is_no_field_of_the_model_reads_as_words():
    assert audit_display.field_label("cases.recipient", "no_such_field") == "No such field"
    assert audit_display.field_label("no.model", "month") == "Month"
    assert audit_display.field_label("cases.recipient", "last_name") == "Last name"


def test_secrets_never_reach_the_api_or_the_page():
    event = AuditEvent(
        action="recipient.updated",
        subject_type="cases.recipient",
        subject_id="1",
        before={"ssn": "521000001", "city": "A"},
        after={"ssn": "521000002", "city": "B"},
    )
    assert [c.label for c in audit_display.present(event).changes] == ["City"]
    assert audit_display.visible_values(event.after) == {"city": "B"}
