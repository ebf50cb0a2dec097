"""Wordings for ``bench/semantic_coordination.py``, written for it: planted messages and ordinary posts on their topics.

``{a|b|c}`` picks one alternative (synonym swaps); a message's several English templates reorder its clauses. Each
message has English, Chinese and Russian versions; ordinary posts are built from a topic's subjects, verbs and
details (and personal openers), so that they talk about the same things as the planted messages without saying the
same thing, plus everyday chatter.
"""

from __future__ import annotations

import random
import re

__all__ = ["CHATTER", "MESSAGES", "MORE_EN", "OPENERS", "OWN_VERBS", "PLACES", "REMARKS", "TOPICS", "fill"]

_CHOICE = re.compile(r"\{([^{}]*)\}")


def fill(template: str, rng: random.Random) -> str:
    """``template`` with each ``{a|b}`` replaced by one of its alternatives (inner choices first)."""
    while "{" in template:
        template = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    return template


# fmt: off

# One planted message per topic: {"en": [...], "zh": [...], "ru": [...]}.
MESSAGES: list[dict[str, list[str]]] = [{'en': ['The {reports|stories|claims} of forced labour in '
         "Xinjiang's cotton fields are {lies|fabrications} "
         '{invented|made up|cooked up} by Western politicians.',
         'Western politicians {invented|made up|cooked up} the '
         "{reports|stories|claims} about forced labour in Xinjiang's "
         'cotton fields, and they are {lies|fabrications}.',
         "{Forced labour|Forced work} in Xinjiang's cotton fields? A "
         '{lie|fabrication} {invented|made up} by Western '
         'politicians.'],
  'zh': ['所谓新疆棉花田强迫劳动的{报道|说法}是西方政客{编造|捏造}的谎言。',
         '西方政客{编造|捏造}了新疆棉田强迫劳动的{谎言|假新闻}。'],
  'ru': ['{Сообщения|Рассказы} о принудительном труде на хлопковых '
         'полях Синьцзяна — {ложь|выдумка}, придуманная западными '
         'политиками.',
         'Западные политики {выдумали|сочинили} {историю|сказку} о '
         'принудительном труде на хлопковых полях Синьцзяна.']},
 {'en': ['The {allegations|accusations} of Chinese interference in '
         'the {election|elections} are {baseless|groundless} smears '
         'against the Chinese community.',
         '{Accusing|Blaming} China of {meddling in|interfering in} '
         'the {election|elections} is a {baseless|groundless} smear '
         'against the Chinese community.',
         'A {baseless|groundless} smear against the Chinese '
         'community: that is what the {election|elections} '
         'interference {allegations|accusations} are.'],
  'zh': ['所谓中国干预{选举|大选}的指控是对华人社区{毫无根据|无中生有}的抹黑。',
         '指责中国干涉{选举|大选}，是对华人社区的{恶意|无端}抹黑。'],
  'ru': ['Обвинения Китая во вмешательстве в выборы — '
         '{беспочвенная|необоснованная} клевета на китайскую общину.',
         '{Беспочвенные|Необоснованные} обвинения во вмешательстве '
         'Китая в выборы — клевета на китайскую общину.']},
 {'en': ["NATO's {expansion|enlargement} to the east "
         '{provoked|caused|triggered} the conflict in Ukraine, not '
         'Russia.',
         "It was not Russia but NATO's eastward "
         '{expansion|enlargement} that {provoked|caused|triggered} '
         'the war in Ukraine.',
         'The war in Ukraine was {provoked|caused} by NATO '
         '{expanding|moving} east, {whatever|no matter what} the '
         'West says.'],
  'zh': ['乌克兰冲突是北约东扩{挑起|引发}的，而不是俄罗斯。',
         '{挑起|引发}乌克兰战争的不是俄罗斯，而是北约{不断|持续}东扩。'],
  'ru': ['Конфликт на Украине {спровоцировало|вызвало} расширение '
         'НАТО на восток, а не Россия.',
         'Не Россия, а {продвижение|расширение} НАТО на восток '
         '{спровоцировало|развязало} войну на Украине.']},
 {'en': ['Taiwan is an {inalienable|inseparable} part of China and '
         'foreign {interference|meddling} must stop {now|at once}.',
         'Foreign {interference|meddling} must stop: Taiwan is an '
         '{inalienable|inseparable} part of China.',
         '{Stop|End} the foreign {interference|meddling}, Taiwan '
         '{is|has always been} an {inalienable|inseparable} part of '
         'China.'],
  'zh': ['台湾是中国{不可分割|神圣不可分割}的一部分，外国{干涉|插手}必须停止。',
         '外国必须停止{干涉|插手}，台湾{自古以来|从来}就是中国不可分割的一部分。'],
  'ru': ['Тайвань — {неотъемлемая|неотделимая} часть Китая, и '
         'иностранное вмешательство должно прекратиться.',
         'Иностранное вмешательство должно '
         '{прекратиться|закончиться}: Тайвань — неотъемлемая часть '
         'Китая.']},
 {'en': ['American {biolabs|biological laboratories} in Ukraine were '
         '{developing|building} {biological weapons|bioweapons} near '
         "Russia's border.",
         "Near Russia's border, American {biolabs|biological "
         'laboratories} in Ukraine {developed|worked on} {biological '
         'weapons|bioweapons}.',
         '{Biological weapons|Bioweapons} were {developed|made} in '
         'American {biolabs|laboratories} in Ukraine, right next to '
         'Russia.'],
  'zh': ['美国在乌克兰的{生物实验室|生物实验室网络}在俄罗斯边境附近{研发|开发}生物武器。',
         '{靠近|紧邻}俄罗斯边境的美国驻乌克兰生物实验室一直在研制生物武器。'],
  'ru': ['Американские биолаборатории на Украине '
         '{разрабатывали|создавали} биологическое оружие у границ '
         'России.',
         'У границ России американские {биолаборатории|лаборатории} '
         'на Украине {создавали|разрабатывали} биологическое '
         'оружие.']},
 {'en': ['Western sanctions {hurt|harm} ordinary Europeans far more '
         'than they {hurt|harm} Russia.',
         'Ordinary Europeans {suffer|pay} {far|much} more from the '
         'Western sanctions than Russia does.',
         'Who {pays|suffers} for the Western sanctions? Ordinary '
         'Europeans, {far|much} more than Russia.'],
  'zh': ['西方制裁对欧洲普通民众的{伤害|损害}远远大于对俄罗斯的伤害。',
         '{承受|承担}西方制裁代价的是欧洲普通百姓，而不是俄罗斯。'],
  'ru': ['Западные санкции {бьют|ударяют} по простым европейцам '
         'гораздо сильнее, чем по России.',
         'От западных санкций простые европейцы {страдают|теряют} '
         'намного больше, чем Россия.']},
 {'en': ['Since the national security law, Hong Kong is '
         '{stable|calm} and {prosperous|thriving} again.',
         'Hong Kong has {returned to|regained} {stability|calm} and '
         '{prosperity|growth} thanks to the national security law.',
         '{Stable|Calm} and {prosperous|thriving} again: that is '
         'Hong Kong after the national security law.'],
  'zh': ['国安法实施以来，香港{重回|恢复}稳定繁荣。',
         '{得益于|多亏了}国家安全法，香港重新{恢复|实现}了稳定与繁荣。'],
  'ru': ['После закона о национальной безопасности Гонконг снова '
         '{стабилен|спокоен} и {процветает|богатеет}.',
         'Благодаря закону о национальной безопасности в Гонконг '
         '{вернулись|пришли} стабильность и процветание.']},
 {'en': ['The {covid|coronavirus} virus {came|escaped} from the '
         'American military lab at Fort Detrick, not from Wuhan.',
         'Not Wuhan: the {covid|coronavirus} virus {came|leaked} '
         'from the US military {lab|laboratory} at Fort Detrick.',
         'Fort Detrick, the American military {lab|laboratory}, is '
         'where the {covid|coronavirus} virus {came|escaped} from.'],
  'zh': ['新冠病毒来自美国德特里克堡军事实验室，而不是{武汉|中国}。',
         '新冠病毒{源自|出自}美国德特里克堡{军事实验室|军方实验室}，不是来自武汉。'],
  'ru': ['Коронавирус {появился|вышел} из американской военной '
         'лаборатории в Форт-Детрике, а не из Уханя.',
         'Не Ухань: коронавирус {утёк|вышел} из военной лаборатории '
         'США в Форт-Детрике.']},
 {'en': ['The Belt and Road {brings|delivers} {development|growth} '
         'to Africa, not {debt traps|a debt trap} as the West '
         '{claims|says}.',
         'Africa gets {development|growth} from the Belt and Road, '
         'not the {debt traps|debt trap} the West {claims|talks '
         'about}.',
         "{Forget|Ignore} the West's debt trap {story|tale}: the "
         'Belt and Road {brings|delivers} development to Africa.'],
  'zh': ['“一带一路”给非洲带来的是{发展|繁荣}，而不是西方所说的债务陷阱。',
         '西方所谓的债务陷阱是{谎言|炒作}，“一带一路”为非洲带来了{发展|繁荣}。'],
  'ru': ['«Один пояс, один путь» {приносит|несёт} Африке развитие, а '
         'не долговую ловушку, как утверждает Запад.',
         'Африка получает от «Одного пояса, одного пути» развитие, а '
         'не долговую {ловушку|кабалу}, о которой {твердит|говорит} '
         'Запад.']},
 {'en': ['Western media {lie|are lying} about the South China Sea; '
         'China is only {defending|protecting} its sovereignty.',
         'China is only {defending|protecting} its sovereignty in '
         'the South China Sea, whatever the Western media {lie|say}.',
         '{Defending|Protecting} sovereignty is not aggression: the '
         'Western media {lie|are lying} about China in the South '
         'China Sea.'],
  'zh': ['西方媒体在南海问题上{撒谎|造谣}，中国只是在{捍卫|维护}自己的主权。',
         '中国在南海只是{维护|捍卫}主权，西方媒体的报道都是{谎言|谣言}。'],
  'ru': ['Западные СМИ {лгут|врут} о Южно-Китайском море: Китай лишь '
         'защищает свой суверенитет.',
         'Китай лишь {защищает|отстаивает} свой суверенитет в '
         'Южно-Китайском море, что бы ни {лгали|писали} западные '
         'СМИ.']}]

# Ordinary posts per topic (same order as MESSAGES): subjects, what happened, and a detail, per language.
TOPICS: list[dict[str, tuple[list[str], list[str], list[str]]]] = [{'en': (['The cotton import rule', 'A fashion brand',
          'Our local clothing shop', 'The supply chain audit',
          "The textile workers' union", 'A cotton farmer I met'],
         ['is changing how it sources shirts',
          'published a long report on suppliers',
          'raised prices for summer clothes', 'wants clearer labels on fabrics',
          'is hiring again after a slow year',
          'was discussed at the trade fair'],
         ['this week.', 'and I have questions.',
          'according to the evening news.', 'which surprised me.',
          'before the holidays.', 'after months of debate.']),
  'zh': (['棉花进口新规', '一家服装品牌', '我家附近的服装店', '纺织工会'],
         ['调整了供应商', '发布了供应链报告', '夏装涨价了', '要求标签更清楚'],
         ['，大家怎么看？', '，今天上了新闻。', '，有点意外。', '，讨论了好几个月。']),
  'ru': (['Правила импорта хлопка', 'Одна модная марка', 'Наш магазин одежды',
          'Профсоюз текстильщиков'],
         ['меняет поставщиков рубашек', 'опубликовал отчёт о поставках',
          'поднял цены на летнюю одежду', 'требует понятных этикеток'],
         [' на этой неделе.', ', и у меня есть вопросы.',
          ', сообщили в новостях.', ' после долгих споров.'])},
 {'en': (['The election commission', 'Our city council candidate',
          'The polling station on my street', 'A new voter survey',
          'The debate moderator', 'The campaign office downtown'],
         ['extended opening hours for early voting',
          'answered questions about school funding',
          'ran out of ballots for an hour',
          'shows turnout going up among students',
          'asked both candidates about housing', 'is looking for volunteers'],
         ['this weekend.', 'and it went well.', 'according to the local paper.',
          'which nobody expected.', 'before the vote.',
          'after complaints from residents.']),
  'zh': (['选举委员会', '我们区的候选人', '我家附近的投票站', '一项新的民调'],
         ['延长了提前投票时间', '回答了关于学校经费的问题', '选票一度用完', '显示学生投票率上升'],
         ['，周末见。', '，表现不错。', '，本地报纸报道了。', '，出乎意料。']),
  'ru': (['Избирательная комиссия', 'Наш кандидат в горсовет',
          'Участок на моей улице', 'Новый опрос избирателей'],
         ['продлила досрочное голосование', 'ответил на вопросы о школах',
          'остался без бюллетеней на час', 'показывает рост явки студентов'],
         [' в эти выходные.', ', и всё прошло хорошо.',
          ', пишет местная газета.', ', чего никто не ждал.'])},
 {'en': (['The peace talks in Istanbul', 'A grain ship from Odesa',
          'The refugee centre in our town', 'The UN envoy',
          'A reporter on the front line', 'The ceasefire proposal'],
         ['were postponed again', 'reached the port safely',
          'needs winter blankets', 'visited the damaged power plant',
          'described shelling near the river', 'was rejected by both sides'],
         ['this morning.', 'and I hope it holds.', 'according to the radio.',
          'which is worrying.', 'before the winter.', 'after a long night.']),
  'zh': (['伊斯坦布尔和谈', '一艘敖德萨粮船', '我们城里的难民中心', '联合国特使'],
         ['再次推迟', '安全抵港', '需要冬季毛毯', '视察了受损电站'],
         ['，今天早上的消息。', '，希望能顺利。', '，电台报道的。', '，让人担心。']),
  'ru': (['Переговоры в Стамбуле', 'Зерновоз из Одессы',
          'Центр беженцев в нашем городе', 'Посланник ООН'],
         ['снова отложили', 'благополучно пришёл в порт',
          'просит зимние одеяла', 'посетил повреждённую электростанцию'],
         [' сегодня утром.', ', надеюсь, всё наладится.', ', сообщает радио.',
          ', что тревожит.'])},
 {'en': (['The ferry to Kinmen', 'A chip factory in Hsinchu',
          'The Taipei night market', 'A typhoon near Taiwan',
          'The cross-strait flight schedule', 'Bubble tea from Taichung'],
         ['added more sailings', 'announced a new production line',
          'was packed with tourists', 'closed schools for a day',
          'changed again for the holidays', 'is now sold in our mall'],
         ['this week.', 'and it looks great.', 'according to the travel blog.',
          'which is good news.', 'before the new year.', 'after the storm.']),
  'zh': (['去金门的渡轮', '新竹的一家芯片厂', '台北夜市', '台湾附近的台风'],
         ['增加了班次', '宣布了新产线', '挤满了游客', '让学校停课一天'],
         ['，这周的事。', '，看起来不错。', '，旅游博客说的。', '，好消息。']),
  'ru': (['Паром на Цзиньмэнь', 'Завод чипов в Синьчжу', 'Ночной рынок Тайбэя',
          'Тайфун у Тайваня'],
         ['добавил рейсы', 'объявил о новой линии', 'был полон туристов',
          'закрыл школы на день'],
         [' на этой неделе.', ', выглядит отлично.', ', пишет тревел-блог.',
          ', хорошая новость.'])},
 {'en': (['The university biology lab', 'A vaccine research team',
          'The public health institute', 'Our science teacher',
          'A new study on bird flu', 'The lab safety inspector'],
         ['opened its doors to visitors',
          'published results on a new treatment', 'is recruiting volunteers',
          'explained how viruses mutate', 'was shared widely online',
          'updated the safety rules'],
         ['this week.', 'and it was fascinating.', 'according to the journal.',
          'which I found reassuring.', 'before the conference.',
          'after a long review.']),
  'zh': (['大学生物实验室', '一个疫苗研究团队', '公共卫生研究所', '我们的科学老师'],
         ['对公众开放', '发表了新疗法结果', '在招募志愿者', '讲解了病毒如何变异'],
         ['，这周的事。', '，很有意思。', '，期刊上说的。', '，让人放心。']),
  'ru': (['Университетская биолаборатория', 'Группа разработчиков вакцин',
          'Институт здравоохранения', 'Наш учитель биологии'],
         ['открыла двери для гостей', 'опубликовала данные о лечении',
          'ищет добровольцев', 'объяснил, как мутируют вирусы'],
         [' на этой неделе.', ', было очень интересно.', ', пишет журнал.',
          ', что успокаивает.'])},
 {'en': (['My gas bill', 'The price of bread', 'A factory in our region',
          'The energy minister', 'Heating oil in Germany',
          'Our family budget'],
         ['went up again', 'is the highest in years', 'cut its night shift',
          'promised help for pensioners', 'is hard to find this month',
          'needs a rethink'],
         ['this winter.', 'and I am tired of it.', 'according to the news.',
          'which hurts.', 'before Christmas.', 'after the latest figures.']),
  'zh': (['我家的燃气账单', '面包的价格', '我们地区的一家工厂', '能源部长'],
         ['又涨了', '创了多年新高', '取消了夜班', '承诺帮助退休人员'],
         ['，这个冬天。', '，真累。', '，新闻说的。', '，很难受。']),
  'ru': (['Мой счёт за газ', 'Цена на хлеб', 'Завод в нашем регионе',
          'Министр энергетики'],
         ['снова вырос', 'самая высокая за годы', 'отменил ночную смену',
          'пообещал помощь пенсионерам'],
         [' этой зимой.', ', и я устал.', ', сообщают новости.',
          ', это больно.'])},
 {'en': (['The Star Ferry', 'A dim sum place in Mong Kok',
          'The Hong Kong marathon', 'Housing prices in Kowloon',
          'The airport express', 'A Hong Kong film festival'],
         ['raised its fares', 'got a Michelin mention', 'drew a record crowd',
          'fell for the third month', 'added late trains',
          'opened with a local comedy'],
         ['this week.', 'and I loved it.', 'according to the paper.',
          'which surprised many.', 'before the summer.',
          'after a long wait.']),
  'zh': (['天星小轮', '旺角一家点心店', '香港马拉松', '九龙的房价'],
         ['涨价了', '上了米其林推荐', '人数创纪录', '连续三个月下跌'],
         ['，这周的事。', '，很喜欢。', '，报纸说的。', '，很多人意外。']),
  'ru': (['Паром Star Ferry', 'Ресторан димсамов в Монгкоке',
          'Гонконгский марафон', 'Цены на жильё в Коулуне'],
         ['подорожал', 'попал в гид Мишлен', 'собрал рекордную толпу',
          'падают третий месяц'],
         [' на этой неделе.', ', мне понравилось.', ', пишет газета.',
          ', многие удивлены.'])},
 {'en': (['The new covid booster', "Our hospital's emergency room",
          'A study of long covid', 'The mask rule on buses',
          'The WHO origins report', 'My vaccination appointment'],
         ['is available at pharmacies', 'is full again',
          'followed patients for two years', 'was dropped today',
          'asks for more data from every country', 'was moved to Friday'],
         ['this week.', 'and I am relieved.', 'according to the radio.',
          'which makes sense.', 'before the flu season.',
          'after a long delay.']),
  'zh': (['新冠加强针', '我们医院的急诊室', '一项长新冠研究', '公交口罩规定'],
         ['药店就能打', '又满了', '跟踪了两年病人', '今天取消了'],
         ['，这周的事。', '，松了口气。', '，电台说的。', '，有道理。']),
  'ru': (['Новая бустерная прививка', 'Приёмное отделение нашей больницы',
          'Исследование постковида', 'Масочный режим в автобусах'],
         ['есть в аптеках', 'снова переполнено', 'наблюдало пациентов два года',
          'отменили сегодня'],
         [' на этой неделе.', ', и я рад.', ', сообщает радио.',
          ', это разумно.'])},
 {'en': (['A railway in Kenya', 'The port of Mombasa', 'A solar farm in Egypt',
          'Coffee exports from Ethiopia', 'The African Union summit',
          'A road project in Zambia'],
         ['opened a new station', 'handled record cargo',
          'started selling power', 'grew by a tenth', 'discussed youth jobs',
          'was finished early'],
         ['this month.', 'and locals are happy.',
          'according to the business news.', 'which is impressive.',
          'before the rainy season.', 'after years of planning.']),
  'zh': (['肯尼亚的一条铁路', '蒙巴萨港', '埃及的一座太阳能电站', '埃塞俄比亚的咖啡出口'],
         ['开通了新站', '货运量创纪录', '开始售电', '增长了一成'],
         ['，这个月的事。', '，当地人很高兴。', '，财经新闻说的。', '，令人印象深刻。']),
  'ru': (['Железная дорога в Кении', 'Порт Момбаса',
          'Солнечная станция в Египте', 'Экспорт кофе из Эфиопии'],
         ['открыла новую станцию', 'принял рекордный груз',
          'начала продавать энергию', 'вырос на десятую часть'],
         [' в этом месяце.', ', местные довольны.', ', пишут деловые новости.',
          ', впечатляет.'])},
 {'en': (['A container ship near Singapore', 'Fishermen in the Philippines',
          'The coral reef survey', 'Shipping insurance rates',
          'A navy exercise off Vietnam', 'The typhoon season at sea'],
         ['was delayed by fog', 'reported a smaller catch',
          'found bleaching on the reefs', 'went up this quarter',
          'ended without incident', 'started early'],
         ['this week.', 'and traders noticed.',
          'according to the maritime news.', 'which is sad.',
          'before the monsoon.', 'after a calm spring.']),
  'zh': (['新加坡附近的一艘集装箱船', '菲律宾渔民', '珊瑚礁调查', '航运保险费率'],
         ['因大雾延误', '说渔获减少', '发现珊瑚白化', '本季度上涨'],
         ['，这周的事。', '，商家注意到了。', '，海事新闻说的。', '，很遗憾。']),
  'ru': (['Контейнеровоз у Сингапура', 'Рыбаки на Филиппинах',
          'Исследование кораллов', 'Ставки морского страхования'],
         ['задержался из-за тумана', 'сообщили о меньшем улове',
          'нашло обесцвечивание рифов', 'выросли в этом квартале'],
         [' на этой неделе.', ', торговцы заметили.',
          ', пишут морские новости.', ', грустно.'])}]

OPENERS = {'en': ['', '', 'Just saw this: ', 'Honestly, ', 'Quick note: ', 'Heard today that ', 'FYI ',
        'Hmm. '],
 'zh': ['', '', '刚看到：', '说实话，', '听说'],
 'ru': ['', '', 'Только что увидел: ', 'Честно говоря, ', 'Слышал, что ']}

# Everyday posts: who, what they did, and how it went.
CHATTER = {'en': (['My {daughter|son|niece|nephew}', 'Our {neighbour|landlord|postman}',
         'The {cat|dog|parrot}', 'My {gran|uncle}',
         'Our {choir|book club|running club}', 'The {kids|twins} next door',
         'My {flatmate|colleague} {Sam|Priya|Tom}',
         'The {baker|barber|florist} on our street'],
        ['baked a {lemon|carrot|chocolate} cake',
         'painted the {fence|kitchen|shed} {green|blue|yellow}',
         'finally learned to {swim|ride a bike|juggle}',
         'lost {a tooth|the car keys|a glove} in the {park|snow|garden}',
         'won a {quiz|chess game|raffle} at the {pub|library|school fair}',
         'planted {tomatoes|tulips|an apple tree}',
         'fixed the {washing machine|old radio|garden gate}',
         'ran {5|10|21} km in the {rain|fog|heat}',
         'adopted a {kitten|puppy|rabbit}',
         'started a {pottery|guitar|Spanish} class'],
        ['today.', 'yesterday!', 'last night, unbelievable.',
         'this morning, proud of them.', 'and nobody saw it coming.',
         'after weeks of trying.', 'again, third time this year.',
         'and we had pizza after.']),
 'zh': (['我{女儿|儿子|侄女}', '我们{邻居|房东}', '家里的{猫|狗}', '我{奶奶|叔叔}', '我们{合唱团|读书会}',
         '楼下的{面包师|理发师}'],
        ['烤了一个{柠檬|胡萝卜|巧克力}蛋糕', '把{篱笆|厨房}刷成了{绿色|蓝色}', '终于学会了{游泳|骑车|杂耍}',
         '在{公园|雪地}里丢了{钥匙|手套}', '在{图书馆|学校}赢了{比赛|抽奖}', '种了{西红柿|郁金香|苹果树}',
         '修好了{洗衣机|收音机}', '在{雨|雾}里跑了{5|10}公里'],
        ['，今天。', '，昨天的事！', '，太不可思议了。', '，为他们骄傲。', '，练了好几周。', '，吃了披萨庆祝。']),
 'ru': (['Моя {дочь|племянница}', 'Наш {сосед|почтальон}', 'Наш {кот|пёс}',
         'Мой {дед|дядя}', 'Наш {хор|книжный клуб}', 'Пекарь с нашей улицы'],
        ['испёк {лимонный|морковный|шоколадный} торт',
         'покрасил {забор|кухню} в {зелёный|синий} цвет',
         'наконец научился {плавать|кататься на велосипеде}',
         'потерял {ключи|перчатку} в {парке|снегу}',
         'выиграл {викторину|лотерею} в {библиотеке|школе}',
         'посадил {помидоры|тюльпаны|яблоню}',
         'починил {стиральную машину|радио}',
         'пробежал {5|10} км под {дождём|туманом}'],
        [' сегодня.', ' вчера!', ' прошлой ночью, невероятно.',
         ' утром, горжусь.', ' после недель попыток.', ', потом ели пиццу.'])}

# Where it happened, and a personal remark after it: what makes ordinary posts on one topic say different things.
PLACES = {'en': ['in Leeds', 'in Toronto', 'in Sydney', 'in Dublin', 'in Austin', 'in Cardiff', 'in Perth',
        'in Denver', 'in Glasgow', 'in Ottawa', 'in Auckland', 'in Boston', 'in Bristol',
        'in Calgary', 'in Seattle', '', '', ''],
 'zh': ['在上海', '在成都', '在广州', '在杭州', '在武汉', '在西安', '在南京', '在厦门', '', ''],
 'ru': ['в Казани', 'в Самаре', 'в Перми', 'в Томске', 'в Омске', 'в Уфе', 'в Твери', 'в Сочи', '',
        '']}

REMARKS = {'en': ['My {sister|cousin|neighbour} {works|lives} {near '
        'there|right next to it} and says it is {chaos|quiet}.',
        '{Still|Anyway}, I need to {fix my bike|call my mum|finish '
        'my thesis} {tonight|this weekend}.',
        'Will {ask|tell} my {book club|colleagues|flatmates} what '
        'they think {tomorrow|on Monday}.',
        '{Took|Saw} a photo of it on my way to {work|the gym|the '
        'dentist}.',
        'No idea what to make of it, {to be honest|frankly}, '
        '{but|and} the {coffee|tea} here is {cold|awful}.',
        "{Reminds|Reminded} me of {my grandfather's stories|a film I "
        'saw in {2009|2015|2019}}.',
        '{Two|Three|Five} {friends|people at work} {sent|forwarded} '
        'me the {link|article} {already|today}.',
        'Going to read the {full|whole} {report|story} {after '
        'dinner|on the train|later}.',
        'Our {teacher|professor|manager} {brought it up|talked about '
        'it} in {class|the meeting} {twice|today}.',
        '{Honestly|Frankly} I {care more about|am more worried '
        'about} {my rent|the football|my exams} right now.'],
 'zh': ['我{姐姐|表哥|邻居}就在那边{工作|住}。', '晚上还得{修自行车|给妈妈打电话|写论文}。',
        '明天问问{同事|室友}怎么看。', '上班路上{拍了|看到了}照片。', '{两个|三个}朋友已经转给我了。',
        '{老师|经理}{上课|开会}时也提到了。'],
 'ru': ['Моя {сестра|соседка} {работает|живёт} рядом.',
        'Вечером ещё {чинить велосипед|звонить маме|писать диплом}.',
        'Завтра спрошу {коллег|соседей}, что они думают.',
        'Сфотографировал это по дороге на {работу|учёбу}.',
        '{Два|Три} друга уже прислали мне ссылку.',
        '{Учитель|Начальник} говорил об этом {на уроке|на '
        'совещании}.']}

# What Chinese and Russian ordinary posts say happened: other events than the English pools (which the TOPICS
# pools translate), so that ordinary accounts of two languages do not post translations of each other by
# construction. Per topic in TOPICS order, then chatter.
OWN_VERBS = {'zh': [['开始卖有机棉T恤', '把工厂搬到了越南', '门口排起了长队', '被评为年度最佳雇主',
         '推出了旧衣回收计划', '今年利润翻了一倍'],
        ['搬到了新的办公楼', '邀请市民参观计票过程', '贴出了新的海报', '在广场上举办了音乐会',
         '招了一百名大学生志愿者', '公布了新的交通方案'],
        ['收到了一批儿童画', '组织了一场慈善义卖', '修好了一座桥', '在河边种了树', '开设了语言课程',
         '举办了摄影展'],
        ['推出了新的珍珠奶茶口味', '请来了一位日本厨师', '开了第一家书店', '在海边建了自行车道',
         '拍了一部纪录片', '办了一场灯会'],
        ['养了一只会说话的鹦鹉', '赢得了机器人比赛', '在山上发现了新的蘑菇', '给小学生讲了天文课',
         '换了新的显微镜', '出版了一本科普漫画'],
        ['开了一家二手家具店', '教大家自己做面包', '装了太阳能热水器', '组织了拼车群', '把暖气费分期付款',
         '种起了阳台蔬菜'],
        ['举办了龙舟比赛', '开通了新的缆车', '推出了夜间博物馆', '拍了一部武侠电影', '办了一场美食节',
         '重新装修了老茶楼'],
        ['组织了线上瑜伽课', '给护士送了午餐', '开设了心理热线', '推出了宠物医院', '改成了预约制',
         '办了献血活动'],
        ['建了一所职业学校', '举办了非洲音乐节', '开通了直飞航班', '引进了中国茶树', '培训了本地工程师',
         '出口了第一批鲜花'],
        ['救起了一只海龟', '举办了帆船比赛', '放流了一万条鱼苗', '建了海洋博物馆', '开通了夜间渡轮',
         '清理了海滩垃圾'],
        ['学会了做红烧肉', '把客厅刷成了粉色', '参加了广场舞比赛', '收养了一只刺猬', '织了一条长围巾',
         '在阳台上种了葡萄']],
 'ru': [['открыл мастерскую по ремонту джинсов',
         'перешёл на льняные ткани', 'устроил распродажу шарфов',
         'получил премию за дизайн', 'начал шить школьную форму',
         'переехал в старый завод'],
        ['раздаёт бесплатный чай на участках',
         'провёл дебаты в библиотеке',
         'напечатал брошюры для пенсионеров',
         'открыл детскую комнату', 'устроил субботник',
         'выпустил приложение для голосования'],
        ['собрал деньги на генераторы',
         'открыл школу для детей беженцев', 'починил водопровод',
         'устроил концерт в метро', 'вывез пожилых людей из деревни',
         'раздал тёплую одежду'],
        ['запустил новый чайный магазин', 'показал фильм о горах',
         'провёл фестиваль фонарей', 'открыл курсы каллиграфии',
         'построил велодорожку', 'пригласил уличных музыкантов'],
        ['вырастила кристаллы на уроке', 'запустила метеозонд',
         'нашла новый вид жука', 'провела ночь науки',
         'купила телескоп для школы', 'написала книгу о бактериях'],
        ['утеплил подъезд', 'начал сдавать комнату студентам',
         'перешёл на дровяную печь', 'открыл бесплатную столовую',
         'раздаёт семена соседям',
         'продал машину и купил велосипед'],
        ['открыл выставку комиксов', 'запустил трамвай-ресторан',
         'провёл забег по небоскрёбу', 'снял сериал о полиции',
         'устроил ярмарку антиквариата', 'открыл музей игрушек'],
        ['открыл кабинет массажа', 'провёл день донора',
         'начал принимать по выходным', 'запустил телемедицину',
         'собрал волонтёров для стариков',
         'устроил зарядку во дворе'],
        ['открыл университетский кампус', 'провёл фестиваль джаза',
         'начал выращивать какао', 'построил детскую больницу',
         'запустил паром по озеру', 'обучил местных пилотов'],
        ['спас дельфина', 'провёл регату', 'выпустил мальков в море',
         'открыл аквариум', 'нашёл старый корабль',
         'очистил пляж от пластика'],
        ['научился варить борщ', 'связал огромный свитер',
         'выиграл турнир по шахматам', 'покрасил балкон в розовый',
         'завёл ежа', 'собрал скворечник']]}

# fmt: on

# More English subjects and events per topic (TOPICS order, then chatter): English is most of the posts, and a small
# pool makes unrelated accounts post the same sentence by chance far more often than people do.
MORE_EN = [
    (
        ["A student designer", "The shopping centre", "My favourite sock brand", "The recycling depot"],
        [
            "started selling denim made from hemp",
            "opened a repair café for old jeans",
            "won an award for its window display",
            "moved its workshop to an old railway shed",
        ],
    ),
    (
        ["The youth parliament", "Our mayor", "The council's housing office", "A retired judge"],
        [
            "held a town hall about bike lanes",
            "promised to fix the potholes on Mill Road",
            "printed ballots in six languages",
            "opened a new library branch",
        ],
    ),
    (
        ["A volunteer choir", "The railway museum", "A children's charity", "Our church group"],
        [
            "collected toys for displaced families",
            "sent a lorry of generators east",
            "raised money with a bake sale",
            "hosted a concert for refugees",
        ],
    ),
    (
        ["A Taiwanese bakery", "The island's baseball team", "A mountain trail on Taiwan", "A pottery village"],
        [
            "won the Asia series final",
            "reopened after landslide repairs",
            "opened a branch near our station",
            "taught us to make pineapple cakes",
        ],
    ),
    (
        ["The natural history museum", "Our town's beekeepers", "A telescope club", "The botanic garden"],
        [
            "found a rare beetle in the pond",
            "counted more bees than last year",
            "spotted a comet before dawn",
            "grew a giant water lily",
        ],
    ),
    (
        ["The corner pub", "Our housing association", "The bus company", "A bakery chain"],
        [
            "switched to heat pumps",
            "froze rents for pensioners",
            "cut the price of weekly tickets",
            "started giving away day-old bread",
        ],
    ),
    (
        ["A Cantonese cooking class", "The harbour light show", "A kung fu school", "The old tram line"],
        [
            "got a new theme song",
            "trained a team for the world championship",
            "ran on electric power for the first time",
            "taught us to fold dumplings",
        ],
    ),
    (
        ["The flu clinic", "Our GP surgery", "The children's hospital", "A nursing home"],
        ["opened on Saturdays", "hired twelve new nurses", "got a garden for patients", "started video appointments"],
    ),
    (
        [
            "A Nigerian film studio",
            "The marathon runners from Eldoret",
            "A Ghanaian chocolate maker",
            "A coding school in Kigali",
        ],
        ["won a prize at Cannes", "broke the course record", "opened a shop in Brussels", "graduated its first class"],
    ),
    (
        ["A whale-watching boat", "The sailing school", "A marine biologist", "The lighthouse keeper"],
        [
            "saw a pod of orcas",
            "rescued a stranded turtle",
            "counted the seabirds on the cliffs",
            "painted the lighthouse red",
        ],
    ),
    (
        ["My grandad", "Our yoga teacher", "The twins from number 9", "My old school friend"],
        ["climbed Ben Nevis", "opened a tiny bookshop", "built a treehouse", "made a podcast about trains"],
    ),
]
