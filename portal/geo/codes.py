"""Japanese public codes: prefecture (JIS X 0401), local-government code (全国地方公共団体コード), corporate number.

Pure functions, no Django: the matching engine uses them too. Every function accepts full-width digits
(normalised with NFKC) and surrounding spaces or hyphens, the way people type them.
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = re.compile(r"^\d+$")


def normalise_digits(value: str) -> str:
    """NFKC-normalise and drop spaces and hyphens: '３７２０１３' → '372013', '1234-5678-9012-3' → '1234567890123'."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"[\s\-‐‑‒–—―ー−]", "", text)


def lg_check_digit(first_five: str) -> int:
    """Check digit of a local-government code: weights 6,5,4,3,2; r = sum mod 11; digit = (11 − r) mod 10."""
    if len(first_five) != 5 or not _DIGITS.match(first_five):
        raise ValueError("five digits expected")
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def is_valid_lg_code(code: str) -> bool:
    """True for a well-formed 6-digit local-government code with a correct check digit and prefecture 01–47."""
    code = normalise_digits(code)
    if len(code) != 6 or not _DIGITS.match(code):
        return False
    if not 1 <= int(code[:2]) <= 47:
        return False
    return lg_check_digit(code[:5]) == int(code[5])


def lg_prefecture_code(code: str) -> str:
    """The JIS X 0401 prefecture code ('01'–'47') a local-government code belongs to."""
    return normalise_digits(code)[:2]


def corporate_check_digit(body: str) -> int:
    """Check digit of a corporate number (法人番号) over its last 12 digits.

    Weights 1 and 2 alternate from the right end (the rightmost digit weighs 1); check = 9 − (Σ mod 9).
    """
    if len(body) != 12 or not _DIGITS.match(body):
        raise ValueError("twelve digits expected")
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(body)))
    return 9 - total % 9


def is_valid_corporate_number(number: str) -> bool:
    """True for a 13-digit corporate number whose first digit is the check digit of the other twelve."""
    number = normalise_digits(number)
    if len(number) != 13 or not _DIGITS.match(number):
        return False
    return corporate_check_digit(number[1:]) == int(number[0])
