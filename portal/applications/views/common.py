"""Small helpers shared by the site views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render

from ..permissions import startup_of

PAGE_SIZE = 20


def refused(request, message, *, status: int = 403):
    """A page that says clearly why the request was refused (in the user's language)."""
    return render(request, "applications/refused.html", {"message": message}, status=status)


def messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def paginate(request, queryset, per_page: int | None = None):
    paginator = Paginator(queryset, per_page or PAGE_SIZE)
    return paginator, paginator.get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def startup_or_none(request):
    return startup_of(request.user)
