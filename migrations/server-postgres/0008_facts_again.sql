-- Regional facts now carry the team's phase marks and what the documents
-- show (validation, stakeholder mapping) instead of one phase number: every
-- document's facts are worked out again, lazily, at the next dashboard.
DELETE FROM facts;
