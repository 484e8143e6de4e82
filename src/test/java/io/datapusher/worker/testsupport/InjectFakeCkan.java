package io.datapusher.worker.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link FakeCkan} field of a {@code @QuarkusTest} that uses {@link FakeCkanResource}: the
 * running fake is injected into it before each test.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectFakeCkan {
}
