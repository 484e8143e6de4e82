package io.datapusher.worker;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@DisplayName("A backoff waits its first delay after one failure, doubles after each further one, and stops at its cap")
class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    @Test
    void doublesFromTheFirstDelayUpToTheCap() {
        assertEquals(List.of(100L, 100L, 200L, 400L, 800L, 1600L, 2000L, 2000L),
                IntStream.rangeClosed(0, 7).mapToObj(failures -> backoff.after(failures).toMillis()).toList());
    }

    @Test
    void aVeryLongRunOfFailuresStaysAtTheCapWithoutOverflowing() {
        assertEquals(Duration.ofSeconds(2), backoff.after(Long.MAX_VALUE));
    }

    @Test
    void aCapBelowTheFirstDelayOrANonPositiveDelayIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
    }
}
