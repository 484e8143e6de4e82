package io.datapusher.worker.messaging;

import io.datapusher.worker.service.ResubmitRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResubmitParserTest {

    private static ResubmitRequest parse(String body) throws Exception {
        return ResubmitParser.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String reason(String body) {
        return assertThrows(ResubmitParser.InvalidMessageException.class, () -> parse(body)).getMessage();
    }

    @Test
    void aMinimalBodyNeedsOnlyTheResourceId() throws Exception {
        ResubmitRequest request = parse("{\"resource_id\": \"abc\"}");
        assertEquals("abc", request.resourceId());
        assertFalse(request.ignoreHash());
        assertNull(request.jobId());
    }

    @Test
    void ignoreHashAndJobIdAreReadAndUnknownFieldsIgnored() throws Exception {
        UUID job = UUID.randomUUID();
        ResubmitRequest request = parse("{\"resource_id\":\"abc\",\"ignore_hash\":true,\"job_id\":\"" + job + "\",\"x\":1}");
        assertTrue(request.ignoreHash());
        assertEquals(job, request.jobId());
    }

    @Test
    void everyUnprocessableBodyIsRefusedWithASpecificReason() {
        assertTrue(reason("not json").startsWith("body is not JSON"));
        assertEquals("body is not a JSON object", reason("[1, 2]"));
        assertEquals("body has no resource_id string", reason("{\"ignore_hash\": true}"));
        assertEquals("body has no resource_id string", reason("{\"resource_id\": 12}"));
        assertEquals("body has no resource_id string", reason("{\"resource_id\": \"  \"}"));
        assertEquals("ignore_hash must be true or false", reason("{\"resource_id\": \"a\", \"ignore_hash\": \"yes\"}"));
        assertEquals("job_id is not a UUID", reason("{\"resource_id\": \"a\", \"job_id\": \"42\"}"));
        assertTrue(reason("").startsWith("body is not"));
    }
}
