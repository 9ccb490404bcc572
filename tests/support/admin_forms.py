"""Posting a section page's edit form in the Wagtail admin, as an editor's browser does."""

from wagtail.test.utils.form_data import nested_form_data, rich_text


def post_section_edit(client, section, paragraphs, *, action, change_note=""):
    """Post the edit form with `paragraphs`, a list of (block id, HTML) in the order the
    editor wants them, a change note, and `action` "publish", "submit" (for moderation) or
    "save" (a draft)."""
    body = {"count": str(len(paragraphs))}
    for n, (block_id, html) in enumerate(paragraphs):
        body[str(n)] = {
            "type": "paragraph",
            "value": rich_text(html),
            "deleted": "",
            "order": str(n),
            "id": block_id,
        }
    data = nested_form_data(
        {
            "title": section.title,
            "slug": section.slug,
            "kind": section.kind,
            "summary": section.summary,
            "body": body,
            "change_note": change_note,
            **({} if action == "save" else {f"action-{action}": f"action-{action}"}),
        }
    )
    response = client.post(f"/admin/pages/{section.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response
