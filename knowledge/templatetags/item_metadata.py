from django import template

from ..metadata import item_metadata

register = template.Library()


@register.inclusion_tag("knowledge/includes/item_metadata.html", takes_context=True)
def item_metadata_tags(context) -> dict:
    """Highwire Press, OpenGraph and JSON-LD tags for the knowledge item being shown."""
    return {"meta": item_metadata(context["page"], context["request"])}
