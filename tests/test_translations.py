"""Japanese first, English complete: every user-facing string in our code has a Japanese translation.

Source strings are English. This extracts every msgid from portal/, matching/ and templates/ with Django's
makemessages (in a scratch copy, so the real catalogue is untouched) and checks each one is translated in the
catalogue that bin/messages assembles from locale/ja/parts/.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from tests import polib_lite

ROOT = Path(__file__).resolve().parent.parent


def test_every_message_has_a_japanese_translation(tmp_path):
    for name in ("portal", "matching", "templates"):
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "locale", "migrations")
        )
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "ja",
            "--no-location",
            "--no-obsolete",
            "-i",
            "*/tests/*",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
    )
    extracted = polib_lite.read(tmp_path / "locale/ja/LC_MESSAGES/django.po")
    subprocess.run(["bash", str(ROOT / "bin/messages")], check=True)
    catalogue = polib_lite.read(ROOT / "locale/ja/LC_MESSAGES/django.po")
    missing = sorted(msgid for msgid in extracted if msgid and not catalogue.get(msgid))
    assert not missing, (
        f"{len(missing)} strings lack a Japanese translation (add them to locale/ja/parts/):\n"
        + "\n".join(missing[:80])
    )
