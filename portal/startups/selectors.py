"""My page's reads."""

from __future__ import annotations

from portal.accounts.models import Organisation


def organisation_for_mypage(organisation: Organisation | None) -> Organisation | None:
    """The organisation My page shows, with its prefecture and startup profile (one query instead of three)."""
    if organisation is None:
        return None
    return (
        Organisation.objects.select_related("prefecture", "startup_profile")
        .filter(pk=organisation.pk)
        .first()
        or organisation
    )
