"""Merging the sources of pay a provider at a time gives the order an item-by-item merge
gives: by provider, day, start, source and document, equal keys in the order of the
sources, then in each source's own order (issue 15: a state's run has millions of items)."""

from __future__ import annotations

import datetime as dt
import heapq

from hypothesis import given, settings
from hypothesis import strategies as st

from ihss.core.payables import PayableItem, merge_by_provider, order_key

DAY = dt.date(2026, 12, 1)


def _item(provider, day, hour, source, document, minutes):
    return PayableItem(provider, DAY + dt.timedelta(days=day), dt.time(hour), source, document,
                       None, 19, "IHSS", "hours", minutes, 0, True, False)  # fmt: skip


stream = st.lists(
    st.builds(
        _item,
        st.integers(1, 6),
        st.integers(0, 3),
        st.sampled_from([0, 8, 8, 23]),
        st.sampled_from(["sick_leave_claim", "timesheet"]),
        st.integers(1, 3),
        st.integers(1, 600),  # tells apart items with the same key
    ),
    max_size=25,
).map(lambda items: sorted(items, key=order_key))


@settings(max_examples=300, deadline=None)
@given(st.lists(stream, max_size=4))
def test_it_merges_in_the_order_an_item_by_item_merge_gives(streams):
    expected = list(heapq.merge(*streams, key=order_key))
    grouped = list(merge_by_provider(streams))
    assert [item for items in grouped for item in items] == expected
    assert all(len({item.provider_id for item in items}) == 1 for items in grouped)
    providers = [items[0].provider_id for items in grouped]
    assert providers == sorted(set(providers))
