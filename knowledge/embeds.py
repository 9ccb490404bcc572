"""Video embeds for library resources, made accessible whatever the provider sends.

The embed HTML comes from the provider through Wagtail's oEmbed finders (and is cached in
Wagtail's Embed table). Providers usually give the iframe a title, but not always; and an
address can ask for autoplay. Here every iframe gets a title naming the video and any
autoplay switch in its address is turned off.
"""

import logging
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.embeds import embeds
from wagtail.embeds.exceptions import EmbedException

logger = logging.getLogger(__name__)

_IFRAME_TAG = re.compile(r"<iframe\b[^>]*>", re.IGNORECASE)
_HAS_TITLE = re.compile(r"\stitle\s*=", re.IGNORECASE)
_AUTOPLAY_ON = re.compile(r"([?&;](?:autoplay|auto_play|autostart)=)(?:1|true)\b", re.IGNORECASE)


def accessible_embed_html(html, *, title):
    """`html` with a title on every iframe and autoplay switched off."""

    def fix(match):
        tag = _AUTOPLAY_ON.sub(r"\g<1>0", match.group())
        if not _HAS_TITLE.search(tag):
            tag = f'{tag[:-1].rstrip("/ ")} title="{escape(title)}">'
        return tag

    return mark_safe(_IFRAME_TAG.sub(fix, html or ""))  # noqa: S308 - provider HTML, as Wagtail


def video_embed_html(*, url, title):
    """Accessible embed HTML for a video address, or '' when it cannot be embedded."""
    if not url:
        return ""
    try:
        embed = embeds.get_embed(url)
    except EmbedException:
        logger.info("No embed for a library video; the page links to it instead")
        return ""
    return accessible_embed_html(embed.html, title=title)
