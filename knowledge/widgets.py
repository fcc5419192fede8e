"""Admin widgets for the partners' forms."""

from django import forms


class ChecklistWithFilter(forms.CheckboxSelectMultiple):
    """A checkbox list that shows what is chosen as removable chips and, when long, offers a box
    to filter it as one types. Both come from a small script; without it, the plain list."""

    template_name = "knowledge/widgets/checklist_with_filter.html"

    class Media:
        js = ["knowledge/admin/checklist_with_filter.js"]
        css = {"all": ["knowledge/admin/checklist_with_filter.css"]}
