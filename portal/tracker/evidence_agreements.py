"""The agreements' section of an evidence pack (issue #22 items 1 and 3): each PoC agreement (実証協定書) and contract
(契約) recorded for the engagement, with its parties, dates, amount and amendments, as the pack's version froze them."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.notices import date_text

from .charts import yen_text
from .evidence import register_evidence_section
from .models import Agreement


def agreement_rows(engagement) -> list[tuple[str, str]]:
    """One row per agreement, oldest first: what it is, then its dates, amount and amendments."""
    rows = []
    agreements = Agreement.objects.filter(engagement=engagement).prefetch_related("amendments")
    for agreement in agreements.order_by("signed_on", "pk"):
        parts = [
            _("signed %(day)s") % {"day": date_text(agreement.signed_on)},
            _("%(start)s to %(end)s")
            % {"start": date_text(agreement.starts_on), "end": date_text(agreement.ends_on)},
        ]
        if agreement.amount_yen is not None:
            parts.append(yen_text(agreement.amount_yen))
        parties = "・".join(line.strip() for line in agreement.parties.splitlines() if line.strip())
        if parties:
            parts.append(parties)
        amendments = len(agreement.amendments.all())
        if amendments:
            parts.append(_("amended %(n)d time(s)") % {"n": amendments})
        rows.append((f"{agreement.get_kind_display()}: {agreement.title}", " / ".join(parts)))
    return rows


def register() -> None:
    register_evidence_section("agreements", gettext_lazy("Agreements"), agreement_rows)
