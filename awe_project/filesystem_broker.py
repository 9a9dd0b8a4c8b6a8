"""kombu's filesystem transport, with atomic writes.

The stock transport creates a message file and then writes it; a consumer that lists the folder
in between moves the empty file away and loses the message (seen under load). Here a message is
written in a staging folder and renamed into the queue folder, so a consumer only ever sees
complete files.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from time import monotonic
from typing import Any

from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):  # type: ignore[misc]
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        staging = Path(self.transport_options.get("staging_folder") or Path(self.data_folder_out).parent / "staging")
        staging.mkdir(parents=True, exist_ok=True)
        temporary = staging / name
        temporary.write_bytes(str_to_bytes(dumps(payload)))
        os.replace(temporary, os.path.join(self.data_folder_out, name))


class Transport(filesystem.Transport):  # type: ignore[misc]
    Channel = Channel
