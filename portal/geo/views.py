"""Autocomplete for local-government fields: a small public JSON list (the code table is public data)."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from . import selectors

MAX_LIMIT = 50


@require_GET
def local_government_autocomplete(request):
    """GET ?q=高松[&prefecture=37][&limit=20] → {"results": [{"code", "name", "name_ja", "kana", "kind"}]}."""
    # NUL can be in no name, and PostgreSQL refuses it in a query: drop it rather than fail.
    query = request.GET.get("q", "").replace("\x00", "")[:40]
    try:
        limit = max(1, min(MAX_LIMIT, int(request.GET.get("limit", 20))))
    except ValueError:
        limit = 20
    # The code as the selector understood it ('３７', '7', '3-7'); anything else filters nothing.
    pref = selectors.prefecture_by_code(request.GET.get("prefecture") or "")
    prefecture = pref.code if pref is not None else None
    results = [
        {
            "code": lg.code,
            "name": selectors.local_government_name(lg),
            "name_ja": lg.name_ja,
            "kana": lg.name_kana,
            "kind": lg.kind,
            "prefecture": lg.prefecture_id,
        }
        for lg in selectors.search_local_governments(query, limit=limit, prefecture=prefecture)
    ]
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
