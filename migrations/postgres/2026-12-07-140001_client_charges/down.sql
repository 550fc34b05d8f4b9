DROP TABLE client_charges;
