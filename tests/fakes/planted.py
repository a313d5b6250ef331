"""Planted secrets, one of each kind ``cairn.sdk.capture.secrets`` knows, for tests that check none
is stored. Each is built from pieces so no real-looking token sits in this repository's text (secret
scanners would flag it); each is unique, so finding it in a store can only mean it leaked."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Planted:
    kind: str
    secret: str
    """The exact string that must never be stored."""
    line: str
    """A line of text (code, config, console) holding it."""


def _t(*parts: str) -> str:
    return "".join(parts)


PLANTED = [
    Planted("aws-access-key-id", _t("AKIA", "Q7ZP3XK2M9RT4WLB"), "aws_key_id = {!r}"),
    Planted("aws-access-key-id", _t("ASIA", "H5N8C2V6B1X9Z3QD"), "session = {!r}"),
    Planted("github-token", _t("ghp_", "R8mW2qLx7Tz4Kp9Vn3Bc6Hd1Fj5Gs0Ay2Eu8"), "gh = {!r}"),
    Planted("github-token", _t("github_pat_", "11ABCDEFG0", "x9Yz8Wv7Ut6Sr5Qp4On3"), "pat = {!r}"),
    Planted("slack-token", _t("xoxb-", "2048-9931-", "Zq8Lm3Np7Rs2"), "slack = {!r}"),
    Planted("openai-key", _t("sk-proj-", "Tq3Vz8Lm1Np6Rs4Wx9Yb2"), "client_cfg = {!r}"),
    Planted("anthropic-key", _t("sk-ant-", "api03-Hk4Jm8Pq2Rt6Vw0Yz3Bd"), "claude = {!r}"),
    Planted("google-api-key", _t("AIza", "SyD4k9Lm2Np7Qr1St6Uv0Wx3Yz8Ab5Cd2Ef"), "maps = {!r}"),
    Planted("huggingface-token", _t("hf_", "Kq7Wz2Lm9Np4Rs8Tv3Xy6Bc1Df5Gh0Jk"), "hub = {!r}"),
    Planted(
        "jwt",
        _t("eyJhbGciOiJIUzI1NiJ9", ".", "eyJzdWIiOiJjYWlybi10ZXN0In0", ".", "Qm9uZ3VzU2lnbmF0dXJl"),
        "session_cookie = {!r}",
    ),
    Planted("bearer-token", _t("Zx81Qw", "Er72Ty63Ui54Op45As36"), "headers = 'Bearer {}'"),
    Planted("url-password", _t("hun", "ter2-Wq9x"), "db_url = 'postgresql://me:{}@db:5432/x'"),
    Planted("assignment", _t("correct-", "horse-77"), 'password = "{}"'),
    Planted("npm-token", _t("npm_", "Lq2Wx7Zr4Tn9Kp3Vb8Hc1Dm6Fs5Gj0Ya2EXy"), "npmrc = {!r}"),
    Planted(
        "pypi-token",
        _t("pypi-AgE", "IcHlwaS5vcmcCJDk4ZjQ5YzE2LTRmN2MtNGQ1Yi1hMzE0LWI2NjU3ZDQ4OTRmZQ"),
        "pypirc = {!r}",
    ),
]
"""Every kind once or twice; ``line.format(secret)`` is a line of Python holding it."""

PRIVATE_KEY = _t(
    "-----BEGIN RSA ",
    "PRIVATE KEY-----\nMIIEowIBAAKCAQEAq7Vt3Zk9PLANTEDKEYBODY\nZm9yIHRlc3RzIG9ubHk4Q2FpcmlN\n",
    "-----END RSA ",
    "PRIVATE KEY-----\n",
)
PRIVATE_KEY_BODY = "MIIEowIBAAKCAQEAq7Vt3Zk9PLANTEDKEYBODY"


def lines() -> list[str]:
    """One line of Python per planted secret."""
    return [p.line.format(p.secret) for p in PLANTED]
