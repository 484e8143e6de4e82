package io.datapusher.worker.console;

import io.datapusher.worker.config.ApiToken;
import io.datapusher.worker.config.IngestConfig;
import jakarta.ws.rs.core.NewCookie;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's signed session: what it accepts, for how long, and what its cookie says. */
class ConsoleSessionTest {

    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void aSessionIsAcceptedUntilItExpiresAndNeverIsTheToken() {
        String value = session("s3cret-token", NOW, false).signIn("s3cret-token").orElseThrow();
        assertFalse(value.contains("s3cret-token"));
        assertTrue(session("s3cret-token", NOW.plus(Duration.ofHours(8)).minusSeconds(1), false).valid(value));
        assertFalse(session("s3cret-token", NOW.plus(Duration.ofHours(8)), false).valid(value));
    }

    @Test
    void aChangedTokenATamperedExpiryOrAWrongTokenIsRefused() {
        ConsoleSession sessions = session("s3cret-token", NOW, false);
        String value = sessions.signIn("s3cret-token").orElseThrow();
        assertFalse(session("another-token", NOW, false).valid(value), "a new token ends every session");
        String[] parts = value.split("\\.");
        assertFalse(sessions.valid("9999999999." + parts[1] + "." + parts[2]), "the expiry is signed");
        assertFalse(sessions.valid(value.substring(0, value.length() - 2)));
        assertFalse(sessions.valid(""));
        assertFalse(sessions.valid(null));
        assertEquals(Optional.empty(), sessions.signIn("s3cret-tokeN"));
        assertEquals(Optional.empty(), sessions.signIn(null));
    }

    @Test
    void eachSessionHasItsOwnCsrfToken() {
        ConsoleSession sessions = session("s3cret-token", NOW, false);
        String one = sessions.signIn("s3cret-token").orElseThrow();
        String two = sessions.signIn("s3cret-token").orElseThrow();
        assertNotEquals(sessions.csrfToken(one), sessions.csrfToken(two));
        assertTrue(sessions.csrfMatches(one, sessions.csrfToken(one)));
        assertFalse(sessions.csrfMatches(one, sessions.csrfToken(two)));
        assertFalse(sessions.csrfMatches(one, null));
        assertFalse(sessions.csrfMatches("forged.cookie.value", sessions.csrfToken("forged.cookie.value")),
                "a CSRF token only counts with a valid session");
    }

    @Test
    void theCookieIsHttpOnlyStrictAndSecureOverHttpsOrWhenConfigured() {
        NewCookie plain = session("t", NOW, false).cookie("v", false);
        assertTrue(plain.isHttpOnly());
        assertEquals(NewCookie.SameSite.STRICT, plain.getSameSite());
        assertFalse(plain.isSecure());
        assertTrue(session("t", NOW, false).cookie("v", true).isSecure());
        assertTrue(session("t", NOW, true).cookie("v", false).isSecure());
        assertEquals(0, session("t", NOW, false).expired(false).getMaxAge());
    }

    @Test
    void withoutATokenNobodySignsIn() {
        ConsoleSession closed = session("", NOW, false);
        assertFalse(closed.open());
        assertEquals(Optional.empty(), closed.signIn(""));
        assertFalse(closed.valid("1.2.3"));
    }

    private static ConsoleSession session(String token, Instant now, boolean alwaysSecure) {
        return new ConsoleSession(new ApiToken(config(token)), Duration.ofHours(8), alwaysSecure, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static IngestConfig config(String token) {
        return (IngestConfig) Proxy.newProxyInstance(IngestConfig.class.getClassLoader(), new Class<?>[]{IngestConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("apiToken")) {
                        return Optional.of(token);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
