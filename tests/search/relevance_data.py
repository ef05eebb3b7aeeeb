"""A relevance test set: Japanese and English documents, queries, the documents each query must find, and
decoys that merely share scattered characters (they must not rank above an expected document)."""

DOCS = {
    # snow removal
    "snow1": (
        "除雪車の位置情報をリアルタイムで公開",
        "札幌市では冬季に除雪車の位置をGPSで把握し、住民に地図で知らせる。",
    ),
    "snow2": ("除雪費用の削減", "除雪の出動判断をデータで行い、道路除雪の費用を減らした事例。"),
    "snow3": ("Snow removal cost reduction", "Sapporo cut snow removal costs with sensor data (除雪)."),
    "snow4": ("除雪車の運行管理システム", "運行記録を自動で集計し、除雪車の稼働率を改善する。"),
    "snow5": ("道路の雪対策", "積雪センサーで路面の状態を測り、融雪装置を制御する。"),
    "decoy_snow1": ("除草作業と雪まつりの準備", "公園の除草を行い、冬の雪像づくりに備える。"),
    "decoy_snow2": (
        "除雪作業と車両点検の手引き",
        "作業の前に車両を点検し、安全を確認する。除雪は早朝に行う。",
    ),
    # people flow
    "flow1": ("カメラによる人流分析", "加古川市では駅前の人流をカメラで計測し、混雑を可視化した。"),
    "flow2": ("観光地の人流データ活用", "携帯電話の位置データから人流を推計し、観光施策に使う。"),
    "flow3": ("People flow analytics", "Counting people flow at stations with anonymised camera data."),
    "decoy_flow1": ("人の流れと川の流域", "人が集まる場所と、川の流れを調べる学習教材。"),
    # child-rearing
    "kids1": (
        "子育て世帯向けイベント情報の自動収集",
        "さいたま市美園地区の子育て世帯に、地域のイベント情報を一日二回届ける。",
    ),
    "kids2": ("子育て支援アプリ", "予防接種の予定と子育て相談の窓口を一つのアプリで案内する。"),
    "decoy_kids1": ("子どもの学びを育てる図書館", "子ども向けの本を増やし、読書の習慣を育てる。"),
    # watch-over
    "watch1": (
        "ビーコンタグで子どもと高齢者を見守り",
        "加古川市は見守りタグを配布し、登下校を見守る仕組みを作った。",
    ),
    "watch2": ("高齢者見守りサービス", "電力データで一人暮らしの高齢者の見守りを行う。"),
    "decoy_watch1": ("見学会と地域の守り神", "神社を見学し、地域を守る伝統を学ぶ。"),
    # tourism / inbound
    "tour1": (
        "インバウンド観光客の動向分析",
        "札幌市は店舗の販売データと訪日客のスマートフォンのデータを組み合わせた。",
    ),
    "tour2": ("観光案内の多言語化", "観光案内所の案内を英語・中国語・韓国語に対応させる。"),
    "tour3": ("Inbound tourism dashboard", "A dashboard of inbound visitors by nationality and age (観光)."),
    "tour4": ("訪日外国人向けインバウンド施策", "インバウンド需要を地域の商店街に呼び込む。"),
    "decoy_tour1": ("天体観察と光害", "夜空を観察し、街の光が星の見え方に与える影響を調べる。"),
    "decoy_tour2": ("インフラ点検とリバウンド対策", "道路インフラの点検で、予算削減後のリバウンドを防ぐ。"),
    # LINE / AI
    "line1": ("LINEでごみ収集日を案内", "会津若松市はLINEのチャットボットでごみの収集日を答える。"),
    "line2": ("ＬＩＮＥによる休日当番医の案内", "乳幼児の休日診療をＬＩＮＥで案内する。"),
    "line3": ("Line-based chatbot for residents", "Residents ask questions on line and get answers."),
    "ai1": ("ＡＩによる問い合わせ対応", "市役所の問い合わせにＡＩが一次回答する。"),
    "ai2": ("AIハブで最適なエンジンを選ぶ", "複数のAIエンジンから用途に合うものを選ぶAIハブ。"),
    "ai3": ("AIカメラで不法投棄を検知", "AIカメラが不法投棄の瞬間を記録し、職員に通知する。"),
    "decoy_ai1": ("愛知県のAir quality調査", "大気の質を測る。"),
    # katakana words
    "drone1": ("ドローンによる橋梁点検", "ドローンで橋の裏側を撮影し、ひび割れを見つける。"),
    "drone2": ("物資輸送ドローンの実証", "山間部へ医薬品をドローンで運ぶ。"),
    "decoy_drone1": ("ドロップインセンターとローン相談", "生活相談の窓口でローンの返済を相談する。"),
    "camera1": ("防犯カメラの映像解析", "カメラの映像から交通量を数える。"),
    "bike1": ("レンタサイクルの位置分析", "高松市はレンタサイクルの位置データを分析した。"),
    "bike2": ("Rental bicycle location analysis", "Takamatsu analysed rental bicycle locations."),
    # telemedicine
    "med1": ("遠隔妊婦健診の実証", "天塩町で妊婦健診を遠隔で行う実証を実施した。"),
    "med2": ("遠隔医療で通院の負担を減らす", "離島の住民がオンラインで診察を受ける。"),
    # library / booking
    "lib1": ("図書館の蔵書検索をスマホで", "かこがわアプリから図書館の蔵書を検索できる。"),
    "book1": ("公共施設の予約システム", "体育館や会議室の予約をオンラインで受け付ける。"),
    # disaster
    "bousai1": ("防災情報の一斉配信", "避難情報をLINEとメールで一斉に配信する。"),
    "bousai2": ("Disaster alert system", "Evacuation alerts delivered to phones."),
    # open data / dashboard
    "dash1": ("国籍・年代別ダッシュボード", "同意を得て収集したデータを国籍と年代で並べ替えられる。"),
    "data1": ("オープンデータの公開基盤", "自治体のデータをCSVとAPIで公開する。"),
    # agriculture
    "agri1": ("スマート農業の水位センサー", "水田の水位をセンサーで測り、見回りの手間を減らす。"),
    "agri2": ("鳥獣被害対策のわな通知", "わなにかかるとメールで通知する。"),
    # bus / mobility
    "bus1": ("デマンドバスの運行", "予約に応じて経路を決めるデマンドバス。"),
    "bus2": ("バス停の混雑情報", "バス停の待ち人数をセンサーで数える。"),
    # half-width katakana written source
    "hw1": ("ｶﾒﾗ画像で河川の水位を監視", "ｶﾒﾗの画像から増水を判定する。"),
}

_FILLER_TOPICS = [
    ("ごみ分別の啓発", "資源ごみの分別方法を動画で紹介する。"),
    ("窓口のキャッシュレス決済", "市役所の窓口で電子マネーを使えるようにする。"),
    ("Paperless council meetings", "Tablets replace printed agendas at council meetings."),
    ("公民館講座のオンライン化", "講座を動画で配信し、自宅から受講できる。"),
    ("空き家の情報管理", "空き家の所在と状態を地図で管理する。"),
    ("Water meter reading", "Smart meters send readings every hour."),
    ("学校給食の献立公開", "献立とアレルギー情報をウェブで公開する。"),
    ("Street light maintenance", "Broken lights reported by residents with photos."),
    ("水道管の漏水検知", "音響センサーで漏水の位置を推定する。"),
    ("地域通貨の導入", "地域の店舗で使えるポイントを発行する。"),
    ("議事録の自動作成", "音声認識で会議の記録を作る。"),
    ("Parking availability", "Sensors show free parking spaces downtown."),
]

# Filler documents bring the set past 100 and make term statistics realistic.
for i in range(60):
    title, body = _FILLER_TOPICS[i % len(_FILLER_TOPICS)]
    DOCS[f"filler{i}"] = (f"{title}（{i + 1}）", f"{body} 事業番号{i + 1}。")


# (query, documents that must be found, decoys that must not rank above any of them)
QUERIES = [
    ("除雪", ["snow1", "snow2", "snow3", "snow4"], ["decoy_snow1"]),
    ("除雪車", ["snow1", "snow4"], ["decoy_snow2", "decoy_snow1"]),
    ("除雪車の位置情報", ["snow1"], ["snow4", "decoy_snow2"]),
    ("雪", ["snow1", "snow2", "snow4", "snow5", "decoy_snow1"], []),
    ("人流", ["flow1", "flow2"], ["decoy_flow1"]),
    ("人流分析", ["flow1"], ["flow2", "decoy_flow1"]),
    ("子育て", ["kids1", "kids2"], ["decoy_kids1"]),
    ("子育て世帯", ["kids1"], ["kids2", "decoy_kids1"]),
    ("見守り", ["watch1", "watch2"], ["decoy_watch1"]),
    ("高齢者 見守り", ["watch1", "watch2"], ["decoy_watch1"]),
    ("観光", ["tour1", "tour2", "tour3", "flow2"], ["decoy_tour1"]),
    ("インバウンド", ["tour1", "tour4"], ["decoy_tour2"]),
    ("インバウンド観光", ["tour1"], ["decoy_tour2", "decoy_tour1"]),
    ("LINE", ["line1", "line2", "line3", "bousai1"], []),
    ("ＬＩＮＥ", ["line1", "line2", "line3", "bousai1"], []),
    ("line", ["line1", "line2", "line3"], []),
    ("ＡＩ", ["ai1", "ai2", "ai3"], ["decoy_ai1"]),
    ("AI", ["ai1", "ai2", "ai3"], ["decoy_ai1"]),
    ("ai", ["ai1", "ai2", "ai3"], []),
    ("AIカメラ", ["ai3"], ["camera1", "ai2"]),
    ("ＡＩカメラ", ["ai3"], ["camera1"]),
    ("AI カメラ", ["ai3"], ["camera1", "ai1"]),
    ("ドローン", ["drone1", "drone2"], ["decoy_drone1"]),
    ("ﾄﾞﾛｰﾝ", ["drone1", "drone2"], ["decoy_drone1"]),
    ("カメラ", ["flow1", "camera1", "ai3", "hw1"], []),
    ("ｶﾒﾗ", ["flow1", "camera1", "ai3", "hw1"], []),
    ("河川 カメラ", ["hw1"], ["camera1"]),
    ("レンタサイクル", ["bike1"], []),
    ("rental bicycle", ["bike2"], []),
    ("Snow removal", ["snow3"], []),
    ("snow", ["snow3"], []),
    ("people flow", ["flow3"], []),
    ("inbound tourism", ["tour3"], []),
    ("chatbot", ["line3"], []),
    ("チャットボット", ["line1"], []),
    ("遠隔", ["med1", "med2"], []),
    ("妊婦健診", ["med1"], []),
    ("図書館", ["lib1", "decoy_kids1"], []),
    ("予約", ["book1", "bus1"], []),
    ("防災", ["bousai1"], []),
    ("避難 LINE", ["bousai1"], ["line1"]),
    ("ダッシュボード", ["dash1"], []),
    ("国籍", ["dash1"], []),
    ("dashboard nationality", ["tour3"], []),
    ("センサー", ["snow5", "agri1", "bus2"], []),
    ("水位", ["agri1", "hw1"], []),
    ("デマンドバス", ["bus1"], ["bus2"]),
    ("橋", ["drone1"], []),
    ("Sapporo", ["snow3"], []),
    ("札幌市 除雪", ["snow1"], ["snow2", "decoy_snow1"]),
    ("GPS", ["snow1"], []),
    ("オープンデータ", ["data1"], []),
    ("ごみ", ["line1"], []),
]
