"""Validate the matching evaluation set v2 and list the nouns each labelled pair shares.

Run:  python tests/data/matching_eval_v2/check.py [--partial] [--quiet]

For every labelled (challenge, startup) pair it prints the nouns (length >= 2, after NFKC) that occur both in the
challenge's title + description and in the startup's description, leaving out the fixed GENERIC list below.
A pair labelled "paraphrase" must share none; a pair labelled "shared" must share at least one.
It also validates the files (ids, references, counts, paraphrase share, split) and exits non-zero on any error.
--partial relaxes only the size minimums (used while the set was written in portions).
"""

import csv
import hashlib
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import fugashi
import unidic_lite

HERE = Path(__file__).resolve().parent
GEO = HERE.parents[2] / "portal" / "geo" / "data" / "local_governments.csv"

THEMES = {
    "防災",
    "子育て",
    "観光",
    "交通",
    "農業",
    "医療・健康",
    "高齢者福祉",
    "教育",
    "環境・エネルギー",
    "行政DX",
    "除雪・インフラ",
    "鳥獣被害",
    "地域経済",
    "住民参加",
    "水道",
}

# Words that carry no specific need in municipal calls or company profiles. Fixed before any label was written;
# never derived from the labels. Place names are NOT ignored (strict).
GENERIC = {
    # who / where
    "地域",
    "自治体",
    "住民",
    "市民",
    "町民",
    "村民",
    "島民",
    "区民",
    "市内",
    "町内",
    "村内",
    "区内",
    "県内",
    "全国",
    "国内",
    "各地",
    "行政",
    "職員",
    "担当",
    "企業",
    "会社",
    "自社",
    "当社",
    "株式",
    "合同",
    "社会",
    "人口",
    "全体",
    "一部",
    "複数",
    "多数",
    "関係",
    "利用者",
    "顧客",
    "事業者",
    # generic things / activities
    "データ",
    "システム",
    "サービス",
    "ソリューション",
    "プラットフォーム",
    "ツール",
    "アプリ",
    "情報",
    "仕組み",
    "方法",
    "技術",
    "製品",
    "事業",
    "業務",
    "作業",
    "管理",
    "運用",
    "運営",
    "開発",
    "提供",
    "導入",
    "利用",
    "活用",
    "実施",
    "整備",
    "推進",
    "活動",
    "対応",
    "対策",
    "支援",
    "連携",
    "協力",
    "提案",
    "計画",
    "実証",
    "実験",
    "検証",
    "実績",
    "取り組み",
    "取組",
    "目的",
    "結果",
    "効果",
    "成果",
    "向上",
    "改善",
    "削減",
    "負担",
    "解決",
    "把握",
    "確認",
    "課題",
    "問題",
    "必要",
    "可能",
    "実現",
    "期待",
    "不足",
    "困難",
    "増加",
    "減少",
    "対象",
    "場合",
    "状況",
    "程度",
    "割合",
    "件数",
    "時間",
    "期間",
    "費用",
    "コスト",
    "予算",
    "規模",
    # time
    "現在",
    "以上",
    "以下",
    "年間",
    "毎年",
    "年度",
    "今後",
    "昨年",
    "今年",
    "近年",
    "当初",
    "将来",
    "最近",
    "毎日",
    "月間",
    "以降",
    "前後",
    "全て",
    "すべて",
    "ため",
    "こと",
    "もの",
    "よう",
    "ところ",
    "とき",
    "なか",
    "ほか",
}

# The test half of the split is frozen: SHA-256 of its sorted challenge ids joined by ",". Never change this.
FROZEN_TEST_SHA256 = "a68edf8feba0061f76b56e790d723c7f7f97f48fb0d4d5a0f737318f080014ad"

_tagger = fugashi.Tagger('-d "' + unidic_lite.DICDIR + '"')


def nouns(text):
    found = set()
    for word in _tagger(unicodedata.normalize("NFKC", text)):
        feature = word.feature
        if feature.pos1 != "名詞" or feature.pos2 == "数詞":
            continue
        forms = {word.surface}
        if feature.lemma:
            forms.add(feature.lemma.split("-")[0])
        for form in forms:
            form = unicodedata.normalize("NFKC", form)
            if len(form) >= 2 and form not in GENERIC:
                found.add(form)
    return found


def load(name):
    return json.loads((HERE / name).read_text(encoding="utf-8"))


def main(argv):
    partial = "--partial" in argv
    quiet = "--quiet" in argv
    errors = []
    problem = load("problem.json")
    labels = load("labels.json")
    pairs = load("pairs.json")
    split = load("split.json")

    allowed_top = {"challenges", "startups", "applications"}
    if set(problem) - allowed_top:
        errors.append(f"unknown top-level keys {set(problem) - allowed_top}")
    challenge_keys = {"id", "title", "description", "themes", "municipality_code", "max_partners", "stage"}
    startup_keys = {
        "id",
        "name",
        "description",
        "themes",
        "prefecture_code",
        "capacity",
        "stage",
        "track_record",
    }
    application_keys = {"startup", "challenge", "text", "shortlisted"}

    with GEO.open(encoding="utf-8") as handle:
        municipalities = {
            row["code"]: row
            for row in csv.DictReader(handle)
            if row["kind"] in {"city", "designated_city", "town", "village", "special_ward"}
            and not row["valid_until"]
        }

    challenges = {c["id"]: c for c in problem["challenges"]}
    startups = {s["id"]: s for s in problem["startups"]}
    if len(challenges) != len(problem["challenges"]):
        errors.append("duplicate challenge ids")
    if len(startups) != len(problem["startups"]):
        errors.append("duplicate startup ids")
    for c in problem["challenges"]:
        if set(c) != challenge_keys:
            errors.append(f"{c.get('id')}: keys {sorted(set(c) ^ challenge_keys)}")
        if c["municipality_code"] not in municipalities:
            errors.append(f"{c['id']}: municipality code {c['municipality_code']} not a current municipality")
        if not c["themes"] or set(c["themes"]) - THEMES:
            errors.append(f"{c['id']}: themes {c['themes']}")
        if c["stage"] not in {"idea", "poc", "product", None}:
            errors.append(f"{c['id']}: stage {c['stage']}")
        if not isinstance(c["max_partners"], int) or c["max_partners"] < 1:
            errors.append(f"{c['id']}: max_partners")
    for s in problem["startups"]:
        if set(s) != startup_keys:
            errors.append(f"{s.get('id')}: keys {sorted(set(s) ^ startup_keys)}")
        if s["prefecture_code"] not in {f"{n:02d}" for n in range(1, 48)}:
            errors.append(f"{s['id']}: prefecture {s['prefecture_code']}")
        if not s["themes"] or set(s["themes"]) - THEMES:
            errors.append(f"{s['id']}: themes {s['themes']}")
        if s["stage"] not in {"seed", "early", "growth", "established", None}:
            errors.append(f"{s['id']}: stage {s['stage']}")
        if not isinstance(s["capacity"], int) or s["capacity"] < 1:
            errors.append(f"{s['id']}: capacity")
        for record in s["track_record"]:
            if set(record) != {"themes", "outcome"} or set(record["themes"]) - THEMES:
                errors.append(f"{s['id']}: track record {record}")
            if record["outcome"] not in {"poc", "contract", "deployment"}:
                errors.append(f"{s['id']}: outcome {record['outcome']}")
    seen_applications = set()
    for a in problem["applications"]:
        if set(a) != application_keys:
            errors.append(f"application keys {sorted(set(a) ^ application_keys)}")
        if a["startup"] not in startups or a["challenge"] not in challenges:
            errors.append(f"application refers to unknown ids {a['startup']} / {a['challenge']}")
        key = (a["startup"], a["challenge"])
        if key in seen_applications:
            errors.append(f"duplicate application {key}")
        seen_applications.add(key)
        if not isinstance(a["shortlisted"], bool) or not a["text"].strip():
            errors.append(f"application {key}: text/shortlisted")

    # labels and pairs
    if set(labels) != set(challenges):
        errors.append(
            f"labels cover {len(labels)} challenges, problem has {len(challenges)}: "
            f"missing {sorted(set(challenges) - set(labels))} unknown {sorted(set(labels) - set(challenges))}"
        )
    correct_for = Counter()
    kinds = Counter()
    kind_of = {}
    for cid, graded in labels.items():
        if not 2 <= len(graded) <= 3:
            errors.append(f"{cid}: {len(graded)} correct startups (want 2-3)")
        if 2 not in graded.values():
            errors.append(f"{cid}: no grade 2")
        for sid, grade in graded.items():
            if sid not in startups:
                errors.append(f"{cid}: unknown startup {sid}")
                continue
            if grade not in (1, 2):
                errors.append(f"{cid}/{sid}: grade {grade}")
            correct_for[sid] += 1
            kind = pairs.get(cid, {}).get(sid)
            if kind not in {"shared", "paraphrase"}:
                errors.append(f"{cid}/{sid}: pair kind {kind!r}")
                continue
            kinds[kind] += 1
            kind_of[(cid, sid)] = kind
    for cid, kinds_here in pairs.items():
        for sid in kinds_here:
            if sid not in labels.get(cid, {}):
                errors.append(f"pairs.json has unlabelled pair {cid}/{sid}")

    # shared nouns, pair by pair
    startup_nouns = {sid: nouns(s["description"]) for sid, s in startups.items()}
    for cid in sorted(labels):
        if cid not in challenges:
            continue
        c = challenges[cid]
        c_nouns = nouns(c["title"] + "。" + c["description"])
        for sid in sorted(labels[cid]):
            if sid not in startups:
                continue
            common = sorted(c_nouns & startup_nouns[sid])
            kind = kind_of.get((cid, sid))
            if not quiet:
                print(
                    f"{cid} {sid} grade={labels[cid][sid]} {kind:<10} shared nouns: {' '.join(common) or '-'}"
                )
            if kind == "paraphrase" and common:
                errors.append(f"{cid}/{sid} labelled paraphrase but shares {common}")
            if kind == "shared" and not common:
                errors.append(f"{cid}/{sid} labelled shared but shares no specific noun")

    for sid, count in correct_for.items():
        if count > 2:
            errors.append(f"{sid} correct for {count} challenges (max 2)")
    total_pairs = sum(kinds.values())
    paraphrase_share = kinds["paraphrase"] / total_pairs if total_pairs else 0
    if paraphrase_share < 0.5:
        errors.append(f"paraphrase share {paraphrase_share:.2f} < 0.50")
    never_correct = sum(1 for sid in startups if correct_for[sid] == 0) / len(startups)
    if not partial and not 0.25 <= never_correct <= 0.45:
        errors.append(f"share of startups correct for none {never_correct:.2f} (want about a third)")
    with_record = sum(1 for s in startups.values() if s["track_record"]) / len(startups)

    # themes on correct pairs: imperfect on purpose
    theme_overlap = sum(
        1 for (cid, sid) in kind_of if set(challenges[cid]["themes"]) & set(startups[sid]["themes"])
    ) / max(total_pairs, 1)
    local = sum(
        1
        for (cid, sid) in kind_of
        if challenges[cid]["municipality_code"][:2] == startups[sid]["prefecture_code"]
    ) / max(total_pairs, 1)
    if theme_overlap > 0.8:
        errors.append(f"correct pairs share a theme too often ({theme_overlap:.2f})")

    minimums = {"challenges": 60, "startups": 150, "applications": 80}
    if partial:
        minimums = {"challenges": 30, "startups": 75, "applications": 30}
    for key, minimum in minimums.items():
        if len(problem[key]) < minimum:
            errors.append(f"{len(problem[key])} {key} < {minimum}")

    # split
    dev, test = split.get("development", []), split.get("test", [])
    if set(split) != {"development", "test"}:
        errors.append("split keys")
    if (
        set(dev) & set(test)
        or set(dev) | set(test) != set(challenges)
        or len(dev) + len(test) != len(challenges)
    ):
        errors.append("split is not a partition of the challenges")
    if not partial and hashlib.sha256(",".join(sorted(test)).encode()).hexdigest() != FROZEN_TEST_SHA256:
        errors.append("the test half differs from the frozen one")
    if abs(len(dev) - len(test)) > 2:
        errors.append(f"split sizes {len(dev)}/{len(test)}")

    def part_stats(ids):
        themes = Counter(t for cid in ids if cid in challenges for t in challenges[cid]["themes"])
        part_kinds = Counter(
            kind_of[(cid, sid)] for cid in ids for sid in labels.get(cid, {}) if (cid, sid) in kind_of
        )
        share = part_kinds["paraphrase"] / max(sum(part_kinds.values()), 1)
        return themes, share

    dev_themes, dev_share = part_stats(dev)
    test_themes, test_share = part_stats(test)
    for theme in THEMES:
        if abs(dev_themes[theme] - test_themes[theme]) > 2:
            errors.append(f"split theme mix: {theme} dev {dev_themes[theme]} test {test_themes[theme]}")
    if abs(dev_share - test_share) > 0.1:
        errors.append(f"split paraphrase share dev {dev_share:.2f} test {test_share:.2f}")

    print()
    print(
        f"challenges {len(challenges)}  startups {len(startups)}  applications {len(problem['applications'])}"
    )
    print(
        f"labelled pairs {total_pairs}: paraphrase {kinds['paraphrase']} ({paraphrase_share:.0%}), "
        f"shared {kinds['shared']}"
    )
    print(
        f"grade 2: {sum(1 for g in labels.values() for v in g.values() if v == 2)}, "
        f"grade 1: {sum(1 for g in labels.values() for v in g.values() if v == 1)}"
    )
    print(f"startups correct for none {never_correct:.0%}; with track record {with_record:.0%}")
    print(
        f"correct pairs sharing a theme tag {theme_overlap:.0%}; correct pairs in the same prefecture {local:.0%}"
    )
    applied_correct = sum(
        1 for a in problem["applications"] if labels.get(a["challenge"], {}).get(a["startup"])
    )
    print(
        f"applications from correct startups {applied_correct}, from others "
        f"{len(problem['applications']) - applied_correct}, shortlisted "
        f"{sum(1 for a in problem['applications'] if a['shortlisted'])}"
    )
    print(
        f"split: development {len(dev)} (paraphrase {dev_share:.0%}), test {len(test)} (paraphrase {test_share:.0%})"
    )
    print("theme mix dev/test: " + ", ".join(f"{t} {dev_themes[t]}/{test_themes[t]}" for t in sorted(THEMES)))
    if errors:
        print(f"\n{len(errors)} error(s):")
        for error in errors:
            print("  " + error)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
