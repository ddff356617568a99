"""The pathways as the program names them (../shared/domain/ihss-facts.md 7), seeded by
migration 0002 and translated on every page (the names are message ids)."""

from django.utils.translation import gettext_noop

# (code, category, English name, recipient needs served, order)
PATHWAYS = [
    ("general-health-safety", 1, gettext_noop("General Health and Safety"), [], 1),
    ("adult-education", 1, gettext_noop("Adult Education"), [], 2),
    (
        "cognitive-behavioral",
        2,
        gettext_noop("Cognitive Impairments and Behavioral Health"),
        ["needs_cognitive_behavioral"],
        3,
    ),
    (
        "complex-physical",
        2,
        gettext_noop("Complex Physical Care Needs"),
        ["needs_complex_physical"],
        4,
    ),
    (
        "community-transition",
        2,
        gettext_noop(
            "Transition to home and community-based living from out-of-home care or homelessness"
        ),
        ["needs_community_transition"],
        5,
    ),
]
