-- Tag prefix search walks note_tags' primary key (GLOB 'pre*' uses it in SQLite).
SELECT 1;
