"""NW113 by ORM identity: which database a queried model or collection belongs to.

`data/taint_precision_nosql` is a newsroom API written for this test that uses MongoDB
(mongoose models, a MongoDB driver collection) next to SQL models (Bookshelf behind a
`models/index.js` re-export, Sequelize, knex).  A project-wide "does it use MongoDB at all"
check cannot tell them apart; judging each receiver can:

- a `mongoose.model(...)` value, a model imported from a module that builds one, and a
  `db.collection(...)` value are MongoDB: reported at high confidence (the collection even when
  its variable name says nothing);
- a model whose module reaches `bookshelf`, a `sequelize.define(...)` model, a TypeORM
  repository and a knex builder bind values as SQL parameters: not reported (TypeORM's
  `getMongoRepository` is MongoDB's, and reported);
- NestJS services injected by type: `Model<T>` from mongoose is MongoDB, `Repository<T>` from
  TypeORM is not;
- a receiver nothing identifies (a package the tables do not know): reported, medium confidence.
"""

from __future__ import annotations

from pathlib import Path

from nodeward.model import Confidence
from tests.analysis.helpers import annotated_lines, scan_app

APP = Path(__file__).resolve().parent / "data" / "taint_precision_nosql"


def _nosql() -> dict[tuple[str, str, int], Confidence]:
    return {(f.rule_id, f.path, f.line): f.confidence for f in scan_app(APP).findings if f.rule_id == "NW113"}


def test_nosql_findings_equal_annotations() -> None:
    expected, forbidden = annotated_lines(APP, (".js", ".ts"))
    assert len(expected) == 7 and len(forbidden) == 6
    found = set(_nosql())
    assert found == expected
    assert not found & forbidden


def test_confidence_follows_what_is_known_of_the_receiver() -> None:
    found = _nosql()
    assert found[("NW113", "routes/notes.js", 12)] == Confidence.HIGH  # imported mongoose model
    assert found[("NW113", "routes/notes.js", 17)] == Confidence.HIGH  # `$where` on that model
    assert found[("NW113", "routes/notes.js", 22)] == Confidence.HIGH  # local mongoose.model()
    assert found[("NW113", "routes/notes.js", 28)] == Confidence.HIGH  # db.collection('accounts')
    assert found[("NW113", "routes/notes.js", 34)] == Confidence.MEDIUM  # unknown package
    assert found[("NW113", "routes/people.js", 28)] == Confidence.HIGH  # TypeORM's MongoDB repository
    assert found[("NW113", "nest/readers.controller.ts", 25)] == Confidence.HIGH  # NestJS Model<T>
