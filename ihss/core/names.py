"""People's names as compared: a typed signature against the name on record.

Case, accents and extra spaces do not matter ("josé  garcía" is "José García"): the text
is decomposed (NFKD), its combining marks dropped, case folded and spaces collapsed.
"""

from __future__ import annotations

import unicodedata


def normalize_name(text: str) -> str:
    """The name as compared: no accents, case folded, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Folding may bring back a composed letter (rare), so decompose once more.
    folded = unicodedata.normalize("NFKD", plain.casefold())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


def same_name(typed: str, *names: str) -> bool:
    """Whether `typed` is one of `names` (any of them, blank names never match)."""
    wanted = normalize_name(typed)
    return bool(wanted) and any(wanted == normalize_name(n) for n in names if n.strip())
