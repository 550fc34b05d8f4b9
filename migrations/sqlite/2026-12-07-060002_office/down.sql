DROP TABLE office_versions;
