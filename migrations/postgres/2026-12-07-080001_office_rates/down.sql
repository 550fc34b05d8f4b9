DROP TABLE office_rates;
