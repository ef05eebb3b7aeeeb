"""The accounts screens of the Wagtail admin: organisations, memberships, invitations.

Every view is scoped with OrganisationScopedViewSetMixin: municipality staff see and edit only their own
organisation (another organisation's URLs answer 404); ministry staff see everything.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.views import bulk_actions as document_bulk_actions
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.views import bulk_actions as image_bulk_actions
from wagtail.models import TaskState, WorkflowState
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from portal.core import queues
from portal.core.admin_home import NotificationsPanel, WorkQueuePanel
from portal.core.audit import record
from portal.core.decisions import require

from . import permissions, services, two_factor_views, workspaces
from .admin_forms import InvitationAdminForm, MembershipAdminForm, OrganisationAdminForm
from .audit_log import AuditLogView
from .filters import OrganisationFilterSet
from .models import Invitation, Membership, Organisation


class _WithoutActions(ModelPermissionPolicy):
    """A model policy that refuses some actions to everybody (they go through a service elsewhere)."""

    refused: tuple[str, ...] = ()

    def user_has_permission(self, user, action):
        return action not in self.refused and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


class _NoAddPolicy(_WithoutActions):
    refused = ("add",)


class _NoChangePolicy(_WithoutActions):
    refused = ("change",)


# Members join through an invitation (or by registering a startup), never by a bare add form.
register_permission_policy(Membership, _NoAddPolicy(Membership))
# An invitation is never edited: revoke it (delete) and send a new one.
register_permission_policy(Invitation, _NoChangePolicy(Invitation))


# ---------------------------------------------------------------------------------------------- organisations


class OrganisationEditView(generic.EditView):
    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        require(permissions.can_edit_organisation(request.user, self.object))
        return super().dispatch(request, *args, **kwargs)

    def save_instance(self):
        instance = super().save_instance()
        workspaces.organisation_workspace_ensure(organisation=instance)
        record(
            actor=self.request.user,
            action="accounts.organisation_changed",
            obj=instance,
            request=self.request,
            fields=sorted(self.form.changed_data),
        )
        return instance


class OrganisationCreateView(generic.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        workspaces.organisation_workspace_ensure(organisation=instance)
        record(
            actor=self.request.user,
            action="accounts.organisation_created",
            obj=instance,
            request=self.request,
        )
        return instance


class OrganisationDeleteView(generic.DeleteView):
    def delete_action(self):
        organisation = self.object
        super().delete_action()
        workspaces.organisation_workspace_remove(organisation=organisation)


class OrganisationViewSet(permissions.OrganisationScopedViewSetMixin, ModelViewSet):
    model = Organisation
    name = "accounts_organisations"
    url_prefix = "accounts/organisations"
    scope_org_field = None
    icon = "group"
    menu_label = _("Organisations")
    add_to_admin_menu = False
    form_class = OrganisationAdminForm
    edit_view_class = OrganisationEditView
    add_view_class = OrganisationCreateView
    delete_view_class = OrganisationDeleteView
    # "active" reads 有効 / 無効 (not Python's True / False).
    list_display = [
        "name",
        "kind",
        "local_government",
        "prefecture",
        Column(
            "is_active",
            label=_("active"),
            accessor=lambda org: _("active") if org.is_active else _("inactive"),
        ),
    ]
    filterset_class = OrganisationFilterSet
    search_fields = ["name", "name_kana", "name_en", "slug"]
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return OrganisationAdminForm


# ---------------------------------------------------------------------------------------------- memberships


class MembershipEditView(generic.EditView):
    def save_instance(self):
        try:
            return services.membership_change_role(
                actor=self.request.user, membership=self.object, role=self.form.cleaned_data["role"]
            )
        except ValidationError as error:
            # The transaction in form_valid rolls back; show the reason on the form.
            raise PermissionDenied(" ".join(error.messages)) from error


class MembershipDeleteView(generic.DeleteView):
    def delete_action(self):
        services.membership_remove(actor=self.request.user, membership=self.object)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            # E.g. the organisation's last administrator: say why on the confirmation page, not a server error.
            for message in error.messages:
                messages.error(self.request, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)


class MembershipViewSet(permissions.OrganisationScopedViewSetMixin, ModelViewSet):
    model = Membership
    name = "accounts_memberships"
    url_prefix = "accounts/memberships"
    scope_org_field = "organisation"
    icon = "user"
    menu_label = _("Members")
    add_to_admin_menu = False
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__family_name", "user__given_name", "organisation__name"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return MembershipAdminForm


# ---------------------------------------------------------------------------------------------- invitations


class InvitationCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.invitation_create(
            invited_by=self.request.user,
            email=data["email"],
            organisation=data["organisation"],
            role=data["role"],
            language=data.get("language") or "ja",
            base_url=self.request.build_absolute_uri("/"),
        )


class InvitationViewSet(permissions.OrganisationScopedViewSetMixin, ModelViewSet):
    model = Invitation
    name = "accounts_invitations"
    url_prefix = "accounts/invitations"
    scope_org_field = "organisation"
    icon = "mail"
    menu_label = _("Invitations")
    add_to_admin_menu = False
    add_view_class = InvitationCreateView
    list_display = ["email", "organisation", "role", "invited_by", "created_at", "accepted_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["email", "organisation__name"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return InvitationAdminForm


class AccountsViewSetGroup(ViewSetGroup):
    items = (OrganisationViewSet, MembershipViewSet, InvitationViewSet)
    menu_icon = "group"
    menu_label = _("Organisations")
    menu_name = "organisations"
    menu_order = 500


@hooks.register("register_admin_viewset")
def register_accounts_viewsets():
    return AccountsViewSetGroup()


# ---------------------------------------------------------------------------------------------- audit log


@hooks.register("register_admin_urls")
def register_audit_log_urls():
    return [
        path(
            "accounts/two-factor-reset/<int:user_pk>/", two_factor_views.admin_reset, name="two_factor_reset"
        ),
        path("audit-log/", AuditLogView.as_view(), name="audit_log"),
        path("audit-log/results/", AuditLogView.as_view(results_only=True), name="audit_log_results"),
    ]


class _MinistryMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.is_ministry(request.user)


@hooks.register("register_reports_menu_item")
def register_audit_log_menu_item():
    return _MinistryMenuItem(
        _("Audit log"), reverse("audit_log"), name="audit-log", icon_name="history", order=90
    )


# ---------------------------------------------------------------------------------------------- images and documents


@hooks.register("before_serve_document")
def refuse_unpublished_municipality_documents(document, request):
    """/documents/<id>/<name>: a document in a municipality's collection is served to its staff and the ministry,
    and to everyone once a published page links to it (permissions.can_download_document); others get a 404, as
    for any private file (it does not say that the document exists)."""
    allowed, _reason = permissions.can_download_document(request.user, document)
    if not allowed:
        raise Http404


def _only_what_the_user_may_choose(viewset_class):
    """Wagtail's admin API lists every image/document outside view-restricted collections to any admin user; ours
    lists those the user may choose or change (their collection's; the ministry's: all), like the choosers."""

    class Scoped(viewset_class):
        def get_queryset(self):
            model = self.model
            policy = policy_registry.get_by_type(model)
            allowed = policy.instances_user_has_any_permission_for(self.request.user, ["choose", "change"])
            return super().get_queryset().filter(pk__in=allowed.values("pk"))

    Scoped.__name__ = f"Scoped{viewset_class.__name__}"
    return Scoped


@hooks.register("construct_admin_api", order=100)  # after Wagtail's own registrations, which it replaces
def scope_admin_api_images_and_documents(router):
    router.register_endpoint("images", _only_what_the_user_may_choose(ImagesAdminAPIViewSet))
    router.register_endpoint("documents", _only_what_the_user_may_choose(DocumentsAdminAPIViewSet))


# ---------------------------------------------------------------------------------------------- two-factor reset


@hooks.register("register_user_listing_buttons")
def two_factor_reset_button(user, request_user):
    if not permissions.can_reset_two_factor(request_user, user)[0]:
        return []
    return [
        ListingButton(
            _("Reset two-factor authentication"),
            reverse("two_factor_reset", args=[user.pk]),
            priority=60,
        )
    ]


class _OnlyChoosableMedia:
    """An image/document bulk action listed, by title, the files one may not act on: another municipality's among
    them. Drop those the user may neither choose nor change (as the admin API and the choosers)."""

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        policy = policy_registry.get_by_type(self.model)
        pks = [o.pk for o in objects] + [o.pk for o in extra["items_with_no_access"]]
        visible = set(
            policy.instances_user_has_any_permission_for(self.request.user, ["choose", "change"])
            .filter(pk__in=pks)
            .values_list("pk", flat=True)
        )
        extra = {
            **extra,
            "items_with_no_access": [o for o in extra["items_with_no_access"] if o.pk in visible],
        }
        return [o for o in objects if o.pk in visible], extra


for _module in (image_bulk_actions, document_bulk_actions):
    for _action in (_module.AddTagsBulkAction, _module.AddToCollectionBulkAction, _module.DeleteBulkAction):
        # Registered after Wagtail's (order): the registry keeps the last class for a model and action type.
        hooks.register(
            "register_bulk_action",
            type(f"Scoped{_action.__name__}", (_OnlyChoosableMedia, _action), {"__module__": __name__}),
            order=100,
        )


# --- the admin home of staff: what waits for them, and their notifications (issue #18) ---------------------------


def _staff_audience(user) -> tuple[str, list[int]] | None:
    """Which work queue a user of the admin sees: the ministry's, or their municipalities' (None: neither)."""
    if permissions.is_ministry(user):
        return queues.MINISTRY, []
    if permissions.is_municipality_staff(user):
        ids = [
            m.organisation_id
            for m in permissions.memberships_of(user)
            if m.organisation.kind == Organisation.Kind.MUNICIPALITY
        ]
        return queues.MUNICIPALITY, ids
    return None


@hooks.register("construct_homepage_panels")
def add_staff_home_panels(request, panels):
    """Our work queue and notifications first. Wagtail's two moderation panels ("Awaiting your review", "Your
    pages and snippets in a workflow") list task and workflow states in progress and render nothing when there are
    none; each costs five or so queries to find that out, on every visit to the home. One query per panel tells
    whether anything is in a workflow at all; only then is the panel kept (and it answers for this user)."""
    user = request.user
    staff = _staff_audience(user)
    if staff is not None:
        audience, ids = staff
        panels[:0] = [WorkQueuePanel(user, audience, ids), NotificationsPanel(user)]
    if not TaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS).exists():
        panels[:] = [p for p in panels if getattr(p, "name", "") != "workflow_objects_to_moderate"]
    if not WorkflowState.objects.active().exists():
        panels[:] = [p for p in panels if getattr(p, "name", "") != "user_objects_in_workflow_moderation"]


@hooks.register("construct_homepage_summary_items", order=100)  # after Wagtail's own items
def drop_site_summary_for_staff(request, summary_items):
    """Wagtail's site summary (how many pages, images and documents the user can reach, each linking to its
    listing) costs three permission-scoped counts and the site lookups on every visit to the home. For our staff
    the same three listings are in the sidebar, and what they act on is in the work queue above (applications to
    review, challenges in moderation, trips to approve, …), so ministry and municipality staff get no summary."""
    if _staff_audience(request.user) is not None:
        summary_items.clear()
