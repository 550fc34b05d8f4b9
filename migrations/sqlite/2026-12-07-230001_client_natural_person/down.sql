ALTER TABLE clients DROP COLUMN natural_person;
