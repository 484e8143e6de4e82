package io.datapusher.worker.service;

import io.datapusher.worker.testsupport.FakeCkanResource;
import io.datapusher.worker.testsupport.IngestTestEnvironment;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Temp files left by a killed process are removed once no running job owns them. */
@QuarkusTest
@QuarkusTestResource(IngestTestEnvironment.class)
@QuarkusTestResource(FakeCkanResource.class)
class TempFileSweeperTest {

    @Test
    void aTempFileOfAJobThatIsNotRunningIsRemoved() throws Exception {
        Path tmp = IngestTestEnvironment.tempDir();
        Path orphan = Files.writeString(tmp.resolve("dpw-" + UUID.randomUUID() + "-1234.download"), "half a file");
        Path unrelated = Files.writeString(tmp.resolve("not-ours-" + UUID.randomUUID()), "keep me");
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(orphan));
            assertTrue(Files.exists(unrelated));
        } finally {
            Files.deleteIfExists(orphan);
            Files.deleteIfExists(unrelated);
        }
    }
}
