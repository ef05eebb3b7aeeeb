"""Autocomplete for local-government fields: a small public JSON list (the code table is public data)."""

from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from . import selectors

MAX_LIMIT = 50


@require_GET
def local_government_autocomplete(request):
    """GET ?q=高松[&prefecture=37][&limit=20] → {"results": [{"code", "name", "name_ja", "kana", "kind"}]}."""
    query = request.GET.get("q", "")[:40]
    try:
        limit = max(1, min(MAX_LIMIT, int(request.GET.get("limit", 20))))
    except ValueError:
        limit = 20
    prefecture = request.GET.get("prefecture") or None
    if prefecture is not None and selectors.prefecture_by_code(prefecture) is None:
        prefecture = None
    else:
        prefecture = prefecture and f"{int(prefecture):02d}"
    english = translation.get_language() == "en"
    results = [
        {
            "code": lg.code,
            "name": _display_name(lg, english=english),
            "name_ja": lg.name_ja,
            "kana": lg.name_kana,
            "kind": lg.kind,
            "prefecture": lg.prefecture_id,
        }
        for lg in selectors.search_local_governments(query, limit=limit, prefecture=prefecture)
    ]
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})


def _display_name(lg, *, english: bool) -> str:
    """「香川県 高松市」 in Japanese (names repeat across prefectures), the English name in English."""
    if english and lg.name_en:
        return lg.name_en
    if lg.kind == lg.Kind.PREFECTURE:
        return lg.name_ja
    return f"{lg.prefecture.name_ja} {lg.name_ja}"
