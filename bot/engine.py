"""The pure core: README text -> ranked tags with evidence. No I/O beyond the packaged rules.

    tagger = Tagger(load_vocabulary("vocabulary.json"))
    result = tagger.tag(readme_bytes, description="...", max_tags=3)
    result.tags       # [Tag(id=86, name="serverless", ...)]
    result.evidence   # {"serverless": {"score": 7.4, "matches": [...]}}
"""

from dataclasses import dataclass, field

from bot import chooser, readme, scoring
from bot.lexicon import Lexicon, default_lexicon
from bot.matcher import CompiledVocabulary
from bot.vocabulary import Tag, Vocabulary, load_vocabulary

DEFAULT_MAX_TAGS = 3
CANDIDATES_SHOWN = 8


@dataclass
class Result:
    tags: list[Tag]
    evidence: dict
    truncated: bool = False
    ranked: list = field(default_factory=list)  # (Tag, TagScore) of the best-scoring tags

    @property
    def candidates(self) -> list:
        """(Tag, score, evidence) of the best-scoring tags, chosen or not: for --explain."""
        return [(tag, round(s.score, 2), s.evidence(4)) for tag, s in self.ranked]


class Tagger:
    def __init__(self, vocabulary: Vocabulary | None = None, lexicon: Lexicon | None = None):
        self.vocabulary = vocabulary if vocabulary is not None else load_vocabulary()
        self.compiled = CompiledVocabulary(self.vocabulary, lexicon if lexicon is not None else default_lexicon())

    def tag(self, text: bytes | str, description: str | None = None, max_tags: int = DEFAULT_MAX_TAGS) -> Result:
        document = readme.parse(text, description)
        scores = scoring.score(self.compiled.scan(document))
        chosen = chooser.choose(scores, self.compiled.thresholds, max_tags,
                                self.vocabulary.threshold, self.vocabulary.tags)
        tags = [self.vocabulary.tags[s.tag] for s in chosen]
        evidence = {self.vocabulary.tags[s.tag].name: {"score": round(s.score, 2), "matches": s.evidence()}
                    for s in chosen}
        best = chooser.rank(scores, self.vocabulary.tags)[:CANDIDATES_SHOWN]
        return Result(tags, evidence, document.truncated, [(self.vocabulary.tags[s.tag], s) for s in best])
