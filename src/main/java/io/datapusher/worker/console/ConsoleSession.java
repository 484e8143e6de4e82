package io.datapusher.worker.console;

import io.datapusher.worker.config.ApiToken;
import io.datapusher.worker.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.NewCookie;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The console's sign-in, kept in a cookie and nowhere else: {@code <expiry>.<nonce>.<signature>},
 * where the signature is an HMAC-SHA256 keyed with a key derived from INGEST_API_TOKEN
 * ({@link ApiToken#derivedKey}). The cookie is never the token itself, so a cookie that leaks
 * (a proxy log, a backup of a browser profile) is worth at most one session until its expiry, and
 * never opens {@code /api/*}.
 *
 * <p>Signed rather than kept in memory, so that every replica behind a load balancer accepts a
 * sign-in made on another and a restart signs nobody out; changing the token ends every session.
 * The price: sign-out clears the browser's cookie but cannot revoke a copy of it before its
 * expiry ({@code INGEST_CONSOLE_SESSION_TTL}, 8 hours by default).
 *
 * <p>Each session has its own CSRF token, an HMAC of the session value under a second derived key:
 * every form carries it in a hidden field and every POST is refused without it. A page of another
 * site can make a browser send the cookie (where SameSite is not honoured) but cannot read the token.
 */
@ApplicationScoped
public class ConsoleSession {

    public static final String COOKIE = "dpw_console";

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Optional<byte[]> sessionKey;
    private final Optional<byte[]> csrfKey;
    private final ApiToken token;
    private final Duration ttl;
    private final boolean alwaysSecure;
    private final Clock clock;

    @Inject
    public ConsoleSession(ApiToken token, IngestConfig config) {
        this(token, config.console().sessionTtl(), config.console().secureCookie(), Clock.systemUTC());
    }

    ConsoleSession(ApiToken token, Duration ttl, boolean alwaysSecure, Clock clock) {
        this.token = token;
        this.sessionKey = token.derivedKey("datapusher-worker console session");
        this.csrfKey = token.derivedKey("datapusher-worker console csrf");
        this.ttl = ttl;
        this.alwaysSecure = alwaysSecure;
        this.clock = clock;
    }

    /** Without INGEST_API_TOKEN there is no console: nobody can sign in. */
    public boolean open() {
        return token.configured();
    }

    /** A new session for whoever presented the token, or empty when it is not the token. */
    public Optional<String> signIn(String presentedToken) {
        if (!token.matches(presentedToken)) {
            return Optional.empty();
        }
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String payload = (clock.instant().getEpochSecond() + ttl.toSeconds()) + "." + HexFormat.of().formatHex(nonce);
        return Optional.of(payload + "." + sign(sessionKey.orElseThrow(), payload));
    }

    /** Whether the cookie is a session this token signed and it has not expired. */
    public boolean valid(String cookie) {
        if (cookie == null || sessionKey.isEmpty()) {
            return false;
        }
        int dot = cookie.lastIndexOf('.');
        if (dot < 0) {
            return false;
        }
        String payload = cookie.substring(0, dot);
        if (!constantTimeEquals(sign(sessionKey.get(), payload), cookie.substring(dot + 1))) {
            return false;
        }
        try {
            long expires = Long.parseLong(payload.substring(0, payload.indexOf('.')));
            return clock.instant().getEpochSecond() < expires;
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** The CSRF token of a valid session, for the hidden field of every form. */
    public String csrfToken(String cookie) {
        return sign(csrfKey.orElseThrow(), cookie);
    }

    /** Whether a POST carries its session's CSRF token. */
    public boolean csrfMatches(String cookie, String presented) {
        return valid(cookie) && presented != null && constantTimeEquals(csrfToken(cookie), presented);
    }

    /**
     * The cookie that carries a session: {@code HttpOnly} (no script reads it), {@code SameSite=Strict}
     * (no other site's link or form sends it), {@code Secure} over HTTPS or when configured so.
     */
    public NewCookie cookie(String value, boolean https) {
        return cookie(value, https, (int) ttl.toSeconds());
    }

    /** The cookie that ends a session in the browser. */
    public NewCookie expired(boolean https) {
        return cookie("", https, 0);
    }

    private NewCookie cookie(String value, boolean https, int maxAge) {
        return new NewCookie.Builder(COOKIE).value(value).path("/").maxAge(maxAge).httpOnly(true)
                .secure(https || alwaysSecure).sameSite(NewCookie.SameSite.STRICT).build();
    }

    private static String sign(byte[] key, String payload) {
        return BASE64.encodeToString(ApiToken.hmac(key, payload.getBytes(StandardCharsets.UTF_8)));
    }

    private static boolean constantTimeEquals(String expected, String presented) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
