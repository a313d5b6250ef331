"""Secrets never captured: environment variable names, flags on the command line, remote URLs."""

from __future__ import annotations

import pytest

from cairn.sdk.capture.environment import RESULT_ENV_VARS, result_env_vars
from cairn.sdk.capture.secrets import is_secret_name, redact_args, strip_url_credentials


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
        "--api-key=<redacted>",
        "--token",
        "<redacted>",
        "db.password=<redacted>",
        "--key-dim",
        "64",
    ]
    assert redacted == ["--api-key", "--token", "db.password"]


@pytest.mark.parametrize("flag", ["--key-dim", "--tokenizer", "--num-keys", "model.key_size"])
def test_hyperparameters_that_mention_keys_or_tokens_are_kept(flag: str) -> None:
    assert redact_args([f"{flag}=8"]) == ([f"{flag}=8"], [])
