"""Suite-wide settings: property tests are reproducible in CI (same examples every run); user
directories (saves, the market cache) go to a temporary TAOSANDBOX_HOME unless a test sets its own."""

import os
import tempfile

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

os.environ.setdefault("TAOSANDBOX_HOME", tempfile.mkdtemp(prefix="taosandbox-tests-"))
