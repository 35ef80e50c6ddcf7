"""What WordPress does to raw text on output: a small wpautop, shortcodes, wptexturize-like title escaping and
generated excerpts. Only `context=edit` shows the raw text; everyone else sees these rendered forms, so a
client that publishes `rendered` back would replace the author's source with HTML (what the connector must
never do)."""

import html
import re

BLOCK_TAGS = ("<div", "<p", "<ul", "<ol", "<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<blockquote", "<pre",
              "<table", "<figure", "<!--")
SHORTCODE = re.compile(r"\[(?P<name>[a-z_]+)(?P<attrs>[^\]]*)\](?:(?P<body>.*?)\[/(?P=name)\])?", re.S)


def shortcodes(text):
    """[gallery ids="1,2"] and [caption]...[/caption] become markup, as their handlers would make it."""

    def expand(m):
        name, attrs, body = m.group("name"), m.group("attrs").strip(), m.group("body")
        inner = body if body is not None else ""
        data = html.escape(attrs, quote=True)
        return '<div class="wp-shortcode wp-shortcode-%s" data-attrs="%s">%s</div>' % (name, data, inner)

    return SHORTCODE.sub(expand, text)


def autop(text):
    """Paragraphs (blank-line separated) in <p>, single newlines as <br />; block markup left alone."""
    text = text.replace("\r\n", "\n").strip("\n")
    if not text:
        return ""
    out = []
    for block in re.split(r"\n\s*\n", text):
        block = block.strip("\n")
        if not block:
            continue
        if block.lstrip().startswith(BLOCK_TAGS):
            out.append(block)
        else:
            out.append("<p>" + block.replace("\n", "<br />\n") + "</p>")
    return "\n".join(out) + "\n"


def texturize(text):
    """Curly quotes, dashes and an encoded ampersand, as wptexturize leaves a title."""
    text = re.sub(r"&(?!#?\w+;)", "&#038;", text)
    text = text.replace(" -- ", " &#8211; ")
    text = re.sub(r'"([^"]*)"', "&#8220;\\1&#8221;", text)
    return text.replace("'", "&#8217;")


def content(raw):
    return autop(shortcodes(raw))


def title(raw):
    return texturize(raw)


def excerpt(raw_excerpt, raw_content):
    """The excerpt, or the first 55 words of the content without tags and shortcodes."""
    if raw_excerpt:
        return autop(texturize(raw_excerpt))
    text = re.sub(r"<[^>]*>", "", SHORTCODE.sub("", raw_content))
    words = text.split()
    if not words:
        return ""
    more = " [&hellip;]" if len(words) > 55 else ""
    return "<p>" + texturize(" ".join(words[:55])) + more + "</p>\n"
