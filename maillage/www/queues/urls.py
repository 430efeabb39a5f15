from django.urls import path

from . import views

app_name = "queues"

urlpatterns = [
    path("", views.queue_list, name="list"),
]
