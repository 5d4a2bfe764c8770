-- A person holds each builder scope once (two admins appointing at the same moment
-- cannot make a duplicate).
CREATE UNIQUE INDEX builder_roles_once ON builder_roles (user_id, network_id, COALESCE(locality_id, ''));
