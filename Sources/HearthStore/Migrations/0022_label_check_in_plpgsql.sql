-- 0022: the label check behind every tags and interests column, in PL/pgSQL. As a SQL function with
-- a subquery it could not be inlined, and each call cost about 7 microseconds: twice per member row
-- on every insert and update, which was a fifth of a million-row import and of a full scores run.
-- Same rule: 1 to 64 characters each, no NULL elements, at most 256 labels.
CREATE OR REPLACE FUNCTION hearth_valid_labels(labels text[]) RETURNS boolean
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
DECLARE
    label text;
BEGIN
    IF labels IS NULL OR cardinality(labels) > 256 THEN
        RETURN false;
    END IF;
    FOREACH label IN ARRAY labels LOOP
        IF label IS NULL OR char_length(label) NOT BETWEEN 1 AND 64 THEN
            RETURN false;
        END IF;
    END LOOP;
    RETURN true;
END
$$;
