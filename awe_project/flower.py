"""Flower for AWE: ``python -m awe_project.flower [Flower options]`` (``make flower``, compose, Kubernetes).

It is Flower's own command (``celery -A awe_project flower``), configured the same way (``FLOWER_*``
variables, ``--option=value``), with two differences:

* It listens on 127.0.0.1 unless ``FLOWER_ADDRESS`` (or ``--address``) says otherwise, and refuses to
  listen anywhere else without sign-in (``FLOWER_BASIC_AUTH``, or OAuth with ``FLOWER_AUTH``): Flower
  shows every task's arguments and can revoke tasks and shut workers down.
* Its broker page and ``/api/queues/length`` list every queue AWE declares. Flower lists only the
  queues that live workers consume (falling back to the configured ones when it knows no worker),
  and no worker consumes ``dlq``, whose depth is the thing to watch.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from typing import Any

from flower import command as flower_command
from flower.app import Flower
from flower.views import BaseHandler

DEFAULT_ADDRESS = "127.0.0.1"


def is_loopback(address: str) -> bool:
    """``''`` is every interface, as for Flower and Tornado."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def sign_in_problem(options: Any) -> str | None:
    """Why Flower with these (parsed) options must not start, or None."""
    if options.unix_socket or options.basic_auth or options.auth or is_loopback(options.address):
        return None
    where = options.address or "every interface"
    return (
        f"Flower refuses to listen on {where} without sign-in: set FLOWER_BASIC_AUTH=user:password "
        f"(or OAuth: FLOWER_AUTH, FLOWER_OAUTH2_KEY, ...), or FLOWER_ADDRESS={DEFAULT_ADDRESS} (docs/operations.md)"
    )


class AweFlower(Flower):
    def start_http_server(self) -> Any:
        problem = sign_in_problem(self.options)
        if problem:
            raise SystemExit(problem)
        return super().start_http_server()


_worker_queue_names = BaseHandler.get_active_queue_names


def queue_names(handler: BaseHandler) -> list[str]:
    """The queues live workers consume, and every queue the app declares (``dlq`` among them)."""
    declared = {queue.name for queue in handler.capp.conf.task_queues or [] if queue.name}
    return sorted(set(_worker_queue_names(handler)) | declared | {handler.capp.conf.task_default_queue})


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "awe_project.settings")
    import django

    django.setup()  # reads .env, where FLOWER_* may be set too, before Flower reads its variables
    os.environ.setdefault("FLOWER_ADDRESS", DEFAULT_ADDRESS)
    flower_command.Flower = AweFlower  # type: ignore[misc]  # the command builds the app by this name
    BaseHandler.get_active_queue_names = queue_names  # type: ignore[method-assign]
    from celery.__main__ import main as celery_main

    sys.argv = ["celery", "-A", "awe_project", "flower", *argv]
    celery_main()


if __name__ == "__main__":
    main(sys.argv[1:])
