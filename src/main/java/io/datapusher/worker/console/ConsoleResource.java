package io.datapusher.worker.console;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.datastore.RestoreRefusedException;
import io.datapusher.worker.followup.FollowUp;
import io.datapusher.worker.service.BrokerQueues;
import io.datapusher.worker.service.IngestJobService;
import io.datapusher.worker.service.Offload;
import io.datapusher.worker.service.ResourceActions;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The console's pages and buttons. {@link ConsoleGate} lets nobody in without a signed-in session;
 * every button is a POST form that must carry the session's CSRF token. The buttons call the same
 * services as the jobs API ({@link ResourceActions}, {@link FollowUp#retryByHand}) and then show the
 * job they started.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    private static final Logger LOG = Logger.getLogger(ConsoleResource.class);
    static final int LIST_LIMIT = 100;
    /** How often the pages of running things reload themselves. */
    static final int REFRESH_SECONDS = 3;

    private final IngestJobService jobs;
    private final ResourceActions actions;
    private final FollowUp followUp;
    private final BrokerQueues queues;
    private final ConsoleSession session;

    public ConsoleResource(IngestJobService jobs, ResourceActions actions, FollowUp followUp, BrokerQueues queues,
                           ConsoleSession session) {
        this.jobs = jobs;
        this.actions = actions;
        this.followUp = followUp;
        this.queues = queues;
        this.session = session;
    }

    @GET
    public Uni<TemplateInstance> jobs(@QueryParam("status") String status, @QueryParam("resource") String resource,
                                      @CookieParam(ConsoleSession.COOKIE) String cookie) {
        Frame frame = frame(cookie, "Jobs").refreshingEvery(REFRESH_SECONDS);
        JobStatus wanted = null;
        if (status != null && !status.isBlank()) {
            try {
                wanted = JobStatus.fromId(status.trim());
            } catch (IllegalArgumentException unknown) {
                frame = frame.withNotice("There is no status \"" + status + "\"; all jobs are shown.");
            }
        }
        String resourceId = resource == null || resource.isBlank() ? null : resource.trim();
        Frame shown = frame;
        List<String> statuses = Arrays.stream(JobStatus.values()).map(JobStatus::id).toList();
        String statusShown = wanted == null ? "" : wanted.id();
        return jobs.search(resourceId, wanted, LIST_LIMIT)
                .map(found -> Pages.jobs(shown, found.stream().map(JobRow::of).toList(), statuses, statusShown,
                        resourceId == null ? "" : resourceId));
    }

    @GET
    @Path("jobs/{job_id}")
    public Uni<Response> job(@PathParam("job_id") String jobId, @CookieParam(ConsoleSession.COOKIE) String cookie) {
        Optional<UUID> id = parse(jobId);
        if (id.isEmpty()) {
            return Uni.createFrom().item(notice(cookie, Response.Status.NOT_FOUND, "There is no job " + jobId + ".", "/"));
        }
        return jobs.find(id.get()).map(job -> {
            if (job == null) {
                return notice(cookie, Response.Status.NOT_FOUND, "There is no job " + jobId + ".", "/");
            }
            JobPage page = JobPage.of(job);
            Frame frame = frame(cookie, "Job " + job.jobId);
            return Response.ok(Pages.job(page.live() ? frame.refreshingEvery(REFRESH_SECONDS) : frame, page)).build();
        });
    }

    @GET
    @Path("resources/{resource_id}")
    public Uni<TemplateInstance> resource(@PathParam("resource_id") String resourceId,
                                          @CookieParam(ConsoleSession.COOKIE) String cookie) {
        Frame frame = frame(cookie, "Resource " + resourceId);
        return jobs.search(resourceId, null, LIST_LIMIT).chain(found -> actions.history(resourceId)
                .map(versions -> Pages.resource(frame, resourceId, rows(found), versions.stream().map(VersionRow::of).toList(), ""))
                .onFailure().recoverWithItem(e -> Pages.resource(frame, resourceId, rows(found), List.of(),
                        "The DataStore database could not be read: " + e.getMessage())));
    }

    @GET
    @Path("follow-ups")
    public Uni<TemplateInstance> followUps(@CookieParam(ConsoleSession.COOKIE) String cookie) {
        Frame frame = frame(cookie, "Follow-ups").refreshingEvery(REFRESH_SECONDS * 2);
        return jobs.owingCkan(LIST_LIMIT).chain(owing -> Offload.blocking(() -> {
            List<FollowUpRow> rows = owing.stream().map(FollowUpRow::of).toList();
            try {
                BrokerQueues.Waiting waiting = queues.waiting();
                return Pages.followUps(frame, rows, Long.toString(waiting.deadLetters()), Long.toString(waiting.parked()));
            } catch (Exception e) {
                // the jobs still show when the broker is down
                String unknown = "unknown (the broker could not be asked: " + e.getMessage() + ")";
                return Pages.followUps(frame, rows, unknown, unknown);
            }
        }));
    }

    @POST
    @Path("resources/{resource_id}/restore")
    public Uni<Response> restore(@PathParam("resource_id") String resourceId, @FormParam("version") String version,
                                 @FormParam("csrf") String csrf, @CookieParam(ConsoleSession.COOKIE) String cookie) {
        if (!session.csrfMatches(cookie, csrf)) {
            return Uni.createFrom().item(forged(cookie));
        }
        String back = "/resources/" + resourceId;
        return actions.restore(resourceId, version == null || version.isBlank() ? null : version.trim())
                .map(job -> showJob(job))
                .onFailure(RestoreRefusedException.class).recoverWithItem(e -> notice(cookie,
                        ((RestoreRefusedException) e).reason() == RestoreRefusedException.Reason.UNKNOWN_VERSION
                                ? Response.Status.NOT_FOUND : Response.Status.CONFLICT,
                        "The restore was refused: " + e.getMessage(), back))
                .onFailure().recoverWithItem(e -> notice(cookie, Response.Status.SERVICE_UNAVAILABLE,
                        "The restore could not be queued, try again later: " + e.getMessage(), back));
    }

    @POST
    @Path("resources/{resource_id}/preview")
    public Uni<Response> preview(@PathParam("resource_id") String resourceId, @FormParam("csrf") String csrf,
                                 @CookieParam(ConsoleSession.COOKIE) String cookie) {
        if (!session.csrfMatches(cookie, csrf)) {
            return Uni.createFrom().item(forged(cookie));
        }
        return actions.preview(resourceId)
                .map(job -> showJob(job))
                .onFailure().recoverWithItem(e -> notice(cookie, Response.Status.SERVICE_UNAVAILABLE,
                        "The preview could not be queued, try again later: " + e.getMessage(), "/resources/" + resourceId));
    }

    @POST
    @Path("jobs/{job_id}/retry")
    public Uni<Response> retry(@PathParam("job_id") String jobId, @FormParam("csrf") String csrf,
                               @CookieParam(ConsoleSession.COOKIE) String cookie) {
        if (!session.csrfMatches(cookie, csrf)) {
            return Uni.createFrom().item(forged(cookie));
        }
        Optional<UUID> id = parse(jobId);
        if (id.isEmpty()) {
            return Uni.createFrom().item(notice(cookie, Response.Status.NOT_FOUND, "There is no job " + jobId + ".", "/follow-ups"));
        }
        return followUp.retryByHand(id.get()).map(outcome -> {
            if (!outcome.known()) {
                return notice(cookie, Response.Status.NOT_FOUND, "There is no job " + jobId + ".", "/follow-ups");
            }
            if (!outcome.started()) {
                return notice(cookie, Response.Status.CONFLICT, "Nothing to retry: " + outcome.why(), "/jobs/" + jobId);
            }
            return Response.seeOther(URI.create("/jobs/" + jobId)).build();
        });
    }

    @POST
    @Path("logout")
    public Response logout(@FormParam("csrf") String csrf, @CookieParam(ConsoleSession.COOKIE) String cookie,
                           @Context HttpServerRequest request) {
        if (!session.csrfMatches(cookie, csrf)) {
            return forged(cookie);
        }
        return Response.seeOther(URI.create("/login")).cookie(session.expired(ConsoleLogin.https(request))).build();
    }

    private Frame frame(String cookie, String title) {
        return new Frame(title, session.csrfToken(cookie), 0, "");
    }

    private static List<JobRow> rows(List<IngestJob> found) {
        return found.stream().map(JobRow::of).toList();
    }

    private static Response showJob(IngestJob job) {
        return Response.seeOther(URI.create("/jobs/" + job.jobId)).build();
    }

    /** A POST without its session's CSRF token: another site's form, or a page kept open past a new sign-in. */
    private Response forged(String cookie) {
        LOG.warn("Console: a POST without a valid CSRF token was refused");
        return notice(cookie, Response.Status.FORBIDDEN,
                "The form did not carry this session's security token, so nothing was done. Reload the page and try again.", "/");
    }

    private Response notice(String cookie, Response.Status status, String message, String back) {
        return Response.status(status).entity(Pages.notice(frame(cookie, status.getReasonPhrase()).withNotice(message), back))
                .type(MediaType.TEXT_HTML).build();
    }

    private static Optional<UUID> parse(String jobId) {
        try {
            return Optional.of(UUID.fromString(jobId));
        } catch (IllegalArgumentException notAJobId) {
            return Optional.empty();
        }
    }
}
