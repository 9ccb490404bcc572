"""The library's filter form. It is a GET form: every value comes from the address bar, so
anything can arrive; a value that is not one of the choices is ignored and reported, and a
field that takes several values keeps the ones it knows. The search words (`q`) are cleaned
by `knowledge.search.clean_query` like the site search's."""

from django import forms

from knowledge.models import ResourceType

SORT_CHOICES = [("newest", "Newest first"), ("title", "Title (A to Z)")]
RELEVANCE = ("relevance", "Best match")


class LibraryFilterForm(forms.Form):
    type = forms.MultipleChoiceField(label="Type", choices=ResourceType.choices, required=False)
    topic = forms.ChoiceField(label="Topic", required=False)
    year = forms.TypedChoiceField(label="Year published", coerce=int, required=False)
    sort = forms.ChoiceField(label="Sort by", required=False)

    def __init__(self, data, *, topics, years):
        super().__init__(data)
        self.fields["topic"].choices = [("", "All topics"), *((t.slug, t.name) for t in topics)]
        self.fields["year"].choices = [("", "Any year"), *((str(y), str(y)) for y in years)]
        self.fields["sort"].choices = [*SORT_CHOICES, RELEVANCE]

    def usable_values(self):
        """The valid values, and the labels of the fields with a value that was ignored.
        A field of several values (the types) keeps the ones it knows."""
        self.is_valid()
        values = {name: self.cleaned_data.get(name) for name in self.fields}
        for name in self.errors:
            field = self.fields[name]
            if isinstance(field, forms.MultipleChoiceField):
                sent = field.to_python(self[name].data)
                values[name] = [value for value in sent if field.valid_value(value)]
        ignored = [self.fields[name].label for name in self.errors]
        return values, ignored
