ALTER TABLE case_events ADD FOREIGN KEY (case_id) REFERENCES cases (id);
ALTER TABLE jobs ADD FOREIGN KEY (case_id) REFERENCES cases (id);
ALTER TABLE case_search ADD FOREIGN KEY (case_id) REFERENCES cases (id);
ALTER TABLE case_keys ADD FOREIGN KEY (case_id) REFERENCES cases (id);
