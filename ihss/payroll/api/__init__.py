"""Payroll's API under /api/v1/pay/: one sub-router per resource."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["pay"])
router.add_router("/deposits", "ihss.payroll.api.deposits.router")
