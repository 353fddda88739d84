"""`nodeward probe URL`: live checks of a running server (headers, cookies, TLS, CORS, errors, rate limits, exposures)."""

from __future__ import annotations

import argparse
from pathlib import Path

from nodeward.commands.common import add_common_options, add_output_options, config_from_args, emit
from nodeward.probe import ProbeOptions, probe_url
from nodeward.probe.client import DEFAULT_TIMEOUT_SECONDS
from nodeward.probe.options import read_paths_file
from nodeward.probe.ratelimit import DEFAULT_ATTEMPTS, HARD_CAP_ATTEMPTS

NAME = "probe"
HELP = "live checks of a running server: headers, cookies, HTTPS/TLS, CORS, errors, exposures, rate limits (NW9xx)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("url", metavar="URL", help="the server to probe (http:// or https://); only this origin and --https-url are contacted")
    p.add_argument("--https-url", metavar="URL", help="the HTTPS origin when URL is plain HTTP (enables the redirect, HSTS and TLS checks)")
    p.add_argument("--ca-cert", metavar="FILE", help="PEM CA bundle to trust for the HTTPS origin (private or test CA)")
    p.add_argument("--insecure", action="store_true", help="do not verify the TLS certificate (it is still checked and reported)")
    p.add_argument("--login-path", metavar="PATH", help="login endpoint, e.g. /login (its page and cookies are checked)")
    p.add_argument("--login-body", metavar="JSON|FORM", help="body POSTed to --login-path: a JSON object or user=a&password=b")
    p.add_argument("--rate-limit-probe", action="store_true", help="send --attempts login POSTs (run last; may lock out this address)")
    p.add_argument("--attempts", type=int, default=DEFAULT_ATTEMPTS, metavar="N", help=f"login attempts for --rate-limit-probe (hard cap {HARD_CAP_ATTEMPTS})")
    p.add_argument("--paths", metavar="FILE", help="file with extra paths to fetch, one per line (at most 50)")
    p.add_argument("--hsts-preload-list", metavar="FILE",
                   help="Chromium's transport_security_state_static.json (local file, never downloaded): report whether the host is preloaded and grade it as Observatory does")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS, metavar="S", help="per-request timeout in seconds")
    add_output_options(p)
    add_common_options(p)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(Path.cwd(), args)
    options = ProbeOptions(
        https_url=args.https_url,
        ca_cert=args.ca_cert,
        insecure=args.insecure,
        login_path=args.login_path,
        login_body=args.login_body,
        rate_limit_probe=args.rate_limit_probe,
        attempts=args.attempts,
        paths=read_paths_file(args.paths) if args.paths else (),
        timeout=args.timeout,
        hsts_preload_list=args.hsts_preload_list,
    )
    result = probe_url(args.url, options, config)
    return emit(result, config, args)
