"""Generate a synthetic matching problem in the engine's JSON format.

    python bench/matching/generate.py --startups 5000 --challenges 500 --seed 1 -o var/bench/problem.json

Texts are assembled from Japanese phrases per theme (so TF-IDF has realistic overlap and noise), municipalities are
drawn from the real codes in portal/geo/data, and each startup applies to 0–2 challenges (half of them numbered as
preferences 1, 2; a third graded by the municipality); about one challenge in twenty declares a conflict of interest
with one of its applicants. The default min_score, floor and alternates apply.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from portal.geo import geodata  # noqa: E402

PHRASES = {
    "除雪": [
        "除雪車の位置情報",
        "積雪深センサー",
        "排雪ダンプの配車",
        "消雪パイプの監視",
        "路面凍結の予測",
        "雪かきの担い手",
    ],
    "観光": [
        "訪日観光客の動態",
        "多言語の観光案内",
        "観光地の混雑",
        "宿泊データの分析",
        "文化財の解説",
        "周遊ルート",
    ],
    "見守り": [
        "高齢者の見守り",
        "ビーコンタグ",
        "子どもの登下校通知",
        "電力使用量で異変を検知",
        "徘徊の早期発見",
    ],
    "子育て": [
        "子育て家庭への情報配信",
        "保育所の入所選考",
        "電子母子手帳",
        "小児救急の案内",
        "地域のイベント情報",
    ],
    "防災": [
        "河川の水位センサー",
        "避難所の混雑共有",
        "高潮と浸水の予測",
        "安否確認",
        "災害時のドローン撮影",
    ],
    "農業": [
        "水田の水位監視",
        "ハウスの環境制御",
        "収量予測",
        "農薬散布ドローン",
        "土壌センサー",
        "担い手不足",
    ],
    "行政DX": [
        "オンライン申請",
        "AIチャットボット",
        "会議録の自動作成",
        "AI-OCRで帳票をデータ化",
        "RPAで定型業務を自動化",
    ],
    "交通": ["オンデマンド交通", "バスの位置情報", "シェアサイクル", "自動運転バス", "MaaSアプリ"],
    "環境": ["不法投棄の監視", "ごみ収集ルートの最適化", "CO2排出量の見える化", "海岸漂着ごみ"],
    "林業": ["森林資源量の把握", "航空レーザー計測", "木材の流通履歴"],
    "漁業": ["水揚げデータのデジタル化", "養殖の給餌最適化", "漁獲量の予測"],
    "健康": ["歩数に応じた健康ポイント", "フレイル予防", "特定健診データの分析"],
    "教育": ["不登校の子どもの学び", "学習ログの分析", "プログラミング教室"],
    "空き家": ["空き家の所在把握", "移住希望者とのマッチング", "空き家の活用"],
}
THEMES = list(PHRASES)
# Noise vocabulary so the corpus has tens of thousands of distinct terms like real profiles (place and product
# names, jargon): random kanji compounds and katakana words.
KANJI = (
    "安以衣宇加幾久計己左之寸世曽太知川天止奈仁奴祢乃波比不部保末美武女毛也由与良利留礼呂和"
    "市町村県区道府都島山川田野原橋本中大小高新北南東西上下内外前後長谷松竹梅森林海湖港駅"
    "業者会社所場地域住民生活支援情報技術開発研究実験計画運用管理設備施設交通観光農林水産"
)
KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
FILLER = [
    "を実現します。",
    "に取り組みます。",
    "を支援します。",
    "で課題を解決します。",
    "の実績があります。",
]
CHALLENGE_FILLER = ["に困っています。", "を改善したい。", "の方法を探しています。", "を市民に届けたい。"]
OUTCOMES = ["poc", "contract", "deployment"]


def _noise(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "".join(rng.choice(KANJI) for _ in range(rng.randint(2, 4)))
    return "".join(rng.choice(KATAKANA) for _ in range(rng.randint(3, 5))) + "ー"


def _text(rng: random.Random, themes: list[str], filler: list[str], sentences: int) -> str:
    parts = []
    for _ in range(sentences):
        theme = rng.choice(themes) if rng.random() < 0.8 else rng.choice(THEMES)
        parts.append(f"{_noise(rng)}の{rng.choice(PHRASES[theme])}{rng.choice(filler)}")
    return "".join(parts)


def generate(n_startups: int, n_challenges: int, seed: int = 1, budget_share: float = 0.4) -> dict:
    """A problem dict; `budget_share` sets the travel budget to that share of one typical trip per challenge slot."""
    rng = random.Random(seed)
    codes = [
        r.code for r in geodata.read_local_governments() if r.valid_until is None and r.kind != "prefecture"
    ]
    prefectures = [p.code for p in geodata.read_prefectures()]
    challenges = []
    for j in range(n_challenges):
        themes = rng.sample(THEMES, rng.choice([1, 1, 2]))
        challenges.append(
            {
                "id": f"c{j}",
                "title": _text(rng, themes, ["（課題）"], 1),
                "description": _text(rng, themes, CHALLENGE_FILLER, rng.randint(3, 6)),
                "themes": themes,
                "municipality_code": rng.choice(codes),
                "max_partners": rng.choice([1, 1, 2]),
                "budget_yen": None,
                "stage": rng.choice(["idea", "poc", "product", None]),
            }
        )
    startups = []
    for i in range(n_startups):
        themes = rng.sample(THEMES, rng.choice([1, 2, 2, 3]))
        startups.append(
            {
                "id": f"s{i}",
                "name": f"株式会社サンプル{i}",
                "description": _text(rng, themes, FILLER, rng.randint(3, 7)),
                "themes": themes,
                "prefecture_code": rng.choice(prefectures),
                "capacity": rng.choice([1, 2, 2, 3]),
                "stage": rng.choice(["seed", "early", "growth", "established", None]),
                "track_record": [
                    {"themes": rng.sample(themes, 1), "outcome": rng.choice(OUTCOMES)}
                    for _ in range(rng.randint(0, 2))
                ],
            }
        )
    applications, seen = [], set()
    for i in range(n_startups):
        numbered = rng.random() < 0.5  # half the startups rank their applications (第1希望, 第2希望)
        for preference in (1, 2)[: rng.choice([0, 0, 1, 2])]:
            j = rng.randrange(n_challenges)
            if (i, j) not in seen:
                seen.add((i, j))
                applications.append(
                    {
                        "startup": f"s{i}",
                        "challenge": f"c{j}",
                        "text": _text(rng, startups[i]["themes"], FILLER, 2),
                        "shortlisted": rng.random() < 0.3,
                        "preference": preference if numbered else None,
                        # a third of the applications graded by the municipality
                        "grade": round(rng.uniform(-1, 1), 2) if rng.random() < 0.3 else None,
                    }
                )
    # declared conflicts of interest: about one challenge in twenty, with one of its applicants
    conflicts = [
        {"startup": a["startup"], "challenge": a["challenge"], "reason": "役員が審査に関わる"}
        for a in applications
        if rng.random() < 0.05 * n_challenges / max(1, len(applications))
    ]
    slots = sum(c["max_partners"] for c in challenges)
    return {
        "challenges": challenges,
        "startups": startups,
        "applications": applications,
        "exclusions": [],
        "fixed": [],
        "conflicts": conflicts,
        "travel_budget_yen": int(budget_share * 30_000 * slots),
        "top_k": 5,
    }


def add_embeddings(problem: dict, seed: int = 1, dimensions: int = 384, compact: bool = True) -> dict:
    """Give every challenge and startup a synthetic sentence embedding (as the portal stores one per saved text):
    a unit vector near the mean of its themes' random directions, rounded to 5 decimals, in the compact form the
    portal and `python -m matching embed` write (base64 of float32; `compact=False`: a list of numbers, the same
    float32 values once loaded). For measuring the engine's cost with embeddings; a real embedding comes from
    matching.engine.embedding."""
    import numpy as np

    from matching.engine.problem import encode_embedding

    rng = np.random.default_rng(seed)
    centre = {theme: rng.standard_normal(dimensions) for theme in THEMES}
    for item in problem["challenges"] + problem["startups"]:
        vector = sum(centre[t] for t in item["themes"]) + 1.5 * rng.standard_normal(dimensions)
        vector /= np.linalg.norm(vector)
        values = [round(float(x), 5) for x in vector]
        item["embedding"] = encode_embedding(values) if compact else values
    return problem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--startups", type=int, default=5000)
    parser.add_argument("--challenges", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(
        json.dumps(generate(args.startups, args.challenges, args.seed), ensure_ascii=False), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
