"""The site shell's fixed parts from portal/core/fragments.py.

{% load shell_tags %}
{% shell_fragment "includes/footer.html" signed_in=user.is_authenticated %}   a fixed part, per language and variant
{% nav_sections %}                                                             the main navigation, current section marked
{% visitor_links %}                                                            a visitor's log-in and register links
{% shell_urls as urls %}{{ urls.mypage }}                                      the shell's addresses, reversed once
"""

from django import template

from portal.core import fragments

register = template.Library()


@register.simple_tag
def shell_fragment(template_name: str, **variant):
    """Only `variant` reaches the template (never the page's context): see portal/core/fragments.py."""
    return fragments.fragment(template_name, **variant)


@register.simple_tag(takes_context=True)
def nav_sections(context):
    request = context.get("request")
    path = request.path if request is not None else ""
    return fragments.fragment("includes/nav_sections.html", current=fragments.current_sections(path))


@register.simple_tag(takes_context=True)
def visitor_links(context):
    """A visitor's "log in" and "register" links; "log in" is marked on the login page."""
    match = getattr(context.get("request"), "resolver_match", None)
    on_login = getattr(match, "url_name", None) == "login"
    return fragments.fragment("includes/nav_visitor_links.html", on_login=on_login)


@register.simple_tag
def shell_urls():
    return fragments.shell_urls()
