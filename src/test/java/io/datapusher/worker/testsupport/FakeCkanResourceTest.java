package io.datapusher.worker.testsupport;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The test resource hands out the fake's URL and token and injects only {@code @InjectFakeCkan} fields. */
class FakeCkanResourceTest {

    static class Target {
        @InjectFakeCkan
        FakeCkan ckan;
        FakeCkan notAnnotated;
        @InjectFakeCkan
        String wrongType;
    }

    @Test
    void configAndInjection() throws Exception {
        FakeCkanResource resource = new FakeCkanResource();
        Map<String, String> config = resource.start();
        try {
            Target target = new Target();
            resource.inject((value, predicate) -> {
                for (Field f : Target.class.getDeclaredFields()) {
                    if (predicate.test(f)) {
                        f.setAccessible(true);
                        try {
                            f.set(target, value);
                        } catch (IllegalAccessException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            });
            assertNotNull(target.ckan);
            assertNull(target.notAnnotated);
            assertNull(target.wrongType);
            assertEquals(target.ckan.baseUrl(), config.get("ckan.url"));
            assertEquals(target.ckan.token(), config.get("ckan.api-token"));
            assertNotNull(config.get("ckan.api-token"));
        } finally {
            resource.stop();
        }
    }
}
