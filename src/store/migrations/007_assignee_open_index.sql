-- Routing a draft counts each reviewer's open consultations. Without this index the count read every
-- open consultation for each reviewer, so a backlog of thousands cost PostgreSQL ~4 ms of CPU a draft
-- and drafting slowed as the backlog grew. The predicate is the routing query's own status list.
CREATE INDEX consultations_assignee_open ON consultations (assignee_id)
  WHERE status IN ('received', 'drafting', 'awaiting_review', 'waiting_on_customer');
