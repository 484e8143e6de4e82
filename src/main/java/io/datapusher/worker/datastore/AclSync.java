package io.datapusher.worker.datastore;

import io.datapusher.worker.datastore.LiveTableReader.AclEntry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Makes a new relation's privileges equal to a saved set. Default privileges already granted
 * something at CREATE; only the difference is revoked or granted, so nothing depends on what
 * the defaults happen to be. The write role itself is never revoked from: it owns the new relation,
 * and CKAN's datastore_upsert and datastore_create write through it, even when the saved set came
 * from a table another role owned.
 */
final class AclSync {

    private static final Set<String> PRIVILEGES = Set.of(
            "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN");

    private AclSync() {
    }

    static void apply(Connection connection, LiveTableReader reader, long oid, String qualifiedName,
                      List<AclEntry> wanted) throws SQLException {
        Map<Key, Boolean> want = index(wanted);
        Map<Key, Boolean> have = index(reader.acl(oid));
        String writeRole = Sql.quoteIdent(Jdbc.single(connection, "SELECT current_user", row -> row.getString(1)));
        for (Map.Entry<Key, Boolean> entry : have.entrySet()) {
            Key key = entry.getKey();
            if (key.grantee().equals(writeRole)) {
                continue;
            }
            Boolean wantedGrantable = want.get(key);
            if (wantedGrantable == null) {
                Jdbc.execute(connection, "REVOKE " + key.privilege() + " ON TABLE " + qualifiedName + " FROM " + key.grantee());
            } else if (entry.getValue() && !wantedGrantable) {
                Jdbc.execute(connection, "REVOKE GRANT OPTION FOR " + key.privilege() + " ON TABLE " + qualifiedName
                        + " FROM " + key.grantee());
            }
        }
        for (Map.Entry<Key, Boolean> entry : want.entrySet()) {
            Key key = entry.getKey();
            Boolean had = have.get(key);
            if (had == null || (entry.getValue() && !had)) {
                Jdbc.execute(connection, "GRANT " + key.privilege() + " ON TABLE " + qualifiedName + " TO " + key.grantee()
                        + (entry.getValue() ? " WITH GRANT OPTION" : ""));
            }
        }
    }

    private static Map<Key, Boolean> index(List<AclEntry> entries) {
        Map<Key, Boolean> byKey = new HashMap<>();
        for (AclEntry entry : entries) {
            if (!PRIVILEGES.contains(entry.privilege())) {
                // Privilege names go into SQL as keywords; anything unknown is not ours to touch.
                continue;
            }
            String grantee = entry.grantee() == null ? "PUBLIC" : Sql.quoteIdent(entry.grantee());
            byKey.merge(new Key(grantee, entry.privilege()), entry.grantable(), (a, b) -> a || b);
        }
        return byKey;
    }

    private record Key(String grantee, String privilege) {
        Key {
            Objects.requireNonNull(grantee);
        }
    }
}
