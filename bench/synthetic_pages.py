"""Report texts dressed as the material docket is fed: news pages and Telegram channel exports.

``bench/scale_out.py --shape article`` wraps each templated report in one of these. The sizes follow the
development corpus (``../shared/data/dev/docs``: median 3.2 KB, 90th percentile 5 KB; HTML pages with a
cookie banner, navigation, related links and a footer around the article; Telegram exports holding the
report among a channel's other posts), so that reading, cleaning and extraction cost per file is that
of real pages rather than of a bare paragraph.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random

SITES_EN = ["The Northern Ledger", "Kyiv Dispatch", "Eastern Europe Monitor", "Prison Rights Weekly", "Open Files"]
SITES_RU = ["Волжская неделя", "Сибирский вестник", "Новости Урала", "Правозащитный бюллетень"]
CHANNELS = ["Zona Watch | prison news", "Mobilization Monitor", "Зона риска | новости ФСИН", "Мобилизация: хроника"]
NAV_EN = ["World", "Russia", "Ukraine", "Investigations", "Opinion", "Podcasts", "Newsletters", "About us", "Donate"]
NAV_RU = ["Главное", "Россия", "Украина", "Расследования", "Мнения", "Подкасты", "Рассылка", "О нас", "Поддержать"]
RELATED_EN = [
    "What we know about the new conscription law", "Regional courts and the question of exemptions",
    "Interview: a lawyer on defending conscripts", "Explainer: how prisons are run in wartime",
    "Weekly digest of rights news", "Photo essay: families waiting for news",
]
RELATED_RU = [
    "Что известно о новом законе о призыве", "Как суды рассматривают отсрочки",
    "Интервью с адвокатом о защите призывников", "Объясняем: как устроены колонии во время войны",
    "Еженедельный дайджест правозащитных новостей", "Фотоистория: семьи ждут вестей",
]
CHATTER_EN = [
    "Our hotline is open on weekdays from 10:00 to 18:00. Lawyers answer questions about call-up papers, "
    "exemptions and alternative civilian service.",
    "We publish a weekly digest every Friday. Subscribe so as not to miss it, and share the channel with "
    "those who may need it.",
    "Thank you to everyone who supported the project this month. Your donations pay for lawyers and for "
    "parcels to people in detention.",
    "Correction: in yesterday's post the address of the reception office was wrong. The right address is on "
    "our website.",
]
CHATTER_RU = [
    "Горячая линия работает по будням с 10 до 18. Юристы отвечают на вопросы о повестках, отсрочках и "
    "альтернативной гражданской службе.",
    "Каждую пятницу мы публикуем дайджест. Подпишитесь, чтобы не пропустить, и поделитесь каналом с теми, "
    "кому он может понадобиться.",
    "Спасибо всем, кто поддержал проект в этом месяце. Пожертвования идут на оплату адвокатов и передачи.",
]
FOOTER_EN = ("© {year} {site}. All rights reserved. Reproduction of materials is allowed only with a link to "
             "the source. Terms of use · Privacy policy · Contact the newsroom · Advertise with us")
FOOTER_RU = ("© {year} {site}. Все права защищены. Перепечатка материалов разрешена только со ссылкой на "
             "источник. Пользовательское соглашение · Политика конфиденциальности · Связаться с редакцией")
COOKIES_EN = "We use cookies to make the site work better. By continuing to use the site you agree to our privacy policy."
COOKIES_RU = "Мы используем файлы cookie, чтобы сайт работал лучше. Продолжая пользоваться сайтом, вы соглашаетесь с политикой конфиденциальности."


# Background sentences are composed from parts, so that two reports share no more wording than two real
# articles do (a fixed set of sentences would make every report a near-copy candidate of every other).
NAMES_EN = ["Anna Petrova", "Ivan Sokolov", "Olena Kovalenko", "Dmitry Orlov", "Maria Lebedeva", "Pavel Zaitsev",
            "Svetlana Morozova", "Andriy Melnyk", "Yulia Volkova", "Sergei Belov", "Natalia Smirnova",
            "Oleksandr Bondar", "Irina Fedorova", "Alexei Kuznetsov", "Tetiana Shevchuk", "Roman Gusev"]
ROLES_EN = ["a lawyer with", "a coordinator at", "a researcher for", "the head of", "a spokeswoman for",
            "an analyst at", "a volunteer with", "a former investigator now working with"]
SUBJECTS_EN = ["conscripts", "men with medical exemptions", "prisoners' relatives", "students",
               "fathers of large families", "detainees", "reservists", "volunteers", "contract soldiers",
               "former inmates", "teachers", "factory workers"]
ISSUES_EN = ["were refused access to a lawyer", "received call-up papers at home", "were moved without notice",
             "complained about the conditions of their detention", "were told their exemptions no longer applied",
             "were questioned for hours without a record being made", "lost contact with their families",
             "were pressed to sign contracts", "were denied medical examinations"]
VERBS_EN = ["said", "told reporters", "wrote on social media", "said in an interview", "noted", "added",
            "said in a statement", "told the newspaper"]
PERIODS_EN = ["in recent weeks", "since the spring", "over the past year", "this autumn", "since the summer",
              "in the last two months", "since January", "in recent days"]
REGIONS_EN = ["the Volga region", "the Urals", "Siberia", "the North Caucasus", "the Far East", "central Russia",
              "the occupied south of Ukraine", "the Black Sea coast", "the north-west", "the border regions"]
NAMES_RU = ["Анна Петрова", "Иван Соколов", "Дмитрий Орлов", "Мария Лебедева", "Павел Зайцев",
            "Светлана Морозова", "Юлия Волкова", "Сергей Белов", "Наталья Смирнова", "Алексей Кузнецов"]
SUBJECTS_RU = ["призывники", "мужчины с отсрочкой", "родственники заключённых", "студенты", "отцы многодетных семей",
               "задержанные", "резервисты", "добровольцы", "бывшие заключённые", "учителя"]
ISSUES_RU = ["не могут встретиться с адвокатом", "получают повестки домой", "жалуются на условия содержания",
             "узнают, что их отсрочки больше не действуют", "теряют связь с семьями",
             "подвергаются давлению, чтобы подписать контракт", "не проходят медицинское освидетельствование"]
PERIODS_RU = ["в последние недели", "с весны", "за последний год", "этой осенью", "с лета", "в последние дни"]


def background(rng: random.Random, russian: bool, n: int) -> list[str]:
    """``n`` sentences of context, each composed anew."""
    out = []
    for _ in range(n):
        if russian:
            out.append(
                f"По словам {rng.choice(['юриста', 'координатора', 'исследователя', 'волонтёра'])} "
                f"{rng.choice(NAMES_RU)}, {rng.choice(PERIODS_RU)} {rng.choice(SUBJECTS_RU)} "
                f"{rng.choice(ISSUES_RU)}; таких обращений стало {rng.choice(['больше', 'заметно больше', 'вдвое больше'])}."
            )
            continue
        kind = rng.randrange(3)
        if kind == 0:
            out.append(
                f"{rng.choice(NAMES_EN)}, {rng.choice(ROLES_EN)} {rng.choice(ORGS_EN)}, {rng.choice(VERBS_EN)} that "
                f"{rng.choice(SUBJECTS_EN)} in {rng.choice(REGIONS_EN)} {rng.choice(ISSUES_EN)} {rng.choice(PERIODS_EN)}."
            )
        elif kind == 1:
            out.append(
                f"{rng.choice(PERIODS_EN).capitalize()}, {rng.choice(ORGS_EN)} has received "
                f"{rng.choice(['dozens of', 'more than a hundred', 'several', 'hundreds of'])} messages from "
                f"{rng.choice(SUBJECTS_EN)} who say they {rng.choice(ISSUES_EN).replace('were ', 'had been ', 1)}."
            )
        else:
            out.append(
                f"Asked about the reports, {rng.choice(['a regional official', 'the local prosecutor', 'a ministry spokesman', 'the prison service'])} "
                f"{rng.choice(['declined to comment', 'said the claims were being checked', 'denied any wrongdoing', 'did not reply'])}, "
                f"and {rng.choice(NAMES_EN)} {rng.choice(VERBS_EN)} that the {rng.choice(['pattern', 'practice', 'problem', 'trend'])} "
                f"was {rng.choice(['not new', 'spreading', 'well documented', 'hard to prove'])}."
            )
    return out


ORGS_EN = ["Prison Help", "Rights Line", "Volga Monitor", "Siberia Watch", "Ural Rights", "Conscripts' School",
           "the Movement of Conscientious Objectors", "Memorial's successor groups", "OVD-Info", "Citizen. Army. Law"]


def dress(rng: random.Random, suffix: str, text: str, day: dt.date) -> tuple[str, str]:
    """(suffix, content) of a page or export carrying ``text``, published a few days after ``day``."""
    russian = any("а" <= ch <= "я" for ch in text[:200].lower())
    published = day + dt.timedelta(days=rng.randrange(0, 4))
    roll = rng.random()
    if roll < 0.55:
        return ".html", _page(rng, text, published, russian)
    if roll < 0.8:
        return ".json", _telegram(rng, text, published, russian)
    extra = background(rng, russian, 4)
    return suffix, text.rstrip("\n") + "\n\n" + " ".join(extra[:2]) + "\n\n" + " ".join(extra[2:]) + "\n"


def _paragraphs(text: str) -> list[str]:
    lines = [ln.strip() for ln in text.splitlines()]
    return [ln.lstrip("#* ").rstrip("*") for ln in lines if ln]


def _page(rng: random.Random, text: str, published: dt.date, russian: bool) -> str:
    site = rng.choice(SITES_RU if russian else SITES_EN)
    paras = _paragraphs(text)
    title = paras[0].split(". ", 1)[-1][:110] if paras else site
    extra = background(rng, russian, 6)
    body = paras + [" ".join(extra[i : i + 2]) for i in range(0, len(extra), 2)]
    nav = NAV_RU if russian else NAV_EN
    related = rng.sample(RELATED_RU if russian else RELATED_EN, 4)
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"ru" if russian else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)} | {esc(site)}</title>",
        f'<meta property="og:title" content="{esc(title)}">',
        f'<meta property="og:site_name" content="{esc(site)}">',
        f'<meta property="article:published_time" content="{published.isoformat()}T09:{rng.randrange(60):02d}:00+03:00">',
        '<link rel="stylesheet" href="/static/main.css">',
        "</head>",
        "<body>",
        f'<div class="cookie-banner"><p>{esc(COOKIES_RU if russian else COOKIES_EN)}</p><button>OK</button></div>',
        f'<header class="site-header"><a class="logo" href="/">{esc(site)}</a><nav><ul>',
        *(f'<li><a href="/{i}">{esc(item)}</a></li>' for i, item in enumerate(nav)),
        "</ul></nav></header>",
        "<main><article>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="byline"><time datetime="{published.isoformat()}">{published.isoformat()}</time></p>',
        *(f"<p>{esc(p)}</p>" for p in body),
        "</article>",
        '<aside class="related"><h2>' + ("Читайте также" if russian else "Read more") + "</h2><ul>",
        *(f'<li><a href="/story/{rng.randrange(10**6)}">{esc(r)}</a></li>' for r in related),
        "</ul></aside></main>",
        f"<footer><p>{esc((FOOTER_RU if russian else FOOTER_EN).format(year=published.year, site=site))}</p></footer>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _telegram(rng: random.Random, text: str, published: dt.date, russian: bool) -> str:
    name = rng.choice(CHANNELS)
    chatter = CHATTER_RU if russian else CHATTER_EN
    posts = rng.sample(chatter, rng.randrange(1, 3)) + [" ".join(_paragraphs(text))]
    rng.shuffle(posts)
    first_id = rng.randrange(1000, 9000)
    messages = []
    for i, post in enumerate(posts):
        at = dt.datetime.combine(published, dt.time(8 + 3 * i, rng.randrange(60)))
        messages.append({
            "id": first_id + i, "type": "message", "date": at.isoformat(), "date_unixtime": str(int(at.timestamp())),
            "from": name, "from_id": "channel1638204417", "text": post,
            "text_entities": [{"type": "plain", "text": post}],
        })
    export = {"name": name, "type": "public_channel", "id": 1638204417, "messages": messages}
    return json.dumps(export, ensure_ascii=False, indent=1) + "\n"
