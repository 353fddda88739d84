"""Discord bot token or webhook (NW831)."""

from __future__ import annotations

import re

from nodeward.secrets.detectors.base import ROTATE, Detector, secret_rule

RULE = secret_rule(
    "NW831",
    "discord-credential",
    "A Discord bot token or webhook URL",
    what="Finds Discord bot token or webhook values in any text file of the project (code, config, `.env`, docs).",
    why=ROTATE,
    example="""
DISCORD_BOT_TOKEN=MTA5Xk7Rm2Tq9Lz4Wn8Vp3Hs6.GbXk7R.Rm2Tq9Lz4Wn8Vp3Hs6Jd1Fb5Gc0Ya7Ue2P
""",
    use_instead="""
const discordbottoken = process.env.DISCORD_BOT_TOKEN;
""",
    references=('https://discord.com/developers/docs/topics/oauth2#bot-vs-user-accounts',),
)

DETECTOR = Detector(
    rule=RULE,
    kind="Discord bot token or webhook",
    keywords=('discord',),
    patterns=(
        re.compile(r"""\b(?P<secret>[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})(?![A-Za-z0-9_-])"""),
        re.compile(r"""(?P<secret>https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{17,20}/[A-Za-z0-9_-]{60,68})"""),
    ),

)
