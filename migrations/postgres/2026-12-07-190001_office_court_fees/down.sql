DROP TABLE office_court_fees;
