"""The home page: the desk of the signed-in user's role."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accord.core.web import viewer
from accord.desk.selectors import desk_for


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/home.html", {"desk": desk_for(viewer(request))})
