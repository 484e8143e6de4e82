package io.datapusher.worker.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.net.URI;
import java.util.Optional;

/**
 * Who may see the console. Without INGEST_API_TOKEN nobody: every page says how to set one and shows
 * nothing else. With it, the pages need a signed-in session ({@link ConsoleSession}); a GET without
 * one goes to the sign-in form, anything else is refused. Like the API's filter it asks which
 * resource class answers, so no spelling of a path slips past it.
 *
 * <p>Every console answer also tells the browser to run no script at all, load nothing from
 * elsewhere, never show the page in a frame (a button under someone else's page), keep no copy,
 * and send no referrer.
 */
@ApplicationScoped
public class ConsoleGate {

    static final String SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    private final ConsoleSession session;

    public ConsoleGate(ConsoleSession session) {
        this.session = session;
    }

    @ServerRequestFilter
    public Optional<Response> requireSession(ContainerRequestContext request, ResourceInfo resource) {
        if (!isConsole(resource)) {
            return Optional.empty();
        }
        if (!session.open()) {
            return Optional.of(Response.status(Response.Status.FORBIDDEN)
                    .entity(Pages.closed(Frame.signedOut("Console closed")).render()).type(MediaType.TEXT_HTML).build());
        }
        if (resource.getResourceClass() == ConsoleLogin.class) {
            return Optional.empty();
        }
        Cookie cookie = request.getCookies().get(ConsoleSession.COOKIE);
        if (cookie != null && session.valid(cookie.getValue())) {
            return Optional.empty();
        }
        if (HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod())) {
            return Optional.of(Response.seeOther(URI.create("/login")).build());
        }
        return Optional.of(Response.status(Response.Status.FORBIDDEN)
                .entity(Pages.login(Frame.signedOut("Sign in"), false).render()).type(MediaType.TEXT_HTML).build());
    }

    @ServerResponseFilter
    public void harden(ContainerResponseContext response, ResourceInfo resource) {
        if (isConsole(resource)) {
            MultivaluedMap<String, Object> headers = response.getHeaders();
            headers.putSingle("Content-Security-Policy", SECURITY_POLICY);
            headers.putSingle("X-Frame-Options", "DENY");
            headers.putSingle("X-Content-Type-Options", "nosniff");
            headers.putSingle("Referrer-Policy", "no-referrer");
            headers.putSingle("Cache-Control", "no-store");
        }
    }

    private static boolean isConsole(ResourceInfo resource) {
        Class<?> type = resource == null ? null : resource.getResourceClass();
        return type == ConsoleResource.class || type == ConsoleLogin.class;
    }
}
