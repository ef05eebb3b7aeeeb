"""Programme overview, how to apply (startups, municipalities), FAQ and terms: raw StreamField data (lists of blocks).

Links to other pages use placeholders filled in by demo.py: {challenges}, {register}, {privacy}, {rounds}, {faq},
{apply_startups}, {apply_municipalities} (the address in the page's language).
"""


def text(html: str) -> dict:
    return {"type": "rich_text", "value": html}


def steps(heading: str, items: list[tuple[str, str]]) -> dict:
    return {
        "type": "steps",
        "value": {"heading": heading, "steps": [{"title": t, "text": x} for t, x in items]},
    }


def faq(heading: str, items: list[tuple[str, str]]) -> dict:
    return {
        "type": "faq",
        "value": {"heading": heading, "questions": [{"question": q, "answer": a} for q, a in items]},
    }


def cta(heading: str, body: str, label: str, url: str) -> dict:
    return {
        "type": "call_to_action",
        "value": {"heading": heading, "text": body, "button_label": label, "page": None, "url": url},
    }


def figures(caption: str, rows: list[tuple[str, str, str]], source: str) -> dict:
    return {
        "type": "figures",
        "value": {
            "caption": caption,
            "rows": [{"label": a, "value": b, "note": c} for a, b, c in rows],
            "source": source,
        },
    }


ABOUT = {
    "slug": "about",
    "title": "プログラムの概要",
    "title_en": "About the programme",
    "intro": "自治体が抱える地域の課題に、スタートアップが技術で応える。総務省がその出会いを仲介し、現地を訪ねる旅費を支援します。",
    "intro_en": (
        "Municipalities post local problems; startups answer them with technology. The ministry brokers the match "
        "and pays the travel to visit the municipality."
    ),
    "body": [
        text(
            "<p>StartupXActは、米サンフランシスコ市の <i>Startup in Residence</i>（STIR）を手本に、総務省が平成29年度に始めた"
            "マッチングプログラムです。自治体は「仕様」ではなく「困りごと」を課題として公開し、解決できる技術をもつ"
            "スタートアップ・ベンチャー企業が手を挙げます。</p>"
            "<p>マッチングが成立すると、総務省が企業の旅費を負担し、企業は自治体を訪ねて担当者と一緒に実証実験の計画を立てます。"
            "うまくいった取組は事例として公開し、ほかの自治体が同じ解決策を導入できるようにします（横展開）。</p>"
        ),
        steps(
            "1年の流れ",
            [
                (
                    "自治体が課題を公開",
                    "毎年夏ごろ、参加自治体が地域の課題を登録します。総務省が内容を確認して公開します。",
                ),
                (
                    "スタートアップが応募",
                    "公開された課題に、解決策の概要を添えて応募します。複数の課題に応募できます。",
                ),
                (
                    "審査とマッチング",
                    "自治体が応募内容を評価し、総務省がマッチングを決定します。決定の理由は記録されます。",
                ),
                ("現地訪問と実証", "旅費の支援を受けて自治体を訪問し、実証実験（PoC）を計画・実施します。"),
                (
                    "成果発表",
                    "年度末の成果発表会（デモデイ）で取組を紹介し、ほかの自治体への展開につなげます。",
                ),
            ],
        ),
        figures(
            "平成29年度の実績",
            [
                ("参加自治体", "4", "京丹後市・熊本市・高松市・天塩町"),
                ("手を挙げた企業", "17社", ""),
                ("マッチング", "7件", "想定を上回る成果"),
            ],
            "総務省 ワーキンググループ（2018年5月28日）資料",
        ),
        cta(
            "今年度の課題を見る", "いま応募を受け付けている課題の一覧です。", "募集中の課題へ", "{challenges}"
        ),
    ],
    "body_en": [
        text(
            "<p>StartupXAct is a matching programme the Ministry of Internal Affairs and Communications (MIC) started in "
            "fiscal 2017, modelled on San Francisco's <i>Startup in Residence</i> (STIR). Municipalities publish the "
            "problems they live with — not specifications — and startups with a technology that could solve them raise "
            "their hands.</p>"
            "<p>When a match is made, the ministry pays the company's travel so that it can visit the municipality and plan "
            "a trial with the staff. What works is published as a case study so that other municipalities can adopt it.</p>"
        ),
        steps(
            "The year at a glance",
            [
                (
                    "Municipalities post challenges",
                    "Every summer the participating municipalities post their problems; the ministry reviews and publishes them.",
                ),
                (
                    "Startups apply",
                    "Apply to any open challenge with an outline of your solution. You may apply to several.",
                ),
                (
                    "Review and matching",
                    "Municipalities assess the applications and the ministry decides the matches, with the reasons recorded.",
                ),
                (
                    "Visits and trials",
                    "With travel support you visit the municipality and plan and run a trial (PoC).",
                ),
                (
                    "Demo day",
                    "At the end of the fiscal year the teams present their results, so that other municipalities can follow.",
                ),
            ],
        ),
        figures(
            "Fiscal 2017 in figures",
            [
                ("Municipalities", "4", "Kyotango, Kumamoto, Takamatsu, Teshio"),
                ("Companies that raised their hands", "17", ""),
                ("Matches", "7", "more than expected"),
            ],
            "MIC working group, 28 May 2018",
        ),
        cta(
            "See this year's challenges",
            "The challenges open for applications now.",
            "Open challenges",
            "{challenges}",
        ),
    ],
}

APPLY_STARTUPS = {
    "slug": "apply-startups",
    "title": "応募の手順（スタートアップの方へ）",
    "title_en": "How to apply: startups",
    "intro": "登録から応募まで、30分ほどで終わります。入札参加資格や事前の業者登録は必要ありません。",
    "intro_en": "From sign-up to application takes about thirty minutes. No tender qualification or supplier registration is needed.",
    "body": [
        steps(
            "応募までの4ステップ",
            [
                (
                    "企業を登録する",
                    "メールアドレスで利用者登録をし、会社の情報（法人番号、所在地、事業の概要、得意な分野）を入力します。",
                ),
                (
                    "課題を探す",
                    "課題一覧で、テーマ・都道府県・締切日で絞り込めます。課題ごとに、自治体が提供できるもの（データ、実証の場、職員の時間、予算）が書かれています。",
                ),
                (
                    "応募内容を書く",
                    "課題の理解、解決策の概要、体制、実証の進め方、費用の見込みを書きます。資料（PDF、10MBまで）を添付できます。締切までは下書きとして保存・修正できます。",
                ),
                (
                    "提出して結果を待つ",
                    "締切日時（日本時間）までに提出してください。審査の状況はマイページで確認でき、結果はメールでもお知らせします。",
                ),
            ],
        ),
        text(
            "<h2>審査で見るところ</h2><ul><li>課題と地域の事情をよく理解しているか</li><li>自治体の職員と一緒に進められる体制か</li>"
            "<li>解決策の新しさと、実証後も続けられる見込み</li><li>費用の見込みが現実的か</li></ul>"
            "<h2>旅費の支援</h2><p>マッチングが成立した企業には、自治体を訪問するための旅費を総務省が支援します（1回あたりの上限と回数は募集要項をご覧ください）。"
            "申請はマイページから行い、訪問後に領収書を添えて精算します。</p>"
        ),
        cta(
            "まずは企業を登録",
            "登録は無料です。登録後すぐに応募の下書きを始められます。",
            "企業を登録する",
            "{register}",
        ),
        cta("募集中の課題を見る", "", "課題一覧へ", "{challenges}"),
    ],
    "body_en": [
        steps(
            "Four steps to an application",
            [
                (
                    "Register your company",
                    "Sign up with your e-mail address and fill in your company's details: corporate number, address, what you do and your fields.",
                ),
                (
                    "Find a challenge",
                    "Filter the catalogue by theme, prefecture and deadline. Each challenge lists what the municipality offers: data, a trial site, staff time, budget.",
                ),
                (
                    "Write your application",
                    "Describe your understanding of the problem, your solution, your team, how you would run the trial and the expected cost. You may attach documents (PDF, up to 10 MB). Until the deadline you can save drafts and edit them.",
                ),
                (
                    "Submit and follow it",
                    "Submit before the deadline (Japan time). Follow the review on My page; we also tell you the result by e-mail.",
                ),
            ],
        ),
        text(
            "<h2>What the review looks at</h2><ul><li>How well you understand the problem and the place</li>"
            "<li>Whether your team can work with municipal staff</li><li>The novelty of the solution and whether it can last after the trial</li>"
            "<li>Whether the cost estimate is realistic</li></ul>"
            "<h2>Travel support</h2><p>When you are matched, the ministry pays your travel to visit the municipality (see the call for the cap per trip "
            "and the number of trips). Request it on My page and settle it with your receipts after the visit.</p>"
        ),
        cta(
            "Register your company first",
            "Registration is free; you can start a draft application straight away.",
            "Register your company",
            "{register}",
        ),
        cta("See the open challenges", "", "Open challenges", "{challenges}"),
    ],
}

APPLY_MUNICIPALITIES = {
    "slug": "apply-municipalities",
    "title": "参加の手順（自治体の方へ）",
    "title_en": "How to take part: municipalities",
    "intro": "解決したい地域の課題を、仕様書ではなく「困りごと」として書いてください。総務省が確認したうえで公開します。",
    "intro_en": "Describe the local problem you want solved as a problem, not as a specification. The ministry reviews it and publishes it.",
    "body": [
        steps(
            "課題公開までの流れ",
            [
                ("参加を申し込む", "総務省の担当窓口に参加を申し込むと、職員用のアカウントが発行されます。"),
                (
                    "課題を書く",
                    "管理画面で、背景（いま何に困っているか）、期待する成果、提供できるもの（データ、実証の場、職員の時間、予算）、実証期間、成功した場合の調達方法を入力します。",
                ),
                (
                    "確認を依頼する",
                    "「承認を依頼」を押すと総務省の確認に回ります。修正の依頼があればコメントが届き、直して再度依頼できます。",
                ),
                (
                    "応募を評価する",
                    "募集期間が終わったら、届いた応募を評価します。評価の理由を残しておくと、マッチングの説明に使われます。",
                ),
            ],
        ),
        text(
            "<h2>よい課題の書き方</h2><ul><li>解決策を決めつけず、現場で起きていることを具体的に書く</li>"
            "<li>担当課と、実証に協力できる現場（施設・地域）を明記する</li><li>使えるデータがあれば、形式と提供の条件を書く</li>"
            "<li>実証がうまくいったら、どのように予算化・調達するかの見通しを書く</li></ul>"
        ),
        cta(
            "職員の方のログイン",
            "アカウントをお持ちの方は管理画面から課題を登録できます。",
            "管理画面へ",
            "/admin/",
        ),
    ],
    "body_en": [
        steps(
            "From idea to published challenge",
            [
                (
                    "Join the programme",
                    "Ask the ministry's programme office to take part; you receive staff accounts.",
                ),
                (
                    "Write the challenge",
                    "In the admin, describe the background (what is going wrong today), the outcome you hope for, what you offer (data, a trial site, staff time, budget), the trial period and how you would procure the solution if it works.",
                ),
                (
                    "Submit it for review",
                    '"Submit for moderation" sends it to the ministry. If changes are needed you receive a comment; edit and submit again.',
                ),
                (
                    "Assess the applications",
                    "After the window closes, assess the applications. The reasons you record explain the matches later.",
                ),
            ],
        ),
        text(
            "<h2>Writing a good challenge</h2><ul><li>Do not prescribe the solution: describe concretely what happens on the ground</li>"
            "<li>Name the responsible department and the site (facility, district) that can host a trial</li>"
            "<li>If you have data, say in which format and on what terms you can share it</li>"
            "<li>Say how you would budget and procure the solution if the trial succeeds</li></ul>"
        ),
        cta(
            "Staff login",
            "With a staff account you post challenges in the admin.",
            "Go to the admin",
            "/admin/",
        ),
    ],
}

FAQ = {
    "slug": "faq",
    "title": "よくある質問",
    "title_en": "Frequently asked questions",
    "intro": "応募や参加について、よくいただく質問にお答えします。",
    "intro_en": "Answers to the questions we are asked most about applying and taking part.",
    "body": [
        faq(
            "スタートアップの方",
            [
                (
                    "応募に費用はかかりますか。",
                    "<p>かかりません。登録・応募は無料です。マッチング後の訪問旅費は総務省が支援します。</p>",
                ),
                ("複数の課題に応募できますか。", "<p>できます。課題ごとに応募内容を書いてください。</p>"),
                (
                    "入札参加資格や業者登録は必要ですか。",
                    "<p>応募の段階では不要です。実証の後に本格導入する場合は、各自治体の調達手続に従います。</p>",
                ),
                (
                    "旅費以外の費用は支援されますか。",
                    "<p>実証にかかる費用の負担は課題ごとに異なります。課題ページの「予算」と「提供できるもの」をご確認ください。</p>",
                ),
                (
                    "締切の時刻はいつですか。",
                    "<p>締切は日本時間（JST）で表示しています。締切時刻を過ぎると提出できません。</p>",
                ),
            ],
        ),
        faq(
            "自治体の方",
            [
                (
                    "予算がなくても参加できますか。",
                    "<p>できます。データや実証の場、職員の時間の提供だけでも課題を公開できます。</p>",
                ),
                (
                    "マッチングの決定はだれがしますか。",
                    "<p>自治体の評価をもとに総務省が決定し、理由を記録します。随意契約の説明にも使えます。</p>",
                ),
                (
                    "個人情報は扱いますか。",
                    '<p>個人情報を使う場合は、本人の同意（オプトイン）を前提に、目的を明示して取り扱います。詳しくは<a href="{privacy}">プライバシーポリシー</a>をご覧ください。</p>',
                ),
            ],
        ),
    ],
    "body_en": [
        faq(
            "For startups",
            [
                (
                    "Does applying cost anything?",
                    "<p>No. Registration and applications are free, and the ministry supports your travel once you are matched.</p>",
                ),
                (
                    "Can I apply to several challenges?",
                    "<p>Yes. Write an application for each challenge.</p>",
                ),
                (
                    "Do I need a tender qualification or supplier registration?",
                    "<p>Not to apply. If the municipality buys the solution after the trial, its own procurement rules apply.</p>",
                ),
                (
                    "Is anything other than travel paid for?",
                    "<p>Who pays for the trial differs by challenge: see the challenge's budget and what the municipality offers.</p>",
                ),
                (
                    "When exactly is the deadline?",
                    "<p>Deadlines are shown in Japan time (JST). After the deadline you can no longer submit.</p>",
                ),
            ],
        ),
        faq(
            "For municipalities",
            [
                (
                    "Can we take part without a budget?",
                    "<p>Yes. You can post a challenge offering only data, a trial site or staff time.</p>",
                ),
                (
                    "Who decides the matches?",
                    "<p>The ministry, based on your assessment, and it records the reasons — which also help explain a negotiated contract.</p>",
                ),
                (
                    "Is personal data involved?",
                    '<p>Only with the person\'s consent (opt-in) and for a stated purpose. See our <a href="{privacy}">privacy policy</a>.</p>',
                ),
            ],
        ),
    ],
}

TERMS = {
    "slug": "terms",
    "title": "利用規約",
    "title_en": "Terms of use",
    "intro": "このサイトを利用する前にお読みください。",
    "intro_en": "Please read these terms before using this site.",
    "body": [
        text(
            "<h2>第1条（目的）</h2><p>このサイトは、自治体の課題とスタートアップの技術を結びつけるプログラムの運営のために、総務省（モデル）が提供します。</p>"
            "<h2>第2条（登録）</h2><p>利用者は正確な情報で登録し、変更があれば速やかに更新してください。アカウントは登録した本人のみが使用できます。</p>"
            "<h2>第3条（投稿内容）</h2><p>応募書類などの投稿内容の権利は投稿者に帰属します。運営者は審査とマッチングに必要な範囲でのみ利用します。</p>"
            "<h2>第4条（禁止事項）</h2><ul><li>虚偽の情報の登録</li><li>他者の権利を侵害する投稿</li><li>サイトの運営を妨げる行為</li></ul>"
            '<h2>第5条（個人情報）</h2><p>個人情報の取扱いは<a href="{privacy}">プライバシーポリシー</a>に定めます。</p>'
            "<h2>第6条（変更）</h2><p>この規約を変更するときは、サイト上でお知らせします。</p>"
        ),
    ],
    "body_en": [
        text(
            "<h2>1. Purpose</h2><p>This site is provided by the Ministry of Internal Affairs and Communications (model) to run the programme that "
            "connects municipalities' challenges with startups' technology.</p>"
            "<h2>2. Registration</h2><p>Register with accurate information and keep it up to date. An account may only be used by the person who registered it.</p>"
            "<h2>3. What you submit</h2><p>You keep the rights to what you submit, such as applications. We use it only as needed for review and matching.</p>"
            "<h2>4. Not allowed</h2><ul><li>Registering false information</li><li>Submitting material that infringes others' rights</li><li>Disrupting the site</li></ul>"
            '<h2>5. Personal data</h2><p>How we handle personal data is set out in the <a href="{privacy}">privacy policy</a>.</p>'
            "<h2>6. Changes</h2><p>We announce changes to these terms on this site.</p>"
        ),
    ],
}

GUIDES = [ABOUT, APPLY_STARTUPS, APPLY_MUNICIPALITIES, FAQ, TERMS]
# Shown on the home page as the ways in (ContentPage.show_in_menus).
IN_MENUS = {"about", "apply-startups", "apply-municipalities", "faq"}
