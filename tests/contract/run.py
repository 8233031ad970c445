"""Checks the API against its OpenAPI document with schemathesis, as an anonymous caller and as a platform admin
with a write token: no server error, no response outside its schema, no status the document does not declare, no
request valid by the document refused, no request missing its token accepted.

Usage: run.py BASE_URL [--callers anonymous,admin] [--examples N] [--seed N]

BASE_URL is a Mitra started with `serve --demo` (its admin account signs in to make the token). The run writes
through the API as that admin, so point it at a throw-away data directory.
"""

import argparse
import html
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ADMIN_EMAIL = "admin@demo.mitra.invalid"
ADMIN_PASSWORD = "demo-password-admin"

# What an exact contract promises. Left out: the stateful checks, which need links the document does not declare;
# and negative_data_rejection, because the parsers are lenient by design where the document states the values
# meant (an empty query value is read as an absent one, tags are trimmed and read in either case).
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "positive_data_acceptance",
        "missing_required_header",
        "ignored_auth",
    ]
)


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if not match:
        sys.exit("error: no csrf_token on the page; is this a Mitra server?")
    return html.unescape(match.group(1))


def write_token(base: str, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> str:
    """Signs in as a demo account (the admin unless told) and makes a write token through the account page, as a
    person would."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def post(path: str, fields: dict) -> str:
        data = urllib.parse.urlencode(fields).encode()
        with opener.open(urllib.request.Request(base + path, data=data, method="POST"), timeout=30) as r:
            return r.read().decode()

    def get(path: str) -> str:
        with opener.open(base + path, timeout=30) as r:
            return r.read().decode()

    post("/login", {"csrf_token": csrf_of(get("/login")), "email": email, "password": password})
    page = post(
        "/account/tokens",
        {"csrf_token": csrf_of(get("/account")), "name": "contract check", "scope": "write"},
    )
    match = re.search(r'<p class="secret">\s*([^<\s]+)\s*</p>', page)
    if not match:
        sys.exit(f"error: the account page showed no new token; did {email} sign in?")
    return html.unescape(match.group(1))


def schemathesis(base: str, examples: int, seed: int, label: str, headers: list[str]) -> int:
    st = Path(sys.executable).with_name("schemathesis")
    command = [
        str(st),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{base}/api/v1/openapi.json",
        "--url",
        base,
        "--checks",
        CHECKS,
        "--max-examples",
        str(examples),
        "--seed",
        str(seed),
        "--phases",
        "examples,coverage,fuzzing",
        # One worker: the generator's code is not safe to run on several threads at once (seen: "AST constructor
        # recursion depth mismatch" from two).
        "--workers",
        "1",
        "--no-color",
        "--request-timeout",
        "30",
        "--generation-database",
        "none",
    ]
    for header in headers:
        command += ["--header", header]
    print(f"\n==> schemathesis, {label}", flush=True)
    return subprocess.run(command, stdin=subprocess.DEVNULL, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--examples", type=int, default=25, help="test cases per operation (default 25)")
    parser.add_argument("--seed", type=int, default=1, help="random seed, for a run that can be repeated")
    parser.add_argument(
        "--callers",
        default="anonymous,admin",
        help="who calls, in order: anonymous, admin (the demo admin with a write token); default both",
    )
    args = parser.parse_args()
    base = args.base_url.rstrip("/")

    failed = 0
    for caller in args.callers.split(","):
        if caller == "anonymous":
            failed |= schemathesis(base, args.examples, args.seed, "anonymous", [])
        elif caller == "admin":
            token = write_token(base)
            failed |= schemathesis(
                base,
                args.examples,
                args.seed,
                "platform admin with a write token",
                [f"Authorization: Bearer {token}"],
            )
        else:
            parser.error(f"unknown caller {caller!r}: anonymous or admin")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
