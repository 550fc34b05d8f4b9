-- Tasks as people work them (issue 17): the day a task opened by hand or by a note is
-- due; NULL for the track's own tasks. Overdue is computed (due before today, still open
-- or claimed). Keep the other backend's migration of this name in step.
ALTER TABLE tasks ADD COLUMN due_on DATE;
CREATE INDEX tasks_assignee_due ON tasks (claimed_by, state, due_on);
