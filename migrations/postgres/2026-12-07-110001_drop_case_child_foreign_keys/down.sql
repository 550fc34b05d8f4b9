ALTER TABLE parties ADD FOREIGN KEY (case_id) REFERENCES cases (id);
ALTER TABLE invoices ADD FOREIGN KEY (case_id) REFERENCES cases (id);
ALTER TABLE case_events ADD FOREIGN KEY (case_id) REFERENCES cases (id);
ALTER TABLE jobs ADD FOREIGN KEY (case_id) REFERENCES cases (id);
