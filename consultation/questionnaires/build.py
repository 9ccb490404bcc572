"""Questionnaire pages and questions written in code (the demo, tests), in the form a
StreamField stores them. Ids are given, not drawn at random, so running the demo again
finds the same questions and options: `stable_id(name)` makes one from a name."""

import uuid

from consultation.questionnaires.structure import Kind

NAMESPACE = uuid.UUID("6f1c3d52-1b7a-4b8e-9a51-3f0f2d8c9e10")


def stable_id(name):
    return str(uuid.uuid5(NAMESPACE, name))


def question(kind, text, *, key, required=True, help_text="", choices=(), max_length=1000):
    """One question block; `key` names it (and its options: key/option text)."""
    value = {"text": text, "help_text": help_text, "required": required}
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        value["choices"] = [
            {"type": "item", "id": stable_id(f"{key}/{label}"), "value": label} for label in choices
        ]
    if kind == Kind.FREE_TEXT:
        value["max_length"] = max_length
    return {"type": kind, "id": stable_id(key), "value": value}


def page(heading, questions, *, key, section=None, introduction=""):
    return {
        "type": "page",
        "id": stable_id(key),
        "value": {
            "heading": heading,
            "section": section.pk if section is not None else None,
            "introduction": introduction,
            "questions": list(questions),
        },
    }
