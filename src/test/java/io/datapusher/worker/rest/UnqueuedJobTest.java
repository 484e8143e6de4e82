package io.datapusher.worker.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobKind;
import io.datapusher.worker.config.CkanConfig;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.repository.IngestJobRepository;
import io.datapusher.worker.service.IngestJobService;
import io.datapusher.worker.service.JobQueue;
import io.datapusher.worker.service.ResourceActions;
import io.datapusher.worker.service.WorkerIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("A job the broker never took ends failed, and its submitter is told to try again")
class UnqueuedJobTest {

    private static final String TOKEN = "sysadmin-token";
    private static final String CKAN = "http://ckan.example";

    /** Records what the resources ask of the jobs table, without a database. */
    static final class RecordedJobs extends IngestJobService {
        final List<String> calls = new ArrayList<>();
        final UUID jobId = UUID.randomUUID();

        RecordedJobs() {
            super(new IngestJobRepository(), new WorkerIdentity(), stub(IngestConfig.class, Map.of("heartbeatInterval", Duration.ofSeconds(10))));
        }

        @Override
        public Uni<IngestJob> createQueued(String resourceId, boolean ignoreHash, JobKind kind, boolean acceptDrift,
                                           boolean fullReload) {
            calls.add("created " + resourceId);
            return Uni.createFrom().item(IngestJob.queued(jobId, resourceId, ignoreHash, OffsetDateTime.now()));
        }

        @Override
        public Uni<IngestJob> createSubmitted(String resourceId, boolean ignoreHash, String jobKeyHash, String resultUrl,
                                              String metadataJson) {
            calls.add("created " + resourceId);
            IngestJob job = IngestJob.queued(jobId, resourceId, ignoreHash, OffsetDateTime.now());
            job.resultUrl = resultUrl;
            return Uni.createFrom().item(job);
        }

        @Override
        public Uni<Void> notQueued(UUID id, String reason) {
            calls.add("not queued " + id + ": " + reason);
            return Uni.createFrom().voidItem();
        }
    }

    private static final JobQueue BROKER_REFUSES = request -> Uni.createFrom().failure(new IllegalStateException("channel closed"));

    @Test
    void postJobAnswers503AndTheJobDoesNotStayQueued() throws Exception {
        RecordedJobs jobs = new RecordedJobs();
        DatapusherResource resource = new DatapusherResource(jobs, BROKER_REFUSES,
                stub(CkanConfig.class, Map.of("url", CKAN, "apiToken", Optional.of(TOKEN))));
        String body = new ObjectMapper().writeValueAsString(Map.of(
                "api_key", TOKEN, "job_type", "push_to_datastore", "result_url", CKAN + "/api/3/action/datapusher_hook",
                "metadata", Map.of("resource_id", "r-1", "ckan_url", CKAN)));

        Response answer = resource.submit(body).await().atMost(Duration.ofSeconds(5));

        assertEquals(503, answer.getStatus());
        assertTrue(String.valueOf(answer.getEntity()).contains("could not queue the job"), String.valueOf(answer.getEntity()));
        assertEquals(List.of("created r-1", "not queued " + jobs.jobId + ": channel closed"), jobs.calls);
    }

    @Test
    void postApiJobsAnswers503AndTheJobDoesNotStayQueued() {
        RecordedJobs jobs = new RecordedJobs();
        JobsResource resource = new JobsResource(jobs, new ResourceActions(jobs, BROKER_REFUSES, null), null);

        Response answer = resource.submit(new JobRequest("r-2", false, null, null, null)).await().atMost(Duration.ofSeconds(5));

        assertEquals(503, answer.getStatus());
        assertEquals(List.of("created r-2", "not queued " + jobs.jobId + ": channel closed"), jobs.calls);
    }

    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            if (!answers.containsKey(method.getName())) {
                throw new UnsupportedOperationException(method.getName());
            }
            return answers.get(method.getName());
        });
    }
}
