-- Tag prefix search: LIKE 'pre%' uses an index only with text_pattern_ops under non-C collations.
CREATE INDEX note_tags_prefix ON note_tags (tag_key text_pattern_ops);
