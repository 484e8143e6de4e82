package io.datapusher.worker.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * INGEST_API_TOKEN, the one credential of the jobs API and of the console. It is compared in
 * constant time and never handed out: what else needs a secret (the console's session signature)
 * gets a key derived from it, so changing the token also ends every console session.
 */
@ApplicationScoped
public class ApiToken {

    private final Optional<byte[]> expected;

    @Inject
    public ApiToken(IngestConfig config) {
        this(config.apiToken());
    }

    ApiToken(Optional<String> token) {
        this.expected = token.map(String::trim).filter(t -> !t.isEmpty()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    /** Without a token the API and the console are closed to everyone. */
    public boolean configured() {
        return expected.isPresent();
    }

    /** Whether {@code presented} is the token; false when none is configured. Constant time in the token's bytes. */
    public boolean matches(String presented) {
        byte[] given = presented == null ? new byte[0] : presented.trim().getBytes(StandardCharsets.UTF_8);
        return expected.isPresent() && MessageDigest.isEqual(expected.get(), given);
    }

    /**
     * HMAC-SHA256 of {@code purpose} keyed with the token: a key for one use that reveals nothing of
     * the token and differs per purpose. Empty when no token is configured.
     */
    public Optional<byte[]> derivedKey(String purpose) {
        return expected.map(token -> hmac(token, purpose.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
