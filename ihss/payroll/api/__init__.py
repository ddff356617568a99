"""Payroll's API under /api/v1/pay/: one sub-router per resource."""

from __future__ import annotations

from ninja import Router

from ihss.payroll.api import paystubs, runs

router = Router(tags=["pay"])
router.add_router("/deposits", "ihss.payroll.api.deposits.router")
router.add_router("", paystubs.router)  # paystubs, history, timeline, wage statements
router.add_router("", runs.router)  # payroll runs, for state administrators
