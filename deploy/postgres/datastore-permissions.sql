-- Prepares a CKAN DataStore database the way `ckan datastore set-permissions` does, so that
-- CKAN and datapusher-worker find the same roles, privileges, view and trigger function.
--
-- Run as a superuser while connected to the DataStore database. Before running, replace the
-- tokens below by SQL identifiers (plain lower-case names, or double-quoted ones):
--   {datastoredb}  the DataStore database
--   {writeuser}    the role of ckan.datastore.write_url (owns every DataStore table)
--   {readuser}     the role of ckan.datastore.read_url (may only read)
-- Running it twice is harmless.

-- Nobody but the write role may create objects in public, and only the two DataStore roles use it.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE USAGE ON SCHEMA public FROM PUBLIC;

GRANT CREATE, USAGE ON SCHEMA public TO {writeuser};

GRANT CONNECT ON DATABASE {datastoredb} TO {writeuser};
GRANT CONNECT ON DATABASE {datastoredb} TO {readuser};
GRANT USAGE ON SCHEMA public TO {readuser};

-- Every table the write role creates later is readable by the read role without further grants.
ALTER DEFAULT PRIVILEGES FOR USER {writeuser} IN SCHEMA public GRANT SELECT ON TABLES TO {readuser};

-- Fills _full_text from every column whose name does not start with "_", unless the writer set
-- it itself. to_tsvector without a configuration uses the database's default_text_search_config.
CREATE OR REPLACE FUNCTION public.populate_full_text_trigger() RETURNS trigger
LANGUAGE plpgsql AS $fulltext$
BEGIN
    IF NEW._full_text IS NOT NULL THEN
        RETURN NEW;
    END IF;
    NEW._full_text := (
        SELECT to_tsvector(string_agg(value, ' '))
        FROM json_each_text(row_to_json(NEW.*))
        WHERE key NOT LIKE '\_%'
    );
    RETURN NEW;
END;
$fulltext$;
ALTER FUNCTION public.populate_full_text_trigger() OWNER TO {writeuser};

-- Lists the tables and views of public; alias_of is set for a view on the table it selects from.
-- CKAN decides whether a resource has a DataStore table by looking here.
CREATE OR REPLACE VIEW public."_table_metadata" AS
SELECT DISTINCT
    substr(md5(dependee.relname || COALESCE(dependent.relname, '')), 0, 17) AS "_id",
    dependee.relname AS name,
    dependee.oid AS oid,
    dependent.relname AS alias_of
FROM pg_class AS dependee
LEFT OUTER JOIN pg_rewrite AS rw ON rw.ev_class = dependee.oid
LEFT OUTER JOIN pg_depend AS dep ON dep.objid = rw.oid
LEFT OUTER JOIN pg_class AS dependent ON dep.refobjid = dependent.oid
WHERE (dependee.oid != dependent.oid OR dependent.oid IS NULL)
  AND dependee.relkind IN ('r', 'v')
  AND dependee.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'public')
ORDER BY dependee.oid DESC;
ALTER VIEW public."_table_metadata" OWNER TO {writeuser};

-- After the view exists, so the read role can read it as well as every existing table.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO {readuser};
