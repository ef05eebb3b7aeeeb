"""Open data: the catalogue's challenges as JSON and CSV (UTF-8, the CSV with a BOM for Excel), same filters."""

from __future__ import annotations

import csv

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import opendata
from .filters import ChallengeFilter
from .selectors import challenges_for_export, live_challenges


def _filtered(request):
    challenge_filter = ChallengeFilter(request.GET, queryset=live_challenges())
    if not challenge_filter.is_valid():
        return None, challenge_filter.errors
    return challenges_for_export(challenge_filter.qs), None


def _record(challenge, request, now):
    return opendata.challenge_record(challenge, url=challenge.get_full_url(request) or "", now=now)


@require_GET
def challenges_json(request):
    queryset, errors = _filtered(request)
    if errors is not None:
        return JsonResponse({"errors": errors.get_json_data()}, status=400)
    now = timezone.now()
    records = [_record(c, request, now) for c in queryset]
    payload = {
        "schema_version": opendata.SCHEMA_VERSION,
        "generated_at": timezone.localtime(now).isoformat(),
        "count": len(records),
        "challenges": records,
    }
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


class _Echo:
    def write(self, value):
        return value


@require_GET
def challenges_csv(request):
    queryset, errors = _filtered(request)
    if errors is not None:
        return HttpResponse(errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    now = timezone.now()
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow(opendata.FIELDS)
        for challenge in queryset.iterator(chunk_size=500):
            yield writer.writerow(opendata.csv_row(_record(challenge, request, now)))

    response = StreamingHttpResponse(
        (r.encode("utf-8") for r in rows()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="challenges.csv"'
    return response
