package io.datapusher.worker.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

import java.util.List;

/**
 * The console's templates, in {@code templates/console/}, checked against these parameters when
 * the application is built. They are HTML templates, so Qute escapes every value they print; none
 * of them uses raw output.
 */
@CheckedTemplate(basePath = "console")
final class Pages {

    private Pages() {
    }

    static native TemplateInstance login(Frame frame, boolean failed);

    static native TemplateInstance closed(Frame frame);

    static native TemplateInstance jobs(Frame frame, List<JobRow> jobs, List<String> statuses, String status, String resource);

    static native TemplateInstance job(Frame frame, JobPage page);

    static native TemplateInstance resource(Frame frame, String resourceId, List<JobRow> jobs, List<VersionRow> versions,
                                            String historyError);

    static native TemplateInstance followUps(Frame frame, List<FollowUpRow> followUps, String deadLetters, String parked);

    static native TemplateInstance notice(Frame frame, String back);
}
