"""Hostile input, posted through HTTP as a participant would: nothing executable is stored
and nothing executable is rendered, on the section page, the paragraph's list, the
permalink and the fragment the page script receives. Plus the size and link limits."""

import html as html_lib
import re
from html.parser import HTMLParser

import pytest

from consultation.models import Comment
from tests.consultation.conftest import paragraph_ids

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    "javascript:alert(1)",
    "[click me](javascript:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "data:text/html,<script>alert(1)</script>",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{background:red}</style>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<button formaction=javascript:alert(1)>x</button>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img """><script>alert(1)</script>">',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<![CDATA[<script>alert(1)</script>]]>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<b onmouseover=alert(1)>bold</b>",
    '<strong style="color:red" onclick="x()">x</strong>',
    '<a href="https://example.org" onclick="alert(1)" target="_blank">ok</a>',
    '<p><a href="https://example.org">https://nhs.uk</a></p>',
    "Log in at https://nh\u0455.uk/login today",  # Cyrillic dze looks like s
    "See https://nhs.uk@evil.example/login",
    "file\u202egnp.exe",  # right-to-left override
    "zero\u200bwidth\u200cnon\ufeffjoiners",
    "\u2066isolate\u2069 and \u200fmark",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<a href='https://example.org/' title='\" onmouseover=alert(1)'>x</a>",
    "<xss:script xmlns:xss='http://www.w3.org/1999/xhtml'>alert(1)</xss:script>",
    "<isindex action=javascript:alert(1) type=image>",
    "<base href='javascript:alert(1)//'>",
    "**<script>alert(1)</script>**",
    "> <img src=x onerror=alert(1)>",
    "- <a href=javascript:alert(1)>item</a>\n- second",
    "a\x00b<script>alert(1)</script>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<svg><a xlink:href='javascript:alert(1)'><text>x</text></a></svg>",
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "http://example.org/<script>alert(1)</script>",
    'https://example.org/?q="onmouseover=alert(1)',
    "*<img src=x onerror=alert(1)>*",
    "1. <iframe srcdoc='<script>alert(1)</script>'>",
]

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "a"}
DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "link",
    "meta",
    "base",
    "img",
    "frame",
    "frameset",
    "video",
    "audio",
    "source",
    "template",
    "noscript",
    "isindex",
    "marquee",
}  # fmt: skip  (forms and buttons are page furniture; bodies may hold none, checked above)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}
INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\x00]")


class Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def elements(html):
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def unsafe_url(value):
    squashed = re.sub(r"[\s\x00-\x1f]", "", html_lib.unescape(value or "")).lower()
    return squashed.startswith(("javascript:", "data:", "vbscript:"))


def problems_in_user_html(html):
    """What is wrong with a piece of stored or rendered user HTML (empty when safe)."""
    found = []
    for tag, attrs in elements(html):
        if tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
        for name, value in attrs:
            if tag != "a" or name not in {"href", "rel", "title"}:
                found.append(f"attribute {name} on <{tag}>")
            if name == "href" and not re.match(r"^(https?:|mailto:)", value or ""):
                found.append(f"href {value!r}")
            if name == "href" and unsafe_url(value):
                found.append(f"unsafe href {value!r}")
        if tag == "a" and dict(attrs).get("rel") != "nofollow ugc noopener":
            found.append(f"link without rel: {attrs}")
    if INVISIBLE.search(html):
        found.append("invisible or direction characters")
    return found


def problems_in_page(html, baseline):
    """Anything executable in a whole page that the same page without comments lacks."""
    found = []
    counts = {}
    for tag, attrs in elements(html):
        if tag in DANGEROUS_TAGS:
            counts[tag] = counts.get(tag, 0) + 1
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"event handler {name} on <{tag}>")
            if name in URL_ATTRIBUTES and unsafe_url(value):
                found.append(f"unsafe {name} {value!r} on <{tag}>")
            if name == "style" and "javascript" in (value or "").lower():
                found.append("script in a style attribute")
    for tag, count in counts.items():
        if count > baseline.get(tag, 0):
            found.append(f"{count - baseline.get(tag, 0)} more <{tag}> than without comments")
    return found


def tag_counts(html):
    counts = {}
    for tag, _attrs in elements(html):
        if tag in DANGEROUS_TAGS:
            counts[tag] = counts.get(tag, 0) + 1
    return counts


def comment_bodies(html):
    return re.findall(r'<div class="hub-comment__body">(.*?)</div>', html, flags=re.S)


def test_corpus_is_big_enough():
    assert len(HOSTILE) >= 50


def test_hostile_comments_are_stored_and_rendered_inert(client, section, consultation, user):
    pid = paragraph_ids(section)[0]
    list_url = f"/consultation/{consultation.slug}/sections/{section.pk}/comments/{pid}/"
    client.force_login(user)
    baseline = {
        "section": tag_counts(client.get(section.url).content.decode()),
        "list": tag_counts(client.get(list_url).content.decode()),
    }
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/?paragraph={pid}"
    baseline["form"] = tag_counts(client.get(url).content.decode())
    failures = []
    accepted = []
    for number, text in enumerate(HOSTILE):
        response = client.post(url, {"body": text, "key": f"hostile-{number}"})
        if response.status_code == 302:
            accepted.append(text)
        elif "There is a problem" not in response.content.decode():
            failures.append((text, f"status {response.status_code} without an error message"))
        else:
            # Refused with a message (a NUL byte): the refusal page must be inert too.
            refusal = response.content.decode()
            failures.extend((text, "form", p) for p in problems_in_page(refusal, baseline["form"]))
    assert not failures, failures
    assert len(accepted) >= len(HOSTILE) - 1
    comments = list(Comment.objects.order_by("pk"))
    assert len(comments) == len(accepted)

    for text, comment in zip(accepted, comments, strict=True):
        for problem in problems_in_user_html(comment.body):
            failures.append((text, "stored", problem))
        if not comment.body.strip():
            failures.append((text, "stored nothing visible"))

        permalink = client.get(comment.get_absolute_url()).content.decode()
        for problem in problems_in_page(permalink, baseline["list"]):
            failures.append((text, "permalink", problem))
        for body in comment_bodies(permalink):
            failures.extend((text, "permalink body", p) for p in problems_in_user_html(body))

    for page_number in (1, 2, 3):
        listing = client.get(list_url, {"page": page_number}).content.decode()
        failures.extend(("list", p) for p in problems_in_page(listing, baseline["list"]))
        for body in comment_bodies(listing):
            failures.extend(("list body", p) for p in problems_in_user_html(body))
    section_page = client.get(section.url).content.decode()
    failures.extend(("section", p) for p in problems_in_page(section_page, baseline["section"]))
    assert not failures, failures


def test_hostile_text_is_shown_as_text(client, section, consultation, user):
    """Typed markup is displayed, escaped, so readers see what was written."""
    client.force_login(user)
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    client.post(url, {"body": "<script>alert(1)</script> & <b>", "key": "t"})
    comment = Comment.objects.get()
    assert comment.body == "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;</p>"
    page = client.get(comment.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in page


def test_links_are_honest_and_marked_as_user_content(client, section, consultation, user):
    client.force_login(user)
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    client.post(url, {"body": "Look-alike https://nh\u0455.uk/login here", "key": "h1"})
    client.post(url, {"body": "See https://nhs.uk@evil.example/login", "key": "h2"})
    client.post(url, {"body": "Real https://www.nhs.uk/conditions/ page", "key": "h3"})
    lookalike, userinfo, real = Comment.objects.order_by("pk")
    assert 'href="https://xn--nh-foc.uk/login"' in lookalike.body
    assert ">https://xn--nh-foc.uk/login</a>" in lookalike.body  # the reader sees punycode
    assert "evil.example" not in re.findall(r'href="([^"]*)"', userinfo.body)[0]
    assert real.body == (
        '<p>Real <a href="https://www.nhs.uk/conditions/" rel="nofollow ugc noopener">'
        "https://www.nhs.uk/conditions/</a> page</p>"
    )


def test_hostile_discussion_titles_and_posts(client, topic, user):
    client.force_login(user)
    topic_url = f"/consultation/{topic.consultation.slug}/discussion/{topic.pk}/"
    baseline = tag_counts(client.get(topic_url).content.decode())
    url = f"{topic_url}new/"
    titles = [text for text in HOSTILE if "<" in text or "&" in text][:20]
    for number, title in enumerate(titles):
        response = client.post(url, {"title": title, "body": HOSTILE[number], "key": f"t{number}"})
        assert response.status_code in (200, 302), title
    posts = list(Comment.objects.filter(kind="post"))
    assert posts
    for post in posts:
        assert "<" not in post.title and ">" not in post.title, post.title
        assert not problems_in_user_html(post.body), post.body
    listing = client.get(topic_url).content.decode()
    assert not problems_in_page(listing, baseline)
    thread = client.get(posts[0].get_absolute_url()).content.decode()
    assert not problems_in_page(thread, baseline)


def test_size_limit_has_a_clear_message(client, section, consultation, user, settings):
    settings.CONSULTATION_MAX_CHARACTERS = 100
    client.force_login(user)
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    response = client.post(url, {"body": "x" * 150, "key": "big"})
    assert "Your comment is 150 characters long. Shorten it to 100 characters or fewer." in (
        response.content.decode()
    )
    huge = client.post(url, {"body": "y" * 100_000, "key": "huge"})
    assert "Your comment is too long. Shorten it to 100 characters or fewer." in (
        huge.content.decode()
    )
    # What was typed is kept in the form, so nothing is lost.
    assert "x" * 150 in response.content.decode()
    assert not Comment.objects.exists()


def test_link_limit(client, section, consultation, user, settings):
    settings.CONSULTATION_MAX_LINKS = 2
    client.force_login(user)
    url = f"/consultation/{consultation.slug}/sections/{section.pk}/comment/"
    links = " ".join(f"https://example.org/{n}" for n in range(3))
    response = client.post(url, {"body": links, "key": "links"})
    assert "Your comment has 3 web links. Include no more than 2 links." in (
        response.content.decode()
    )
    assert not Comment.objects.exists()
    client.post(url, {"body": "https://example.org/a https://example.org/b", "key": "ok"})
    assert Comment.objects.count() == 1
