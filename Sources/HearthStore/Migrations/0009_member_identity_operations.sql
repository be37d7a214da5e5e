-- 0009: what erasing members and retried writes need: the erasure record, request keys for
-- idempotent writes, and an index for finding members by email.

-- ---------------------------------------------------------------------------------------------
-- member_erasures

CREATE TABLE member_erasures (
    tenant_id             uuid        NOT NULL,
    member_id             uuid        NOT NULL,
    -- Why, e.g. "PIPL request 2025-031"; an operator's words, so no personal data belongs here.
    reason                text        CHECK (char_length(reason) <= 2000),
    operator_id           uuid,
    -- The operator named by the access token, as given (tokens may name operators that have no row).
    requested_by          text        CHECK (char_length(requested_by) BETWEEN 1 AND 200),
    -- Set on profiles erased because they were merged into the member named here: one person's data
    -- goes with one request.
    erased_with_member_id uuid,
    erased_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, member_id),
    CONSTRAINT member_erasures_not_with_self CHECK (erased_with_member_id <> member_id),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    -- Audit: blocks hard deletion of the member, like member_merges.
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, member_id),
    FOREIGN KEY (tenant_id, erased_with_member_id) REFERENCES members (tenant_id, member_id),
    FOREIGN KEY (tenant_id, operator_id) REFERENCES operators (tenant_id, operator_id)
);
COMMENT ON TABLE member_erasures IS
    'Proof that a member''s personal data was erased: when, why and at whose request. What erasure keeps: the '
    'members row (placeholder name, no contact data, totals), events with their member_id (properties emptied), '
    'memberships, orders, moderation records, and the append-only consent history (no contact data in it, and the '
    'evidence of lawful contact before the erasure), which gains a refusal per channel with source "erasure".';

-- ---------------------------------------------------------------------------------------------
-- request_keys

CREATE TABLE request_keys (
    tenant_id       uuid        NOT NULL,
    -- The full RPC method, e.g. hearth.member.v1.MemberService/MergeMembers.
    method          text        NOT NULL CHECK (char_length(method) BETWEEN 1 AND 200),
    idempotency_key text        NOT NULL CHECK (octet_length(idempotency_key) BETWEEN 1 AND 200),
    -- Fingerprint of the serialized request: the same key with another request is refused.
    request_sha256  bytea       NOT NULL CHECK (octet_length(request_sha256) = 32),
    -- The serialized response of the first call; NULL while that call is still running.
    response        bytea,
    -- Members the response shows, so erasing one also forgets responses holding their data.
    member_ids      uuid[]      NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    PRIMARY KEY (tenant_id, method, idempotency_key),
    CONSTRAINT request_keys_completed_has_response CHECK ((response IS NULL) = (completed_at IS NULL)),
    FOREIGN KEY (tenant_id) REFERENCES tenants (tenant_id) ON DELETE CASCADE
);
COMMENT ON TABLE request_keys IS
    'Idempotency keys of writes: a retry with the same key and request within 24 hours gets the first response '
    'back instead of doing the work again. A key is claimed (response NULL) before the work and completed after it; '
    'a claim abandoned for 10 minutes (a crashed replica) may be taken over. Rows older than 24 hours are dead and '
    'are purged as new keys are claimed.';

CREATE INDEX request_keys_created_idx ON request_keys (tenant_id, created_at);

-- ---------------------------------------------------------------------------------------------
-- Finding members by email (LookupMember, duplicate detection, list queries by exact email)

CREATE INDEX members_email_idx ON members (tenant_id, email) WHERE email IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants

SELECT hearth_isolate_by_tenant('member_erasures', 'request_keys');

GRANT SELECT, INSERT ON member_erasures TO hearth_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON request_keys TO hearth_app;
