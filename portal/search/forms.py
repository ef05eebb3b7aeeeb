from django import forms
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 200


class SiteSearchForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, max_length=MAX_QUERY_LENGTH, strip=True)
    type = forms.CharField(required=False, max_length=100)
    theme = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)  # what the database can hold
