DROP INDEX tasks_assignee_due;
ALTER TABLE tasks DROP COLUMN due_on;
