-- yaml_source: the YAML a state machine was imported from (or last saved as), '' for none.
-- The studio stores and runs JSON; exporting YAML lays the current definition over this
-- text, so its comments and layout survive a round trip.
ALTER TABLE state_machines ADD COLUMN yaml_source TEXT NOT NULL DEFAULT '';
