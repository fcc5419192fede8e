"""Case study outcomes become translatable with their case study (wagtail-localize translates a child
relation whose model is translatable): each outcome gets its case study's locale and a translation
key. The outcomes of a translation share the keys of its source's, matched by position (they
were copied from it in order), so that existing translations are linked to their sources; every
revision's copy of the outcomes gets the same keys, so that editing or reverting an older
revision keeps them."""

import uuid
from collections import defaultdict

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BATCH = 500


def _originals(pages: list[dict], default_locale: int | None) -> dict:
    """translation_key -> the id of the original version: the default language's, else the first made."""
    versions = defaultdict(list)
    for page in pages:
        versions[page["translation_key"]].append(page)
    originals = {}
    for key, group in versions.items():
        default = [page["pk"] for page in group if page["locale_id"] == default_locale]
        originals[key] = default[0] if default else min(page["pk"] for page in group)
    return originals


def give_outcomes_keys(apps, schema_editor):
    Outcome = apps.get_model("knowledge", "CaseStudyOutcome")
    Page = apps.get_model("wagtailcore", "Page")
    Locale = apps.get_model("wagtailcore", "Locale")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")

    page_ids = set(Outcome.objects.values_list("page_id", flat=True))
    pages = list(Page.objects.filter(pk__in=page_ids).values("pk", "locale_id", "translation_key"))
    locale_of = {page["pk"]: page["locale_id"] for page in pages}
    default_locale = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).values_list("pk", flat=True).first()
    # Every version of these case studies, for the originals' outcomes to be found.
    keys = {page["translation_key"] for page in pages}
    versions = list(Page.objects.filter(translation_key__in=keys).values("pk", "locale_id", "translation_key"))
    original_of_key = _originals(versions, default_locale)
    key_of_page = {page["pk"]: page["translation_key"] for page in versions}

    by_page = defaultdict(list)
    for outcome in Outcome.objects.order_by("page_id", "sort_order", "pk"):
        by_page[outcome.page_id].append(outcome)
    # The originals first, so that their translations can take their keys.
    order = sorted(by_page, key=lambda pk: original_of_key.get(key_of_page[pk]) != pk)
    keys_of_page = {}
    changed = []
    for page_id in order:
        original = original_of_key.get(key_of_page[page_id])
        inherited = keys_of_page.get(original, []) if original != page_id else []
        own = []
        for position, outcome in enumerate(by_page[page_id]):
            outcome.translation_key = inherited[position] if position < len(inherited) else uuid.uuid4()
            outcome.locale_id = locale_of[page_id]
            own.append(outcome.translation_key)
            changed.append(outcome)
        keys_of_page[page_id] = own
    Outcome.objects.bulk_update(changed, ["translation_key", "locale"], batch_size=BATCH)

    # Revisions hold a copy of the outcomes; without keys there, each load would make new ones.
    saved = {outcome.pk: outcome for outcome in changed}
    case_study = ContentType.objects.filter(app_label="knowledge", model="casestudypage").first()
    if case_study is None:
        return
    revisions = []
    for revision in Revision.objects.filter(content_type=case_study).iterator(chunk_size=BATCH):
        content = revision.content or {}
        outcomes = content.get("outcomes") or []
        if not outcomes or all("translation_key" in outcome for outcome in outcomes):
            continue
        page_locale = Page.objects.filter(pk=int(revision.object_id)).values_list("locale_id", flat=True).first()
        for outcome in outcomes:
            row = saved.get(outcome.get("pk"))
            outcome.setdefault("translation_key", str(row.translation_key if row else uuid.uuid4()))
            outcome.setdefault("locale", row.locale_id if row else page_locale)
        revisions.append(revision)
        if len(revisions) >= BATCH:
            Revision.objects.bulk_update(revisions, ["content"])
            revisions = []
    Revision.objects.bulk_update(revisions, ["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0009_taxonomy_portuguese_spanish"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="casestudyoutcome",
            name="locale",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="casestudyoutcome",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_outcomes_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="casestudyoutcome",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="casestudyoutcome",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name="casestudyoutcome",
            unique_together={("translation_key", "locale")},
        ),
    ]
