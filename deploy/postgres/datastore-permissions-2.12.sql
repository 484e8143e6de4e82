-- Prepares a CKAN 2.12 DataStore database the way its `ckan datastore set-permissions` does, so
-- that CKAN and datapusher-worker find the same roles, privileges, views, functions and the
-- _table_stats cache. For CKAN 2.10 and 2.11 use datastore-permissions.sql instead.
--
-- Run as a superuser while connected to the DataStore database. Before running, replace the
-- tokens below by SQL identifiers (plain lower-case names, or double-quoted ones):
--   {datastoredb}  the DataStore database
--   {writeuser}    the role of ckan.datastore.write_url (owns every DataStore table)
--   {readuser}     the role of ckan.datastore.read_url (may only read)
-- CKAN's own script also grants CKAN's main database role access to public and revokes the read
-- role's CONNECT on CKAN's main database; those concern a database this file does not know, so
-- run CKAN's script for them where CKAN and the DataStore share a server.
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
-- CKAN decides whether a resource has a DataStore table by looking here. From 2.12 on, relations
-- whose name starts with "_" (CKAN's own helpers, staging tables) are not resources.
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
  AND NOT starts_with(dependee.relname, '_')
ORDER BY dependee.oid DESC;
ALTER VIEW public."_table_metadata" OWNER TO {writeuser};

-- Tables made before the trigger function existed get the zfulltext trigger now, as CKAN's
-- script does; "_" tables are CKAN's helpers, not resources.
DO $retrofit$
DECLARE
    missing record;
BEGIN
    FOR missing IN
        SELECT c.oid::regclass AS tbl
        FROM pg_class c
        WHERE c.relkind = 'r'
          AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'public')
          AND NOT starts_with(c.relname, '_')
          AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'zfulltext')
    LOOP
        EXECUTE format('CREATE TRIGGER zfulltext BEFORE INSERT OR UPDATE ON %s'
                       ' FOR EACH ROW EXECUTE PROCEDURE populate_full_text_trigger()', missing.tbl);
    END LOOP;
END;
$retrofit$;

-- The row count (and other statistics) CKAN 2.12 caches per table name; datastore_search reads
-- its "total" from here. CKAN deletes a table's row whenever it writes records to the table.
CREATE TABLE IF NOT EXISTS public."_table_stats" (
    resource_id name PRIMARY KEY,
    stats jsonb NOT NULL
);
ALTER TABLE public."_table_stats" OWNER TO {writeuser};

-- Counts the table's rows and stores the count, keeping any other statistics of the table.
CREATE OR REPLACE FUNCTION public.update_cached_table_row_count(table_name name) RETURNS bigint
LANGUAGE plpgsql AS $count$
DECLARE
    counted bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM public.%I', table_name) INTO counted;
    INSERT INTO public."_table_stats" (resource_id, stats)
    VALUES (table_name, jsonb_build_object('rows', counted))
    ON CONFLICT (resource_id) DO UPDATE
        SET stats = jsonb_set(public."_table_stats".stats, '{rows}', to_jsonb(counted));
    RETURN counted;
END;
$count$;
ALTER FUNCTION public.update_cached_table_row_count(name) OWNER TO {writeuser};

-- The cached row count, counted and cached first when there is none.
CREATE OR REPLACE FUNCTION public.cached_table_row_count(table_name name) RETURNS bigint
LANGUAGE plpgsql AS $cached$
DECLARE
    counted bigint;
BEGIN
    SELECT (s.stats -> 'rows')::bigint INTO counted FROM public."_table_stats" s WHERE s.resource_id = table_name;
    IF counted IS NULL THEN
        counted := public.update_cached_table_row_count(table_name);
    END IF;
    RETURN counted;
END;
$cached$;
ALTER FUNCTION public.cached_table_row_count(name) OWNER TO {writeuser};

-- What CKAN's calculate_record_count runs: fresh planner statistics, then the cached count.
CREATE OR REPLACE FUNCTION public.update_table_stats(table_name name) RETURNS boolean
LANGUAGE plpgsql AS $stats$
BEGIN
    EXECUTE format('ANALYZE public.%I', table_name);
    PERFORM public.cached_table_row_count(table_name);
    RETURN true;
END;
$stats$;
ALTER FUNCTION public.update_table_stats(name) OWNER TO {writeuser};

-- After everything above exists, so the read role can read the views and every existing table.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO {readuser};
