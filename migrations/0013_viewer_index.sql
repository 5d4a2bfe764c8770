-- Every signed-in request reads the viewer with their first membership (oldest first).
-- With this index that is one ordered index step; without it each request sorted the
-- user's memberships in a temporary b-tree.
CREATE INDEX memberships_user_created ON memberships (user_id, created_at, id);
