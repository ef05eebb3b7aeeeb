"""PDFs and exports on the site: a trip's claim form and an engagement's summary for the two parties (and ministry
staff), the public sheet of a live challenge, and CSV/XLSX downloads of the user's own rows.

Everything outside the user's scope is a 404 (the selectors never return it), as in the tracker's own views.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from matching.models import MatchProposal
from portal.challenges.models import ChallengePage
from portal.core.calendar import today_jst
from portal.core.decisions import require
from portal.tracker.models import Engagement, EvidencePack, TravelRequest

from .. import application_sheet, evidence, permissions, proposals, selectors
from ..exports import DATASETS, FORMATS, InvalidFilters, dataset_rows, export_response
from ..fonts import JapaneseFontMissing
from ..pdf import pdf_response, render_pdf
from .common import font_missing_response, invalid_filters_response

OFFER_FIELDS = ("offers_data", "offers_trial_site", "offers_staff_time", "offers_budget")


@login_required
def claim_form_pdf(request, pk):
    """旅費精算書 of one trip: the breakdown (estimate and actual), the totals, signature boxes."""
    try:
        trip = selectors.trip_for_claim(request.user, pk)
    except TravelRequest.DoesNotExist as exc:
        raise Http404 from exc
    try:
        data = render_pdf(
            "reports/pdf/claim_form.html",
            {"claim": selectors.claim_form(trip), "issued_on": today_jst()},
            title=_("Travel-cost claim form"),
        )
    except JapaneseFontMissing as exc:
        return font_missing_response(request, exc)
    return pdf_response(data, f"travel-claim-TR{trip.pk}.pdf")


@login_required
def engagement_summary_pdf(request, pk):
    """The engagement summary sheet a municipality attaches to its internal approval."""
    try:
        sheet = selectors.engagement_sheet(request.user, pk)
    except Engagement.DoesNotExist as exc:
        raise Http404 from exc
    try:
        data = render_pdf(
            "reports/pdf/engagement_summary.html",
            {"sheet": sheet, "issued_on": today_jst()},
            title=_("Engagement summary"),
        )
    except JapaneseFontMissing as exc:
        return font_missing_response(request, exc)
    return pdf_response(data, f"engagement-{sheet.engagement.pk}.pdf")


@login_required
def evidence_pack_pdf(request, pk):
    """One version of an evidence pack for a contract without open tender (随意契約), in Japanese."""
    try:
        pack = evidence.evidence_pack_for(request.user, pk)
    except EvidencePack.DoesNotExist as exc:
        raise Http404 from exc
    with translation.override("ja"):
        try:
            data = render_pdf(
                "reports/pdf/evidence_pack.html",
                {"sheet": evidence.evidence_sheet(request.user, pack), "issued_on": pack.created_at},
                title=_("Evidence pack for a contract without open tender"),
            )
        except JapaneseFontMissing as exc:
            return font_missing_response(request, exc)
    return pdf_response(data, f"evidence-pack-{pack.engagement_id}-v{pack.version}.pdf")


@login_required
def proposal_sheet_pdf(request, pk):
    """The proposal sheet (提案書) of an accepted match, in Japanese, one A4 page: the challenge, the startup, the
    reasons, the other candidates considered and who accepted it — for the municipality's selection record.
    Ministry staff and the challenge's municipality only; anything else is a 404."""
    try:
        proposal = proposals.proposal_for_sheet(request.user, pk)
    except MatchProposal.DoesNotExist as exc:
        raise Http404 from exc
    with translation.override("ja"):
        try:
            data = render_pdf(
                "reports/pdf/proposal_sheet.html",
                {"sheet": proposals.proposal_sheet(proposal), "issued_on": today_jst()},
                title=_("Proposal sheet"),
            )
        except JapaneseFontMissing as exc:
            return font_missing_response(request, exc)
    return pdf_response(data, f"proposal-{proposal.pk}.pdf")


@login_required
def application_pdf(request, pk):
    """The application (応募書) in Japanese: the proposal, the startup, the challenge, the eligibility check and every
    answer to the challenge's own questions — for the municipality's file and the startup's own copy. Whoever may
    see the application may have it (ministry staff, the challenge's municipality, the applying startup); 404
    otherwise."""
    application = application_sheet.application_for_sheet(
        request.user, pk
    )  # Http404 outside the user's scope
    with translation.override("ja"):
        try:
            data = render_pdf(
                "reports/pdf/application.html",
                {
                    "sheet": application_sheet.application_sheet(
                        application, absolute_url=request.build_absolute_uri
                    ),
                    "issued_on": today_jst(),
                },
                title=_("Application"),
            )
        except JapaneseFontMissing as exc:
            return font_missing_response(request, exc)
    return pdf_response(data, f"application-{application.pk}.pdf")


def challenge_sheet_pdf(request, pk):
    """A printable sheet of a published challenge (public, like the page itself)."""
    try:
        challenge = selectors.live_challenge(pk)
    except ChallengePage.DoesNotExist as exc:
        raise Http404 from exc
    offers = [ChallengePage._meta.get_field(f).verbose_name for f in OFFER_FIELDS if getattr(challenge, f)]
    context = {
        "challenge": challenge,
        "themes": list(challenge.themes.all()),
        "offers": offers,
        "url": request.build_absolute_uri(challenge.get_url(request) or "/"),
    }
    try:
        data = render_pdf("reports/pdf/challenge_sheet.html", context, title=challenge.title)
    except JapaneseFontMissing as exc:
        return font_missing_response(request, exc)
    return pdf_response(data, f"challenge-{challenge.pk}.pdf")


def export(request, dataset, fmt, *, user):
    """A dataset as CSV/XLSX for `user`, filtered by the query string; shared with the admin's funnel export."""
    ds = DATASETS.get(dataset)
    if ds is None or fmt not in FORMATS:
        raise Http404
    require(permissions.can_export(user, ds))
    try:
        rows, _form = dataset_rows(ds, user, request.GET, request=request)
    except InvalidFilters as exc:
        return invalid_filters_response(request, exc)
    if isinstance(rows, QuerySet) and fmt == "csv":
        rows = rows.iterator(chunk_size=2000)
    return export_response(ds, rows, fmt)


@login_required
def my_export(request, dataset, fmt):
    """/exports/<dataset>.<fmt>: the signed-in user's own rows (a startup's applications, engagements, trips)."""
    return export(request, dataset, fmt, user=request.user)
