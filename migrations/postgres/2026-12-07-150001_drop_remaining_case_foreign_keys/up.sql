-- 2026-12-07-110001 meant to drop the foreign keys from case_events and jobs to cases, but
-- named them as first created: the partitioned tables (2026-12-07-040001) got theirs as
-- `…_case_id_fkey1`, so they stayed, and every audit event and job written still paid a
-- look-up and a key-share lock on its case (three per imported claim, one per job-driven
-- transition's row). The search keys (2026-12-07-100001) added two more of the same kind:
-- case_search and case_keys are written in the transaction that creates the case or
-- changes its debtor, and cases are never deleted (six to ten look-ups per imported
-- claim). Dropped by what they are, whatever their names; cases.client_id -> clients stays.
DO $$
DECLARE
    fk record;
BEGIN
    FOR fk IN
        SELECT conrelid::regclass AS tab, conname
        FROM pg_constraint
        WHERE contype = 'f'
          AND confrelid = 'cases'::regclass
          AND conrelid IN ('case_events'::regclass, 'jobs'::regclass,
                           'case_search'::regclass, 'case_keys'::regclass)
          AND conparentid = 0
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.tab, fk.conname);
    END LOOP;
END
$$;
