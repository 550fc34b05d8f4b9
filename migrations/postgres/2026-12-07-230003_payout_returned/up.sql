-- The day the client's bank returned a payout (a camt.053 credit with its end-to-end id
-- and a return reason): its lines no longer count as settled, so the next run pays them
-- again (store::payouts::settled).
ALTER TABLE payouts ADD COLUMN returned_on DATE;
