"""Throwaway TLS material for tests: a CA and certificates it signed, made by ``openssl``.

Enough for a broker's TLS listener on 127.0.0.1 (Kafka reads PEM: ``ssl.keystore.type=PEM``
with ``key_and_chain``) and a client certificate for mutual TLS.  Valid for two days.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

DAYS = "2"


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    @property
    def key_and_chain(self) -> str:
        """The private key followed by the certificate, as one PEM text."""
        return self.key.read_text() + self.cert.read_text()


def _openssl(*args: str) -> None:
    done = subprocess.run(["openssl", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {done.stderr.strip()}")


def make_ca(folder: Path, name: str = "quartier-test-ca") -> Certificate:
    folder.mkdir(parents=True, exist_ok=True)
    ca = Certificate(folder / f"{name}.pem", folder / f"{name}.key")
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", DAYS,
        "-subj", f"/CN={name}", "-keyout", str(ca.key), "-out", str(ca.cert),
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    return ca


def issue(ca: Certificate, folder: Path, name: str, *, server_ip: str | None = None) -> Certificate:
    """A certificate signed by ``ca``: for a server at ``server_ip`` (its SAN), else for a
    client (mutual TLS)."""
    issued = Certificate(folder / f"{name}.pem", folder / f"{name}.key")
    request, extensions = folder / f"{name}.csr", folder / f"{name}.ext"
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
        "-keyout", str(issued.key), "-out", str(request),
    )  # fmt: skip
    extensions.write_text(
        f"subjectAltName=IP:{server_ip}\nextendedKeyUsage=serverAuth\n"
        if server_ip
        else "extendedKeyUsage=clientAuth\n"
    )
    _openssl(
        "x509", "-req", "-in", str(request), "-CA", str(ca.cert), "-CAkey", str(ca.key),
        "-CAcreateserial", "-days", DAYS, "-extfile", str(extensions), "-out", str(issued.cert),
    )  # fmt: skip
    return issued
