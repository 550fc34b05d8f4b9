DROP INDEX payout_lines_case;
