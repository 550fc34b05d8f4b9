DROP TABLE register_answers;
