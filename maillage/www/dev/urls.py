from django.urls import path

from . import views

app_name = "dev"
urlpatterns = [path("courriels/", views.emails, name="emails")]
