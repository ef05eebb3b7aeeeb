"""The demo's rounds and news. FY2017/FY2018 municipalities are public record (../shared/DOMAIN.md); the schedules'
exact dates are illustrative. FY2026 is the current round, open for applications in late November 2026."""

import datetime as dt

D = dt.date

ROUNDS = [
    {
        "fiscal_year": 2017,
        "slug": "fy2017",
        "title": "第1回 StartupXAct（モデル事業）",
        "title_en": "StartupXAct round 1 (pilot)",
        "intro": "4つのモデル自治体が課題を公開し、17社が手を挙げ、7件のマッチングが成立しました。",
        "intro_en": "Four model municipalities posted challenges; 17 companies raised their hands and 7 matches were made.",
        "body": "<p>高松市はデータクレイドル社・エスキュービズム社の2社とマッチングし、プログラム終了後も協議を続けています。"
        "天塩町では、高松市のスタートアップが遠隔での妊婦健診の実証に取り組みました。</p>",
        "body_en": "<p>Takamatsu was matched with two companies and kept consulting with them after the programme. In Teshio, a "
        "Takamatsu startup tested remote prenatal check-ups.</p>",
        "municipalities": ["262129", "431001", "372013", "014877"],
        # Public record: the items of this round were never entered one by one, so its results are these totals.
        "reported": {
            "applicants": 17,
            "matches": 7,
            "source": "総務省 スマートシティに関するワーキンググループ（2018年5月28日）議事録",
            "source_en": "Minutes of the MIC working group on smart cities, 28 May 2018",
        },
        "steps": [
            ("call_for_challenges", D(2017, 8, 1), D(2017, 9, 15)),
            ("applications", D(2017, 10, 2), D(2017, 11, 10)),
            ("review", D(2017, 11, 13), D(2017, 12, 8)),
            ("announcement", D(2017, 12, 15), None),
            ("trips", D(2018, 1, 9), D(2018, 2, 28)),
            ("demo_day", D(2018, 3, 16), None),
        ],
    },
    {
        "fiscal_year": 2018,
        "slug": "fy2018",
        "title": "第2回 StartupXAct",
        "title_en": "StartupXAct round 2",
        "intro": "長岡市・豊田市・高松市、そして9市町村の協議会を代表して上田市が参加しました。",
        "intro_en": "Nagaoka, Toyota, Takamatsu and Ueda — the latter on behalf of a council of nine municipalities — took part.",
        "body": "<p>上田市は、周辺の9市町村でつくる協議会を代表して課題を公開しました。広域で同じ課題を抱える自治体がまとまることで、"
        "実証の成果をそのまま横展開しやすくなります。</p>",
        "body_en": "<p>Ueda posted its challenges on behalf of a council of nine neighbouring municipalities: when places with the "
        "same problem act together, a successful trial spreads more easily.</p>",
        "municipalities": ["152021", "232114", "372013", "202037"],
        "reported": {},
        "steps": [
            ("call_for_challenges", D(2018, 6, 1), D(2018, 7, 31)),
            ("applications", D(2018, 8, 20), D(2018, 10, 5)),
            ("review", D(2018, 10, 9), D(2018, 11, 2)),
            ("announcement", D(2018, 11, 16), None),
            ("trips", D(2018, 12, 3), D(2019, 2, 28)),
            ("demo_day", D(2019, 3, 15), None),
        ],
    },
    {
        "fiscal_year": 2026,
        "slug": "fy2026",
        "title": "令和8年度 StartupXAct",
        "title_en": "StartupXAct 2026",
        "intro": "スタートアップの応募を12月25日まで受け付けています。",
        "intro_en": "Startups can apply until 25 December.",
        "body": "<p>今年度は全国の自治体が、観光、除雪、見守り、行政DXなどの課題を公開しています。応募の前に、"
        "課題ごとの「提供できるもの」と締切日時をご確認ください。</p>",
        "body_en": "<p>This year municipalities across Japan have posted challenges on tourism, snow removal, watching over "
        "residents, digital administration and more. Before applying, check what each municipality offers and its deadline.</p>",
        "municipalities": ["011002", "372013", "014877", "431001", "282103", "072028", "111007", "262129"],
        "reported": {},
        "steps": [
            ("call_for_challenges", D(2026, 7, 1), D(2026, 9, 30)),
            ("applications", D(2026, 10, 15), D(2026, 12, 25)),
            ("review", D(2027, 1, 6), D(2027, 1, 29)),
            ("announcement", D(2027, 2, 10), None),
            ("trips", D(2027, 2, 15), D(2027, 3, 19)),
            ("demo_day", D(2027, 3, 26), None),
        ],
    },
]

NEWS = [
    {
        "slug": "fy2026-deadline-reminder",
        "date": D(2026, 11, 20),
        "category": "call",
        "title": "応募の締切は12月25日（金）17時です",
        "title_en": "Applications close on Friday 25 December at 17:00 JST",
        "intro": "令和8年度の課題への応募は、12月25日17時（日本時間）に締め切ります。下書きのままでは提出されませんのでご注意ください。",
        "intro_en": "Applications to this year's challenges close on 25 December at 17:00 Japan time. Drafts are not submitted automatically.",
    },
    {
        "slug": "fy2026-online-briefing",
        "date": D(2026, 11, 10),
        "category": "event",
        "title": "オンライン説明会を12月3日に開催します",
        "title_en": "Online briefing on 3 December",
        "intro": "参加自治体の担当者が課題の背景を説明し、質問にお答えします。どなたでも無料で参加できます。",
        "intro_en": "Municipal staff explain the background of their challenges and answer questions. Free and open to all.",
    },
    {
        "slug": "fy2026-applications-open",
        "date": D(2026, 10, 15),
        "category": "call",
        "title": "令和8年度の応募受付を開始しました",
        "title_en": "Applications for 2026 are open",
        "intro": "参加自治体の課題を公開し、スタートアップの応募受付を始めました。",
        "intro_en": "The participating municipalities' challenges are published and startups can now apply.",
    },
    {
        "slug": "fy2026-municipalities-call",
        "date": D(2026, 6, 20),
        "category": "press",
        "title": "令和8年度の参加自治体を募集します",
        "title_en": "Municipalities invited to join the 2026 round",
        "intro": "地域の課題をスタートアップとともに解決したい自治体を募集します。予算がなくても参加できます。",
        "intro_en": "We invite municipalities that want to solve local problems with startups. No budget is required to take part.",
    },
    {
        "slug": "fy2017-results",
        "date": D(2018, 3, 30),
        "category": "results",
        "title": "平成29年度の結果：17社が手を挙げ、7件のマッチングが成立",
        "title_en": "Fiscal 2017 results: 17 companies raised their hands, 7 matches made",
        "intro": "4つのモデル自治体の課題に17社が応募し、7件のマッチングが成立しました。想定を上回る結果です。",
        "intro_en": "Seventeen companies applied to the four model municipalities' challenges and seven matches were made — more than expected.",
    },
]
