"""What an answer to each kind of question may be, checked in one place: the forms ask it
to show people a clear message, the services ask it again before anything is stored.

An answer arrives as a list of strings (the values a form posted for the question's
field); `normalise` turns it into what is stored (option ids, or the text as typed and
cleaned) or says what is wrong with it."""

from consultation.formatting import clean_text
from consultation.questionnaires.structure import Kind

# Far beyond any limit an editor can set: refused before any further work.
ABSURD_LENGTH = 40_000


class Problem(ValueError):
    """What is wrong with an answer, in words for the person answering."""


def normalise(question, values):
    """The answer to store for the posted `values`: a tuple of option ids for a closed
    question, the cleaned text for free text, or None for no answer. Raises Problem."""
    values = [value for value in (values or []) if isinstance(value, str)]
    if question.kind == Kind.FREE_TEXT:
        typed = values[0] if values else ""
        if len(typed) > ABSURD_LENGTH:
            raise Problem(
                f"Your answer is too long. Shorten it to {question.max_length:,} characters "
                "or fewer."
            )
        text = clean_text(typed)
        if len(text) > question.max_length:
            raise Problem(
                f"Your answer is {len(text):,} characters long. Shorten it to "
                f"{question.max_length:,} characters or fewer."
            )
        return text or None
    chosen = list(dict.fromkeys(value for value in values if value))
    if not chosen:
        return None
    if any(value not in question.choice_labels for value in chosen):
        raise Problem("Choose from the options listed.")
    if not question.is_multiple and len(chosen) > 1:
        raise Problem("Choose one option only.")
    return tuple(chosen)


def missing_message(question):
    """What to say when a required question has no answer."""
    if question.kind == Kind.FREE_TEXT:
        return f"Enter your answer to question {question.number}."
    if question.is_multiple:
        return f"Select at least one option for question {question.number}."
    return f"Select an answer to question {question.number}."


def shown(question, stored):
    """A stored answer as people read it: the option labels, or the text."""
    if stored is None:
        return None
    if question.kind == Kind.FREE_TEXT:
        return stored
    return [question.choice_labels.get(choice, "An option since removed") for choice in stored]
