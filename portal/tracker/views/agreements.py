"""The signed copies of agreements (実証協定書 / 契約), downloaded on the site by both parties and ministry staff.

The admin's screens (list, one agreement with its amendments, recording one) are AgreementViewSet's, in
agreement_admin.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import permissions
from ..models import AgreementFile
from .common import private_file


@login_required
def agreement_file_download(request, pk):
    attachment = get_object_or_404(AgreementFile.objects.select_related("agreement__engagement"), pk=pk)
    if not permissions.can_view_agreements(request.user, attachment.agreement.engagement)[0]:
        raise Http404
    return private_file(attachment.file, attachment.original_name, attachment.content_type)
