"""Writing the audit log. Services call `record()` inside their transaction, so the event and the change commit together."""

from __future__ import annotations

from typing import Any

from django.db import models

from .clientip import client_ip
from .models import AuditEvent


def record(*, actor, action: str, obj: models.Model | None = None, request=None, **data: Any) -> AuditEvent:
    """Append one audit event. `actor` may be None for system actions (scheduled tasks, commands)."""
    ip = None
    if request is not None:
        ip = client_ip(request) or None
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_obj,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        data=data,
        ip_address=ip,
    )
