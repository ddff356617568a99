from django.urls import path

from ihss.timesheets import views

app_name = "timesheets"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("start/", views.start, name="start"),
    path("review/", views.review, name="review"),
    path("hours/", views.hours, name="hours"),
    path("violations/", views.violations, name="violations"),
    path("violations/<int:pk>/", views.violation, name="violation"),
    path("county-review/", views.county_queue, name="county"),
    path("weekly-maximum-exceptions/", views.exceptions, name="exceptions"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/week/<str:week_start>/", views.week, name="week"),
    path("<int:pk>/week/<str:week_start>/check/", views.week_check, name="week-check"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.reject, name="reject"),
    path("<int:pk>/county-review/", views.county_decide, name="county-decide"),
    # --- Travel time ---
    path("<int:pk>/travel/", views.travel_add, name="travel-add"),
    path("<int:pk>/travel/remove/", views.travel_remove, name="travel-remove"),
    # --- Paid sick leave ---
    path("sick-leave/", views.sick_leave, name="sick-leave"),
    path("sick-leave/review/", views.sick_leave_review, name="sick-leave-review"),
    path("sick-leave/<int:pk>/", views.sick_leave_claim, name="sick-leave-claim"),
    path("sick-leave/<int:pk>/approve/", views.sick_leave_approve, name="sick-leave-approve"),
    path("sick-leave/<int:pk>/return/", views.sick_leave_reject, name="sick-leave-reject"),
]
