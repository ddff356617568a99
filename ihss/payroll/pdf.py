"""A paystub as a PDF, with the page's content (explain.describe_stub), in the reader's
language.

Written with fpdf2 (pure Python: installs from `make` with pip alone, no system library).
What it gives screen readers: the document's language (`/Lang`), its title shown in the
window, an outline (bookmarks) of the sections, whose headings are marked as structure
elements, and a reading order that is the order of the text. What it cannot do: mark
ordinary text as paragraphs and tables (fpdf2 tags only section headings, images and
links), so the file is not a fully tagged PDF/UA document; the paystub page itself is the
accessible version, and the PDF says so. The standard fonts cover Latin-1 only (English
and Spanish), so the few other characters are replaced by their plain equivalents.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TextStyle

from ihss.core.dates import day_month_year
from ihss.core.units import format_cents, format_minutes
from ihss.payroll.explain import StubView

# Characters outside Latin-1 that our sentences use, as the standard PDF fonts can draw them.
_PLAIN = str.maketrans(
    {
        "•": "*",
        "·": "-",
        "—": "-",
        "–": "-",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
    }
)


def _plain(text: Any) -> str:
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def paystub_pdf(view: StubView, *, language: str = "en") -> bytes:
    """The paystub `view` as PDF bytes."""
    stub, run = view.stub, view.run
    title = _("Paystub, %(period)s") % {"period": view.period}
    doc = FPDF(format="letter")
    doc.set_lang(language)
    doc.set_title(_plain(title))
    doc.set_author(_plain(_("IHSS Portal")))
    doc.set_creator("IHSS Portal")
    doc.set_subject(_plain(_("Paystub")))
    doc.set_section_title_styles(
        TextStyle(font_family="Helvetica", font_style="B", font_size_pt=16, b_margin=2),
        TextStyle(font_family="Helvetica", font_style="B", font_size_pt=13, t_margin=4, b_margin=1),
        TextStyle(font_family="Helvetica", font_style="B", font_size_pt=11, t_margin=3, b_margin=1),
    )
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.set_font("Helvetica", size=10)

    def text(value: Any, *, bold: bool = False) -> None:
        doc.set_font("Helvetica", style="B" if bold else "", size=10)
        doc.multi_cell(0, 5, _plain(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def pair(label: Any, value: Any, *, bold: bool = False) -> None:
        doc.set_font("Helvetica", size=10)
        doc.cell(110, 6, _plain(label))
        doc.set_font("Helvetica", style="B" if bold else "", size=10)
        doc.cell(0, 6, _plain(value), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    doc.start_section(_plain(title), level=0)
    if not view.issued:
        text(
            _("Not issued yet (%(status)s): it may still change.")
            % {"status": run.get_status_display()},
            bold=True,
        )
    text(f"{stub.provider.full_name} ({stub.provider.provider_number})")
    text(
        _(
            "This PDF is a copy of the paystub page in the IHSS Portal, which screen "
            "readers read best."
        )
    )

    doc.start_section(_plain(_("Summary")), level=1)
    pair(_("Pay date"), day_month_year(run.pay_date) if run.pay_date else _("Not set yet"))
    pair(_("Gross pay"), format_cents(stub.gross_cents))
    pair(_("Deductions"), format_cents(stub.deductions_cents))
    pair(_("Net pay"), format_cents(stub.net_cents), bold=True)
    if view.shares_of_cost:
        for name, cents in view.shares_of_cost:
            pair(_("Share of cost paid to you by %(name)s") % {"name": name}, format_cents(cents))
    elif stub.share_of_cost_cents:
        pair(_("Share of cost paid to you by recipients"), format_cents(stub.share_of_cost_cents))
    pair(_("Paid by the State"), format_cents(stub.state_pays_cents))
    pair(_("Paid by"), stub.get_method_display() if stub.method else _("Not paid yet"))

    doc.start_section(_plain(_("What you were paid for")), level=1)
    for group in view.groups:
        parts = (group.label, group.recipient, group.program, group.days)
        heading = " - ".join(p for p in parts if p)
        doc.start_section(_plain(heading), level=2)
        text(
            _("%(time)s: regular pay %(regular)s, overtime pay %(overtime)s, in all %(total)s.")
            % {
                "time": format_minutes(group.minutes),
                "regular": format_cents(group.regular_cents),
                "overtime": format_cents(group.overtime_cents),
                "total": format_cents(group.cents),
            }
        )
        for item in group.lines:
            doc.ln(1)
            text(f"{item.kind} - {item.part} - {format_cents(item.line.cents)}", bold=True)
            text(item.text)

    doc.start_section(_plain(_("Deductions")), level=1)
    if not view.deductions:
        text(_("Nothing was withheld from this pay."))
    for d in view.deductions:
        label = f"{d.label} - {d.recipient}" if d.recipient else d.label
        pair(label, format_cents(d.deduction.amount_cents), bold=True)
        text(d.text)

    ytd = view.year_to_date
    doc.start_section(_plain(_("Year to date, %(year)s") % {"year": ytd["year"]}), level=1)
    pair(_("Gross pay"), format_cents(ytd["gross_cents"]))
    for _code, label, cents in ytd["deductions"]:
        pair(label, format_cents(cents))
    pair(_("Net pay"), format_cents(ytd["net_cents"]), bold=True)

    doc.start_section(_plain(_("Paid sick leave")), level=1)
    if view.sick_leave:
        pair(_("Earned this year"), format_minutes(view.sick_leave["earned_minutes"]))
        pair(_("Used"), format_minutes(view.sick_leave["used_minutes"]))
        pair(_("Available"), format_minutes(view.sick_leave["available_minutes"]), bold=True)
    else:
        text(_("Not available for this paystub."))

    doc.start_section(_plain(_("How it was paid")), level=1)
    if not view.payments:
        text(_("Not paid yet."))
    for payment in view.payments:
        text(payment.text)
    return bytes(doc.output())
