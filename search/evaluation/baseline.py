"""The plain BM25 baseline the engines are measured against.

One in-memory tantivy index with a single text field, an item's title, summary and body joined,
analysed by tantivy's `default` tokenizer: split on anything that is not a letter or a digit,
tokens of 40 bytes or more dropped, lower case. No stemming, no accent folding, no synonyms, no
typo tolerance, no field weights. A query is its words, lower-cased the same way, each an optional
term (OR), ranked by tantivy's BM25 (k1 1.2, b 0.75); quotes are ignored.
"""

import re
from collections.abc import Iterable

import tantivy

WORD = re.compile(r"[^\W_]+")
MAX_TOKEN_BYTES = 40


def words(text: str) -> list[str]:
    tokens = (token.lower() for token in WORD.findall(text))
    return list(dict.fromkeys(token for token in tokens if len(token.encode()) < MAX_TOKEN_BYTES))


class PlainBM25:
    name = "plain BM25"

    def __init__(self, documents: Iterable[dict]):
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=True, indexed=True)
        builder.add_text_field("text", tokenizer_name="default")
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema)
        # One indexing thread: several share the documents out between segments as they come, and
        # equal scores then came back in another order from one run to the next.
        writer = self.index.writer(num_threads=1)
        for document in documents:
            text = "\n".join((document["title"], document["summary"], document["body"]))
            writer.add_document(tantivy.Document(id=document["id"], text=text))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()

    def search(self, text: str, limit: int = 10) -> tuple[list[int], int]:
        """The ids of the best `limit` items and how many items matched."""
        terms = [tantivy.Query.term_query(self.schema, "text", word) for word in words(text)]
        if not terms:
            return [], 0
        query = tantivy.Query.boolean_query([(tantivy.Occur.Should, term) for term in terms])
        searcher = self.index.searcher()
        found = searcher.search(query, limit, count=True)
        return [searcher.doc(address)["id"][0] for _score, address in found.hits], found.count
