package io.datapusher.worker.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;
import java.util.UUID;

/**
 * Starts one {@link FakeCkan} for a Quarkus test run and points the service at it.
 *
 * <pre>
 * &#64;QuarkusTest
 * &#64;QuarkusTestResource(FakeCkanResource.class)
 * class SomeTest {
 *     &#64;InjectFakeCkan
 *     FakeCkan ckan;
 * }
 * </pre>
 *
 * Returns {@code ckan.url} (the fake's base URL) and {@code ckan.api-token} (a random token the fake
 * accepts as a sysadmin's). Tests should call {@link FakeCkan#reset()} in {@code @BeforeEach}: the
 * instance is shared by every test class that uses the same resources, so they share one Quarkus boot.
 */
public class FakeCkanResource implements QuarkusTestResourceLifecycleManager {

    private FakeCkan ckan;

    @Override
    public Map<String, String> start() {
        ckan = FakeCkan.start();
        String token = "test-sysadmin-token-" + UUID.randomUUID();
        ckan.token(token);
        return Map.of(
                "ckan.url", ckan.baseUrl(),
                "ckan.api-token", token);
    }

    @Override
    public void stop() {
        if (ckan != null) {
            ckan.close();
            ckan = null;
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(ckan,
                new TestInjector.AnnotatedAndMatchesType(InjectFakeCkan.class, FakeCkan.class));
    }
}
