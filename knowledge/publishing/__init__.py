"""Partner publishing on Wagtail's permissions and workflows: who may write what, and the review."""
