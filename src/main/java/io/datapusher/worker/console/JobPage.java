package io.datapusher.worker.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datapusher.worker.IngestJob;
import io.datapusher.worker.StepRecord;
import io.datapusher.worker.datapusherapi.JobLog;
import io.datapusher.worker.followup.FollowUp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the page of one job shows: its steps with their times, the settings it used and where
 * each came from, the drift report, a preview's findings, and the upload log exactly as CKAN's
 * DataStore tab shows it ({@link JobLog}).
 */
public record JobPage(JobRow job, List<Step> steps, List<Setting> settings, List<Fact> drift, Preview preview,
                      List<LogLine> log, boolean retriable, boolean live) {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    public record Step(String step, String status, String started, String finished, String duration, String detail) {
    }

    public record Setting(String field, String value, String source) {
    }

    public record Fact(String name, String value) {
    }

    public record LogLine(String at, String level, String message) {
    }

    /** What a preview found: its facts, its columns, and its first rows under their column names. */
    public record Preview(List<Fact> facts, List<Fact> columns, List<String> header, List<List<String>> rows) {
    }

    static JobPage of(IngestJob job) {
        List<Step> steps = new ArrayList<>();
        for (StepRecord r : job.steps.items) {
            steps.add(new Step(Shown.text(r.step), Shown.text(r.status), Shown.time(r.startedAt), Shown.time(r.finishedAt),
                    r.durationMs == null ? "" : Shown.duration(Duration.ofMillis(r.durationMs)), Shown.text(r.detail)));
        }
        List<Setting> settings = new ArrayList<>();
        if (job.settings != null) {
            job.settings.forEach((field, entry) -> {
                if (entry instanceof Map<?, ?> setting) {
                    settings.add(new Setting(field, Shown.text(setting.get("value")), Shown.text(setting.get("source"))));
                }
            });
        }
        List<LogLine> log = JobLog.of(job).stream()
                .map(line -> new LogLine(line.at() == null ? "" : JobLog.timestamp(line.at()), line.level().name(), line.message()))
                .toList();
        return new JobPage(JobRow.of(job), steps, settings, facts(job.drift), preview(job.preview), log,
                FollowUp.retriableByHand(job), !job.status.isFinished());
    }

    private static Preview preview(Map<String, Object> preview) {
        if (preview == null) {
            return null;
        }
        Map<String, Object> rest = new LinkedHashMap<>(preview);
        List<Fact> columns = new ArrayList<>();
        if (rest.remove("columns") instanceof Collection<?> described) {
            for (Object column : described) {
                if (column instanceof Map<?, ?> c) {
                    columns.add(new Fact(Shown.text(c.get("id")), Shown.text(c.get("type"))));
                }
            }
        }
        List<String> header = columns.stream().map(Fact::name).toList();
        List<List<String>> rows = new ArrayList<>();
        if (rest.remove("first_rows") instanceof Collection<?> first) {
            for (Object row : first) {
                if (row instanceof Map<?, ?> cells) {
                    rows.add(header.stream().map(h -> Shown.text(cells.get(h))).toList());
                }
            }
        }
        return new Preview(facts(rest), columns, header, rows);
    }

    /** Each entry of a JSON object on a line of its own, nested values as compact JSON. */
    private static List<Fact> facts(Map<String, Object> map) {
        List<Fact> facts = new ArrayList<>();
        if (map != null) {
            map.forEach((name, value) -> facts.add(new Fact(name, json(value))));
        }
        return facts;
    }

    private static String json(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return Shown.text(value);
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return value.toString();
        }
    }
}
