"""The words of the case records' audit actions and snapshot keys (registered in apps.py)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "recipient.created": _("Recipient added"),
    "recipient.updated": _("Recipient's details changed"),
    "recipient.ssn_replaced": _("Social Security number replaced"),
    "authorized_hours.added": _("Authorized hours set"),
    "authorized_hours.updated": _("Authorized hours corrected"),
    "authorized_hours.closed": _("Authorized hours ended"),
    "provider.created": _("Provider added"),
    "provider.updated": _("Provider's details changed"),
    "provider.ssn_replaced": _("Social Security number replaced"),
    "assignment.created": _("Assignment added"),
    "assignment.updated": _("Assignment changed"),
    "assignment.ended": _("Assignment ended"),
    "exemption.added": _("Overtime exemption added"),
    "exemption.ended": _("Overtime exemption ended"),
    "travel_agreement.added": _("Travel agreement added"),
    "travel_agreement.ended": _("Travel agreement ended"),
    "recipient.imported": _("Recipient imported"),
    "provider.imported": _("Provider imported"),
    "assignment.imported": _("Assignment imported"),
}

LABELS = {
    "ssn_last4": _("Last 4 digits of the SSN"),
    "provider": _("Provider"),
    "recipient": _("Recipient"),
    "county": _("County"),
    "program": _("Program"),
    # The snapshots keep minutes and show them as hours: the words say hours.
    "monthly_minutes": _("Authorized hours per month"),
    "assigned_monthly_minutes": _("Assigned hours per month"),
}
