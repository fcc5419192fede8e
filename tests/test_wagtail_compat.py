"""The check config/wagtail_compat.py runs at start-up: every patched target of Wagtail and
modelsearch is the one the patch was written for, and a target that is gone or changed stops the
site with a message naming it. Tried on targets of this module, never on Wagtail itself."""

import pytest
from django.db import connection

from config.wagtail_compat import (
    ADMIN_TARGETS,
    LOCALIZE_TARGETS,
    SQLITE_TARGETS,
    Target,
    WagtailChanged,
    fingerprint,
    verify,
)


class ChooserView:
    """Stands for a Wagtail view a patch wraps."""

    def get(self, request):
        return "the chosen pages"


def test_every_target_is_what_its_patch_was_written_for():
    verify([*ADMIN_TARGETS, *LOCALIZE_TARGETS])
    if connection.vendor == "sqlite":  # modelsearch's SQLite module is imported (and patched) only there
        verify(SQLITE_TARGETS)


def test_a_target_as_written_for_passes():
    verify([Target(f"{__name__}.ChooserView.get", fingerprint(ChooserView.get), "filter the chosen pages")])


def test_a_changed_target_stops_the_start_naming_it_and_its_patch():
    changed = Target(f"{__name__}.ChooserView.get", "0123456789abcdef", "filter the chosen pages")
    with pytest.raises(WagtailChanged) as stopped:
        verify([changed])
    message = str(stopped.value)
    assert f"{__name__}.ChooserView.get changed since Wagtail 8.0.1" in message
    assert "written against 0123456789abcdef" in message
    assert "patched to filter the chosen pages" in message


@pytest.mark.parametrize(
    "path",
    [f"{__name__}.ChooserView.post", f"{__name__}.NoSuchView.get", "wagtail.admin.views.no_such_module.View.get"],
    ids=["method", "class", "module"],
)
def test_a_missing_target_stops_the_start_naming_it(path):
    with pytest.raises(WagtailChanged, match=rf"{path} no longer exists .*patched to browse from where the chooser"):
        verify([Target(path, fingerprint(ChooserView.get), "browse from where the chooser shows")])


def test_every_problem_is_named_at_once():
    targets = [
        Target(f"{__name__}.ChooserView.get", "0123456789abcdef", "filter"),
        Target(f"{__name__}.ChooserView.gone", "0123456789abcdef", "browse"),
    ]
    with pytest.raises(WagtailChanged) as stopped:
        verify(targets)
    assert str(stopped.value).count("\n- ") == 2
