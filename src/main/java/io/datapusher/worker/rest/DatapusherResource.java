package io.datapusher.worker.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datapusher.worker.config.CkanConfig;
import io.datapusher.worker.datapusherapi.JobDocument;
import io.datapusher.worker.datapusherapi.Secrets;
import io.datapusher.worker.datapusherapi.Submission;
import io.datapusher.worker.download.DownloadGuard;
import io.datapusher.worker.service.JobQueue;
import io.datapusher.worker.service.ResubmitRequest;
import io.datapusher.worker.service.IngestJobService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The DataPusher service API that CKAN's own {@code datapusher} plugin calls, so that a stock CKAN
 * drives the worker with {@code ckan.datapusher.url} pointing here. {@code POST /job} records the
 * job and publishes its resubmit message, and answers at once: the saga runs from the queue like
 * every other job, and the {@code datapusher_hook} callback reports its end. {@code GET /job/{id}}
 * feeds CKAN's DataStore tab. Errors are {@code {"error": "<text>"}}, which CKAN shows as they are.
 */
@Path("/job")
@Produces(MediaType.APPLICATION_JSON)
public class DatapusherResource {

    private static final Logger LOG = Logger.getLogger(DatapusherResource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** CKAN gives POST /job five seconds (ckan.requests.timeout); a slower answer leaves its task stuck. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(4);

    private final IngestJobService jobs;
    private final JobQueue queue;
    private final CkanConfig ckan;
    private final DownloadGuard ckanOrigin;

    public DatapusherResource(IngestJobService jobs, JobQueue queue, CkanConfig ckan) {
        this.jobs = jobs;
        this.queue = queue;
        this.ckan = ckan;
        this.ckanOrigin = new DownloadGuard(ckan.url(), false);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> submit(String body) {
        Submission submission;
        try {
            JsonNode json = body == null || body.isBlank() ? null : JSON.readTree(body);
            submission = Submission.parse(json, ckan.apiToken(), ckanOrigin::isCkanOrigin);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().item(error(Response.Status.BAD_REQUEST.getStatusCode(), "the body is not valid JSON"));
        } catch (Submission.Refused refused) {
            LOG.warnf("POST /job refused (%d): %s", refused.status(), refused.getMessage());
            return Uni.createFrom().item(error(refused.status(), refused.getMessage()));
        }
        String jobKey = Secrets.newJobKey();
        return jobs.createSubmitted(submission.resourceId(), submission.ignoreHash(), Secrets.digest(jobKey),
                        submission.resultUrl().orElse(null), submission.metadata().toString())
                .call(job -> jobs.enqueue(queue, new ResubmitRequest(job.resourceId, job.ignoreHash, job.jobId)))
                .map(job -> {
                    LOG.infof("Job %s of resource %s submitted by CKAN's datapusher plugin", job.jobId, job.resourceId);
                    ObjectNode document = JobDocument.of(job);
                    document.put("job_key", jobKey);
                    return Response.ok(document).build();
                })
                .ifNoItem().after(ANSWER_WITHIN).failWith(() -> new IllegalStateException(
                        "the jobs database or the broker did not answer within " + ANSWER_WITHIN.toSeconds() + " s"))
                .onFailure().recoverWithItem(e -> {
                    LOG.errorf("POST /job for resource %s could not be queued: %s", submission.resourceId(), e.getMessage());
                    return error(Response.Status.SERVICE_UNAVAILABLE.getStatusCode(),
                            "the worker could not queue the job, try again later: " + e.getMessage());
                });
    }

    @GET
    @Path("/{job_id}")
    public Uni<Response> status(@PathParam("job_id") String jobId, @HeaderParam(HttpHeaders.AUTHORIZATION) String jobKey) {
        UUID id;
        try {
            id = UUID.fromString(jobId);
        } catch (IllegalArgumentException notAJobId) {
            return Uni.createFrom().item(error(Response.Status.NOT_FOUND.getStatusCode(), "job_id not found"));
        }
        return jobs.find(id).map(job -> {
            if (job == null) {
                return error(Response.Status.NOT_FOUND.getStatusCode(), "job_id not found");
            }
            if (!Secrets.matchesDigest(jobKey, job.jobKeyHash)) {
                return error(Response.Status.FORBIDDEN.getStatusCode(), "not authorized");
            }
            return Response.ok(JobDocument.of(job)).build();
        });
    }

    private static Response error(int status, String message) {
        return Response.status(status).entity(Map.of("error", message)).type(MediaType.APPLICATION_JSON).build();
    }
}
