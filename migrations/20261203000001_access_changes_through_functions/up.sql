-- The application role cannot rewrite who may do what (issue 9, item 8).
--
-- `tasi_app` loses every direct write on users, grants and set-password links, and the read
-- of the links. Access changes go through the SECURITY DEFINER functions below, each of which
-- checks, in the database, that the acting user may make that change:
--   * the acting user is the one the application's unit of work names in the transaction
--     setting `tasi.actor` (their id), as it names the row-level-security scope in
--     `tasi.scope`;
--   * an admin change needs an enabled actor holding an admin grant that covers the
--     jurisdiction (a grant on `Timor-Leste` covers `Timor-Leste/Atauro/...`) and, for a
--     change to a user, covers every grant that user holds;
--   * a password change needs the actor to be that user (the application checked the
--     current password), or goes with the redemption of a set-password link
--     (`access.redeem_link`, which needs the link's lookup: the table cannot be listed); an
--     admin may only replace a password by the unusable marker.
-- The schemas' owner (imports, `tasi users add`) passes every check.
--
-- This is the same wall as row-level security: it trusts what the application states about
-- its caller and stops everything else (a direct UPDATE of a password hash, an INSERT of a
-- national admin grant, a grant outside the acting admin's subtree).

CREATE FUNCTION access.actor() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('tasi.actor', true), '')::uuid
$$;

-- True when the connection's login role owns the access schema (or is a superuser): the
-- system itself, never the application role (`tasi serve` refuses such a role).
CREATE FUNCTION access.is_system() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT pg_has_role(session_user, n.nspowner, 'USAGE')
                     FROM pg_catalog.pg_namespace n WHERE n.nspname = 'access'), false)
$$;

-- Whether the acting user is enabled and holds an admin grant covering `target`.
CREATE FUNCTION access.actor_administers(target text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT EXISTS (
        SELECT 1 FROM access.users u JOIN access.grants g ON g.user_id = u.id
        WHERE u.id = access.actor() AND NOT u.disabled AND g.role = 'admin'
          AND (target = g.jurisdiction_path
               OR starts_with(target, g.jurisdiction_path || '/')))
$$;

-- Whether the acting admin manages `target_user`: the user holds at least one grant and every
-- one lies in the actor's admin subtrees (the application's `manages`).
CREATE FUNCTION access.actor_manages(target_user uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT EXISTS (SELECT 1 FROM access.grants WHERE user_id = target_user)
       AND NOT EXISTS (SELECT 1 FROM access.grants
                       WHERE user_id = target_user
                         AND NOT access.actor_administers(jurisdiction_path))
$$;

CREATE FUNCTION access.refuse(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access change refused: %', what USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- A new user, without a usable password (they set one with a link).
CREATE FUNCTION access.insert_user(new_id uuid, new_email text, new_hash text, new_disabled boolean)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF NOT access.is_system() THEN
        IF NOT EXISTS (SELECT 1 FROM access.users u JOIN access.grants g ON g.user_id = u.id
                       WHERE u.id = access.actor() AND NOT u.disabled AND g.role = 'admin') THEN
            PERFORM access.refuse('adding a user needs an enabled admin');
        END IF;
        IF new_hash NOT LIKE '!%' THEN
            PERFORM access.refuse('a new user gets no password but through a link');
        END IF;
    END IF;
    INSERT INTO access.users (id, email, password_hash, is_admin, disabled)
    VALUES (new_id, new_email, new_hash, false, new_disabled);
END;
$$;

CREATE FUNCTION access.sync_is_admin(target_user uuid) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$
    UPDATE access.users SET is_admin = EXISTS
        (SELECT 1 FROM access.grants WHERE user_id = target_user AND role = 'admin')
    WHERE id = target_user
$$;

-- Grants `new_role` on `path` to `target_user` (a user without grants yet, or one the actor
-- manages); nothing when the grant exists.
CREATE FUNCTION access.add_grant(target_user uuid, new_role text, path text, by text)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF NOT access.is_system() THEN
        IF NOT access.actor_administers(path) THEN
            PERFORM access.refuse(format('granting on %s is outside the acting admin''s subtrees', path));
        END IF;
        IF EXISTS (SELECT 1 FROM access.grants WHERE user_id = target_user)
           AND NOT access.actor_manages(target_user) THEN
            PERFORM access.refuse('the user holds grants outside the acting admin''s subtrees');
        END IF;
    END IF;
    INSERT INTO access.grants (user_id, role, jurisdiction_path, granted_by)
    VALUES (target_user, new_role, path, by) ON CONFLICT DO NOTHING;
    PERFORM access.sync_is_admin(target_user);
END;
$$;

-- Removes one grant; false when it did not exist.
CREATE FUNCTION access.remove_grant(target_user uuid, old_role text, path text)
    RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    removed integer;
BEGIN
    IF NOT access.is_system() AND NOT access.actor_manages(target_user) THEN
        PERFORM access.refuse('the user holds grants outside the acting admin''s subtrees');
    END IF;
    DELETE FROM access.grants
    WHERE user_id = target_user AND role = old_role AND jurisdiction_path = path;
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM access.sync_is_admin(target_user);
    RETURN removed > 0;
END;
$$;

CREATE FUNCTION access.set_disabled(target_user uuid, new_disabled boolean)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF NOT access.is_system() AND NOT access.actor_manages(target_user) THEN
        PERFORM access.refuse('the user holds grants outside the acting admin''s subtrees');
    END IF;
    UPDATE access.users SET disabled = new_disabled WHERE id = target_user;
END;
$$;

-- Voids every session of `target_user` that started before `at`, and deletes their rows;
-- the number deleted. By the user themself, an admin who manages them, or a link redemption.
CREATE FUNCTION access.end_sessions(target_user uuid, at timestamptz)
    RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    ended bigint;
BEGIN
    IF NOT access.is_system() AND access.actor() IS DISTINCT FROM target_user
       AND NOT access.actor_manages(target_user) THEN
        PERFORM access.refuse('ending another user''s sessions');
    END IF;
    UPDATE access.users SET sessions_valid_after = at WHERE id = target_user;
    DELETE FROM access.sessions WHERE user_id = target_user;
    GET DIAGNOSTICS ended = ROW_COUNT;
    RETURN ended;
END;
$$;

CREATE FUNCTION access.set_password_hash(target_user uuid, new_hash text)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF NOT access.is_system()
       AND access.actor() IS DISTINCT FROM target_user
       AND NOT (new_hash LIKE '!%' AND access.actor_manages(target_user)) THEN
        PERFORM access.refuse('setting another user''s password');
    END IF;
    UPDATE access.users SET password_hash = new_hash WHERE id = target_user;
END;
$$;

CREATE FUNCTION access.store_link(new_lookup text, target_user uuid, new_secret_hash text,
                                  created timestamptz, expires timestamptz, by text)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF NOT access.is_system() AND NOT access.actor_manages(target_user) THEN
        PERFORM access.refuse('a link for a user the acting admin does not manage');
    END IF;
    INSERT INTO access.password_tokens (lookup, user_id, secret_hash, created_at, expires_at, created_by)
    VALUES (new_lookup, target_user, new_secret_hash, created, expires, by);
END;
$$;

CREATE FUNCTION access.drop_unused_links(target_user uuid)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF NOT access.is_system() AND access.actor() IS DISTINCT FROM target_user
       AND NOT access.actor_manages(target_user) THEN
        PERFORM access.refuse('dropping another user''s links');
    END IF;
    DELETE FROM access.password_tokens WHERE user_id = target_user AND used_at IS NULL;
END;
$$;

-- One link by its lookup (the 16 characters in the clear): the table cannot be listed.
CREATE FUNCTION access.link(wanted text)
    RETURNS TABLE (user_id uuid, secret_hash text, expires_at timestamptz,
                   used_at timestamptz, created_by text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT user_id, secret_hash, expires_at, used_at, created_by
    FROM access.password_tokens WHERE lookup = wanted
$$;

-- Redeems the link `wanted` when it is unused and unexpired at `at`, in one step: marks it
-- used, sets its user's password hash, drops their other unused links and ends their
-- sessions. One row (the user, the sessions ended), or none when the link was not valid.
CREATE FUNCTION access.redeem_link(wanted text, at timestamptz, new_hash text)
    RETURNS TABLE (user_id uuid, sessions_ended bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    redeemed uuid;
    ended bigint;
BEGIN
    UPDATE access.password_tokens t SET used_at = at
    WHERE t.lookup = wanted AND t.used_at IS NULL AND t.expires_at > at
    RETURNING t.user_id INTO redeemed;
    IF redeemed IS NULL THEN
        RETURN;
    END IF;
    UPDATE access.users SET password_hash = new_hash, sessions_valid_after = at
    WHERE id = redeemed;
    DELETE FROM access.password_tokens t WHERE t.user_id = redeemed AND t.used_at IS NULL;
    DELETE FROM access.sessions s WHERE s.user_id = redeemed;
    GET DIAGNOSTICS ended = ROW_COUNT;
    RETURN QUERY SELECT redeemed, ended;
END;
$$;

REVOKE INSERT, UPDATE, DELETE ON access.users, access.grants FROM tasi_app;
REVOKE ALL ON access.password_tokens FROM tasi_app;
REVOKE ALL ON FUNCTION access.actor(), access.is_system(), access.actor_administers(text),
    access.actor_manages(uuid), access.refuse(text),
    access.insert_user(uuid, text, text, boolean), access.sync_is_admin(uuid),
    access.add_grant(uuid, text, text, text), access.remove_grant(uuid, text, text),
    access.set_disabled(uuid, boolean), access.end_sessions(uuid, timestamptz),
    access.set_password_hash(uuid, text),
    access.store_link(text, uuid, text, timestamptz, timestamptz, text),
    access.drop_unused_links(uuid), access.link(text), access.redeem_link(text, timestamptz, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION access.actor(), access.is_system(), access.refuse(text),
    access.insert_user(uuid, text, text, boolean),
    access.add_grant(uuid, text, text, text), access.remove_grant(uuid, text, text),
    access.set_disabled(uuid, boolean), access.end_sessions(uuid, timestamptz),
    access.set_password_hash(uuid, text),
    access.store_link(text, uuid, text, timestamptz, timestamptz, text),
    access.drop_unused_links(uuid), access.link(text), access.redeem_link(text, timestamptz, text)
    TO tasi_app;
