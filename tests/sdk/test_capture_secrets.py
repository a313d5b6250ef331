"""Secrets never captured: environment variable names, flags on the command line, remote URLs,
token patterns in any text, assignments to secret names, credential files, a diff, a config."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.fakes.planted import PLANTED, PRIVATE_KEY, PRIVATE_KEY_BODY, Planted
from tests.fakes.repos import git, make_repo

from cairn.sdk.capture.environment import RESULT_ENV_VARS, result_env_vars
from cairn.sdk.capture.secrets import (
    credential_file_reason,
    is_secret_key,
    is_secret_name,
    redact_args,
    redact_diff,
    redact_text,
    redact_values,
    strip_url_credentials,
)


@pytest.mark.parametrize(
    "name",
    ["AWS_SECRET_ACCESS_KEY", "HF_TOKEN", "db_password", "GOOGLE_APPLICATION_CREDENTIALS",
     "OPENAI_API_KEY", "TOKENIZERS_PARALLELISM", "GITHUB_AUTH"],
)  # fmt: skip
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["CUDA_VISIBLE_DEVICES", "OMP_NUM_THREADS", "PYTHONHASHSEED"])
def test_plain_names(name: str) -> None:
    assert not is_secret_name(name)


def test_only_allowlisted_variables_are_kept_and_never_a_secret_one() -> None:
    environ = {
        "CUDA_VISIBLE_DEVICES": "0,1",
        "PYTHONHASHSEED": "0",
        "HOME": "/home/me",
        "WANDB_API_KEY": "abc",
        "MY_TOKEN": "abc",
    }
    assert result_env_vars(environ) == {"CUDA_VISIBLE_DEVICES": "0,1", "PYTHONHASHSEED": "0"}
    # even a secret-looking name put on the allowlist is refused
    names = (*RESULT_ENV_VARS, "WANDB_API_KEY", "MY_TOKEN")
    assert "WANDB_API_KEY" not in result_env_vars(environ, names)
    assert not any(is_secret_name(n) for n in RESULT_ENV_VARS)


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        ("https://user:ghp_abc@github.com/org/repo.git", "https://github.com/org/repo.git"),
        ("https://ghp_abc@github.com/org/repo.git", "https://github.com/org/repo.git"),
        ("https://u:p@host:8443/x.git", "https://host:8443/x.git"),
        ("ssh://git@github.com/org/repo.git", "ssh://git@github.com/org/repo.git"),
        ("ssh://git:pw@github.com/org/repo.git", "ssh://github.com/org/repo.git"),
        ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
        ("/srv/git/repo.git", "/srv/git/repo.git"),
    ],
)
def test_remote_urls_lose_their_credentials(url: str, clean: str) -> None:
    assert strip_url_credentials(url) == clean


def test_secret_flags_are_redacted() -> None:
    args = ["--lr", "0.1", "--api-key=abc", "--token", "xyz", "db.password=pw", "--key-dim", "64"]
    out, redacted = redact_args(args)
    assert out == [
        "--lr",
        "0.1",
        "--api-key=[REDACTED]",
        "--token",
        "[REDACTED]",
        "db.password=[REDACTED]",
        "--key-dim",
        "64",
    ]
    assert redacted == ["--api-key", "--token", "db.password"]


@pytest.mark.parametrize("flag", ["--key-dim", "--tokenizer", "--num-keys", "model.key_size"])
def test_hyperparameters_that_mention_keys_or_tokens_are_kept(flag: str) -> None:
    assert redact_args([f"{flag}=8"]) == ([f"{flag}=8"], [])


# ---- values in text, by pattern -------------------------------------------------------------


@pytest.mark.parametrize("planted", PLANTED, ids=lambda p: p.kind)
def test_each_kind_of_token_is_redacted_and_named(planted: Planted) -> None:
    line = planted.line.format(planted.secret)
    for code in (False, True):
        out, kinds = redact_text(line, code=code)
        assert planted.secret not in out, (planted.kind, out)
        assert f"[REDACTED:{planted.kind}]" in out and kinds == [planted.kind]


def test_a_private_key_block_keeps_its_lines() -> None:
    text = "before\n" + PRIVATE_KEY + "after\n"
    out, kinds = redact_text(text)
    assert PRIVATE_KEY_BODY not in out and kinds == ["private-key"]
    assert out.count("\n") == text.count("\n")
    assert out.startswith("before\n[REDACTED:private-key]\n") and out.endswith("\nafter\n")
    one_line = '{"private_key": "' + PRIVATE_KEY.replace("\n", "\\n") + '", "x": 1}'
    out, _ = redact_text(one_line)  # a service account's JSON key: one line, escaped newlines
    assert PRIVATE_KEY_BODY not in out and out.endswith('", "x": 1}')


@pytest.mark.parametrize(
    "text",
    [
        "token_count = 512", "max_tokens: 1000", 'pad_token: "<pad>"', "eos_token_id = 2",
        'tokenizer = "bert-base-uncased"', "key_dim: 64", "secret_sauce_lr = 3e-4",
        "api_key = os.environ['OPENAI_API_KEY']", "token = get_token()",
        "api_key: ${oc.env:OPENAI_API_KEY}", 'password = "$DB_PASSWORD"', "password: null",
        "the task-force-of-sklearn-estimators-v2", "git sha 0123456789abcdef0123456789abcdef01234567",
        "password == other", 'api_key = "<your key here>"',
    ],
)  # fmt: skip
def test_ml_names_references_and_plain_text_are_kept(text: str) -> None:
    assert redact_text(text) == (text, [])


@pytest.mark.parametrize(
    ("text", "code", "clean"),
    [
        ('password = "hunter22"', True, 'password = "[REDACTED:assignment]"'),
        ("DB_PASSWORD=hunter22", False, "DB_PASSWORD=[REDACTED:assignment]"),
        ('"client_secret": "s3cr3tv4lue"', False, '"client_secret": "[REDACTED:assignment]"'),
        ("api_key: abcdef123", False, "api_key: [REDACTED:assignment]"),
        ("--hf-token=abcdef123", False, "--hf-token=[REDACTED:assignment]"),
        ('api_key: str = "abcdef123"', True, 'api_key: str = "[REDACTED:assignment]"'),
        ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG", False,
         "AWS_SECRET_ACCESS_KEY=[REDACTED:assignment]"),
        # in Python a bare value is an expression, not a secret written out
        ("api_key = abcdef123", True, "api_key = abcdef123"),
    ],
)  # fmt: skip
def test_literal_values_assigned_to_secret_names(text: str, code: bool, clean: str) -> None:
    assert redact_text(text, code=code)[0] == clean


@pytest.mark.parametrize(
    "name",
    ["api_key", "hf_token", "db.password", "clientSecret", "AWS_SECRET_ACCESS_KEY", "accessToken",
     "_authToken", "secret_key", "private_key", "credentials", "token", "passphrase", "apiKey2"],
)  # fmt: skip
def test_secret_keys(name: str) -> None:
    assert is_secret_key(name)


@pytest.mark.parametrize(
    "name",
    ["token_count", "max_tokens", "num_tokens", "tokenizer", "key_dim", "secret_sauce_lr",
     "pad_token", "eos_token_id", "decoder_start_token", "max_token", "keys", "key",
     "password_file", "lr", "monkey"],
)  # fmt: skip
def test_hyperparameter_keys_are_not_secret(name: str) -> None:
    assert not is_secret_key(name)


def test_config_values_are_redacted_by_key_and_by_value() -> None:
    config = {
        "lr": 0.1,
        "token_count": 512,
        "tokenizer": "gpt2",
        "secret_sauce_lr": 0.3,
        "api_key": "abc",
        "hf_token": None,
        "db": {"password": "pw", "host": "db", "port": 5432},
        "credentials": {"user": "me", "pin": 1234, "keys": ["a", "b"]},
        "notes": "uses " + PLANTED[2].secret,
        "data_url": "postgresql://me:" + PLANTED[11].secret + "@db/x",
    }
    assert redact_values(config) == {
        "lr": 0.1,
        "token_count": 512,
        "tokenizer": "gpt2",
        "secret_sauce_lr": 0.3,
        "api_key": "[REDACTED]",
        "hf_token": None,
        "db": {"password": "[REDACTED]", "host": "db", "port": 5432},
        "credentials": {"user": "[REDACTED]", "pin": 1234, "keys": ["[REDACTED]", "[REDACTED]"]},
        "notes": "uses [REDACTED:github-token]",
        "data_url": "postgresql://me:[REDACTED:url-password]@db/x",
    }


# ---- files, by name --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        ("credentials.json", "*credentials*"), ("conf/gcp-credentials.yaml", "*credentials*"),
        (".env", ".env"), ("deploy/.env.production", ".env.*"), ("prod.env", "*.env"),
        ("client_secret.json", "*secret*"), ("secrets.yaml", "*secret*"),
        ("server.pem", "*.pem"), ("tls/server.key", "*.key"), ("cert.p12", "*.p12"),
        ("cert.pfx", "*.pfx"), ("home/.ssh/id_rsa", "id_rsa*"), ("id_ed25519.pub", "id_ed25519*"),
        (".netrc", ".netrc"), (".pgpass", ".pgpass"), ("vault.kdbx", "*.kdbx"),
        (".git-credentials", "*credentials*"), ("Credentials.JSON", "*credentials*"),
    ],
)  # fmt: skip
def test_credential_file_names(path: str, pattern: str) -> None:
    assert credential_file_reason(path) == f"name matches {pattern}"


@pytest.mark.parametrize(
    "path", ["train.py", "conf/model.yaml", "tokenizer.json", "keys.py", "envs.sh", "keyboard.py"]
)
def test_source_file_names_are_not_credentials(path: str) -> None:
    assert credential_file_reason(path) is None


# ---- a diff ----------------------------------------------------------------------------------


def test_a_diff_keeps_its_shape_and_says_what_it_redacted(tmp_path: Path) -> None:
    token = PLANTED[2].secret
    repo = make_repo(tmp_path / "r", {"train.py": "lr = 0.1\n", ".env": "A=1\n"})
    (repo / "train.py").write_text(f"lr = 0.1\ngh = {token!r}\n")
    (repo / ".env").write_text("A=1\nB=quiet-value-9\n")
    diff, found = redact_diff(git(repo, "diff", "HEAD") + "\n")
    assert token not in diff and "quiet-value-9" not in diff
    assert found == {".env": ["credential-file"], "train.py": ["github-token"]}
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(repo), str(clone))
    (clone / "d.patch").write_text(diff)
    git(clone, "apply", "d.patch")  # still a valid diff: the placeholders are applied
    assert (clone / "train.py").read_text() == "lr = 0.1\ngh = '[REDACTED:github-token]'\n"
    assert (clone / ".env").read_text() == "A=1\n", "a credential file's changes are left out"


def test_a_private_key_across_diff_lines(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.txt": "x\n"})
    (repo / "a.txt").write_text("x\n" + PRIVATE_KEY)
    diff, found = redact_diff(git(repo, "diff", "HEAD") + "\n")
    assert PRIVATE_KEY_BODY not in diff and found == {"a.txt": ["private-key"]}
    assert diff.count("\n+[REDACTED:private-key]") == PRIVATE_KEY.count("\n")


def test_command_line_values_that_look_like_secrets_are_redacted() -> None:
    key = PLANTED[5].secret
    out, redacted = redact_args(["--openai", key, f"--model-key={key}", "--token-count=5"])
    assert out == [
        "--openai",
        "[REDACTED:openai-key]",
        "--model-key=[REDACTED:openai-key]",
        "--token-count=5",
    ]
    assert redacted == ["openai-key"]
