"""Only the admin, so the law tests do not depend on the rest of the URL tree."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
