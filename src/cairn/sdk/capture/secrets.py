"""Keeping secrets out of what a run stores. The one place that says what looks like a secret:

- **names** of environment variables (``SECRET_NAME``), of config keys and command-line flags
  (``is_secret_key``: ``api_key``, ``hf_token``, ``db.password``, not ``token_count``), and of
  files (``credential_file_reason``: ``credentials.json``, ``*.pem``, ``.env``, ``id_rsa``...);
- **values** in any text (``TOKEN_PATTERNS``: AWS key ids, private key blocks, GitHub, Slack,
  OpenAI, Anthropic, Google, Hugging Face, npm and PyPI tokens, JWTs, bearer tokens, passwords in
  URLs), and ``key = "literal"`` assignments to a secret-looking name.

A value found is replaced by ``[REDACTED:<kind>]``; a value under a secret name by
``[REDACTED]``. Detection is by pattern: a secret in a format none of these knows is stored.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH", re.IGNORECASE)
"""An environment variable whose name matches this is never stored, whatever list it is on."""

REDACTED = "[REDACTED]"
"""What a value stored under a secret name (``api_key``, ``--token``) is replaced with."""

TOKEN_PATTERNS: tuple[tuple[str, str], ...] = (
    ("aws-access-key-id", r"A[KS]IA(?<!\wA[KS]IA)[0-9A-Z]{16}\b"),
    ("github-token", r"gh[pousr]_(?<!\wgh[pousr]_)[A-Za-z0-9]{36,}"),
    ("github-token", r"github_pat_(?<!\wgithub_pat_)[A-Za-z0-9_]{22,}"),
    ("slack-token", r"xox[baprs]-(?<!\wxox[baprs]-)[A-Za-z0-9-]{10,}"),
    ("anthropic-key", r"sk-ant-(?<!\wsk-ant-)[A-Za-z0-9_-]{20,}"),
    ("openai-key", r"sk-(?<!\wsk-)(?=[A-Za-z_-]*[0-9])[A-Za-z0-9_-]{20,}"),
    ("google-api-key", r"AIza(?<!\wAIza)[0-9A-Za-z_-]{35}"),
    ("huggingface-token", r"hf_(?<!\whf_)[A-Za-z0-9]{30,}"),
    ("npm-token", r"npm_(?<!\wnpm_)[A-Za-z0-9]{36}"),
    ("pypi-token", r"pypi-AgE(?<!\wpypi-AgE)[A-Za-z0-9_-]{50,}"),
    ("jwt", r"eyJ(?<!\weyJ)[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    # these two replace their ``secret`` part only; they run after the ones above
    (
        "bearer-token",
        r"earer(?<=\b[Bb]earer)[ \t]+(?P<secret>(?=[A-Za-z_.~+/-]*[0-9])[\w.~+/-]{20,}=*)",
    ),
    ("url-password", r"://(?<=[A-Za-z0-9+.-]://)[^/\s:@\[]+:(?P<secret>[^/\s:@]+)@"),
)
"""Values that are secrets wherever they appear: (kind, regular expression). Each starts with its
literal prefix (the word boundary is a look-behind after it), so a search skips text fast."""


@functools.cache
def _tokens() -> list[tuple[str, re.Pattern[str]]]:
    """The patterns, compiled at their first use: importing this module is on ``init()``'s
    path, and a run whose config and command hold no token-like text never needs them."""
    return [(kind, re.compile(source)) for kind, source in TOKEN_PATTERNS]


@functools.cache
def _any_token() -> re.Pattern[str]:
    """Every pattern at once (named groups made plain): a text it finds nothing in, as most
    config values and command lines are, skips the patterns one by one (they run one after
    another, each on the text the last left, so none can match where this finds nothing)."""
    return re.compile(
        "|".join(re.sub(r"\(\?P<\w+>", "(?:", source) for _, source in TOKEN_PATTERNS)
    )


_KEY_BLOCK = r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
_KEY_END = re.compile(r"-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_PRIVATE_KEY = re.compile(
    _KEY_BLOCK + r".*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)", re.DOTALL
)
_KEY_BEGIN = re.compile(_KEY_BLOCK)

_ASSIGNMENT = re.compile(
    r"(?P<word>(?i:password|passwd|pwd|passphrase|secrets?|token|credentials?|apikey|key))"
    r"[0-9]*[\"']?"
    r"(?:[ \t]*:[ \t]*[A-Za-z_][\w.\[\], |]{0,60}?(?=[ \t]*=))?"  # a type annotation
    r"[ \t]*(?::=|=>|[:=])[ \t]*"
    r"(?:(?P<q>[\"'])(?P<quoted>[^\"'\r\n]{4,400})(?P=q)"
    r"|(?=(?P<bare>[^\s\"',;#()\[\]{}<>=]{6,400}))(?P=bare)(?![(\[]))"  # atomic: no backtrack
)
"""``key = "value"``, ``key: value``, ``KEY=value``, ``"key": "value"``, ``--key=value``, found
by the last word of the key (a secret name ends with one of these), then judged whole."""
_KEY_BEFORE = re.compile(r"[A-Za-z_][\w.-]*\Z")

_SECRET_WORDS = {"password", "passwd", "pwd", "passphrase", "secret", "secrets", "token"}
_SECRET_WORDS |= {"credential", "credentials", "apikey"}
_KEY_OWNERS = {"api", "access", "private", "secret", "signing", "encryption", "auth", "ssh"}
_KEY_OWNERS |= {"client", "master", "license"}
_TOKEN_OWNERS_NOT_SECRET = {
    *("pad", "eos", "bos", "unk", "sep", "cls", "mask", "sos", "sot", "eot", "eod", "eom"),
    *("start", "end", "stop", "begin", "special", "unknown", "padding", "separator"),
    *("image", "img", "audio", "video", "vision", "placeholder", "default", "decoder", "prompt"),
    *("max", "min", "num", "first", "last", "next", "prev", "new", "split", "boundary", "think"),
}
"""``pad_token``, ``eos_token``, ``decoder_start_token``: a tokenizer's special tokens."""

CREDENTIAL_FILES = (
    *("*credentials*", ".git-credentials", ".netrc", "_netrc", ".pgpass", ".htpasswd"),
    *(".env", ".env.*", "*.env", "*secret*"),
    *("id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*"),
    *("*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "*.kdbx"),
)
"""File names (matched case-insensitively) never snapshotted: they hold credentials by name."""

CODE_SUFFIXES = {".py", ".pyx", ".pyi", ".ipynb"}
"""In these files an unquoted value is an expression (``token = get_token()``), not a literal."""


def is_secret_name(name: str) -> bool:
    """An environment variable's name that looks like a secret's (eagerly: they are allowlisted)."""
    return SECRET_NAME.search(name) is not None


def _words(name: str) -> list[str]:
    found = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", name)
    words = [w.lower() for w in found]
    while words and words[-1].isdigit():
        words.pop()
    return words


@functools.lru_cache(maxsize=4096)  # a sweep's runs ask about the same keys
def is_secret_key(name: str) -> bool:
    """A config key, flag or assigned name naming a secret, by its last word: ``api_key``,
    ``--hf-token``, ``db.password``, ``clientSecret``, ``AWS_SECRET_ACCESS_KEY``. Not
    ``token_count``, ``max_tokens``, ``tokenizer``, ``key_dim``, ``secret_sauce_lr`` or
    ``pad_token``: hyperparameters whose values are kept."""
    words = _words(name)
    if not words:
        return False
    last = words[-1]
    owner = words[-2] if len(words) > 1 else ""
    if last == "token":
        return owner not in _TOKEN_OWNERS_NOT_SECRET
    if last in _SECRET_WORDS:
        return True
    return last == "key" and owner in _KEY_OWNERS


def credential_file_reason(path: str) -> str | None:
    """Why a file is left out by its name (``name matches *.pem``), or None."""
    name = PurePosixPath(path.replace("\\", "/")).name.lower()
    for pattern in CREDENTIAL_FILES:
        if fnmatch.fnmatchcase(name, pattern):
            return f"name matches {pattern}"
    return None


def is_code(path: str) -> bool:
    """A Python file (or notebook): a bare value there is an expression, not a literal."""
    return PurePosixPath(path).suffix.lower() in CODE_SUFFIXES


def _is_literal(match: re.Match[str], code: bool) -> bool:
    """A value written out, not one that points at a secret (``$HF_TOKEN``, ``${oc.env:KEY}``,
    ``"<your key>"``, ``null``) or, in Python, an expression (``token = get_token()``)."""
    quoted = match["quoted"]
    value = (quoted if quoted is not None else match["bare"]).strip()
    if value.startswith(("$", "%(", "{{", "[REDACTED")) or set(value) <= set("*xX."):
        return False
    if value.startswith("<") and value.endswith(">"):
        return False
    if quoted is None:
        if code or value.lower() in ("none", "null", "true", "false"):
            return False
        if re.fullmatch(r"-?[\d.]+(?:e-?\d+)?", value):
            return False
    return True


def redact_text(text: str, *, code: bool = False) -> tuple[str, list[str]]:
    """``text`` with every secret-looking value replaced by ``[REDACTED:<kind>]`` (line by line:
    a private key block keeps its number of lines); also the kinds found, sorted.

    ``code``: the text is Python, where only quoted values of secret names are literals.
    """
    kinds: set[str] = set()

    def block(match: re.Match[str]) -> str:
        kinds.add("private-key")
        return "\n".join("[REDACTED:private-key]" for _ in match[0].split("\n"))

    if "PRIVATE KEY" in text:
        text = _PRIVATE_KEY.sub(block, text)
    if _any_token().search(text) is not None:
        for kind, pattern in _tokens():
            text = pattern.sub(_replacer(kind, kinds), text)
    return _redact_assignments(text, code, kinds), sorted(kinds)


def _replacer(kind: str, kinds: set[str]) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        kinds.add(kind)
        if "secret" not in match.re.groupindex:
            return f"[REDACTED:{kind}]"
        start, end = match.start("secret") - match.start(), match.end("secret") - match.start()
        return match[0][:start] + f"[REDACTED:{kind}]" + match[0][end:]

    return replace


def _redact_assignments(text: str, code: bool, kinds: set[str]) -> str:
    """Literal values assigned to a secret name replaced, judged by the whole name before the
    matched word (``pad_token`` is not a secret, ``hf_token`` is)."""
    out: list[str] = []
    done = 0
    for match in _ASSIGNMENT.finditer(text):
        key = _KEY_BEFORE.search(text, max(0, match.start() - 80), match.end("word"))
        if key is None or not is_secret_key(key[0]) or not _is_literal(match, code):
            continue
        kinds.add("assignment")
        group = "quoted" if match["quoted"] is not None else "bare"
        out.append(text[done : match.start(group)] + "[REDACTED:assignment]")
        done = match.end(group)
    out.append(text[done:])
    return "".join(out)


def secret_kinds(data: bytes, *, code: bool = False) -> list[str]:
    """The kinds of secrets in a file's bytes (any encoding: the patterns are ASCII)."""
    return redact_text(data.decode("latin-1"), code=code)[1]


class LineRedactor:
    """Redacts text given line by line (a diff, a console), remembering an open private key
    block from one line to the next."""

    def __init__(self, *, code: bool = False) -> None:
        self.code = code
        self.in_key = False

    def line(self, text: str) -> tuple[str, list[str]]:
        """One line without its newline, redacted, and the kinds found."""
        kinds: list[str] = []
        if self.in_key:
            end = _KEY_END.search(text)
            if end is None:
                return "[REDACTED:private-key]", ["private-key"]
            self.in_key = False
            kinds.append("private-key")
            text = "[REDACTED:private-key]" + text[end.end() :]
        begin = _KEY_BEGIN.search(text)
        if begin is not None and _KEY_END.search(text, begin.end()) is None:
            self.in_key = True
            kinds.append("private-key")
            text = text[: begin.start()] + "[REDACTED:private-key]"
        out, found = redact_text(text, code=self.code)
        return out, sorted({*kinds, *found})


def redact_diff(diff: str) -> tuple[str, dict[str, list[str]]]:
    """A ``git diff`` with secret values replaced line by line, so it keeps its shape (a change
    that adds a secret still applies, with the placeholder); a credential file's changes are left
    out whole, so the rest still applies. Also ``{path: kinds}`` of what was redacted."""
    out: list[str] = []
    found: dict[str, set[str]] = {}
    path, credential, body = "", False, False
    redactor = LineRedactor()
    for line, newline in _lines(diff):
        if line.startswith("diff --git "):
            path = line.rsplit(" b/", 1)[-1]
            credential, body = credential_file_reason(path) is not None, False
            redactor = LineRedactor(code=is_code(path))
            if credential:
                found[path] = {"credential-file"}
        if credential:
            continue
        if line.startswith(("@@", "GIT binary patch")):
            body = True
        elif body and line and not line.startswith(("\\", "literal ", "delta ")):
            prefix = line[0] if line[0] in "+- " else ""
            redacted, kinds = redactor.line(line[len(prefix) :])
            if kinds:
                found.setdefault(path, set()).update(kinds)
                line = prefix + redacted
        out.append(line + newline)
    return "".join(out), {p: sorted(k) for p, k in sorted(found.items())}


def _lines(text: str) -> Iterator[tuple[str, str]]:
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        yield body, line[len(body) :]


def redact_values(data: Any, *, secret: bool = False) -> Any:
    """A config's values with secrets replaced, keys kept: a string under a secret key
    (``is_secret_key``) becomes ``[REDACTED]``, as does every string inside a mapping or list
    under one; any other string has its secret-looking values replaced (``redact_text``).
    Numbers, booleans and None are kept: ``token_count: 512`` is a hyperparameter."""
    if isinstance(data, dict):
        return {
            k: redact_values(v, secret=secret or is_secret_key(str(k))) for k, v in data.items()
        }
    if isinstance(data, (list, tuple)):
        return [redact_values(v, secret=secret) for v in data]
    if isinstance(data, str) and data:
        return REDACTED if secret else redact_text(data)[0]
    return data


def strip_url_credentials(url: str) -> str:
    """A remote URL without a user's password or token: ``https://tok@host/x`` → ``https://host/x``.

    An ssh user name (``ssh://git@host/x``, ``git@host:x``) is kept: it is not a credential.
    """
    if "://" not in url:
        return url  # scp-like "git@host:org/repo.git" or a local path: nothing secret
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    keep_user = parts.scheme in ("ssh", "git+ssh") and parts.password is None and parts.username
    netloc = f"{parts.username}@{host}" if keep_user else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def redact_args(args: list[str]) -> tuple[list[str], list[str]]:
    """Command-line arguments with the values of secret-looking flags replaced by
    ``[REDACTED]`` (``--api-key=x``, ``--token x``, ``db.password=x``) and secret-looking values
    anywhere replaced by ``[REDACTED:<kind>]``; also what was redacted (flags, kinds)."""
    out: list[str] = []
    redacted: list[str] = []
    hide_next = False
    for arg in args:
        if hide_next and not arg.startswith("-"):
            out.append(REDACTED)
            hide_next = False
            continue
        hide_next = False
        name, eq, _value = arg.partition("=")
        if eq and is_secret_key(name.lstrip("-+~")):
            out.append(f"{name}={REDACTED}")
            redacted.append(name)
            continue
        if arg.startswith("-") and not eq and is_secret_key(arg.lstrip("-")):
            hide_next = True
            redacted.append(arg)
        clean, kinds = redact_text(arg)
        out.append(clean)
        redacted.extend(k for k in kinds if k not in redacted)
    return out, redacted


__all__ = [
    "CREDENTIAL_FILES",
    "REDACTED",
    "TOKEN_PATTERNS",
    "LineRedactor",
    "credential_file_reason",
    "is_secret_key",
    "is_secret_name",
    "redact_args",
    "redact_diff",
    "redact_text",
    "redact_values",
    "secret_kinds",
    "strip_url_credentials",
]
