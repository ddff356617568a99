"""A completion certificate as a PDF (fpdf2, as the paystub: pure Python, the document's
language and title set for screen readers, headings marked as structure; the page itself
is the accessible version)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TextStyle

_PLAIN = str.maketrans({"–": "-", "—": "-", "’": "'", "“": '"', "”": '"', "·": "-"})


def _plain(text: Any) -> str:
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(*, lines: list[tuple[Any, Any]], name: str, course: str, code: str,
                    verify_url: str, language: str = "en") -> bytes:  # fmt: skip
    title = _("Certificate of completion")
    doc = FPDF(format="letter", orientation="landscape")
    doc.set_lang(language)
    doc.set_title(_plain(f"{title}: {course}"))
    doc.set_author(_plain(_("IHSS Portal")))
    doc.set_creator("IHSS Portal")
    doc.set_section_title_styles(
        TextStyle(font_family="Helvetica", font_style="B", font_size_pt=24, b_margin=6),
    )
    doc.add_page()
    doc.set_font("Helvetica", size=14)
    doc.set_y(35)
    doc.start_section(_plain(title), level=0)
    doc.set_font("Helvetica", size=14)
    doc.multi_cell(0, 9, _plain(_("IHSS Career Pathways Program")), align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)  # fmt: skip
    doc.ln(6)
    doc.set_font("Helvetica", style="B", size=20)
    doc.multi_cell(0, 11, _plain(name), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_font("Helvetica", size=14)
    doc.multi_cell(0, 9, _plain(course), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(6)
    doc.set_font("Helvetica", size=11)
    for label, value in lines:
        doc.cell(120, 7, _plain(label), align="R")
        doc.cell(0, 7, "  " + _plain(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(6)
    doc.multi_cell(
        0,
        6,
        _plain(_("Verification code %(code)s: anyone can check it at %(url)s")
               % {"code": code, "url": verify_url}),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )  # fmt: skip
    return bytes(doc.output())
