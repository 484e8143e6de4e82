package io.datapusher.worker.console;

import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.net.URI;

/**
 * Signing in to the console with INGEST_API_TOKEN, the credential of the jobs API. The form needs
 * no CSRF token of its own: a forged sign-in would have to send the token, and whoever has it
 * needs no forgery.
 */
@Path("/login")
@Produces(MediaType.TEXT_HTML)
public class ConsoleLogin {

    private static final Logger LOG = Logger.getLogger(ConsoleLogin.class);

    private final ConsoleSession session;

    public ConsoleLogin(ConsoleSession session) {
        this.session = session;
    }

    @GET
    public Response form(@CookieParam(ConsoleSession.COOKIE) String cookie) {
        if (session.valid(cookie)) {
            return Response.seeOther(URI.create("/")).build();
        }
        return Response.ok(page(false)).build();
    }

    @POST
    public Response signIn(@FormParam("token") String token, @Context HttpServerRequest request) {
        return session.signIn(token)
                .map(value -> Response.seeOther(URI.create("/")).cookie(session.cookie(value, https(request))).build())
                .orElseGet(() -> {
                    // never the token: a typo of it is nearly the secret
                    LOG.warnf("Console: a sign-in with a wrong token was refused (from %s)", request.remoteAddress());
                    return Response.status(Response.Status.UNAUTHORIZED).entity(page(true)).build();
                });
    }

    private static TemplateInstance page(boolean failed) {
        return Pages.login(Frame.signedOut("Sign in"), failed);
    }

    /** Whether the request came over HTTPS (as Quarkus sees it, forwarded headers included when it is told to trust them). */
    static boolean https(HttpServerRequest request) {
        return "https".equalsIgnoreCase(request.scheme());
    }
}
