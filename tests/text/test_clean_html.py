from docket.model import Document
from docket.text import prepare
from docket.text.clean_html import clean_html

BODY = " ".join(["The men were held in a basement for nine days and were denied food and water."] * 3)
PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Refusers locked in a basement in Luhansk | The Example Times</title>
<meta property="article:published_time" content="2022-11-15T09:00:00+02:00">
</head><body>
<div class="cookie-banner"><p>We use cookies to improve your experience. Accept all cookies</p></div>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/russia">Russia</a></nav></header>
<main><article>
<h1>Refusers locked in a basement in Luhansk</h1>
<div class="share-top">Share: <a href="#">Facebook</a> <a href="#">Twitter</a></div>
<p>About twenty mobilised men who refused to return to the front were locked in a basement, their relatives said on Tuesday.</p>
<p>{BODY}</p>
<figure><img src="a.jpg"><figcaption>The building where the men were held. Photo: social media</figcaption></figure>
<p>Relatives said the commanders threatened them with ten years in prison for refusing to fight.</p>
<p>Read also: Families of mobilised men search for answers</p>
<div class="donate"><p>Support independent journalism: make a monthly donation today.</p></div>
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Bus routes change from Monday</a></li>
<li><a href="/b">Weather: a warm weekend ahead</a></li></ul></aside></main>
<footer><p>© 2003–2024 The Example Times. All rights reserved.</p></footer></body></html>"""


def test_html_cleaner_keeps_article_and_drops_furniture():
    result = clean_html(PAGE)
    assert result.title == "Refusers locked in a basement in Luhansk"
    assert result.published == "2022-11-15"
    assert result.text.startswith("About twenty mobilised men")
    assert "ten years in prison" in result.text
    for junk in ("cookies", "Share", "Bus routes", "Read also", "donation", "©", "Photo:", "Refusers locked"):
        assert junk not in result.text, junk
    assert "\n\n" in result.text and "\n\n\n" not in result.text


def test_prepare_html_puts_title_once_and_reads_meta_date():
    doc = prepare(Document(id="d", name="d.html", blob_sha256="", format="html", html=PAGE))
    assert doc.text.split("\n\n")[0] == "Refusers locked in a basement in Luhansk"
    assert doc.text.count("Refusers locked in a basement") == 1
    assert doc.language == "en"
    assert doc.published is not None and doc.published.iso(doc.published.start) == "2022-11-15"
    assert doc.published_source == "html-meta"


def test_fallback_when_trafilatura_finds_nothing():
    page = "<html><body><div><p>Коротко: задержаны двое.</p></div></body></html>"
    assert "задержаны двое" in clean_html(page).text
