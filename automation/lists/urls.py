from django.urls import path

from automation.lists import views

app_name = "lists"
urlpatterns = [
    path("", views.index, name="index"),
    path("preview/", views.preview, name="preview"),
    path("import/", views.import_view, name="import"),
    path("<id:list_id>/delete/", views.delete, name="delete"),
]
