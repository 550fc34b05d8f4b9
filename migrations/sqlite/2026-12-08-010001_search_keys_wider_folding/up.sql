-- case::search folds more letters now (Romanian ș ț, Vietnamese, pinyin): a name with a
-- letter beyond ASCII may have a new search key. Its case loses its keys here (the
-- full-text rows with them, by the delete trigger) and store::search::backfill writes
-- them again at the service's next start. Names in plain ASCII keep theirs. Keep the
-- postgres twin in step.
DELETE FROM case_search
WHERE case_id IN (
    SELECT case_id FROM parties
    WHERE role = 'debtor' AND (name || family_name || family_name_prefix) GLOB '*[^ -~]*'
);
