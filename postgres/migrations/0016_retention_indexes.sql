-- expand
-- The retention purge deletes a registration's rule-change notices by
-- receipt, which the primary key (rule_id, receipt) cannot find.
CREATE INDEX rule_change_notices_receipt ON rule_change_notices (receipt);
