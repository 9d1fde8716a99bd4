"""Dutch word lists the glued-word repair relies on (closed classes, endings, old spellings)."""

from __future__ import annotations

PARTICLES = {
    "aan", "achter", "af", "bij", "binnen", "door", "in", "mee", "na", "neer", "om", "onder", "op",
    "over", "samen", "tegen", "terug", "toe", "uit", "vast", "voor", "weg", "be", "ge", "ver", "ont",
    "her", "er", "mis", "deel", "plaats", "tot", "los", "vrij", "kwijt", "teleur", "rond", "voort",
}  # fmt: skip
FUNCTION_WORDS = {
    "de", "het", "een", "den", "der", "des", "van", "in", "op", "aan", "bij", "met", "voor", "door",
    "naar", "uit", "om", "over", "onder", "tot", "tegen", "tussen", "na", "sinds", "zonder", "via",
    "per", "te", "ten", "ter", "binnen", "buiten", "vanaf", "vanuit", "volgens", "tijdens", "rond",
    "en", "of", "maar", "dat", "als", "omdat", "want", "dus", "dan", "noch", "wanneer", "terwijl",
    "indien", "hoewel", "zodat", "doordat", "nadat", "voordat", "totdat", "zoals", "die", "dit",
    "deze", "wat", "wie", "welk", "welke", "waar", "hoe", "waarom", "ik", "je", "jij", "u", "hij",
    "zij", "ze", "we", "wij", "jullie", "zich", "mij", "me", "hem", "haar", "ons", "hun", "hen",
    "mijn", "uw", "onze", "zijn", "is", "was", "waren", "ben", "bent", "wordt", "worden", "werd",
    "werden", "heeft", "hebben", "had", "hadden", "kan", "kunnen", "kunt", "zal", "zullen", "zou",
    "zouden", "moet", "moeten", "mag", "mogen", "wil", "willen", "niet", "geen", "wel", "ook", "er",
    "al", "nog", "nu", "zo", "reeds", "steeds", "meer", "minder", "veel", "zeer", "heel", "alle",
    "elke", "ieder", "iedere", "enkele", "andere", "ander", "hier", "daar", "daarbij", "daarom",
    "hierbij", "alleen", "echter", "ongeveer", "bijna", "even", "toe", "mee", "af", "weg",
}  # fmt: skip
COMMON_ZIPF = 3.0  # a word at least this frequent is a common word
LINKS = ("", "s", "e", "en", "er")  # what may stand between the parts of a compound
# Words that make one word with what follows ("hiervoor", "alsnu", "welligt", "hetwelk"):
# split off only before an article or pronoun ("als de", "er geen").
COMPOUNDING = {
    "hier", "daar", "waar", "er", "als", "even", "meer", "des", "ten", "ter", "toe", "al", "mijn",
}  # fmt: skip
PHRASE_STARTERS = {
    "de", "het", "een", "die", "dat", "deze", "dit", "ik", "je", "we", "wij", "u", "hij", "zij", "ze",
    "geen", "niet", "ook", "nog", "ja", "nee",
}  # fmt: skip
NUMBER_WORDS = {"honderd", "duizend", "miljoen", "miljard", "en", "twintig", "dertig", "veertig", "vijftig"}
KEEP_WHOLE = {"hetwelk", "hetgeen", "datgene", "diegene", "degene", "dezelfde", "hetzelfde", "zodanig"}
# An inflected adjective ("financiële", "verhoogde") never starts a compound: it and a noun
# run together are two words.
ADJECTIVE_ENDINGS = ("lijke", "ische", "iële", "uele", "ieve", "ige", "ende", "ieke", "aire", "ieuze")
DOUBLED_ENDINGS = ("ale", "ele", "ore", "ure", "are")  # "lokale" <- "lokaal", "pure" <- "puur"
COMMON_ADJECTIVES = {
    "grote", "kleine", "nieuwe", "hoge", "lage", "oude", "jonge", "goede", "hele", "andere", "vorige",
    "volgende", "huidige", "diverse", "lange", "korte", "brede", "sterke", "zware", "lichte", "vrije",
    "eerste", "tweede", "derde", "laatste", "meeste", "beste", "verdere", "enkele",
}  # fmt: skip
# Endings that are also words: "financierende" is an inflected word, not "financieren de".
SUFFIX_WORDS = {
    "de", "te", "en", "e", "s", "n", "er", "je", "ste", "st", "t", "ie", "tje", "heid", "der", "den", "des",
}  # fmt: skip


# Spellings Dutch gave up in 1947 ("zoo", "eene", "menschen"): a text that uses them is older
# than the frequency list knows, and its words are not judged by it.
OLD_SPELLINGS = {
    "zoo", "eene", "eener", "eenen", "zoodat", "tusschen", "menschen", "hunne", "mijne", "uwe", "zyn",
    "hetwelk", "ondergeteekende", "wenschelijk", "geene", "ener", "uwer", "welken", "zoozeer", "zomede",
    "dezen", "eenige", "hunner", "zooals", "zooveel", "voorgedragenen", "nopens", "alsnu",
}  # fmt: skip
