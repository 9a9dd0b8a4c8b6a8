"""The build backend of pyproject.toml: AWE is an application, not a library, so `pip install .`
stops here with a message saying how AWE is installed, instead of packaging half of it.

An application runs from its checkout (or the image): manage.py, the built web app and the docs
sit beside the Python packages, and its dependencies are the hashed lock in requirements.txt.
"""

from __future__ import annotations

from typing import NoReturn

MESSAGE = (
    "AWE is an application, not a library: `pip install .` builds nothing. Install its locked "
    "requirements (`make install`, or `pip install --require-hashes -r requirements.txt`) and run it "
    "from this checkout or the image (deploy/Dockerfile); see README.md."
)


def _refuse(*args: object, **kwargs: object) -> NoReturn:
    raise SystemExit(MESSAGE)


# PEP 517 and PEP 660 hooks: every one of them refuses.
get_requires_for_build_wheel = get_requires_for_build_sdist = get_requires_for_build_editable = _refuse
build_wheel = build_sdist = build_editable = _refuse
prepare_metadata_for_build_wheel = prepare_metadata_for_build_editable = _refuse
