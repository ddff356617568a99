"""The Django admin for the catalog (staff accounts only), until training providers have
their own screens to keep courses and classes (docs/training.md, "Still to build")."""

from __future__ import annotations

from django.contrib import admin

from ihss.training.models import ClassSession, Course, CourseLanguage, TrainingProvider


class LanguageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CourseLanguage
    extra = 1


@admin.register(TrainingProvider)
class TrainingProviderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "email", "phone")
    search_fields = ("name",)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "title", "provider", "pathway", "modality", "published")
    list_filter = ("pathway", "modality", "published")
    search_fields = ("code", "title")
    inlines = [LanguageInline]


@admin.register(ClassSession)
class ClassSessionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("course", "starts_at", "language", "county", "capacity")
    list_filter = ("language",)
    raw_id_fields = ("course",)
