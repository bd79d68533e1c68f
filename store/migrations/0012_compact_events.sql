-- History stored compactly (see store/history.go). An event's document (its input or its
-- output, most of its bytes) is kept as the JSON text it is, not escaped inside details, or,
-- when it shares most of its text with the document of an earlier event of the execution (a
-- state's input is the output of the state before it; a state's output is its input with one
-- field changed), as that event's id (base) with the lengths of the text they share at the
-- start (prefix) and the end (suffix) and only the text between in doc. Reads rebuild AWS's
-- shape. An event with both an input and an output keeps them in details, as before.
--
-- A table with rowids, unlike the WITHOUT ROWID one it replaces, keeps a row of up to a page
-- (4 KB) on its page: a WITHOUT ROWID row over about 1 KB spilled into an overflow page of its
-- own.
CREATE TABLE events_compact (
    execution_id  INTEGER NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    id            INTEGER NOT NULL,
    previous_id   INTEGER NOT NULL,
    type          TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    timestamp     INTEGER NOT NULL,
    details       TEXT    NOT NULL,
    doc           TEXT,
    doc_is_output INTEGER NOT NULL DEFAULT 0,
    base          INTEGER,
    prefix        INTEGER NOT NULL DEFAULT 0,
    suffix        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (execution_id, id)
);
INSERT INTO events_compact (execution_id, id, previous_id, type, state, timestamp, details, doc, doc_is_output)
SELECT execution_id, id, previous_id, type, state, timestamp,
       iif(has_input AND has_output, details, json_remove(details, '$.input', '$.output')),
       iif(has_input AND has_output, NULL, coalesce(details ->> '$.input', details ->> '$.output')),
       NOT has_input AND has_output
FROM (SELECT *, details ->> '$.input' IS NOT NULL AS has_input, details ->> '$.output' IS NOT NULL AS has_output
      FROM events);
DROP TABLE events;
ALTER TABLE events_compact RENAME TO events;
