from django.urls import path

from ihss.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.message, name="message"),
    path("<int:pk>/unread/", views.message_unread, name="message-unread"),
    path("read-all/", views.read_all, name="read-all"),
    path("settings/", views.preferences, name="settings"),
    path("settings/mobile/", views.mobile_add, name="mobile-add"),
    path("settings/mobile/confirm/", views.mobile_confirm, name="mobile-confirm"),
    path("settings/mobile/remove/", views.mobile_remove, name="mobile-remove"),
    path("unsubscribe/", views.unsubscribe_confirm, name="unsubscribe-confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/", views.outbox_detail, name="outbox-detail"),
    path("outbox/<int:pk>/retry/", views.outbox_retry, name="outbox-retry"),
]
