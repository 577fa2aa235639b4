"""5,000 common Western full names (given name + family name), seeded and reproducible.

Used by ``bench/match_translit.py`` and ``tests/test_match_translit.py``: none of them should
reach the threshold against a listed name in a non-Latin script through transliteration
alone. The lists are common given and family names of the US, UK, Germany, France, Spain,
Italy, the Netherlands and Scandinavia, written by hand (census-style frequency lists).
"""

from __future__ import annotations

import random

GIVEN = """James John Robert Michael William David Richard Joseph Thomas Charles Christopher
Daniel Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy
Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott
Brandon Benjamin Samuel Gregory Frank Alexander Raymond Patrick Jack Dennis Jerry Tyler Aaron
Henry Peter Adam Nathan Walter Harold Mary Patricia Jennifer Linda Elizabeth Barbara Susan
Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol
Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley
Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet
Catherine Maria Heather Diane Julie Olivia Hans Klaus Jürgen Wolfgang Stefan Andreas Markus
Sabine Ursula Monika Petra Claudia Pierre Jean Michel Philippe Alain Nathalie Isabelle Sylvie
Carlos Javier Manuel Antonio Francisco Carmen Lucia Marco Giuseppe Luca Giovanni Francesca
Chiara Giulia Jan Pieter Sanne Lars Anders Erik Ingrid Astrid Sofia""".split()
FAMILY = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Wilson
Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker
Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner
Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper
Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes
Price Sanders Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan Fisher Henderson
Coleman Simmons Patterson Jordan Reynolds Hamilton Graham Wallace Cole West Stone Hayes Gibson
Ellis Murray Ford Marshall Owens Harrison Fernandez Wells Webb Tucker Porter Hunter Hicks
Crawford Henry Boyd Mason Kennedy Warren Dixon Burns Gordon Shaw Holmes Rice Hunt Black Daniels
Palmer Mills Grant Knight Ferguson Rose Hudson Müller Schmidt Schneider Fischer Weber Meyer
Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun
Krüger Hofmann Hartmann Lange Werner Krause Lehmann Köhler Bernard Dubois Durand Lefebvre Leroy
Moreau Simon Laurent Michel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent
Lopez Gonzalez Sanchez Perez Gomez Diaz Romero Navarro Torres Ruiz Alvarez Moreno Rossi Russo
Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti Costa Giordano
Mancini Rizzo Lombardi De Jong Jansen Bakker Visser Smit Meijer Mulder Bos Vos Hansen Nielsen
Johansson Andersson Karlsson Nilsson Larsson Olsen Berg Lindqvist""".split()


def western_names(n: int = 5000, seed: int = 5000) -> list[str]:
    """``n`` distinct "Given Family" names drawn from the lists above."""
    rng = random.Random(seed)
    pairs = sorted({(g, f) for g in GIVEN for f in FAMILY if g != f})
    return [f"{g} {f}" for g, f in rng.sample(pairs, n)]
