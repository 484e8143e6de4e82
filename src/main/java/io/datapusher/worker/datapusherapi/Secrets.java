package io.datapusher.worker.datapusherapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The two secrets of the protocol. The {@code api_key} CKAN sends must equal the worker's own
 * CKAN_API_TOKEN; the {@code job_key} the worker hands back lets CKAN read its job. Both are
 * compared through their SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken says
 * nothing about how much of a guess was right, and the job key is stored only as its digest.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** A fresh job key: 256 random bits, hex. */
    public static String newJobKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    /** What is stored of a job key. */
    public static String digest(String secret) {
        return HexFormat.of().formatHex(sha256(secret));
    }

    /** Whether {@code presented} is the secret whose digest is {@code storedDigest}. */
    public static boolean matchesDigest(String presented, String storedDigest) {
        if (presented == null || storedDigest == null) {
            return false;
        }
        return MessageDigest.isEqual(digest(presented).getBytes(StandardCharsets.US_ASCII),
                storedDigest.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether two secrets are equal, in time that does not depend on where they differ. */
    public static boolean same(String presented, String expected) {
        if (presented == null || expected == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presented), sha256(expected));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
