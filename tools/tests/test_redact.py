from django.test import override_settings

from tools.redact import MASK, redact


def test_redact_masks_authorization_headers_tokens_and_secret_keys() -> None:
    out = redact(
        {
            "headers": {"Authorization": "Bearer abc.def"},
            "log": "curl -H 'Authorization: Bearer zzz123' key sk-ABCDEFGHIJKLMNOPQRST api_key=hunter22",
            "items": ["ghp_ABCDEFGHIJKLMNOPQRSTUVWX", 3],
        },
        secrets=[],
    )
    text = str(out)
    for leaked in ("abc.def", "zzz123", "sk-ABCDEFGHIJKLMNOPQRST", "hunter22", "ghp_ABCDEFGHIJ"):
        assert leaked not in text
    assert out["items"][1] == 3
    assert MASK in out["log"]


@override_settings(OPENAI_API_KEY="plain-value-42")
def test_redact_masks_values_of_secret_settings() -> None:
    assert redact({"note": "the key is plain-value-42"}) == {"note": f"the key is {MASK}"}


def test_usage_counters_are_not_mistaken_for_secrets() -> None:
    usage = {"tokens_in": 100, "tokens_out": 50, "access_token": "abcdef123456"}
    assert redact(usage, secrets=[]) == {"tokens_in": 100, "tokens_out": 50, "access_token": MASK}


def test_nuls_and_lone_surrogates_in_strings_and_keys_become_replacement_characters() -> None:
    out = redact({"text": "a\x00b", "k\x00": ["caf\udce9", 1], "password": "x\x00"}, secrets=[])
    assert out == {"text": "a\ufffdb", "k\ufffd": ["caf\ufffd", 1], "password": MASK}
