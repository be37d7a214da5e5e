/// The SQL of a member import, statement by statement. Every statement works on the whole
/// staging table at once; none runs per row. `$1` is the tenant unless a statement says otherwise.
enum MemberImportSQL {
    /// Holds the file's rows for the length of the import's transaction, then disappears.
    static let createStaging = """
        CREATE TEMP TABLE member_import (
            row_number     bigint  NOT NULL,
            display_name   text,
            phone          text,
            email          text,
            province       text,
            city           text,
            org_kind       text,
            tags           text[],
            interests      text[],
            source_channel text,
            vip_tier       smallint,
            lifecycle_stage text,
            wechat         text,
            qq             text,
            dingtalk       text,
            consent_sms    boolean,
            consent_im     boolean,
            consent_phone  boolean,
            member_id      uuid,
            is_new         boolean NOT NULL DEFAULT false,
            reject_field   text,
            reject_code    text,
            reject_reason  text
        ) ON COMMIT DROP;
        CREATE TEMP TABLE member_import_changed (member_id uuid PRIMARY KEY) ON COMMIT DROP;
        """

    static let copyColumns = """
        COPY member_import (row_number, display_name, phone, email, province, city, org_kind, tags, interests,
                            source_channel, vip_tier, lifecycle_stage, wechat, qq, dingtalk,
                            consent_sms, consent_im, consent_phone) FROM STDIN
        """

    /// The handle columns of the staging table, each named as the identity kind it holds.
    static let handleColumns = ["phone", "wechat", "qq", "dingtalk"]

    /// Refuses every row that repeats a handle of an earlier row of the file.
    static func duplicateInFile(_ column: String) -> String {
        """
        UPDATE member_import s
        SET reject_field = '\(column)', reject_code = 'duplicate_in_file',
            reject_reason = '\(column) ' || s.\(column) || ' is also on row ' || d.first_row
        FROM (SELECT \(column) AS handle, min(row_number) AS first_row FROM member_import
              WHERE \(column) IS NOT NULL GROUP BY \(column) HAVING count(*) > 1) d
        WHERE s.\(column) = d.handle AND s.row_number > d.first_row AND s.reject_code IS NULL
        """
    }

    /// Finds the member each row names, in one pass over the handles' index: the first of its
    /// handles (phone, then the IM ids) that someone holds decides, and a row whose handles name
    /// two different members is refused, since importing it would have to pick one
    /// (``explainIdentityConflicts`` then says which).
    static let match = """
        WITH hits AS (
            SELECT s.row_number, 1 AS priority, i.member_id
            FROM member_import s JOIN member_identities i ON i.tenant_id = $1 AND i.kind = 'phone' AND i.value = s.phone
            WHERE s.reject_code IS NULL
            UNION ALL
            SELECT s.row_number, 2, i.member_id
            FROM member_import s JOIN member_identities i ON i.tenant_id = $1 AND i.kind = 'wechat' AND i.value = s.wechat
            WHERE s.reject_code IS NULL
            UNION ALL
            SELECT s.row_number, 3, i.member_id
            FROM member_import s JOIN member_identities i ON i.tenant_id = $1 AND i.kind = 'qq' AND i.value = s.qq
            WHERE s.reject_code IS NULL
            UNION ALL
            SELECT s.row_number, 4, i.member_id
            FROM member_import s JOIN member_identities i ON i.tenant_id = $1 AND i.kind = 'dingtalk' AND i.value = s.dingtalk
            WHERE s.reject_code IS NULL
        ), matched AS (
            SELECT row_number, (array_agg(member_id ORDER BY priority))[1] AS member_id,
                   count(DISTINCT member_id) AS members
            FROM hits GROUP BY row_number
        )
        UPDATE member_import s
        SET member_id = m.member_id,
            reject_field = CASE WHEN m.members > 1 THEN 'identities' END,
            reject_code = CASE WHEN m.members > 1 THEN 'identity_conflict' END
        FROM matched m
        WHERE s.row_number = m.row_number
        """

    /// Says, for each row refused by ``match`` for naming two members, which handle belongs to whom.
    static let explainIdentityConflicts = """
        UPDATE member_import s
        SET reject_reason = 'the row names two members: ' || (
            SELECT string_agg(h.kind || ' ' || h.value || ' belongs to member ' || i.member_id, '; ' ORDER BY h.priority)
            FROM (VALUES (1, 'phone', s.phone), (2, 'wechat', s.wechat), (3, 'qq', s.qq), (4, 'dingtalk', s.dingtalk))
                AS h (priority, kind, value)
            JOIN member_identities i ON i.tenant_id = $1 AND i.kind = h.kind AND i.value = h.value)
        WHERE s.reject_code = 'identity_conflict'
        """

    /// Refuses a row matched by an IM id that brings a phone other than the member's own: an
    /// import does not silently swap a member's primary phone.
    static let phoneConflict = """
        UPDATE member_import s
        SET reject_field = 'phone', reject_code = 'phone_conflict',
            reject_reason = 'the row matches member ' || m.member_id || ', whose phone is ' || m.phone_e164
                || ', not ' || s.phone || '; change the phone on the member instead'
        FROM members m
        WHERE s.reject_code IS NULL AND s.phone IS NOT NULL AND m.tenant_id = $1 AND m.member_id = s.member_id
          AND m.phone_e164 IS NOT NULL AND m.phone_e164 <> s.phone
        """

    /// Refuses rows that name a member who can no longer change.
    static let deadMembers = """
        UPDATE member_import s
        SET reject_code = CASE WHEN m.erased_at IS NOT NULL THEN 'member_erased'
                               WHEN m.merged_into_member_id IS NOT NULL THEN 'member_merged'
                               ELSE 'member_deleted' END,
            reject_reason = CASE WHEN m.erased_at IS NOT NULL THEN 'the row names member ' || m.member_id || ', which was erased'
                                 WHEN m.merged_into_member_id IS NOT NULL THEN 'the row names member ' || m.member_id
                                     || ', which was merged into ' || m.merged_into_member_id
                                 ELSE 'the row names member ' || m.member_id || ', which is deleted; restore it first' END
        FROM members m
        WHERE s.reject_code IS NULL AND m.tenant_id = $1 AND m.member_id = s.member_id
          AND (m.deleted_at IS NOT NULL OR m.erased_at IS NOT NULL OR m.merged_into_member_id IS NOT NULL)
        """

    /// Refuses later rows that reach the same existing member through different handles.
    static let sameMemberTwice = """
        UPDATE member_import s
        SET reject_code = 'duplicate_in_file',
            reject_reason = 'the row names member ' || s.member_id || ', as row ' || d.first_row || ' does'
        FROM (SELECT member_id, min(row_number) AS first_row FROM member_import
              WHERE member_id IS NOT NULL AND reject_code IS NULL GROUP BY member_id HAVING count(*) > 1) d
        WHERE s.member_id = d.member_id AND s.row_number > d.first_row AND s.reject_code IS NULL
        """

    /// Refuses new members without a name, then gives the rest their ids. The ids are time-ordered
    /// (UUID version 7: the import's start in milliseconds, 40 random bits, then the row number), so
    /// a million new members land at the end of the members key instead of all over it, and every
    /// later check against that key finds its page already in memory.
    static let prepareNew = """
        UPDATE member_import SET reject_field = 'display_name', reject_code = 'name_missing',
            reject_reason = 'no member has this row''s phone or ids, and a new member needs a display name'
        WHERE member_id IS NULL AND reject_code IS NULL AND display_name IS NULL;
        WITH start AS (
            SELECT lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') AS millis,
                   replace(gen_random_uuid()::text, '-', '') AS random
        )
        UPDATE member_import
        SET member_id = (millis || '7' || substr(random, 1, 3) || '8' || substr(random, 4, 7)
                         || lpad(to_hex(row_number), 8, '0'))::uuid,
            is_new = true
        FROM start
        WHERE member_id IS NULL AND reject_code IS NULL;
        """

    /// `$2` is the source channel of rows that name none.
    static let insertNew = """
        INSERT INTO members (tenant_id, member_id, display_name, phone_e164, email, province, city, org_kind,
                             tags, interests, source_channel, vip_tier, lifecycle_stage)
        SELECT $1, member_id, display_name, phone, email, province, city, org_kind,
               coalesce(tags, '{}'), coalesce(interests, '{}'), coalesce(source_channel, $2),
               coalesce(vip_tier, 0), coalesce(lifecycle_stage, 'audience')
        FROM member_import WHERE is_new AND reject_code IS NULL
        """

    /// Writes the file's non-empty values over existing members, only where something differs;
    /// tags and interests are added to the member's, never taken away.
    static let updateExisting = """
        WITH proposed AS (
            SELECT m.member_id,
                   coalesce(s.display_name, m.display_name) AS display_name,
                   coalesce(m.phone_e164, s.phone) AS phone_e164,
                   coalesce(s.email, m.email) AS email,
                   coalesce(s.province, m.province) AS province,
                   coalesce(s.city, m.city) AS city,
                   coalesce(s.org_kind, m.org_kind) AS org_kind,
                   CASE WHEN s.tags IS NULL THEN m.tags
                        ELSE m.tags || ARRAY(SELECT t FROM unnest(s.tags) AS t WHERE t <> ALL (m.tags)) END AS tags,
                   CASE WHEN s.interests IS NULL THEN m.interests
                        ELSE m.interests || ARRAY(SELECT t FROM unnest(s.interests) AS t WHERE t <> ALL (m.interests))
                   END AS interests,
                   coalesce(s.source_channel, m.source_channel) AS source_channel,
                   coalesce(s.vip_tier, m.vip_tier) AS vip_tier,
                   coalesce(s.lifecycle_stage, m.lifecycle_stage) AS lifecycle_stage
            FROM member_import s JOIN members m ON m.tenant_id = $1 AND m.member_id = s.member_id
            WHERE NOT s.is_new AND s.reject_code IS NULL
        ), changed AS (
            UPDATE members m
            SET display_name = p.display_name, phone_e164 = p.phone_e164, email = p.email, province = p.province,
                city = p.city, org_kind = p.org_kind, tags = p.tags, interests = p.interests,
                source_channel = p.source_channel, vip_tier = p.vip_tier, lifecycle_stage = p.lifecycle_stage
            FROM proposed p
            WHERE m.tenant_id = $1 AND m.member_id = p.member_id
              AND (m.display_name, m.phone_e164, m.email, m.province, m.city, m.org_kind, m.tags, m.interests,
                   m.source_channel, m.vip_tier, m.lifecycle_stage)
                  IS DISTINCT FROM
                  (p.display_name, p.phone_e164, p.email, p.province, p.city, p.org_kind, p.tags, p.interests,
                   p.source_channel, p.vip_tier, p.lifecycle_stage)
            RETURNING m.member_id
        )
        INSERT INTO member_import_changed SELECT member_id FROM changed ON CONFLICT DO NOTHING
        """

    /// The handles of a staged row, one row per handle it names.
    private static let handlesOfRow = """
        CROSS JOIN LATERAL (VALUES ('phone', s.phone), ('wechat', s.wechat), ('qq', s.qq), ('dingtalk', s.dingtalk))
            AS h (kind, value)
        """

    /// Registers the handles of the new members. The matching above found none of them held, so
    /// this is a plain insert; a handle someone registered since then fails it with a unique
    /// violation, and the import is rolled back rather than left half-applied.
    static let insertNewIdentities = """
        INSERT INTO member_identities (tenant_id, kind, value, member_id)
        SELECT $1, h.kind, h.value, s.member_id
        FROM member_import s
        \(handlesOfRow)
        WHERE s.is_new AND s.reject_code IS NULL AND h.value IS NOT NULL
        """

    /// Adds the handles existing members do not hold yet (the ones they hold were matched above).
    static let insertExistingIdentities = """
        WITH added AS (
            INSERT INTO member_identities (tenant_id, kind, value, member_id)
            SELECT $1, h.kind, h.value, s.member_id
            FROM member_import s
            \(handlesOfRow)
            WHERE NOT s.is_new AND s.reject_code IS NULL AND h.value IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM member_identities i
                              WHERE i.tenant_id = $1 AND i.kind = h.kind AND i.value = h.value)
            ON CONFLICT DO NOTHING
            RETURNING member_id
        )
        INSERT INTO member_import_changed SELECT DISTINCT member_id FROM added
        ON CONFLICT DO NOTHING
        """

    /// The consent decisions of a staged row, one row per channel it decides.
    private static let consentsOfRow = """
        CROSS JOIN LATERAL (VALUES ('sms', s.consent_sms), ('im', s.consent_im), ('phone', s.consent_phone))
            AS c (channel, granted)
        """

    /// Records the new members' consent decisions: they have none yet, so nothing can conflict.
    static let insertNewConsents = """
        INSERT INTO member_consents (tenant_id, member_id, channel, granted, source)
        SELECT $1, s.member_id, c.channel, c.granted, 'import'
        FROM member_import s
        \(consentsOfRow)
        WHERE s.is_new AND s.reject_code IS NULL AND c.granted IS NOT NULL
        """

    /// Records existing members' consent decisions. Opt-out wins: an import records a grant only
    /// where the member has no decision yet, and never turns a refusal into a grant; decisions
    /// that would change nothing are left out before they reach the table.
    static let writeExistingConsents = """
        WITH wanted AS (
            SELECT s.member_id, c.channel, c.granted
            FROM member_import s
            \(consentsOfRow)
            WHERE NOT s.is_new AND s.reject_code IS NULL AND c.granted IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM member_consents mc
                              WHERE mc.tenant_id = $1 AND mc.member_id = s.member_id AND mc.channel = c.channel
                                AND (NOT mc.granted OR mc.granted = c.granted))
        ), written AS (
            INSERT INTO member_consents (tenant_id, member_id, channel, granted, source)
            SELECT $1, member_id, channel, granted, 'import' FROM wanted
            ON CONFLICT (tenant_id, member_id, channel) DO UPDATE
                SET granted = false, source = 'import', operator_id = NULL, changed_at = now()
                WHERE member_consents.granted AND NOT excluded.granted
            RETURNING member_id
        )
        INSERT INTO member_import_changed SELECT DISTINCT member_id FROM written
        ON CONFLICT DO NOTHING
        """

    static let counts = """
        SELECT count(*) FILTER (WHERE is_new AND reject_code IS NULL),
               count(*) FILTER (WHERE NOT is_new AND reject_code IS NULL),
               (SELECT count(*) FROM member_import_changed)
        FROM member_import
        """

    /// A page of refused rows after row `$1`, in file order.
    static let rejectedAfter = """
        SELECT row_number, reject_field, reject_code, reject_reason FROM member_import
        WHERE reject_code IS NOT NULL AND row_number > $1 ORDER BY row_number LIMIT 5000
        """
}
