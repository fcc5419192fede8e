"""The admin form of every knowledge item: a draft needs only its title, a submission everything.

Wagtail defers the required fields when a page is saved as a draft (``defer_required_fields``,
run by the create and edit views for the "save" action and by the preview) and validates them
all for every other action: submitting for review, publishing, a reviewer's decision. This form
adds what publication needs beyond the fields' own requirements (the model's
``publication_problems``) and, when anything is missing, one message naming every missing field.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.admin.forms.pages import WagtailAdminPageForm


class KnowledgeItemForm(WagtailAdminPageForm):
    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self.is_deferred_validation:
            return
        needed = self.instance.publication_problems()
        for name, message in needed.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        missing = [
            f"“{capfirst(str(self.fields[name].label or name))}”"
            for name in self.errors
            if name in self.fields and (name in needed or self._left_empty(name))
        ]
        if missing:
            self.add_error(
                None,
                _("Before this can be submitted for review or published, please fill in: %(fields)s.")
                % {"fields": ", ".join(missing)},
            )

    def _left_empty(self, name: str) -> bool:
        field = self.fields[name]
        if not field.required:
            return False
        value = self[name].data
        if value in field.empty_values:
            return True
        try:
            return len(value) == 0  # an empty StreamField or multiple choice
        except TypeError:
            return False
