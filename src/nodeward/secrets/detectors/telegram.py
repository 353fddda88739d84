"""Telegram bot token (NW832)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW832",
    "telegram-bot-token",
    "A Telegram Bot API token",
    what="Finds Telegram bot token values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
TELEGRAM_BOT_TOKEN=5829304756:AA4sA9Q0NksyRRM3NQTCmyv4mwaQwSs92m5
""",
    use_instead="""
const telegrambottoken = process.env.TELEGRAM_BOT_TOKEN;
""",
    references=('https://core.telegram.org/bots/api#authorizing-your-bot',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Telegram bot token",
    keywords=(':aa',),
    patterns=(
        re.compile(r"""\b(?P<secret>\d{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])"""),
    ),

)
