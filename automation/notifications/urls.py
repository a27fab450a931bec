from django.urls import path

from automation.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("add/", views.create, name="create"),
    path("<id:target_id>/toggle/", views.toggle, name="toggle"),
    path("<id:target_id>/delete/", views.delete, name="delete"),
    path("<id:target_id>/test/", views.test, name="test"),
    path("<id:target_id>/row/<id:delivery_id>/", views.row, name="row"),
]
