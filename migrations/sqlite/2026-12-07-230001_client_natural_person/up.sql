-- A client that is a natural person, also a sole trader (eenmanszaak) with a KvK number:
-- it pays the natural person's kanton court fee (procedure.md §3), where a KvK number alone
-- would make it a legal person.
ALTER TABLE clients ADD COLUMN natural_person BOOLEAN NOT NULL DEFAULT 0;
