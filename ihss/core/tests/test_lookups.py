"""`__any_of`: long lists of keys sent as one parameter, with the rows `__in` finds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ihss.cases.models import County, Provider

pytestmark = pytest.mark.django_db


def test_it_finds_the_same_rows_as_in_for_a_long_list_of_keys():
    counties = list(County.objects.values_list("pk", flat=True))
    wanted = [*counties[:3], 10**9]

    found = set(County.objects.filter(pk__any_of=wanted).values_list("pk", flat=True))

    assert found == set(counties[:3])
    assert not County.objects.filter(pk__any_of=[]).exists()
    assert not Provider.objects.filter(county_id__any_of=[10**9]).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's array parameter")
def test_it_sends_thousands_of_keys_as_one_parameter_on_postgresql():
    keys = list(range(1, 5_001))
    with CaptureQueriesContext(connection) as queries:
        list(County.objects.filter(pk__any_of=keys).values_list("pk", flat=True))
    sql = queries[0]["sql"]
    assert "= ANY(" in sql and " IN (" not in sql


def test_it_finds_rows_by_keys_of_any_size_and_by_text():
    county = County.objects.order_by("pk").first()
    assert county is not None

    found = County.objects.filter(pk__any_of=[-1, 2**40, county.pk]).values_list("pk", flat=True)
    assert list(found) == [county.pk]
    by_code = County.objects.filter(code__any_of=[county.code, "no such code"])
    assert list(by_code.values_list("pk", flat=True)) == [county.pk]
