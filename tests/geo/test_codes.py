"""Check digits of local-government codes and corporate numbers, with the way people type them."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.geo.codes import (
    corporate_check_digit,
    is_valid_corporate_number,
    is_valid_lg_code,
    lg_check_digit,
    lg_prefecture_code,
    normalise_digits,
)
from portal.geo.validators import validate_corporate_number, validate_lg_code

REAL_LG_CODES = {
    "011002": "Sapporo",
    "372013": "Takamatsu",
    "014877": "Teshio",
    "010006": "Hokkaido (the prefecture itself)",
    "262129": "Kyotango",
    "431001": "Kumamoto",
    "130001": "Tokyo (the prefecture itself)",
    "011011": "Sapporo, Chuo Ward",
}


@pytest.mark.parametrize("code", REAL_LG_CODES)
def test_real_local_government_codes_are_valid(code):
    assert is_valid_lg_code(code)
    assert lg_check_digit(code[:5]) == int(code[5])


@pytest.mark.parametrize(
    "code",
    [
        "011003",  # Sapporo with a wrong check digit
        "372010",  # Takamatsu, wrong check digit
        "014870",
        "010001",
        "37201",  # five digits
        "3720133",  # seven digits
        "48000" + str(lg_check_digit("48000")),  # no prefecture 48, even with a right check digit
        "00000" + str(lg_check_digit("00000")),
        "37201a",
        "",
    ],
)
def test_wrong_local_government_codes_are_refused(code):
    assert not is_valid_lg_code(code)


def test_the_check_digit_is_the_one_mic_defines():
    # 37201: 3·6 + 7·5 + 2·4 + 0·3 + 1·2 = 63; 63 mod 11 = 8; (11 − 8) mod 10 = 3
    assert lg_check_digit("37201") == 3
    # 11000: 1·6 + 1·5 = 11; remainder 0 gives (11 − 0) mod 10 = 1 → 110001 (Saitama Prefecture)
    assert lg_check_digit("11000") == 1
    # 13000: 1·6 + 3·5 = 21; 21 mod 11 = 10; (11 − 10) mod 10 = 1 → 130001 (Tokyo)
    assert lg_check_digit("13000") == 1
    with pytest.raises(ValueError):
        lg_check_digit("3720")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("３７２０１３", "372013"),
        (" 37201-3 ", "372013"),
        ("３７２０１ー３", "372013"),
        ("011002\u3000", "011002"),
        ("1180-3010-1877-1", "1180301018771"),
    ],
)
def test_full_width_digits_spaces_and_hyphens_are_normalised(typed, expected):
    assert normalise_digits(typed) == expected


def test_full_width_codes_validate():
    assert is_valid_lg_code("３７２０１３")
    assert is_valid_lg_code("０１４８７７")
    assert lg_prefecture_code("３７２０１３") == "37"


@pytest.mark.parametrize("number", ["1180301018771", "１１８０３０１０１８７７１", "1180-3010-1877-1"])
def test_real_corporate_number_toyota(number):
    assert is_valid_corporate_number(number)
    assert corporate_check_digit("180301018771") == 1


@pytest.mark.parametrize(
    "number",
    ["2180301018771", "1180301018772", "118030101877", "11803010187711", "118030101877X", ""],
)
def test_wrong_corporate_numbers_are_refused(number):
    assert not is_valid_corporate_number(number)


def test_validators_accept_what_people_type():
    validate_lg_code("３７２０１３")
    validate_corporate_number("1180-3010-1877-1")


@pytest.mark.parametrize(
    "value, code", [("37201", "lg_format"), ("372010", "lg_check_digit"), ("abcdef", "lg_format")]
)
def test_lg_validator_explains_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as err:
        validate_lg_code(value)
    assert err.value.code == code


def test_corporate_validator_explains_what_is_wrong():
    with pytest.raises(ValidationError) as err:
        validate_corporate_number("2180301018771")
    assert err.value.code == "corp_check_digit"
    with pytest.raises(ValidationError) as err:
        validate_corporate_number("12345")
    assert err.value.code == "corp_format"


def test_validator_message_in_the_users_language_names_the_code():
    with pytest.raises(ValidationError) as err:
        validate_lg_code("３７２０１０")
    with translation.override("en"):
        message = err.value.messages[0]
    assert "372010" in message and "check digit" in message
    with translation.override("ja"):
        message = err.value.messages[0]
    assert "372010" in message and "検査数字" in message
