"""Benchmark inputs for scripts/bench.sh, generated on the fly (nothing large is committed).

Sentences are built from our own templates with varied places, numbers,
dates and percentages, so the normaliser has real work and no two articles
share every sentence (the cache cannot answer a cold render).
"""
import random

PLACES = ["上海", "北京", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆",
          "天津", "苏州", "长沙", "郑州", "青岛", "厦门", "昆明", "沈阳", "哈尔滨", "福州"]
ORGS = ["市政府", "交通委", "教育局", "卫健委", "统计局", "发改委", "商务局", "文旅局",
        "科委", "环保局", "气象台", "人民银行分行", "港务集团", "地铁公司"]
TOPICS = ["城市更新", "科技创新", "绿色发展", "乡村振兴", "对外开放", "数字经济", "公共交通",
          "养老服务", "生态保护", "文化旅游", "人才引进", "营商环境"]
PEOPLE = ["张明", "李华", "王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周涛", "吴敏"]

TEMPLATES = [
    "{place}{org}{month}月{day}日发布消息，今年前{q}个季度全市{topic}投资同比增长{pct}%。",
    "据{place}{org}介绍，截至{year}年底，全市共建成{topic}项目{n}个，总投资约{money}亿元。",
    "{person}在接受采访时表示，{topic}不是一句口号，而是要落实到每一条街道、每一个社区。",
    "记者从{place}{org}获悉，{year}年{month}月起，{topic}相关的{n}项新政策将正式实施。",
    "{place}今天举行{topic}推进会，来自{n}家单位的代表参加会议，并就下一步工作交换了意见。",
    "数据显示，{place}{topic}领域的从业人员已超过{big}人，比五年前增加了{pct}%。",
    "专家认为，{topic}需要长期投入，短期内看到的变化只是开始，关键在于持续推进。",
    "{place}{org}负责人{person}说，下一阶段将重点解决群众反映最集中的{n}个问题。",
    "今年{month}月，{place}与{place2}签署{topic}合作协议，双方约定在{n}个领域开展合作。",
    "根据规划，到{year}年，{place}{topic}的覆盖率将达到{pct}%以上，服务人口约{big}人。",
    "{place}的{topic}试点已经运行了{n}个月，居民满意度从{pct}%提高到了{pct2}%。",
    "会议指出，要把{topic}和{topic2}结合起来，形成可复制、可推广的经验。",
    "当天上午{hour}点{minute}分，{place}{org}召开新闻发布会，通报了{topic}的最新进展。",
    "{person}告诉记者：“我们每天早上{hour}点就开始工作，一直忙到晚上，但大家都很有干劲。”",
    "{place}{org}提醒市民，{month}月{day}日至{day2}日期间部分道路将临时封闭，请提前规划出行。",
    "在{topic}方面，{place}已累计投入资金{money}亿元，带动社会投资超过{money2}亿元。",
    "有关负责人强调，{topic}要坚持问题导向，既要看数字，更要看群众的实际感受。",
    "统计显示，{year}年{place}接待游客{big}人次，旅游收入同比增长{pct}%。",
    "{place}第{n}届{topic}论坛开幕，{n2}位专家学者围绕AI和大数据应用展开讨论。",
    "下一步，{place}将继续完善{topic}政策体系，力争在{year}年前取得突破性进展。",
]


def sentence(rng):
    t = rng.choice(TEMPLATES)
    p1, p2 = rng.sample(PLACES, 2)
    t1, t2 = rng.sample(TOPICS, 2)
    return t.format(place=p1, place2=p2, org=rng.choice(ORGS), topic=t1, topic2=t2,
                    person=rng.choice(PEOPLE), month=rng.randint(1, 12), day=rng.randint(1, 28),
                    day2=rng.randint(1, 28), q=rng.randint(1, 3), year=rng.randint(2018, 2035),
                    n=rng.randint(2, 99), n2=rng.randint(10, 300), pct=round(rng.uniform(1, 95), 1),
                    pct2=round(rng.uniform(1, 99), 1), money=rng.randint(5, 900), money2=rng.randint(900, 9000),
                    big=rng.randint(10000, 9000000), hour=rng.randint(6, 11), minute=rng.randint(10, 59))


def paragraph(rng, sentences):
    return "".join(sentence(rng) for _ in range(sentences))


def markdown_article(rng, title, target_bytes, section_bytes=6000):
    """A digest: `# title`, then `##` sections of paragraphs, about target_bytes long."""
    out = [f"# {title}\n"]
    size = len(out[0].encode())
    n = 0
    while size < target_bytes:
        n += 1
        sec = [f"\n## 第{n}部分：{rng.choice(PLACES)}{rng.choice(TOPICS)}\n"]
        sec_size = 0
        while sec_size < section_bytes and size + sec_size < target_bytes:
            p = "\n" + paragraph(rng, rng.randint(2, 4)) + "\n"
            sec.append(p)
            sec_size += len(p.encode())
        text = "".join(sec)
        out.append(text)
        size += len(text.encode())
    return "".join(out)


def plain_article(rng, title, paragraphs):
    return title + "\n" + "\n".join(paragraph(rng, rng.randint(2, 4)) for _ in range(paragraphs)) + "\n"
