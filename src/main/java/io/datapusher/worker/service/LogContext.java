package io.datapusher.worker.service;

import org.jboss.logging.MDC;

/**
 * Names the job in every log line written while it is handled ({@code job_id} and
 * {@code resource_id} in the MDC: in JSON logs they are fields, in plain logs they are shown), so
 * that a job's lines can be found by its id. {@link Offload} carries them onto worker threads.
 */
public final class LogContext {

    public static final String JOB_ID = "job_id";
    public static final String RESOURCE_ID = "resource_id";

    private LogContext() {
    }

    public static void of(String jobId, String resourceId) {
        if (resourceId != null) {
            MDC.put(RESOURCE_ID, resourceId);
        }
        if (jobId != null) {
            MDC.put(JOB_ID, jobId);
        }
    }

    public static void clear() {
        MDC.remove(JOB_ID);
        MDC.remove(RESOURCE_ID);
    }
}
