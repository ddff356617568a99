from django.urls import path

from ihss.training import (
    careers_views,
    certificate_views,
    coaching_views,
    registration_views,
    staff_views,
    views,
)

app_name = "training"

urlpatterns = [
    path("catalog/", views.catalog_page, name="catalog"),
    path("courses/<int:pk>/", views.course_page, name="course"),
    path("courses/<int:course_pk>/enroll/", registration_views.enroll, name="enroll"),
    path("classes/<int:session_pk>/register/", registration_views.register, name="register"),
    path("mine/", registration_views.mine, name="mine"),
    path("mine/incentives/", registration_views.progress, name="progress"),
    path("mine/<int:pk>/certificate/", certificate_views.certificate_page, name="certificate"),
    path(
        "mine/<int:pk>/certificate.pdf", certificate_views.certificate_file, name="certificate-pdf"
    ),
    path("verify/", certificate_views.verify_page, name="verify"),
    path("careers/", careers_views.careers, name="careers"),
    path("help/", views.help_page, name="help"),
    path("careers/edit/", careers_views.edit_careers, name="careers-edit"),
    path("mine/<int:pk>/cancel/", registration_views.cancel, name="cancel"),
    path("mine/<int:pk>/switch/", registration_views.switch, name="switch"),
    path("mine/<int:pk>/class.ics", registration_views.calendar_file, name="calendar"),
    path("mine/claims/<int:pk>/confirm/", registration_views.confirm_claim, name="claim-confirm"),
    path("coaching/", coaching_views.ask, name="coaching"),
    path("coaching/<int:pk>/book/", coaching_views.book, name="coaching-book"),
    path("coaching/<int:pk>/cancel/", coaching_views.cancel, name="coaching-cancel"),
    path("coach/", coaching_views.queue, name="coach"),
    path("coach/requests/<int:pk>/", coaching_views.coach_request, name="coach-request"),
    path("provider/", staff_views.classes, name="classes"),
    path("provider/courses/new/", staff_views.course_form, name="course-new"),
    path("provider/courses/<int:pk>/edit/", staff_views.course_form, name="course-edit"),
    path("provider/courses/<int:pk>/classes/new/", staff_views.session_form, name="class-new"),
    path("provider/courses/<int:pk>/completions/", staff_views.completions, name="completions"),
    path("provider/classes/<int:pk>/", staff_views.roster, name="roster"),
    path("provider/classes/<int:pk>/edit/", staff_views.session_edit, name="class-edit"),
    path("provider/classes/<int:pk>/cancel/", staff_views.session_cancel, name="class-cancel"),
    path("provider/classes/<int:pk>/roster.csv", staff_views.roster_csv, name="roster-csv"),
]
