from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def facet_query(context, name, value):
    """The current query string with one facet set to `value` (and back to the first page)."""
    query = context["request"].GET.copy()
    query[name] = value
    query.pop("page", None)
    return query.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def yen(value):
    """Integer yen with thousands separators: 1200000 → ¥1,200,000."""
    if value is None or value == "":
        return ""
    return f"¥{int(value):,}"
