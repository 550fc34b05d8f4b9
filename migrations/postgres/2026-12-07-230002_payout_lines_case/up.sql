-- A case's payout lines, read for its final statement (store::payouts::paid_out_for_case).
CREATE INDEX payout_lines_case ON payout_lines (case_id);
