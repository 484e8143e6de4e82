package io.datapusher.worker.datastore;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DatastoreConnectionsTest {

    @Test
    void parsesCkanWriteUrlWithPercentEncodedPasswordAndQuery() {
        DatastoreConnections c = DatastoreConnections.fromCkanUrl(
                "postgresql://ckan_write:p%40ss@db.example.org:6543/datastore_default?sslmode=require&connectTimeout=10");
        assertEquals("jdbc:postgresql://db.example.org:6543/datastore_default?sslmode=require&connectTimeout=10", c.jdbcUrl());
        assertEquals("ckan_write", c.user());
        assertEquals("p@ss", c.password());
    }

    @Test
    void acceptsPostgresSchemeAndDefaultsThePort() {
        DatastoreConnections c = DatastoreConnections.fromCkanUrl("postgres://u:pw@localhost/ds");
        assertEquals("jdbc:postgresql://localhost:5432/ds", c.jdbcUrl());
        assertEquals("u", c.user());
        assertEquals("pw", c.password());
    }

    @Test
    void acceptsSqlAlchemyDriverSuffix() {
        DatastoreConnections c = DatastoreConnections.fromCkanUrl("postgresql+psycopg2://writer:s3cret@10.0.0.5:5433/datastore");
        assertEquals("jdbc:postgresql://10.0.0.5:5433/datastore", c.jdbcUrl());
        assertEquals("writer", c.user());
    }

    @Test
    void decodesUserAndKeepsPlusAndUnencodedAtInPassword() {
        DatastoreConnections c = DatastoreConnections.fromCkanUrl("postgresql://us%3Aer:a+b@c%2Fd@h:1/db");
        assertEquals("us:er", c.user());
        assertEquals("a+b@c/d", c.password());
        assertEquals("jdbc:postgresql://h:1/db", c.jdbcUrl());
    }

    @Test
    void keepsIpv6HostsAndMovesQueryPasswordOutOfTheUrl() {
        DatastoreConnections c = DatastoreConnections.fromCkanUrl("postgresql://[::1]:5433/db?password=hidden&sslmode=disable");
        assertEquals("jdbc:postgresql://[::1]:5433/db?sslmode=disable", c.jdbcUrl());
        assertEquals("hidden", c.password());
        assertNull(c.user());
    }

    @Test
    void toStringNeverShowsThePassword() {
        DatastoreConnections c = DatastoreConnections.fromCkanUrl("postgresql://w:topsecret%21@h/db");
        assertEquals("topsecret!", c.password());
        assertFalse(c.toString().contains("topsecret"), c.toString());
    }

    @Test
    void rejectsOtherSchemesAndMissingDatabaseWithoutEchoingTheUrl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatastoreConnections.fromCkanUrl("mysql://u:topsecret@h/db"));
        assertFalse(e.getMessage().contains("topsecret"));
        assertThrows(IllegalArgumentException.class, () -> DatastoreConnections.fromCkanUrl("postgresql://u:topsecret@h"));
        assertThrows(IllegalArgumentException.class, () -> DatastoreConnections.fromCkanUrl("postgresql://u:p@h:notaport/db"));
    }
}
