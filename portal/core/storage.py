"""File storage that writes a file completely or not at all, and the message a user sees when it cannot.

Django's FileSystemStorage writes straight into the final name: when the disk fills up half-way the half-written
file stays, under a name a later upload could even be served as. SafeFileSystemStorage writes into a temporary
file in the same folder, then links it to its final name (never replacing an existing file) and removes the
temporary one whatever happens — so a failed write leaves nothing behind.
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class SafeFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            old_umask = os.umask(0o777 & ~self.directory_permissions_mode)
            try:
                os.makedirs(directory, self.directory_permissions_mode, exist_ok=True)
            finally:
                os.umask(old_umask)
        else:
            os.makedirs(directory, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, self.file_permissions_mode if self.file_permissions_mode is not None else 0o644)
            while True:
                try:
                    os.link(temporary, full_path)  # fails rather than replace a file of the same name
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            if os.path.lexists(temporary):
                os.unlink(temporary)
        return str(name).replace("\\", "/")


def storage_error(exc: OSError, field: str | None = None) -> ValidationError:
    """The user's message for a file the server could not store (logged for the operators)."""
    logger.error("Could not store an uploaded file: %s", exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        message = _(
            "The file could not be saved because the server's storage is full. Nothing of this upload was kept; "
            "what you saved before is unchanged. Please try again later; if it keeps failing, tell the programme office."
        )
    else:
        message = _(
            "The file could not be saved on the server. Nothing of this upload was kept; what you saved before "
            "is unchanged. Please try again later."
        )
    return ValidationError({field: [message]} if field else message, code="storage")
