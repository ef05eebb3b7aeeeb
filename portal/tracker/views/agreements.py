"""Agreements (実証協定書 / 契約): the admin's list, recording one for an engagement, one agreement's screen with its
amendments, and the signed copies' download (for both parties, on the site)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .. import permissions, selectors, services
from ..agreement_forms import AgreementForm, AmendmentForm
from ..filters import AgreementFilter
from ..models import Agreement, AgreementFile, Engagement
from .common import add_service_errors, paginate, private_file


def agreement_list(request):
    filterset = AgreementFilter(request.GET, queryset=selectors.agreements_for(request.user))
    return TemplateResponse(
        request,
        "tracker/admin/agreement_list.html",
        {"filter": filterset, "page_obj": paginate(request, filterset.qs)},
    )


def agreement_new(request, pk):
    try:
        engagement = selectors.engagements_for(request.user).get(pk=pk)
    except Engagement.DoesNotExist as exc:
        raise Http404 from exc
    allowed, why = permissions.can_manage_agreements(request.user, engagement)
    if not allowed:
        raise PermissionDenied(why)
    form = AgreementForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                agreement = services.agreement_record(
                    engagement=engagement, actor=request.user, **form.cleaned_data
                )
                messages.success(request, _("The agreement has been recorded."))
                return redirect("tracker_admin:agreement", pk=agreement.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = 400
    return TemplateResponse(
        request,
        "tracker/admin/agreement_form.html",
        {"form": form, "engagement": engagement, "title": _("Record an agreement")},
        status=status,
    )


def agreement_detail(request, pk):
    try:
        agreement = selectors.agreement_detail(pk, request.user)
    except Agreement.DoesNotExist as exc:
        raise Http404 from exc
    can_manage = permissions.can_manage_agreements(request.user, agreement.engagement)[0]
    form = AmendmentForm(prefix="amend")
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(permissions.can_manage_agreements(request.user, agreement.engagement)[1])
        form = AmendmentForm(request.POST, request.FILES, prefix="amend")
        if form.is_valid():
            try:
                services.agreement_amend(agreement=agreement, actor=request.user, **form.cleaned_data)
                messages.success(request, _("The amendment has been recorded."))
                return redirect(request.path)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = 400
    return TemplateResponse(
        request,
        "tracker/admin/agreement_detail.html",
        {"agreement": agreement, "title": agreement.title, "form": form, "can_manage": can_manage},
        status=status,
    )


@login_required
def agreement_file_download(request, pk):
    attachment = get_object_or_404(AgreementFile.objects.select_related("agreement__engagement"), pk=pk)
    if not permissions.can_view_agreements(request.user, attachment.agreement.engagement)[0]:
        raise Http404
    return private_file(attachment.file, attachment.original_name, attachment.content_type)
