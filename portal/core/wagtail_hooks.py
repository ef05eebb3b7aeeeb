"""Admin wiring for the whole portal: the stylesheet of our own admin screens (accessibility fixes, see
docs/security.md#accessibility)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def portal_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
