"""Sanctions programmes folded into a few topics, so that listings by different authorities can
be compared ("RUSSIA-EO14024", "UKR", "Russia" and "Autonomous (Russia)" are all about Russia).

Used only as soft evidence for links made on names: two records whose programmes share a topic
are more likely one party than two records listed for unrelated reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

#: topic -> words (lower case, matched as whole words or code prefixes) of programme names.
TOPICS: dict[str, tuple[str, ...]] = {
    "russia": ("russia", "russian", "rus", "ukr", "ukraine", "ukraine-eo13660", "ukraine-eo13661",
               "ukraine-eo13662", "ukraine-eo13685", "russia-eo14024", "crimea", "eo14024",
               "eo13660", "eo13661", "eo13662", "eo13685", "caatsa", "russie", "cyber2",
               "eo14114", "ssi"),
    "belarus": ("belarus", "blr", "belarus-eo14038"),
    "iran": ("iran", "irn", "ifsr", "irgc", "iran-eo13846", "iran-eo13871", "iran-eo13902",
             "iran-hr", "iran-tra", "iran-con-arms-eo", "hrit"),
    "dprk": ("dprk", "korea", "prk", "dprk2", "dprk3", "dprk4", "dprk-nkscsa", "1718"),
    "syria": ("syria", "syr", "syria-eo13894", "caesar"),
    "terrorism": ("sdgt", "sdt", "fto", "terrorism", "terrorist", "isil", "daesh", "qaida",
                  "al-qaida", "taqa", "1267", "1989", "2253", "1373", "taliban", "1988",
                  "afghanistan", "afg", "hizballah", "hezbollah", "ct", "counter-terrorism",
                  "aqd", "jvcfor"),
    "narcotics": ("sdnt", "sdntk", "narcotics", "illicit-drugs", "drugs", "kingpin", "icct"),
    "venezuela": ("venezuela", "ven", "venezuela-eo13850", "venezuela-eo13884"),
    "myanmar": ("burma", "myanmar", "mmr", "burma-eo14014"),
    "libya": ("libya", "lby", "libya2", "libya3"),
    "iraq": ("iraq", "irq", "iraq2", "iraq3"),
    "zimbabwe": ("zimbabwe", "zwe", "zimbabwe-eo13469"),
    "sudan": ("sudan", "sdn", "darfur", "sudan-eo14098"),
    "south-sudan": ("south-sudan", "ssd"),
    "somalia": ("somalia", "som"),
    "yemen": ("yemen", "yem"),
    "lebanon": ("lebanon", "lbn"),
    "mali": ("mali", "mli"),
    "car": ("car", "central-african", "caf"),
    "drc": ("drc", "congo", "cod", "drcongo"),
    "nicaragua": ("nicaragua", "nic", "nicaraguan"),
    "cuba": ("cuba", "cub"),
    "balkans": ("balkans", "western-balkans", "bih", "ser", "yugoslavia"),
    "human-rights": ("glomag", "magnitsky", "hr", "human-rights", "ghr", "global-human-rights",
                     "corruption", "anti-corruption", "gac", "hrit"),
    "cyber": ("cyber", "cyber-related", "cyb", "cyber2"),
    "chemical": ("chemical", "cw", "opcw"),
    "wmd": ("npwmd", "wmd", "non-proliferation", "proliferation"),
    "guatemala": ("guatemala", "gtm"),
    "haiti": ("haiti", "hti"),
    "moldova": ("moldova", "mda"),
    "tunisia": ("tunisia", "tun"),
    "egypt": ("egypt", "egy"),
    "guinea": ("guinea", "gin"),
    "burundi": ("burundi", "bdi"),
}

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_INDEX: dict[str, str] = {w: topic for topic, words in TOPICS.items() for w in words}


@lru_cache(maxsize=4096)
def topics_of(program: str) -> frozenset[str]:
    """Topics of one programme name (empty when unknown)."""
    text = program.lower()
    out: set[str] = set()
    for word in _WORD.findall(text):
        if word in _INDEX:
            out.add(_INDEX[word])
            continue
        for part in word.split("-"):
            if part in _INDEX and len(part) > 2:
                out.add(_INDEX[part])
    return frozenset(out)


def topics(programs: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for p in programs:
        out |= topics_of(p)
    return frozenset(out)
