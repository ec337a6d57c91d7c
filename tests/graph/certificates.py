"""A client certificate made here for the tests (never a real one): an RSA key and a self-signed X.509
certificate, as `openssl req -x509 -newkey rsa:2048` makes for an app registration."""

from __future__ import annotations

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def client_certificate_pem(name: str = "vertaisbotti-test") -> str:
    """The PEM private key followed by its certificate, valid for a day."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return private.decode() + certificate.public_bytes(serialization.Encoding.PEM).decode()


def certificate_part(pem: str) -> str:
    """Only the certificate of `client_certificate_pem` (what is uploaded to the app registration)."""
    return pem[pem.index("-----BEGIN CERTIFICATE-----") :]
