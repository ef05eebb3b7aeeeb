from django import template
from django.core.exceptions import DisallowedHost

from .. import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def seo_meta(context):
    """Everything includes/seo_meta.html prints, for the page (or plain view) being rendered."""
    request = context.get("request")
    if request is None:
        return {}
    try:
        return seo.seo_context(request, context.get("page"))
    except DisallowedHost:  # error pages render for requests with a bad Host header too
        return {}


@register.simple_tag
def page_title(page):
    return seo.page_title(page)


@register.simple_tag
def page_description(page):
    return seo.page_description(page)
