"""The Career Pathways API (/api/v1/training/): the course catalog, public (no sign-in,
no token), paged as every list of the API is (docs/api.md#pages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, P, QueryEx, Router, Schema

from ihss.cases.models import County
from ihss.core.pagination import ApiPage, api_page
from ihss.training import catalog
from ihss.training.models import Modality

router = Router()


class CatalogSession(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    language: str
    county_code: str | None = Field(description="Where an in-person class is held.")
    place: str
    capacity: int


class CatalogCourse(Schema):
    id: int
    code: str
    title: str
    description: str
    pathway: str = Field(description="The pathway's code.")
    category: int = Field(description="1 (general) or 2 (specialized).")
    modality: str
    minutes: int
    languages: list[str]
    training_provider: str
    next_sessions: list[CatalogSession]


class CatalogPage(Schema):
    page: int
    has_next: bool
    results: list[CatalogCourse]


Text = QueryEx[str, P(max_length=1000, description="Words to look for.")]
Code = QueryEx[str, P(max_length=40)]


@router.get("/catalog", response=CatalogPage, auth=None, url_name="training-catalog")
def list_catalog(
    request: HttpRequest,
    page: ApiPage = 1,
    q: Text = "",
    pathway: Code = "",
    category: QueryEx[int | None, P(ge=1, le=2)] = None,
    modality: Modality | None = None,
    language: Code = "",
    county: QueryEx[str, P(max_length=2, description="County code of in-person classes.")] = "",
    starts_from: dt.date | None = None,
    starts_until: dt.date | None = None,
    near_latitude: QueryEx[float | None, P(ge=-90, le=90)] = None,
    near_longitude: QueryEx[float | None, P(ge=-180, le=180)] = None,
    within_miles: QueryEx[int | None, P(ge=1, le=500)] = None,
) -> CatalogPage:
    """Published catalog courses matching every filter given, in title order. An unknown
    county or language matches no course. `within_miles` of (`near_latitude`,
    `near_longitude`) keeps courses with an in-person class on the map that near."""
    county_id = (
        County.objects.filter(code=county).values_list("pk", flat=True).first() if county else None
    )
    languages = {code for code, _name in settings.LANGUAGES}
    if (county and county_id is None) or (language and language not in languages):
        return CatalogPage(page=page, has_next=False, results=[])  # matches no course
    found = catalog.courses(
        catalog.Filters(
            text=q,
            pathway=pathway,
            category=category,
            modality=modality.value if modality else "",
            language=language,
            county=county_id,
            starts_from=starts_from,
            starts_until=starts_until,
            near=(
                (Decimal(str(near_latitude)), Decimal(str(near_longitude)))
                if near_latitude is not None and near_longitude is not None
                else None
            ),
            within_miles=within_miles,
        )
    )
    rows, has_next = api_page(found, page)
    return CatalogPage(
        page=page,
        has_next=has_next,
        results=[
            CatalogCourse(
                id=item.course.pk,
                code=item.course.code,
                title=item.course.title,
                description=item.course.description,
                pathway=item.course.pathway.code,
                category=item.course.pathway.category,
                modality=item.course.modality,
                minutes=item.course.minutes,
                languages=item.languages,
                training_provider=item.course.provider.name,
                next_sessions=[
                    CatalogSession(
                        starts_at=s.starts_at,
                        ends_at=s.ends_at,
                        language=s.language,
                        county_code=s.county.code if s.county else None,
                        place=s.place,
                        capacity=s.capacity,
                    )
                    for s in item.next_sessions
                ],
            )
            for item in catalog.listings(rows)
        ],
    )
