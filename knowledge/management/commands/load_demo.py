from django.core.management.base import BaseCommand

from knowledge.demo_loader import DemoLoader


class Command(BaseCommand):
    help = "Create the sample partnerships, case studies, lessons and testimonials. Safe to run again."

    def handle(self, *args, **options):
        loader = DemoLoader(log=self.stdout.write)
        created = loader.run()
        if not created and not loader.translated:
            self.stdout.write("Sample content already present: nothing to do.")
            return
        if created:
            summary = ", ".join(
                f"{count} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
                for model, count in created.items()
                if count
            )
            self.stdout.write(self.style.SUCCESS(f"Created {summary}."))
        if loader.translated:
            summary = ", ".join(f"{count} into {code}" for code, count in loader.translated.items())
            self.stdout.write(self.style.SUCCESS(f"Translated pages: {summary}."))
