-- 0026: the order that paid for a seat in a paid group pays for that one seat. Before, any text
-- did (even spaces), and one order let any number of members in.

CREATE TABLE community_payment_orders (
    tenant_id        uuid        NOT NULL,
    payment_order_id text        NOT NULL CHECK (char_length(payment_order_id) BETWEEN 1 AND 200
                                                 AND payment_order_id = btrim(payment_order_id)),
    community_id     uuid        NOT NULL,
    member_id        uuid        NOT NULL,
    used_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, payment_order_id),
    -- Both go only when their tenant does (groups are archived, members erased, never deleted).
    FOREIGN KEY (tenant_id, community_id) REFERENCES communities (tenant_id, community_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id) ON DELETE CASCADE
);
COMMENT ON TABLE community_payment_orders IS
    'Each order that paid for a seat in a paid group, with the group and the member it seated: an order '
    'pays for one member''s seat in one group, once. The same member rejoining the same group with it '
    'is let in again (their seat, paid once).';

SELECT hearth_isolate_by_tenant('community_payment_orders');
GRANT SELECT, INSERT ON community_payment_orders TO hearth_app;
