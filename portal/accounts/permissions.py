"""Who may do what, by organisation and role. Every rule returns (allowed, reason); helpers return plain values.

Other apps use these to keep municipality staff inside their own organisation:

    from portal.accounts.permissions import scope_queryset_to_user, OrganisationScopedViewSetMixin

    class ChallengeViewSet(OrganisationScopedViewSetMixin, SnippetViewSet):
        scope_org_field = "organisation"          # the path from the model to its Organisation

Ministry staff (members of the ministry organisation) and superusers see everything; everybody else sees only the
objects of the organisations they are members of; anonymous and inactive users see nothing.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, ReferenceIndex

from portal.core.decisions import Decision

from .access import forget_access, user_access
from .models import Membership, Organisation


def _is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their organisations, oldest first (portal/accounts/access.py: one query, kept
    for the request and in the cache until a membership, organisation or the user changes)."""
    if not _is_signed_in(user):
        return []
    return list(user_access(user).memberships)


def forget_cached_memberships(user) -> None:
    """Call after changing a user's memberships in the same request (the signals retire the cached copy too)."""
    if user is not None:
        forget_access(user)


def organisation_of(user) -> Organisation | None:
    """The organisation a user acts for (their first membership), or None."""
    memberships = memberships_of(user)
    return memberships[0].organisation if memberships else None


def organisation_ids_of(user) -> list[int]:
    return [m.organisation_id for m in memberships_of(user)]


def role_in(user, organisation: Organisation) -> str | None:
    """The user's Membership.Role in that organisation, or None."""
    for m in memberships_of(user):
        if m.organisation_id == organisation.pk:
            return m.role
    return None


def is_ministry(user) -> bool:
    """Ministry staff: members of a ministry organisation. Superusers count as ministry (full rights)."""
    if not _is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    return any(m.organisation.kind == Organisation.Kind.MINISTRY for m in memberships_of(user))


def is_municipality_staff(user) -> bool:
    """Members of a municipality organisation (they work in the admin, limited to their organisation)."""
    return any(m.organisation.kind == Organisation.Kind.MUNICIPALITY for m in memberships_of(user))


def is_startup_member(user) -> bool:
    return any(m.organisation.kind == Organisation.Kind.STARTUP for m in memberships_of(user))


def can_access_admin(user) -> Decision:
    """The Wagtail admin is for ministry and municipality staff only; startups work on the site."""
    if not _is_signed_in(user):
        return False, _("Please log in.")
    if is_ministry(user) or (user.is_staff and is_municipality_staff(user)):
        return True, _("Staff of the ministry or a municipality.")
    return False, _("The admin is for ministry and municipality staff.")


def can_view_organisation(user, organisation: Organisation) -> Decision:
    """Staff-side view of an organisation's details (the public profile is a separate matter)."""
    if not _is_signed_in(user):
        return False, _("Please log in.")
    if is_ministry(user):
        return True, _("Ministry staff see every organisation.")
    if organisation.pk in organisation_ids_of(user):
        return True, _("You are a member of this organisation.")
    return False, _("You can only see your own organisation.")


def can_edit_organisation(user, organisation: Organisation) -> Decision:
    if not _is_signed_in(user):
        return False, _("Please log in.")
    if is_ministry(user):
        return True, _("Ministry staff may edit every organisation.")
    if role_in(user, organisation) == Membership.Role.ADMIN:
        return True, _("You are an administrator of this organisation.")
    if role_in(user, organisation) is not None:
        return False, _("Only an administrator of the organisation may change it.")
    return False, _("You can only change your own organisation.")


def can_manage_members(user, organisation: Organisation) -> Decision:
    """Change roles or remove members: ministry staff, or an administrator of that organisation."""
    return can_edit_organisation(user, organisation)


def can_invite(user, organisation: Organisation) -> Decision:
    """Municipality and ministry users are invited by ministry staff; startups register themselves."""
    if not _is_signed_in(user):
        return False, _("Please log in.")
    if organisation.kind == Organisation.Kind.STARTUP:
        return False, _("Startups register themselves; they are not invited.")
    if is_ministry(user):
        return True, _("Ministry staff invite municipality and ministry users.")
    return False, _("Only ministry staff can send invitations.")


def scope_queryset_to_user(qs: QuerySet, user, org_field: str | None = "organisation") -> QuerySet:
    """Limit `qs` to what the user may see in the admin.

    `org_field` is the lookup path from the model to its Organisation (e.g. "organisation",
    "challenge__organisation"); None means the queryset is of Organisation itself.
    Ministry staff get `qs` unchanged; members get their organisations' rows; anyone else nothing.
    """
    if not _is_signed_in(user):
        return qs.none()
    if is_ministry(user):
        return qs
    ids = organisation_ids_of(user)
    if not ids:
        return qs.none()
    lookup = "pk__in" if org_field is None else f"{org_field}__in"
    return qs.filter(**{lookup: ids})


def user_can_see_object(user, obj: Model, org_field: str | None = "organisation") -> bool:
    return scope_queryset_to_user(type(obj)._default_manager.filter(pk=obj.pk), user, org_field).exists()


class _OrganisationScopedView:
    """Mixed into every view of a scoped viewset: listings are filtered, object views 404 outside the scope."""

    scope_org_field: str | None = "organisation"

    def _scoped(self, qs):
        return scope_queryset_to_user(qs, self.request.user, self.scope_org_field)

    def setup(self, request, *args, **kwargs):
        pk = kwargs.get(getattr(self, "pk_url_kwarg", "pk") or "pk")
        model = getattr(self, "model", None)
        if pk is not None and model is not None:
            visible = scope_queryset_to_user(
                model._default_manager.filter(pk=unquote(str(pk))), request.user, self.scope_org_field
            )
            if not visible.exists():
                raise Http404
        super().setup(request, *args, **kwargs)

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if queryset.model is not self.model:
            # An object's history lists its log entries, not objects: the object was checked in setup (404
            # outside the scope) and Wagtail gives that object's entries only.
            return queryset
        return self._scoped(queryset)

    def get_base_object_queryset(self):
        return self._scoped(super().get_base_object_queryset())


class OrganisationScopedViewSetMixin:
    """Put before ModelViewSet/SnippetViewSet: every view it builds is limited to the user's organisation(s).

    Set `scope_org_field` on the viewset (default "organisation"; None for the Organisation model itself).
    Object views (edit, delete, inspect, history, usage, …) answer 404 for another organisation's object; an
    object's history and usage then list what Wagtail lists for that object (its log entries, its references).
    """

    scope_org_field: str | None = "organisation"

    def construct_view(self, view_class, **kwargs):
        scoped_class = type(
            f"Scoped{view_class.__name__}",
            (_OrganisationScopedView, view_class),
            {"scope_org_field": self.scope_org_field},
        )
        return super().construct_view(scoped_class, **kwargs)


def can_download_document(user, document) -> Decision:
    """A Wagtail document in a municipality's collection (portal/accounts/workspaces.py) is that municipality's
    until a live, public page links to it (e.g. the published challenge it is attached to): before that only its
    staff and the ministry may download it. Documents elsewhere (the root collection) are public, as in Wagtail."""
    collections = document.collection.get_ancestors(inclusive=True)
    owner = Organisation.objects.filter(collection__in=collections).first()
    if owner is None:
        return True, _("A public document.")
    if is_ministry(user):
        return True, _("Ministry staff see every document.")
    if owner.pk in organisation_ids_of(user):
        return True, _("A document of your organisation.")
    page_ids = [
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(document)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    ]
    if page_ids and Page.objects.live().public().filter(pk__in=page_ids).exists():
        return True, _("Linked from a published page.")
    return False, _("This document is not published.")


def can_reset_two_factor(actor, user) -> Decision:
    """Ministry staff remove another user's two-factor devices (a lost phone and lost codes); never their own."""
    if not is_ministry(actor):
        return False, _("Only ministry staff can reset two-factor authentication.")
    if actor.pk == user.pk:
        return False, _(
            "Ask another member of the ministry staff to reset your own two-factor authentication."
        )
    return True, ""
