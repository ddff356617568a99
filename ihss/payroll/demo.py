"""Demo data of payroll: the two demo counties' wage rates (fictional agreements)."""

from __future__ import annotations

import datetime as dt

from ihss.cases.models import County
from ihss.core.demo import DemoContext
from ihss.payroll.models import WageRate


def load(context: DemoContext) -> None:
    counties = {c.code: c for c in County.objects.filter(code__in=["19", "10"])}
    WageRate.objects.get_or_create(
        county=counties["19"],
        effective_from=dt.date(2024, 1, 1),
        defaults=dict(
            basis=WageRate.Basis.MINIMUM_PLUS,
            supplement_cents=200,
            agreement="PASC-SEIU 2015 agreement (demo)",
        ),
    )
    WageRate.objects.get_or_create(
        county=counties["10"],
        effective_from=dt.date(2025, 7, 1),
        defaults=dict(
            basis=WageRate.Basis.MINIMUM_PLUS,
            supplement_cents=185,
            agreement="Fresno County Public Authority MOU (demo)",
        ),
    )
