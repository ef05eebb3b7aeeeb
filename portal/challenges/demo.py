"""Demo challenges for `seed_demo`: 33 problems of the demo municipalities, in every state.

Based on the FY2017/FY2018 StartupXAct rounds and the working group's cases (../shared/DOMAIN.md); wording is ours.
Dates are set relative to today so the catalogue always shows open, upcoming, closed, matched and no-match challenges.

    from portal.challenges.demo import create_demo_challenges
    create_demo_challenges(index_page, municipalities)   # municipalities: {local-government code: Organisation}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import Organisation
from portal.core.models import Theme

from .filters import end_of_day_jst, start_of_day_jst
from .models import ChallengeIndexPage, ChallengePage
from .services import challenge_create, challenge_record_outcome
from .status import ChallengeOutcome

OPEN, UPCOMING, CLOSED, MATCHED, NO_MATCH, DRAFT = (
    "open",
    "upcoming",
    "closed",
    "matched",
    "no_match",
    "draft",
)


@dataclass(frozen=True)
class DemoChallenge:
    code: str
    slug: str
    state: str
    themes: tuple[str, ...]
    title: str
    summary: str
    background: str
    desired_outcome: str
    budget: tuple[int | None, int | None] = (None, None)
    offers: tuple[str, ...] = ("data", "trial_site", "staff_time")
    max_partners: int = 1
    procurement: str = (
        "実証の結果が良好であれば、翌年度予算で随意契約または公募型プロポーザルにより導入を検討します。"
    )


# English titles and summaries of some challenges; the others show in Japanese with "Available in Japanese only".
ENGLISH = {
    "kyotango-ondemand-transport": (
        "Transport for older residents who gave up their driving licence",
        "Mountain villages have few buses left: we look for ways older residents can "
        "reach the clinic and the shops.",
    ),
    "takamatsu-rental-bicycle": (
        "Use rental-bicycle data to understand how visitors move",
        "Where do visitors ride, and where do they stop? We want to plan tourism with the "
        "bicycles' location data.",
    ),
    "takamatsu-flood-sensor": (
        "Water-level sensors to warn of floods in time",
        "Low-cost sensors on small rivers and drains, so that residents are warned before roads flood.",
    ),
    "teshio-prenatal-checkup": (
        "Prenatal check-ups without a three-hour drive",
        "The nearest obstetrician is far away: remote check-ups for expectant mothers.",
    ),
    "sapporo-snow-removal-cost": (
        "Cut the cost of snow removal with data",
        "Plan snow-plough routes from road and weather data to spend less on each winter.",
    ),
}


# fmt: off
CHALLENGES = [
    # 京丹後市 (FY2017)
    DemoChallenge("262129", "kyotango-ondemand-transport", MATCHED, ("mobility", "elderly-care"),
        "免許を返納した高齢者の移動手段を確保したい",
        "路線バスが減った山間部で、免許返納後の高齢者が通院や買い物に行ける手段を探しています。",
        "市の面積の多くが山間部で、路線バスは一日数便。免許を返納した高齢者が通院・買い物を家族に頼っている。"
        "タクシー事業者も少なく、運転手の高齢化が進んでいる。",
        "住民同士の送迎や予約型の乗合交通など、地域に合った移動手段を小さく試し、費用と利用を比べたい。",
        (2_000_000, 5_000_000), ("data", "trial_site", "staff_time", "budget"), 2),
    DemoChallenge("262129", "kyotango-crab-tourism", CLOSED, ("tourism", "local-industry"),
        "冬の観光客を夏にも呼び込みたい",
        "カニの季節に偏る観光客を、海水浴以外の夏の体験で通年化したい。",
        "観光客の多くが冬のカニ目当てで、宿泊施設の稼働は季節で大きく変わる。夏の観光資源は知られていない。",
        "観光客の行動データから、夏に来る人がどこを回っているか分かり、体験商品の企画に使えること。",
        (1_000_000, 3_000_000)),
    DemoChallenge("262129", "kyotango-abandoned-farmland", OPEN, ("agriculture",),
        "耕作放棄地の状況を手間をかけずに把握したい",
        "職員が現地を回って確認している耕作放棄地の調査を、画像やデータで効率化したい。",
        "農業委員会の職員が毎年夏に農地を一筆ずつ見て回っており、数週間かかる。担い手不足で放棄地は増えている。",
        "衛星・ドローン画像などで放棄地の候補を絞り込み、現地確認を半分以下にできるか試したい。",
        (500_000, 2_000_000)),
    # 熊本市 (FY2017)
    DemoChallenge("431001", "kumamoto-shelter-status", MATCHED, ("disaster-prevention",),
        "避難所の混雑状況を住民にリアルタイムで知らせたい",
        "地震の経験から、避難所ごとの混雑や物資の状況を住民と職員が同時に見られる仕組みを求めています。",
        "熊本地震では、避難所によって人が集中し、物資の過不足が生じた。状況は電話と紙で集めていた。",
        "避難所の状況を職員がスマートフォンで入力し、住民が地図で確認できること。平時の訓練で試したい。",
        (3_000_000, 8_000_000), ("trial_site", "staff_time", "budget"), 2),
    DemoChallenge("431001", "kumamoto-tram-congestion", OPEN, ("mobility", "tourism"),
        "市電の混雑を予測して利用を分散したい",
        "観光客と通勤客が重なる時間帯の市電の混雑を予測し、利用者に知らせたい。",
        "朝夕とイベント時に市電が混雑し、乗り切れない利用者が出ている。混雑の記録は運転士の目視のみ。",
        "乗降データやセンサーで混雑を推定し、利用者アプリで時間帯をずらす行動が生まれるか確かめたい。",
        (2_000_000, 6_000_000)),
    DemoChallenge("431001", "kumamoto-childcare-vacancy", UPCOMING, ("childcare", "administration-dx"),
        "保育園の空き状況を保護者がすぐ確認できるようにしたい",
        "保育園の空き情報を毎月手作業で更新しており、保護者の問い合わせが窓口に集中しています。",
        "空き状況は月一回PDFで公開しており、最新でない。窓口と電話での問い合わせが多く職員の負担が大きい。",
        "園が自ら空き状況を更新でき、保護者が条件で検索できる仕組みを試行したい。",
        (1_000_000, 2_500_000)),
    # 高松市 (FY2017, FY2018)
    DemoChallenge("372013", "takamatsu-rental-bicycle", MATCHED, ("mobility", "tourism"),
        "レンタサイクルの利用データを観光施策に生かしたい",
        "市のレンタサイクルの位置情報から観光客の回遊を分析し、施策に生かしたい。",
        "レンタサイクルの貸出・返却データはあるが、どこを走ったかは分からない。観光施策は勘に頼っている。",
        "国籍・年代別に回遊ルートが分かるダッシュボードを作り、同意を得たデータだけで分析できること。",
        (2_000_000, 5_000_000), ("data", "trial_site", "staff_time"), 2),
    DemoChallenge("372013", "takamatsu-shopping-street-inbound", MATCHED, ("tourism", "local-industry"),
        "商店街でのインバウンド客の購買行動を知りたい",
        "商店街の店舗が外国人観光客の購買傾向を把握し、品ぞろえや案内に反映できるようにしたい。",
        "外国人観光客は増えたが、商店街の各店はどの国の客が何を買っているか分からない。",
        "POSや決済データから国別の購買傾向を店舗が見られるようにし、販促の効果を測りたい。",
        (1_000_000, 4_000_000)),
    DemoChallenge("372013", "takamatsu-flood-sensor", OPEN, ("disaster-prevention", "infrastructure"),
        "高潮・内水氾濫の危険を早く把握したい",
        "低地の水位を安価なセンサーで測り、避難判断を早めたい。",
        "台風時の高潮で市街地が浸水した経験がある。水位計は少なく、職員が現地で確認している。",
        "安価な水位センサーを数十か所に置き、危険な箇所を地図で把握して避難情報の発令に使えるか試す。",
        (3_000_000, 10_000_000), ("data", "trial_site", "staff_time", "budget"), 2),
    DemoChallenge("372013", "takamatsu-island-medical", DRAFT, ("health",),
        "離島の住民の健康相談をオンラインで受けたい",
        "医師のいない島の住民が、本土に渡らずに健康相談できる仕組みを探しています。",
        "市内の有人島には常勤医がおらず、定期船で本土の病院へ通う必要がある。高齢化で通院が負担になっている。",
        "オンラインでの健康相談と、看護師による訪問を組み合わせた仕組みを一つの島で試したい。",
        (2_000_000, 4_000_000)),
    # 天塩町 (FY2017)
    DemoChallenge("014877", "teshio-prenatal-checkup", MATCHED, ("health", "childcare"),
        "町内で妊婦健診を受けられるようにしたい",
        "産科のない町の妊婦が、片道1時間以上かけて健診に通っています。町内で健診を受けられる方法を探します。",
        "町内に産科医がおらず、妊婦は隣の市まで通う。冬は道路状況が悪く、通院そのものが危険になる。",
        "遠隔の胎児モニターなどを使い、町の保健師のもとで健診を受け、医師が遠隔で診られるか実証したい。",
        (1_000_000, 3_000_000), ("trial_site", "staff_time", "budget")),
    DemoChallenge("014877", "teshio-ride-sharing", NO_MATCH, ("mobility",),
        "隣の市への移動を住民同士の相乗りで支えたい",
        "町から隣の市への移動手段が限られ、住民同士の相乗りを安全に仕組み化したい。",
        "公共交通が少なく、通院や買い物のための移動は家族や知人の車に頼っている。謝礼の扱いもあいまい。",
        "相乗りの依頼と運転者をつなぐ仕組みを、法令に沿った形で試したい。",
        (500_000, 1_500_000)),
    DemoChallenge("014877", "teshio-dairy-labour", UPCOMING, ("agriculture",),
        "酪農家の作業負担を減らしたい",
        "搾乳や牛の健康管理の負担を、センサーなどで軽くできないか探しています。",
        "酪農家の高齢化と人手不足が深刻で、休みが取れない。牛の体調の異変も経験に頼って見つけている。",
        "牛の行動データで体調の異変を早く知らせ、見回りの回数を減らせるか試したい。",
        (1_000_000, 3_000_000)),
    # 長岡市 (FY2018)
    DemoChallenge("152021", "nagaoka-snow-road-info", CLOSED, ("snow-removal", "mobility"),
        "除雪の進み具合を市民に知らせたい",
        "どの道路が除雪済みかを市民が地図で確認できるようにし、問い合わせを減らしたい。",
        "大雪の日は「うちの前はいつ除雪されるのか」という電話が殺到し、職員が対応に追われる。",
        "除雪車の位置情報から除雪済みの道路を地図に表示し、問い合わせが減るか確かめたい。",
        (2_000_000, 6_000_000), ("data", "trial_site", "staff_time"), 2),
    DemoChallenge("152021", "nagaoka-startup-support", OPEN, ("local-industry", "education"),
        "地元の学生の起業を地域企業と結びつけたい",
        "地元の大学・高専の学生のアイデアを、地域企業の課題と結びつける仕組みを探しています。",
        "市内に大学・高専があるが、卒業生の多くが市外に就職する。学生と地域企業の接点が少ない。",
        "企業の課題と学生のアイデアを結ぶマッチングを一年間試し、共同プロジェクトの数を測りたい。",
        (1_000_000, 2_000_000)),
    # 豊田市 (FY2018)
    DemoChallenge("232114", "toyota-mountain-mobility", MATCHED, ("mobility", "elderly-care"),
        "山間地域の買い物と通院の移動を支えたい",
        "合併で広がった山間地域の高齢者の移動を、新しい技術で支えたい。",
        "市域の多くが山間地域で、バス路線の維持が難しい。高齢者の移動は家族の送迎に頼っている。",
        "予約型の交通や貨客混載などを組み合わせ、移動と物流を一緒に支える仕組みを試したい。",
        (5_000_000, 15_000_000), ("data", "trial_site", "staff_time", "budget"), 3),
    DemoChallenge("232114", "toyota-bridge-inspection", OPEN, ("infrastructure",),
        "橋の点検を効率化したい",
        "市が管理する多数の橋の定期点検を、画像解析などで効率化したい。",
        "管理する橋が多く、5年に一度の点検に多くの費用と人手がかかっている。技術職員も不足している。",
        "ドローン撮影と画像解析で点検の一部を代替し、費用と精度を従来の方法と比べたい。",
        (3_000_000, 9_000_000)),
    DemoChallenge("232114", "toyota-forest-management", UPCOMING, ("agriculture", "environment-energy"),
        "人工林の管理状況を把握したい",
        "手入れの行き届かない人工林を、レーザー計測などで効率よく把握したい。",
        "市の面積の約7割が森林で、所有者不明の人工林も多い。現地調査に時間がかかる。",
        "航空レーザーなどのデータから間伐が必要な林を特定し、所有者への働きかけに使えるか試す。",
        (2_000_000, 5_000_000)),
    # 上田市 (FY2018, on behalf of a 9-municipality council)
    DemoChallenge("202037", "ueda-regional-tourism-data", CLOSED, ("tourism",),
        "広域の観光客の動きを9市町村で共有したい",
        "上田地域の9市町村で観光客の移動を共有し、広域の観光ルートを作りたい。",
        "観光施策は市町村ごとで、観光客が地域をどう回っているか誰も分からない。",
        "携帯電話の位置情報などから広域の回遊を把握し、9市町村が同じデータで議論できること。",
        (2_000_000, 5_000_000), ("data", "staff_time"), 2),
    DemoChallenge("202037", "ueda-school-attendance", OPEN, ("education", "administration-dx"),
        "学校の欠席連絡をオンライン化したい",
        "保護者の電話による欠席連絡を、先生の負担が少ない方法に置き換えたい。",
        "朝の欠席連絡の電話が集中し、教員が授業準備に使える時間を圧迫している。",
        "保護者がスマートフォンで連絡し、学校が一覧で確認できる仕組みを数校で試したい。",
        (500_000, 1_500_000)),
    # 札幌市
    DemoChallenge("011002", "sapporo-snow-removal-cost", MATCHED, ("snow-removal",),
        "除雪費用を削減したい",
        "毎年増える除雪費用を、除雪車の運行データや積雪予測で削減したい。",
        "年間の除雪費は大きく、作業員の高齢化も進む。除雪の出動判断は経験に頼っている。",
        "積雪予測と除雪車の運行データから出動と経路を最適化し、費用の削減幅を示したい。",
        (10_000_000, 60_000_000), ("data", "trial_site", "staff_time", "budget"), 2),
    DemoChallenge("011002", "sapporo-inbound-shops", CLOSED, ("tourism", "local-industry"),
        "訪日観光客の行動データを商店の販促に生かしたい",
        "店舗のデータと観光客のスマートフォンのデータを掛け合わせ、商店の販促を支えたい。",
        "訪日観光客は増えているが、どの店に誰が来ているか店舗側で把握できていない。",
        "同意を得た観光客のデータと店舗データを合わせ、販促の効果が測れる仕組みを試したい。",
        (5_000_000, 20_000_000)),
    DemoChallenge("011002", "sapporo-snow-sidewalk", UPCOMING, ("snow-removal", "elderly-care"),
        "歩道の凍結による転倒事故を減らしたい",
        "冬の歩道での高齢者の転倒を、危険箇所の予測と情報提供で減らしたい。",
        "冬季の転倒による救急搬送が毎年多く、特に高齢者が多い。砂まきは通報頼み。",
        "気象データと過去の事故から危険箇所を予測し、砂まきの優先順位に使えるか試す。",
        (2_000_000, 6_000_000)),
    # 加古川市
    DemoChallenge("282103", "kakogawa-watch-over", MATCHED, ("elderly-care", "childcare", "public-safety"),
        "子どもと高齢者の見守りを広げたい",
        "ビーコンタグによる見守りサービスを、より多くの家庭が使えるようにしたい。",
        "見守りカメラとビーコンの受信機を整備したが、利用家庭が伸びず、受信機の少ない地域もある。",
        "郵便車や市民のスマートフォンを受信機にして範囲を広げ、利用者を増やす方法を試したい。",
        (3_000_000, 8_000_000), ("data", "trial_site", "staff_time", "budget"), 2),
    DemoChallenge("282103", "kakogawa-illegal-dumping", OPEN, ("waste", "public-safety"),
        "不法投棄を早く見つけたい",
        "カメラ画像の解析などで、不法投棄を早く見つけて対応したい。",
        "山沿いや河川敷での不法投棄が後を絶たず、発見は住民の通報頼み。撤去費用もかさんでいる。",
        "既設カメラの画像から投棄を自動で検知し、通報より早く対応できるか確かめたい。",
        (1_000_000, 3_000_000)),
    DemoChallenge("282103", "kakogawa-library-app", NO_MATCH, ("education", "administration-dx"),
        "図書館の蔵書検索と施設予約を一つのアプリにまとめたい",
        "市民が使う行政サービスを一つのアプリからつなぎたい。",
        "蔵書検索、施設予約、見守りサービスがそれぞれ別のサイトで、市民が使いこなせていない。",
        "既存のかこがわアプリに機能を足す形で、利用者が増えるか試したい。",
        (1_000_000, 2_000_000)),
    # 会津若松市
    DemoChallenge("072028", "aizuwakamatsu-line-chatbot", MATCHED, ("administration-dx", "waste"),
        "ごみ収集日や休日当番医をLINEで案内したい",
        "市民が普段使うLINEで、ごみ収集日や休日当番医をすぐ調べられるようにしたい。",
        "ごみの分別や収集日、休日当番医の問い合わせが電話に集中している。ウェブの情報は探しにくい。",
        "LINEのチャットボットで案内し、問い合わせ件数がどれだけ減るかを測りたい。",
        (1_000_000, 3_000_000), ("data", "staff_time")),
    DemoChallenge("072028", "aizuwakamatsu-opt-in-data", OPEN, ("administration-dx", "health"),
        "本人の同意にもとづいて健康データを活用したい",
        "市民が自分で同意したデータだけを使い、健康づくりのサービスにつなげたい。",
        "個人データの活用には市民の不安が大きい。同意の記録と撤回を確実に行う仕組みが必要。",
        "同意の取得・撤回を管理できる仕組みで、健康ポイント事業を小さく試したい。",
        (2_000_000, 5_000_000)),
    # さいたま市 (美園)
    DemoChallenge("111007", "saitama-misono-events", MATCHED, ("childcare", "community"),
        "子育て世帯に地域のイベント情報を届けたい",
        "地域のイベント情報を自動で集め、子育て世帯に届けたい。",
        "美園地区は子育て世帯が急増しているが、地域のイベント情報がばらばらで届いていない。",
        "ウェブ上のイベント情報を一日二回自動で集め、子どもの年齢に合わせて届けられるか試したい。",
        (1_000_000, 3_000_000)),
    DemoChallenge("111007", "saitama-energy-management", OPEN, ("environment-energy",),
        "公共施設の電力使用を見える化したい",
        "公共施設の電力使用を見える化し、削減の余地を見つけたい。",
        "公共施設の電気料金が上がっているが、施設ごとの使い方は月一回の請求書でしか分からない。",
        "スマートメーターのデータで施設ごとの使用状況を示し、削減策の効果を測りたい。",
        (2_000_000, 6_000_000)),
    DemoChallenge("111007", "saitama-nursery-matching", DRAFT, ("childcare",),
        "保育所の入所選考を効率化したい",
        "保育所の入所選考の事務を、アルゴリズムで効率化したい。",
        "入所の申込みが多く、選考の調整に職員が何週間もかけている。",
        "申込みと希望から割り当てを自動で作り、職員の確認時間を減らせるか試したい。",
        (3_000_000, 8_000_000)),
    DemoChallenge("372013", "takamatsu-port-congestion", UPCOMING, ("tourism", "mobility"),
        "港の待合所の混雑を知らせたい",
        "島へ渡るフェリーの待合所の混雑を、観光客に事前に知らせたい。",
        "芸術祭の期間中、フェリー乗り場に長い列ができ、乗れない観光客が出る。",
        "待合所の人数をカメラなどで把握し、観光客が時間をずらせるよう案内できるか試したい。",
        (1_000_000, 3_000_000)),
]
# fmt: on

_OFFER_FIELDS = {
    "data": "offers_data",
    "trial_site": "offers_trial_site",
    "staff_time": "offers_staff_time",
    "budget": "offers_budget",
}


def _window(state: str, today: dt.date, n: int) -> dict:
    """Dates that put a challenge in `state` today; `n` staggers them so sorting by deadline is meaningful."""
    if state == UPCOMING:
        opens, closes = today + dt.timedelta(days=7 + n), today + dt.timedelta(days=60 + n)
    elif state in (OPEN, DRAFT):
        opens, closes = today - dt.timedelta(days=10 + n), today + dt.timedelta(days=14 + 3 * n)
    else:
        opens, closes = today - dt.timedelta(days=120 + n), today - dt.timedelta(days=30 + n)
    return {
        "application_opens": start_of_day_jst(opens),
        "application_closes": end_of_day_jst(closes),
        "poc_start": closes + dt.timedelta(days=45),
        "poc_end": closes + dt.timedelta(days=165),
    }


def create_demo_challenges(
    index_page: ChallengeIndexPage, municipalities: dict[str, Organisation], *, today: dt.date | None = None
) -> list[ChallengePage]:
    """Create the demo challenges (idempotent: existing slugs are left alone). Returns the challenges created.

    `municipalities` maps local-government codes to Organisations; challenges of codes not given are skipped.
    """
    today = today or timezone.localdate()
    themes = {t.slug: t for t in Theme.objects.all()}
    existing = set(ChallengePage.objects.values_list("slug", flat=True))
    created = []
    with transaction.atomic():
        for n, spec in enumerate(CHALLENGES):
            org = municipalities.get(spec.code)
            if org is None or spec.slug in existing:
                continue
            page = challenge_create(
                index_page=index_page,
                municipality=org,
                slug=spec.slug,
                title=spec.title,
                summary=spec.summary,
                title_en=ENGLISH.get(spec.slug, ("", ""))[0],
                summary_en=ENGLISH.get(spec.slug, ("", ""))[1],
                background=spec.background,
                desired_outcome=spec.desired_outcome,
                themes=[themes[s] for s in spec.themes if s in themes],
                publish=spec.state != DRAFT,
                budget_min_yen=spec.budget[0],
                budget_max_yen=spec.budget[1],
                max_partners=spec.max_partners,
                procurement=spec.procurement,
                contact=f"{org.name} 企画政策課 スマートシティ担当",
                **{_OFFER_FIELDS[o]: True for o in spec.offers},
                **_window(spec.state, today, n % 7),
            )
            if spec.state == MATCHED:
                challenge_record_outcome(challenge=page, outcome=ChallengeOutcome.MATCHED)
            elif spec.state == NO_MATCH:
                challenge_record_outcome(challenge=page, outcome=ChallengeOutcome.NO_MATCH)
            created.append(page)
    return created
