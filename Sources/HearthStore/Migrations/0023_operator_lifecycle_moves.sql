-- 0023: an operator's change of a member's stage (UpdateMember, `hearth members update --stage`)
-- is recorded in lifecycle_moves with the reason 'operator', next to the lifecycle job's moves.

COMMENT ON TABLE lifecycle_moves IS
    'Every change of a member''s lifecycle stage, with its reason and time: the lifecycle job''s moves '
    '(first_purchase, no_purchase_90d, …) and operators'' changes (reason operator). The history behind '
    'members.lifecycle_stage and the moves counted in reports. Append-only.';
