package io.datapusher.worker.testsupport;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * Sends {@code Authorization: Bearer <the test profile's INGEST_API_TOKEN>} with every RestAssured
 * request of every {@code @QuarkusTest} that does not set its own Authorization header, so that tests
 * of the jobs API read as they did before it needed a token. Registered in {@code META-INF/services}.
 */
public class ApiTokenHeader implements QuarkusTestBeforeEachCallback {

    /** {@code %test.ingest.api-token} in application.properties. */
    public static final String TOKEN = "test-api-token";

    private static final Filter ADD_TOKEN = (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return context.next(request, response);
    };

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (!RestAssured.filters().contains(ADD_TOKEN)) {
            RestAssured.filters(ADD_TOKEN);
        }
    }
}
